"""Seeded, offline data for lesson 08 (NumPy only)."""

from __future__ import annotations

import numpy as np


def make_spirals(n_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: int = 0):
    """Points on ``classes`` interleaved spiral arms in the plane, with Gaussian noise.

    Returns ``(X, y)``: ``X`` of shape (n_per_class * classes, 2), float64, and ``y`` of
    integer class labels 0 .. classes - 1, both in a seeded random order. No straight line
    separates the classes, so a linear model cannot fit them and a small MLP can.
    """
    rng = np.random.default_rng(seed)
    radius = np.linspace(0.1, 1.0, n_per_class)
    X, y = [], []
    for k in range(classes):
        angle = np.linspace(0.0, 1.5 * np.pi, n_per_class) + 2 * np.pi * k / classes
        angle = angle + noise * rng.normal(size=n_per_class)
        X.append(np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1))
        y.append(np.full(n_per_class, k))
    X, y = np.concatenate(X), np.concatenate(y)
    order = rng.permutation(len(y))
    return X[order], y[order]
