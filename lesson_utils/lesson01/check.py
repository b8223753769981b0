"""Checks for lesson 01: ``mse`` and ``cross_entropy``."""

from __future__ import annotations

import numpy as np

from ..harness import Case, Exercise, make_check
from ..withheld import withheld

mistakes, reference = withheld(__package__, "mistakes", "reference")


def _mse_fixed() -> list[Case]:
    return [
        Case("the worked example: y_hat=[2.5, 3.5, 6.2], y=[2, 4, 6]",
             (np.array([2.5, 3.5, 6.2]), np.array([2.0, 4.0, 6.0]))),
        Case("a perfect prediction", (np.array([1.0, -2.0, 3.0]), np.array([1.0, -2.0, 3.0]))),
        Case("a single example", (np.array([3.0]), np.array([1.0]))),
        Case("plain Python lists", ([2.5, 3.5, 6.2], [2, 4, 6])),
        Case("integer arrays", (np.array([1, 2, 3]), np.array([3, 2, 1]))),
        Case("a 2-D batch, shape (2, 3)",
             (np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([[1.5, 2.0, 2.0], [4.0, 3.0, 6.5]]))),
        Case("float32 arrays", (np.array([0.5, -1.25, 2.0], np.float32), np.array([0.0, -1.0, 3.0], np.float32))),
        Case("a 3-D batch, shape (2, 2, 2)",
             (np.arange(8.0).reshape(2, 2, 2), np.array([[[0.5, 1.0], [2.0, 2.0]], [[4.0, 6.0], [6.5, 7.0]]]))),
    ]


def _mse_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for shape, dtype, scale in [((7,), np.float64, 1.0), ((4, 3), np.float32, 1.0),
                                ((5, 2), np.float64, 3.0), ((50,), np.float64, 100.0), ((2, 3, 2), np.float64, 1.0)]:
        y = (scale * rng.normal(size=shape)).astype(dtype)
        y_hat = (y + scale * rng.normal(size=shape)).astype(dtype)
        name = np.dtype(dtype).name
        cases.append(Case(f"random {name}, shape {shape}, scale {scale:g}", (y_hat, y)))
    return cases


def _ce_fixed() -> list[Case]:
    return [
        Case("the worked example: p = 0.8 on the true class",
             (np.array([0.1, 0.8, 0.1]), 1)),
        Case("a confident wrong model: p = 0.01 on the true class",
             (np.array([0.01, 0.98, 0.01]), 0)),
        Case("an unsure model: p = 0.5 on the true class",
             (np.array([0.25, 0.5, 0.25]), 1)),
        Case("a batch of 4 examples",
             (np.array([[0.1, 0.8, 0.1], [0.01, 0.98, 0.01], [0.25, 0.25, 0.5], [0.99, 0.005, 0.005]]),
              np.array([1, 0, 2, 0]))),
        Case("plain Python lists", ([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]], [0, 2])),
        Case("probability 0 on a true class",
             (np.array([[0.0, 1.0, 0.0], [0.7, 0.2, 0.1]]), np.array([0, 0]))),
        Case("probability 1 on every true class",
             (np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1, 0]))),
        Case("float32 probabilities, int32 targets",
             (np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]], np.float32), np.array([1, 2], np.int32))),
    ]


def _ce_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, k, dtype in [(6, 4, np.float64), (10, 3, np.float32), (1, 5, np.float64), (20, 10, np.float64)]:
        probs = rng.dirichlet(np.ones(k), size=n).astype(dtype)
        targets = rng.integers(0, k, size=n)
        cases.append(Case(f"random {np.dtype(dtype).name} batch, {n} examples x {k} classes", (probs, targets)))
    probs = rng.dirichlet(np.ones(4), size=5)
    targets = rng.integers(0, 4, size=5)
    zero = rng.choice(5, size=2, replace=False)  # two examples put probability 0 on their true class
    probs[zero, targets[zero]] = 0.0
    probs /= probs.sum(axis=1, keepdims=True)
    cases.append(Case("random batch, 5 examples x 4 classes, two with probability 0 on the true class",
                      (probs, targets)))
    return cases


MSE = Exercise(
    name="mse",
    arg_names=("y_hat", "y"),
    reference=reference.mse,
    fixed_cases=_mse_fixed,
    random_cases=_mse_random,
    mistakes=mistakes.MSE_BANK,
    seed=101,
)

CROSS_ENTROPY = Exercise(
    name="cross_entropy",
    arg_names=("probs", "targets"),
    reference=reference.cross_entropy,
    fixed_cases=_ce_fixed,
    random_cases=_ce_random,
    mistakes=mistakes.CE_BANK,
    seed=102,
)


mse = make_check(MSE, "Check ``fn(y_hat, y)``: the mean of the squared errors, one number.")
cross_entropy = make_check(
    CROSS_ENTROPY, "Check ``fn(probs, targets)``: mean of -log p(true class), p clipped into [1e-12, 1]."
)
