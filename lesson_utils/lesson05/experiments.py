"""Lesson 05's open experiments (see ``lesson_utils.experiments``)."""

from __future__ import annotations

import numpy as np

from ..experiments import Experiment, Outcome

EPS = 1e-6
"""The nudge of the gradient check."""
APART = 0.1
"""How far the centred difference and relu_backward must disagree."""


def _number(value) -> float | None:
    """``value`` as a finite float, or None."""
    if isinstance(value, bool | str) or np.ndim(value) != 0:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def _relu_kink(z0) -> Outcome:
    z = _number(z0)
    if z is None:
        return Outcome(False, f"z0 must be one finite number; {z0!r} is not.")
    numerical = (max(z + EPS, 0.0) - max(z - EPS, 0.0)) / (2 * EPS)
    analytic = 1.0 if z > 0 else 0.0
    said = f"At z0 = {z:g} the centred difference gives {numerical:.4f} and the exact gradient is {analytic:g}"
    if z == 0:
        return Outcome(False, f"{said}: that is the kink itself. Find a z0 that is not exactly 0 where the two "
                              f"still disagree by more than {APART}.")
    if abs(numerical - analytic) > APART:
        return Outcome(True, f"{said}: z0 is so close to the kink that z0 - eps and z0 + eps lie on both sides "
                             "of it.")
    return Outcome(False, f"{said}: they agree to within {APART}. How close to the kink must z0 be before the two "
                          "nudged points fall on both sides of it?")


EXPERIMENTS = (
    Experiment(
        "eps_too_small",
        title="a nudge too small",
        prompt="Add 1e-8, 1e-10 and 1e-12 to the list of `eps` in the table above and run it again. What happens "
               "to the centred error as `eps` shrinks that far, and why? Write what you found in the box.",
        look_for="the centred error grows again: about 2.6e-09 at $\\varepsilon = 10^{-8}$, 5.8e-08 at $10^{-10}$ "
                 "and 1.2e-05 at $10^{-12}$, worse than at $10^{-2}$. $f(x + \\varepsilon)$ and $f(x - "
                 "\\varepsilon)$ are each rounded to about 16 significant digits, so their difference carries an "
                 "error near $10^{-16}$, and dividing by $2\\varepsilon$ magnifies it: the smaller $\\varepsilon$, "
                 "the larger the rounding error, while the error of order $\\varepsilon^2$ has long become "
                 "negligible. Between $10^{-6}$ and $10^{-5}$ the two balance, which is why the default is "
                 "$10^{-6}$.",
    ),
    Experiment(
        "wrong_cache",
        title="a backward pass fed the wrong cache",
        prompt="Copy `two_layer_grads` into a new cell and give the second layer's `linear_backward` the "
               "pre-activation `z1` instead of its real input `h`, a classic slip. Run `gradient_check` on the "
               "gradients it returns. Which parameters fail, and why only those? Write what you found in the box.",
        look_for="only dW2 fails, with a relative error of about 6.3e-01 and no simple ratio to name; dW1, db1 and "
                 "db2 stay below 1e-8. Of the second layer's gradients only dW2 uses the layer's input, "
                 "$X^\\top\\,\\text{dout}$; dh and db2 do not, so everything below the layer is still right. The "
                 "two inputs differ wherever $z_1 < 0$ (about half of its entries here), where $h$ is 0. A check "
                 "per parameter points at the one line that is wrong.",
    ),
    Experiment(
        "relu_kink",
        title="fool the gradient check",
        prompt="Find an input `z0`, not exactly 0, at which the centred difference of ReLU with `eps = 1e-6` and "
               "your `relu_backward` disagree by more than 0.1. How close to the kink must it be?",
        look_for="within $\\varepsilon$ of 0: for $|z_0| < \\varepsilon$ the points $z_0 - \\varepsilon$ and "
                 "$z_0 + \\varepsilon$ fall on both sides of the kink, and the centred difference gives "
                 "$(z_0 + \\varepsilon) / 2\\varepsilon$, anywhere between 0 and 1, while the true gradient is 0 or 1. "
                 "They disagree by more than 0.1 for $|z_0| < 0.8\\,\\varepsilon$, less than a millionth. Your "
                 "backward pass is right there; the numerical gradient is what is off.",
        judge=_relu_kink,
    ),
)
