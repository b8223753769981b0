"""Lesson 08's open experiments (see ``lesson_utils.experiments``).

The judge works with NumPy on section 1's four points: one full-batch gradient step of a line from zero has a
closed form, so no model is trained and PyTorch is not needed.
"""

from __future__ import annotations

import numpy as np

from ..experiments import Experiment, Outcome, one_number

X_FOUR = (1.0, 2.0, 3.0, 4.0)
Y_FOUR = (2.0, 4.0, 6.0, 8.0)
LR = 0.01


def full_batch_step(w: float = 0.0, b: float = 0.0, lr: float = LR) -> tuple[float, float]:
    """One gradient step of the mean squared error of y_hat = w x + b over all four points."""
    x, y = np.asarray(X_FOUR), np.asarray(Y_FOUR)
    error = w * x + b - y
    return w - lr * float(np.mean(2 * error * x)), b - lr * float(np.mean(2 * error))




def _accumulate(w, b) -> Outcome:
    got_w, got_b = one_number(w), one_number(b)
    if got_w is None or got_b is None:
        return Outcome(False, f"Give w and b as one finite number each (you gave w={w!r}, b={b!r}).")
    want_w, want_b = full_batch_step()
    if np.isclose(got_w, want_w, rtol=0, atol=1e-9) and np.isclose(got_b, want_b, rtol=0, atol=1e-9):
        return Outcome(True, f"The accumulated step lands at w = {got_w:.4f}, b = {got_b:.4f}, exactly where one "
                             "step on all four points does.")
    if np.isclose(got_w, 2 * want_w, atol=1e-9) and np.isclose(got_b, 2 * want_b, atol=1e-9):
        return Outcome(False, f"The step lands at w = {got_w:.4f}, b = {got_b:.4f}, twice as far as one step on all "
                              "four points: each half's loss is a mean over its own two points, and backward() "
                              "adds the two halves' gradients up.")
    return Outcome(False, f"The step lands at w = {got_w:.4f}, b = {got_b:.4f}; one step on all four points lands at "
                          f"w = {want_w:.4f}, b = {want_b:.4f}. How does the sum of the two halves' gradients "
                          "compare with the gradient of the mean over all four?")


EXPERIMENTS = (
    Experiment(
        "accumulate",
        title="gradient accumulation on purpose",
        prompt="The cell below calls `backward()` on each half of the four points, without clearing in between, "
               "then takes one step. Change only the loss line so that this step lands exactly where one step on "
               "all four points does, as it must when a big batch is cut in two to fit in memory.",
        look_for="divide each half's loss by 2, the number of halves. Each half's MSE is a mean over its own two "
                 "points, so the two gradients add up to twice the gradient of the mean over all four: w = 0.6, "
                 "b = 0.2 instead of 0.3 and 0.1. Scaled by 1/2 they add up to exactly the full-batch gradient, "
                 "(-30, -10) here. With k pieces of equal size, divide by k.",
        judge=_accumulate,
    ),
    Experiment(
        "no_rescue",
        title="can a learning rate rescue it?",
        prompt="Can any learning rate rescue the run without `zero_grad()`? Try `run_four_points(False, steps=..., "
               "lr=...)` with smaller and larger rates and many more steps, and look at the losses it returns. "
               "Write what you found in the box.",
        look_for="no rate does. Without `zero_grad()` each step uses the sum of every gradient so far: momentum that "
                 "never forgets ($\\mu = 1$), with nothing to damp the swing. The line swings about $y = 2x$ for "
                 "ever: over steps 2500 to 5000 the loss keeps climbing back to 30.1 at lr 0.001 and to 31.3 at "
                 "lr 0.01, about the 30 it started from, between dips close to 0. A smaller rate only makes the "
                 "swings slower; from lr 0.24 on they grow until the loss overflows.",
    ),
)
