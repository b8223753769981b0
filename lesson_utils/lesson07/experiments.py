"""Lesson 07's open experiments (see ``lesson_utils.experiments``).

The patience judge reads section 7's noisy curve from :func:`lesson_utils.lesson07.data.noisy_curve` and finds
where a stopper would stop from the curve's running minimum (``min_delta`` 0), without a stopper of its own.
"""

from __future__ import annotations

import numpy as np

from ..experiments import Experiment, Outcome
from .data import noisy_curve

CURVE_SEED, CURVE_EPOCHS = 3, 200
"""Section 7's curve: ``noisy_curve(np.random.default_rng(3), 200)``."""


def _curve() -> np.ndarray:
    return np.array(noisy_curve(np.random.default_rng(CURVE_SEED), CURVE_EPOCHS))


def stop_and_restore(curve: np.ndarray, patience: int) -> tuple[int | None, int]:
    """With ``min_delta`` 0: the epoch at which ``patience`` epochs in a row have brought no new best (``None`` if
    the curve ends first), and the epoch of the best loss up to then."""
    epochs = np.arange(len(curve))
    best_before = np.concatenate([[np.inf], np.minimum.accumulate(curve)[:-1]])
    new_best = curve < best_before
    last_best = np.maximum.accumulate(np.where(new_best, epochs, -1))
    stops = np.flatnonzero(epochs - last_best >= patience)
    stop = int(stops[0]) if len(stops) else None
    return stop, int(last_best[-1 if stop is None else stop])


def _patience_for_minimum(patience) -> Outcome:
    try:
        value = float(patience)
    except (TypeError, ValueError):
        return Outcome(False, f"Give patience as one whole number of epochs (you gave {patience!r}).")
    if not np.isfinite(value) or value != int(value) or value < 1:
        return Outcome(False, f"Patience is a whole number of epochs, 1 or more; {patience!r} is not.")
    patience = int(value)
    curve = _curve()
    minimum = int(np.argmin(curve))
    stop, restored = stop_and_restore(curve, patience)
    if restored != minimum:
        return Outcome(False, f"With patience {patience} the stopper stops at epoch {stop} and restores epoch "
                              f"{restored} (val loss {curve[restored]:.4f}), before the true minimum: it gives up "
                              "too soon.")
    smaller_stop, smaller_restored = stop_and_restore(curve, patience - 1)
    if smaller_restored == minimum:
        where = "never stops" if stop is None else f"stops only at epoch {stop}"
        return Outcome(False, f"With patience {patience} the stopper restores epoch {minimum}, the true minimum, "
                              f"but {where}: a smaller patience finds it too, with fewer epochs spent.")
    return Outcome(True, f"With patience {patience} the stopper restores epoch {minimum}, the true minimum, and "
                         f"stops at epoch {stop}; with patience {patience - 1} it would stop at epoch "
                         f"{smaller_stop}.")


EXPERIMENTS = (
    Experiment(
        "more_data",
        title="more data against overfitting",
        prompt="Give the degree-15 polynomial more data: make more points with `make_sine_data(n=..., noise=0.3, "
               "seed=7)`, split them in half with your `train_val_split`, and call `plot_capacity` on them. How "
               "many points does it take before degree 15 stops overfitting, and why does that help? Write what "
               "you found in the box.",
        look_for="at n = 400 (200 training points) degree 15 hardly overfits. On the split the lesson uses "
                 "(`rng.permutation` from `np.random.default_rng(0)`) it scores train 0.083 and val 0.091, against "
                 "0.080 for the sine itself, and on the splits of seeds 0 to 49 its validation loss is never more "
                 "than 0.05 above the sine's; at the lesson's 40 points it was 64.765. With many more points than "
                 "its 16 weights, a bend towards one point's noise costs the polynomial on the points around it, so "
                 "it follows the pattern: more data is a regulariser.",
    ),
    Experiment(
        "patience_for_minimum",
        title="just enough patience",
        prompt="On the noisy curve above, find the smallest `patience` (with `min_delta` 0) at which your stopper "
               "restores the curve's true minimum, epoch 66. Set `patience_try` below and run the cell until the "
               "check agrees.",
        look_for="patience 15. The loss of epoch 34, 0.3092, is a lucky dip of the noise, and no epoch beats it "
                 "until epoch 49, 15 epochs later: any less patience stops on that dip. The patience a curve needs "
                 "is its longest wait for a new best before the minimum, and you only learn that afterwards, which "
                 "is why patience is set with room to spare.",
        judge=_patience_for_minimum,
    ),
)
