"""Reference answers for lesson 01: the losses the learner writes."""

from __future__ import annotations

import numpy as np

EPS = 1e-12
"""Probabilities are clipped into [EPS, 1] before the log, so a 0 gives a large finite loss."""


def mse(y_hat, y) -> float:
    """Mean squared error over every element: mean((y_hat - y) ** 2)."""
    diff = np.asarray(y_hat, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    return float(np.mean(diff**2))


def true_class_probs(probs, targets) -> np.ndarray:
    """The probability each example gave its true class, as a 1-D array."""
    probs = np.atleast_2d(np.asarray(probs, dtype=np.float64))
    targets = np.atleast_1d(np.asarray(targets)).astype(np.intp)
    return probs[np.arange(len(targets)), targets]


def cross_entropy(probs, targets) -> float:
    """Mean of -log p(true class) over the examples, p clipped into [EPS, 1].

    ``probs`` is one row of class probabilities (with an integer target) or a
    batch of rows (with one target per row).
    """
    p = np.clip(true_class_probs(probs, targets), EPS, 1.0)
    return float(np.mean(-np.log(p)))
