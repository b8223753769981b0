"""Checks for lesson 02: ``softmax``, ``log_softmax``, ``cross_entropy_from_logits``
and ``softmax_cross_entropy_grad``."""

from __future__ import annotations

import numpy as np

from ..harness import ARRAY, Case, Exercise, make_check
from ..withheld import withheld

mistakes, reference = withheld(__package__, "mistakes", "reference")

ATOL = 1e-6
"""Absolute tolerance for log-probabilities and gradients: a correct float32 computation
is off by about 1e-7 where values cancel (p - 1 for p near 1), which the default 1e-8 would reject."""

WORKED = np.array([2.0, 1.0, 0.1])


# --- logits ------------------------------------------------------------------------

def _logit_cases() -> list[Case]:
    """Fixed logits shared by softmax and log_softmax."""
    return [
        Case("the worked example: logits [2.0, 1.0, 0.1]", (WORKED.copy(),)),
        Case("a batch of 3 examples x 4 classes",
             (np.array([[1.0, 2.0, 3.0, 4.0], [0.5, -0.5, 0.0, 2.0], [-1.0, -3.0, 2.5, 0.0]]),)),
        Case("large logits [1000.0, 1001.0]", (np.array([1000.0, 1001.0]),)),
        Case("a batch with one row near +1000 and one near -1000",
             (np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1003.0]]),)),
        Case("logits hundreds apart: [0.0, -800.0, -1000.0]", (np.array([0.0, -800.0, -1000.0]),)),
        Case("equal logits, a batch of 1 example", (np.array([[3.0, 3.0, 3.0, 3.0]]),)),
        Case("plain Python lists", ([[2.0, 1.0, 0.1], [0.5, -0.5, 1.5]],)),
        Case("integer logits", (np.array([[1, 2], [3, 4], [0, 5]]),)),
        Case("float32 logits", (np.array([[0.25, -1.5, 2.0, 0.0, 1.0], [3.0, 2.5, -0.5, 1.0, 0.5]], np.float32),)),
        Case("a single class (every probability is 1)", (np.array([[2.0], [-1.0], [0.5]]),)),
    ]


def _random_logits(rng: np.random.Generator, shape: tuple[int, ...], kind: str, dtype=np.float64) -> np.ndarray:
    """Logits of a given shape: 'normal' (scale 2), 'offset' (each row moved by up to ±2000)
    or 'wide' (scale 500 within a row, and one logit per row at least 760 below the max)."""
    if kind == "normal":
        z = 2.0 * rng.normal(size=shape)
    elif kind == "offset":
        rows = shape[0] if len(shape) == 2 else 1
        offsets = rng.uniform(-2000.0, 2000.0, size=(rows, 1))
        offsets[0, 0], offsets[-1, 0] = -1500.0, 1500.0  # at least one row far from another
        z = (2.0 * rng.normal(size=(rows, shape[-1])) + offsets).reshape(shape)
    else:
        rows = np.atleast_2d(500.0 * rng.normal(size=shape))
        top = rows.argmax(axis=1)
        low = rng.integers(0, shape[-1], size=len(rows))  # one logit per row far below the row's max (never the
        low = np.where(low == top, (top + 1) % shape[-1], low)  # max itself, which would lower the max)
        rows[np.arange(len(rows)), low] = rows.max(axis=1) - rng.uniform(760.0, 1500.0, size=len(rows))
        z = rows.reshape(shape)  # so its probability underflows to 0 in float64
    return z.astype(dtype)


FAMILIES = [
    ((6,), np.float64, "normal"),
    ((4, 3), np.float32, "normal"),
    ((8, 10), np.float64, "normal"),
    ((1, 5), np.float64, "normal"),
    ((5, 4), np.float64, "offset"),
    ((7,), np.float64, "offset"),
    ((3, 6), np.float64, "wide"),
]
"""(shape, dtype, kind) of the random logits; every check draws one case per family."""

KIND_TEXT = {"normal": "", "offset": ", rows offset by up to ±2000", "wide": ", logits hundreds apart"}


def _describe(shape, dtype, kind) -> str:
    what = "vector" if len(shape) == 1 else "batch"
    return f"random {np.dtype(dtype).name} {what}, shape {shape}{KIND_TEXT[kind]}"


def _logits_random(rng: np.random.Generator) -> list[Case]:
    return [Case(_describe(shape, dtype, kind), (_random_logits(rng, shape, kind, dtype),))
            for shape, dtype, kind in FAMILIES]


# --- logits with targets -------------------------------------------------------------

def _target_cases() -> list[Case]:
    """Fixed (logits, targets) shared by the loss and its gradient."""
    return [
        Case("the worked example, true class 0", (WORKED.copy(), 0)),
        Case("the worked example, true class 2", (WORKED.copy(), 2)),
        Case("a batch of the worked example twice, targets [0, 2]", (np.array([WORKED, WORKED]), np.array([0, 2]))),
        Case("a batch of 3 examples x 4 classes",
             (np.array([[1.0, 2.0, 3.0, 4.0], [0.5, -0.5, 0.0, 2.0], [-1.0, -3.0, 2.5, 0.0]]), np.array([3, 0, 1]))),
        Case("large logits", (np.array([[1000.0, 1001.0], [1001.0, 1000.0]]), np.array([0, 0]))),
        Case("the true class 1000 below the largest logit",
             (np.array([[0.0, -1000.0, 5.0], [1.0, 2.0, 3.0]]), np.array([1, 2]))),
        Case("a confident right answer", (np.array([[10.0, -10.0, -10.0]]), np.array([0]))),
        Case("plain Python lists", ([[2.0, 1.0, 0.1], [0.5, -0.5, 1.5]], [1, 2])),
        Case("float32 logits, int32 targets",
             (np.array([[0.25, -1.5, 2.0, 0.0, 1.0], [3.0, 2.5, -0.5, 1.0, 0.5]], np.float32),
              np.array([4, 1], np.int32))),
        Case("a single vector with a NumPy integer target", (np.array([0.5, 1.5, -2.0, 0.0]), np.int64(3))),
    ]


def _targets_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for shape, dtype, kind in FAMILIES:
        logits = _random_logits(rng, shape, kind, dtype)
        k = shape[-1]
        targets = int(rng.integers(k)) if len(shape) == 1 else rng.integers(0, k, size=shape[0])
        if kind == "wide":  # the first example's true class is its lowest logit: p underflows to 0
            first = np.atleast_2d(logits)[0]
            if len(shape) == 1:
                targets = int(np.argmin(first))
            else:
                targets[0] = np.argmin(first)
        cases.append(Case(_describe(shape, dtype, kind), (logits, targets)))
    return cases


SOFTMAX = Exercise(
    name="softmax",
    arg_names=("logits",),
    reference=reference.softmax,
    fixed_cases=_logit_cases,
    random_cases=_logits_random,
    mistakes=mistakes.SOFTMAX_BANK,
    output=ARRAY,
    seed=201,
)

LOG_SOFTMAX = Exercise(
    name="log_softmax",
    arg_names=("logits",),
    reference=reference.log_softmax,
    fixed_cases=_logit_cases,
    random_cases=_logits_random,
    mistakes=mistakes.LOG_SOFTMAX_BANK,
    output=ARRAY,
    seed=202,
    atol=ATOL,
)

CROSS_ENTROPY_FROM_LOGITS = Exercise(
    name="cross_entropy_from_logits",
    arg_names=("logits", "targets"),
    reference=reference.cross_entropy_from_logits,
    fixed_cases=_target_cases,
    random_cases=_targets_random,
    mistakes=mistakes.CE_BANK,
    seed=203,
    atol=ATOL,
)

SOFTMAX_CROSS_ENTROPY_GRAD = Exercise(
    name="softmax_cross_entropy_grad",
    arg_names=("logits", "targets"),
    reference=reference.softmax_cross_entropy_grad,
    fixed_cases=_target_cases,
    random_cases=_targets_random,
    mistakes=mistakes.GRAD_BANK,
    output=ARRAY,
    seed=204,
    atol=ATOL,
)


softmax = make_check(
    SOFTMAX, "Check ``fn(logits)``: exp(z) / sum(exp(z)) over the last axis, safe for large logits."
)
log_softmax = make_check(
    LOG_SOFTMAX, "Check ``fn(logits)``: z - logsumexp(z) over the last axis, finite for any logits."
)
cross_entropy_from_logits = make_check(
    CROSS_ENTROPY_FROM_LOGITS,
    "Check ``fn(logits, targets)``: the mean of -log_softmax(z)[target] over the examples, one number.",
)
softmax_cross_entropy_grad = make_check(
    SOFTMAX_CROSS_ENTROPY_GRAD,
    "Check ``fn(logits, targets)``: (softmax(z) - one_hot(targets)) / n, the gradient of the mean loss.",
)
