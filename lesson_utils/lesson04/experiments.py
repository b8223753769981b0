"""Lesson 04's open experiments (see ``lesson_utils.experiments``)."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from ..experiments import Experiment, Outcome, one_number

MILLION = 1_000_000
EPOCHS = 3
BUDGET = 10_000
"""Fewer than this many updates in 3 epochs over a million examples."""

AS_LONG = (0.8, 1.25)
"""An epoch "as long as" 10 full-batch steps: its time divided by theirs, within these bounds."""


def _count(value) -> int | None:
    """``value`` as a positive whole number (an int, a NumPy integer or a float such as 300.0), or None."""
    if isinstance(value, bool) or np.ndim(value) != 0:
        return None
    whole = isinstance(value, Integral) or (isinstance(value, Real) and math.isfinite(value)
                                             and float(value).is_integer())
    return int(value) if whole and int(value) > 0 else None


def _seconds(value) -> float | None:
    number = one_number(value)
    return number if number is not None and number > 0 else None


def _updates_under(batch_size) -> Outcome:
    size = _count(batch_size)
    if size is None:
        return Outcome(False, f"batch_size must be a positive whole number; {batch_size!r} is not.")
    per_epoch = -(-MILLION // size)
    updates = EPOCHS * per_epoch
    steps = "1 step" if per_epoch == 1 else f"{per_epoch:,} steps"
    said = f"With batch_size {size:,}, an epoch is {steps} and {EPOCHS} epochs take {updates:,} updates"
    if updates >= BUDGET:
        return Outcome(False, f"{said}, not fewer than {BUDGET:,}: the batches must be larger.")
    if EPOCHS * -(-MILLION // (size - 1)) < BUDGET:
        return Outcome(False, f"{said}, fewer than {BUDGET:,}, but a smaller batch size is under too: how small can "
                              "it get?")
    return Outcome(True, f"{said}, fewer than {BUDGET:,}, and batch_size {size - 1:,} would take "
                         f"{EPOCHS * -(-MILLION // (size - 1)):,}.")


def _epoch_as_long(batch_size, epoch_seconds, ten_steps_seconds) -> Outcome:
    size, epoch, ten = _count(batch_size), _seconds(epoch_seconds), _seconds(ten_steps_seconds)
    if size is None or epoch is None or ten is None:
        return Outcome(False, "Give a positive whole batch_size and two positive times in seconds; you gave "
                              f"batch_size={batch_size!r}, epoch_seconds={epoch_seconds!r}, "
                              f"ten_steps_seconds={ten_steps_seconds!r}.")
    ratio = epoch / ten
    said = (f"With batch_size {size:,}, one epoch took {epoch * 1000:.0f} ms, {ratio:.2f} times as long as 10 "
            f"full-batch steps ({ten * 1000:.0f} ms)")
    if ratio < AS_LONG[0]:
        return Outcome(False, f"{said}: the epoch is still the quicker. What makes an epoch slower?")
    if ratio > AS_LONG[1]:
        return Outcome(False, f"{said}: now the epoch is the slower. Find the size in between.")
    return Outcome(True, f"{said}: about as long.")


EXPERIMENTS = (
    Experiment(
        "updates_under",
        title="fewer than 10,000 updates",
        prompt="Find the smallest batch size at which 3 epochs over 1,000,000 examples take fewer than 10,000 "
               "updates. Work it out on paper first, then check it with your `steps_per_epoch`.",
        look_for="fewer than 10,000 updates in 3 epochs leave at most 3,333 steps per epoch. At batch size 300 "
                 "an epoch is $1{,}000{,}000 / 300 = 3{,}333.3$, rounded up to 3,334 steps (the last batch holds "
                 "100 examples), so 3 epochs take 10,002 updates, just over; at 301 an epoch is 3,323 steps and 3 "
                 "epochs take 9,969. The leftover batch is a step too, and here it decides the answer.",
        judge=_updates_under,
    ),
    Experiment(
        "noise_shrinks",
        title="how fast the noise shrinks",
        prompt="With your `linear_mse_grads`, `x_demo` and `y_demo` from section 1, compute 2,000 minibatch "
               "estimates of dL/dw at w = 1, b = 0 for batch sizes 8, 32 and 128, and the standard deviation of each "
               "set. What happens to it each time the batch grows four times? Write what you found in the box.",
        look_for="standard deviations of about 1.24, 0.62 and 0.31 (yours differ a little, with the draws): the "
                 "spread halves each time the batch grows four times. It falls as $1/\\sqrt{\\text{batch size}}$, "
                 "the per-example spread (about 3.51 here) divided by the square root of the number of examples "
                 "averaged. Halving the noise costs four times the examples per step, so ever larger batches buy "
                 "ever less precision for the arithmetic they cost.",
    ),
    Experiment(
        "epoch_as_long",
        title="an epoch as long as 10 full-batch steps",
        prompt="Find the batch size at which one epoch of `sgd_fit` on `X_big` takes as long as 10 full-batch steps, "
               "on your computer. The arithmetic of an epoch is the same at every batch size: what else grows when "
               "the batches get smaller?",
        look_for="a small batch size, near 12 on one two-core machine (yours may differ). An epoch does the same "
                 "arithmetic whatever the batch size, but every step also pays a fixed cost: the Python loop, the "
                 "function calls, small arrays made and freed. At batch size 12 an epoch of 200,000 examples is "
                 "16,667 steps, and those fixed costs add up to as much as 10 full-batch steps of arithmetic. That "
                 "overhead is what frameworks shrink by running each step on a GPU, and why batches are rarely "
                 "tiny in practice.",
        judge=_epoch_as_long,
    ),
)
