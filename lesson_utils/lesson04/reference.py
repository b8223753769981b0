"""Reference answers for lesson 04: minibatches, epochs and minibatch SGD on y_hat = X @ w + b."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def iterate_minibatches(X, y, batch_size, rng) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of minibatches: yield ``(X_batch, y_batch)`` pairs.

    The order is a fresh permutation drawn from ``rng`` (a ``np.random.Generator``),
    one for X and y together, so the pairs stay aligned. Every example appears
    exactly once; the batches hold ``batch_size`` examples, except the last, which
    holds what is left. ``X`` and ``y`` are left as they are.
    """
    X, y = np.asarray(X), np.asarray(y)
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def steps_per_epoch(n, batch_size) -> int:
    """How many updates one epoch takes: ceil(n / batch_size), as an int (the last batch may be partial)."""
    return int(-(-int(n) // int(batch_size)))


def _arrays(X, y) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)


def linear_mse(w, b, X, y) -> float:
    """The mean squared error of y_hat = X @ w + b on (X, y)."""
    X, y = _arrays(X, y)
    return float(np.mean((X @ w + b - y) ** 2))


def linear_mse_grads(w, b, X, y) -> tuple[np.ndarray, float]:
    """The gradient of the mean squared error of y_hat = X @ w + b over the rows of X: (dw, db)."""
    X, y = _arrays(X, y)
    error = X @ w + b - y
    return 2.0 * X.T @ error / len(y), float(2.0 * np.mean(error))


def sgd_fit(X, y, lr, batch_size, num_epochs, rng) -> tuple[dict, list[float], list[float]]:
    """Minibatch SGD on y_hat = X @ w + b, from w = 0 (shape (d,)) and b = 0.0.

    Each epoch walks through ``iterate_minibatches(X, y, batch_size, rng)``; for
    every batch it computes the batch's mean squared error and its gradient at
    the current parameters, then steps ``w -= lr * dw``, ``b -= lr * db``.

    Returns ``(params, step_losses, epoch_losses)``:

    - ``params``: ``{"w": array of shape (d,), "b": float}``, the parameters after the last step;
    - ``step_losses``: one float per update, the loss of that update's batch *before* the update
      (``num_epochs * steps_per_epoch(n, batch_size)`` of them);
    - ``epoch_losses``: one float per epoch, the mean squared error on the *whole* data set
      with the parameters at the *end* of that epoch.
    """
    X, y = _arrays(X, y)
    w, b = np.zeros(X.shape[1]), 0.0
    step_losses, epoch_losses = [], []
    with np.errstate(all="ignore"):
        for _ in range(num_epochs):
            for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng):
                step_losses.append(linear_mse(w, b, X_batch, y_batch))
                dw, db = linear_mse_grads(w, b, X_batch, y_batch)
                w, b = w - lr * dw, b - lr * db
            epoch_losses.append(linear_mse(w, b, X, y))
    return {"w": w, "b": float(b)}, step_losses, epoch_losses


def least_squares(X, y) -> tuple[np.ndarray, float]:
    """The exact minimiser of the mean squared error of y_hat = X @ w + b: (w, b)."""
    X, y = _arrays(X, y)
    design = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.lstsq(design, y, rcond=None)[0]
    return theta[:-1], float(theta[-1])
