"""Reference answers for lesson 07: a train/validation split and early stopping."""

from __future__ import annotations

import copy

import numpy as np


def n_validation(n: int, val_fraction: float) -> int:
    """How many of ``n`` rows go to validation: ``round(val_fraction * n)`` (Python's round)."""
    return round(float(val_fraction) * n)


def train_val_split(X, y, val_fraction, rng):
    """Shuffle the rows with ``rng`` and cut off ``round(val_fraction * n)`` of them for validation.

    X and y have one row per example (the same n). The same permutation is
    applied to both, so every y stays next to its own X row; each row ends up in
    exactly one of the two parts. Returns ``(X_train, X_val, y_train, y_val)``.
    """
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_val = n_validation(n, val_fraction)
    order = rng.permutation(n)
    val_rows, train_rows = order[:n_val], order[n_val:]
    return X[train_rows], X[val_rows], y[train_rows], y[val_rows]


class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` epochs.

    Call ``step(val_loss, params)`` once per epoch. A loss is an improvement when
    ``val_loss < best_loss - min_delta``; then a deep copy of ``params`` is kept
    and the counter of epochs without improvement goes back to 0. Otherwise the
    counter grows by one. ``step`` returns True when the counter reaches
    ``patience``. ``restore()`` hands back the best params.
    """

    def __init__(self, patience, min_delta=0.0):
        self.patience = patience
        self.min_delta = min_delta
        self.best_loss = float("inf")
        self.best_params = None
        self.best_epoch = -1
        self.counter = 0
        self.epoch = -1

    def step(self, val_loss, params) -> bool:
        self.epoch += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = val_loss
            self.best_params = copy.deepcopy(params)
            self.best_epoch = self.epoch
            self.counter = 0
        else:
            self.counter += 1
        return self.counter >= self.patience

    def restore(self):
        return self.best_params
