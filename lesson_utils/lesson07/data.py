"""Data and training for lesson 07: a noisy sine, polynomial features, and plain gradient descent.

Everything is seeded and computed on the spot; nothing is downloaded. NumPy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def make_sine_data(n: int = 40, noise: float = 0.3, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points x in [-1, 1] with y = sin(pi x) + Gaussian noise of standard deviation ``noise``."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=n)
    y = np.sin(np.pi * x) + rng.normal(0.0, noise, size=n)
    return x, y


def noisy_curve(rng: np.random.Generator, num_epochs: int) -> tuple[float, ...]:
    """A made-up validation curve that falls, bottoms out and rises, with noise, as minibatch training gives."""
    t = np.linspace(0.0, 1.0, num_epochs)
    bottom = rng.uniform(0.3, 0.7)
    curve = 0.3 + 1.5 * (t - bottom) ** 2 + rng.normal(0.0, rng.uniform(0.005, 0.03), size=num_epochs)
    return tuple(float(v) for v in curve)


def true_function(x):
    """The pattern behind the data, without the noise."""
    return np.sin(np.pi * np.asarray(x, dtype=float))


def poly_features(x, degree: int) -> np.ndarray:
    """The columns P_0(x), ..., P_degree(x): Legendre polynomials, shape (n, degree + 1).

    They span the same functions as 1, x, x**2, ..., x**degree, but on [-1, 1] their
    columns are far less alike, so gradient descent makes progress on all of them.
    """
    return np.polynomial.legendre.legvander(np.asarray(x, dtype=float), degree)


def mse(y_hat, y) -> float:
    return float(np.mean((np.asarray(y_hat) - np.asarray(y)) ** 2))


def least_squares_fit(x, y, degree: int) -> np.ndarray:
    """The weights of the degree-``degree`` polynomial with the lowest training MSE (no gradient descent)."""
    return np.linalg.lstsq(poly_features(x, degree), np.asarray(y, dtype=float), rcond=None)[0]


def predict(w, x) -> np.ndarray:
    """The polynomial with Legendre weights ``w`` at ``x``."""
    return poly_features(x, len(w) - 1) @ np.asarray(w)


@dataclass(frozen=True)
class History:
    """One training run: the loss on both parts before every epoch's step, and snapshots of the weights."""

    train_losses: np.ndarray
    val_losses: np.ndarray
    snapshots: dict[int, np.ndarray]

    @property
    def best_epoch(self) -> int:
        return int(np.argmin(self.val_losses))


def train_poly(x_train, y_train, x_val, y_val, degree: int, lr: float = 0.4, num_epochs: int = 20_000,
               snapshot_at=()) -> History:
    """Full-batch gradient descent on the MSE of a degree-``degree`` polynomial, from all-zero weights.

    Records both losses at every epoch (before that epoch's step) and a copy of the
    weights at each epoch listed in ``snapshot_at``.
    """
    F_train, F_val = poly_features(x_train, degree), poly_features(x_val, degree)
    y_train, y_val = np.asarray(y_train, dtype=float), np.asarray(y_val, dtype=float)
    w = np.zeros(degree + 1)
    keep = set(int(e) for e in snapshot_at)
    train_losses, val_losses, snapshots = np.empty(num_epochs), np.empty(num_epochs), {}
    n = len(y_train)
    for epoch in range(num_epochs):
        error = F_train @ w - y_train
        train_losses[epoch] = np.mean(error**2)
        val_losses[epoch] = np.mean((F_val @ w - y_val) ** 2)
        if epoch in keep:
            snapshots[epoch] = w.copy()
        w = w - lr * (2.0 / n) * (F_train.T @ error)
    return History(train_losses, val_losses, snapshots)


SNAPSHOT_EPOCHS = tuple(sorted({0, *np.unique(np.geomspace(1, 19_999, 60).astype(int)).tolist(), 19_999}))
"""Epochs offered by the slider: dense early, sparse late, like the log scale of the plots."""


@dataclass(frozen=True)
class Run:
    """A training run together with its data, for the plots and the epoch slider."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    degree: int
    history: History

    def weights_at(self, epoch: int) -> tuple[int, np.ndarray]:
        """The weights after ``epoch`` epochs (the last epoch if beyond): (that epoch, its weights)."""
        epoch = min(int(epoch), len(self.history.train_losses) - 1)
        return epoch, self.history.snapshots[epoch]


def overfit_run(x_train, y_train, x_val, y_val, degree: int = 15, lr: float = 0.4, num_epochs: int = 20_000) -> Run:
    """Train a degree-``degree`` polynomial for ``num_epochs`` epochs, keeping the weights of every epoch."""
    history = train_poly(x_train, y_train, x_val, y_val, degree, lr, num_epochs, snapshot_at=range(num_epochs))
    return Run(*(np.asarray(a, dtype=float) for a in (x_train, y_train, x_val, y_val)), degree, history)
