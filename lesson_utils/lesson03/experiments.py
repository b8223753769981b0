"""Lesson 03's open experiments (see ``lesson_utils.experiments``)."""

from __future__ import annotations

import numpy as np

from ..experiments import Experiment, Outcome, one_number

WORKED_X = np.array([1.0, 2.0, 3.0])
WORKED_Y = np.array([2.0, 4.0, 6.0])
"""The worked example: three points on y = 2x."""

FOUR_X = np.array([1.0, 2.0, 3.0, 4.0])
FOUR_Y = np.array([2.0, 4.0, 6.0, 8.0])
"""The four points of the loop, from w = b = 0 (loss 30)."""

FAST = 10
"""Diverging "in fewer than 10 steps": the loss is inf or NaN after at most 9 steps."""
LONG = 2_000
"""How far a run is followed to say when it would overflow."""




def _grads(w: float, b: float) -> tuple[float, float]:
    error = w * WORKED_X + b - WORKED_Y
    return float(np.mean(2 * error * WORKED_X)), float(np.mean(2 * error))


def _moves(gradient: float) -> str:
    return "lowers" if gradient > 0 else "raises" if gradient < 0 else "does not move"


def _rotate_the_line(w, b) -> Outcome:
    w_, b_ = one_number(w), one_number(b)
    if w_ is None or b_ is None:
        return Outcome(False, f"w and b must be two finite numbers; you gave w = {w!r}, b = {b!r}.")
    dw, db = _grads(w_, b_)
    where = f"At w = {w_:g}, b = {b_:g}: dw = {dw:.3f}, db = {db:.3f}"
    if dw == 0 and db == 0:
        return Outcome(False, f"{where}. This is the best line and nothing moves: try a line that is wrong.")
    if dw > 0 and db < 0:
        return Outcome(True, f"{where}, so the step lowers w and raises b: the line is too low on average but too "
                             "high where x is large, and the step turns it.")
    return Outcome(False, f"{where}, so the step {_moves(dw)} w and {_moves(db)} b. Look at the errors y_hat - y "
                          "at x = 1, 2, 3: what pattern has a negative mean but a positive mean when weighted by x?")


def _four_point_losses(lr: float, steps: int) -> list[float]:
    """The losses before each of ``steps`` steps of gradient descent on the four points, as fit_linear records them."""
    w = b = 0.0
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            error = w * FOUR_X + b - FOUR_Y
            losses.append(float(np.mean(error**2)))
            dw, db = float(np.mean(2 * error * FOUR_X)), float(np.mean(2 * error))
            w, b = w - lr * dw, b - lr * db
    return losses


def _first_overflow(losses: list[float]) -> int | None:
    return next((i for i, loss in enumerate(losses) if not np.isfinite(loss)), None)


def _diverge_fast(lr) -> Outcome:
    rate = one_number(lr)
    if rate is None or rate <= 0:
        return Outcome(False, f"A learning rate is a positive number; {lr!r} is not.")
    losses = _four_point_losses(rate, FAST)
    bad = _first_overflow(losses)
    if bad is not None:
        growth = f": each step multiplied it by about {losses[bad - 1] / losses[bad - 2]:.2g}" if bad >= 3 else ""
        steps = "1 step" if bad == 1 else f"{bad} steps"
        return Outcome(True, f"With lr = {rate:g} the loss is {losses[bad]} after {steps}{growth}.")
    last = losses[-1]
    if last <= losses[0]:
        return Outcome(False, f"With lr = {rate:g} the loss falls, from {losses[0]:g} to {last:.3g} after "
                              f"{FAST - 1} steps: this learning rate converges. Raise it past the edge, and then "
                              "further.")
    growth = last / losses[-2]
    later = _first_overflow(_four_point_losses(rate, LONG))
    when = (f"it first overflows after {later} steps" if later is not None
            else f"it would take more than {LONG:,} steps to overflow")
    return Outcome(False, f"With lr = {rate:g} the loss grows about {growth:.3g}-fold per step but is still finite "
                          f"after {FAST - 1} steps ({last:.3g}); {when}. How large a factor per step gets from "
                          f"{losses[0]:g} past 1.8e308 in {FAST - 1} steps?")


EXPERIMENTS = (
    Experiment(
        "rotate_the_line",
        title="a step that turns the line",
        prompt="Find a line (`w`, `b`) for the worked example at which one step of gradient descent lowers `w` "
               "but raises `b`. Before you try, think: how must such a line be wrong?",
        look_for="$b$ goes up when the line is too low on average (the mean error is negative), and $w$ comes down "
                 "when the errors weighted by $x$ are positive, so the line must be too low at small $x$ and too "
                 "high at large $x$: too steep, and too low overall. The band is narrow: at $w = 3$ only $b$ between "
                 "$-7/3 \\approx -2.33$ and $-2$ does it, such as $b = -2.2$, with errors $[-1.2, -0.2, 0.8]$, "
                 "$dw \\approx 0.533$ and $db = -0.4$. The two gradients need not agree: each says what its own "
                 "knob should do.",
        judge=_rotate_the_line,
    ),
    Experiment(
        "diverge_fast",
        title="diverge in fewer than 10 steps",
        prompt="Find a learning rate at which `fit_linear` on the four points reaches an infinite or NaN loss in "
               "fewer than 10 steps. `lr = 1.0` diverges, but how long does it take? Think in powers of ten.",
        look_for="at $\\eta = 1.0$ every step multiplies the loss by about 250, and it still takes 129 steps to pass "
                 "the largest float64, about $1.8 \\times 10^{308}$. To get there from 30 in 9 steps each step "
                 "must multiply the loss by about $10^{34}$, which takes a learning rate of about $6 \\times "
                 "10^{15}$ or more. A loss that turns NaN within a few steps means a learning rate wildly too "
                 "large (or a bug); one just past the edge diverges too, but slowly, and shows first as a loss "
                 "that climbs.",
        judge=_diverge_fast,
    ),
    Experiment(
        "escape_the_dip",
        title="jump out of the dip",
        prompt="The ball from $x = -0.5$ settles in the dip. Roll it again with `roll(HILLS, start=-0.5, lr=lr, "
               "num_steps=100)` at larger learning rates, such as 0.8, 1.0 and 2.0, and print `status_line` of its "
               "last position. Does a bigger step carry it out of the dip, and does it then settle in the deepest "
               "valley? Write what you found in the box.",
        look_for="up to $\\eta = 0.53$ the ball still settles in the dip at $x = 0.206$. Above about 0.555 the dip "
                 "cannot hold it: its curvature is about 3.6, so a step multiplies the distance to its bottom by "
                 "$1 - 3.6\\,\\eta$, which is below $-1$. But it does not settle in the deepest valley either: at "
                 "1.0 it ends at $x = 0.633$, still bouncing on the dip's side of the hump at $x = 1.23$, and at "
                 "2.0 it gets past the hump and ends at $x = 4.899$, still moving. The deepest valley is curved as "
                 "sharply (about 4.0), so settling there needs $\\eta$ below 0.5: no fixed learning rate from 0.05 "
                 "to 3 does both. Big steps first and small ones later do: 3 steps at 2.0, then 0.1, end at "
                 "$x = 3$.",
    ),
)
