"""Reference answers for lesson 03: gradient descent on the line y_hat = w * x + b."""

from __future__ import annotations

import numpy as np


def _arrays(x, y) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def linear_mse_loss(w, b, x, y) -> float:
    """The mean squared error of the line y_hat = w * x + b on the points (x, y)."""
    x, y = _arrays(x, y)
    return float(np.mean((w * x + b - y) ** 2))


def linear_mse_grads(w, b, x, y) -> tuple[float, float]:
    """The gradient of the mean squared error of y_hat = w * x + b.

    dL/dw = mean(2 * (y_hat - y) * x) and dL/db = mean(2 * (y_hat - y)).
    Returns the pair (dw, db) as floats.
    """
    x, y = _arrays(x, y)
    error = w * x + b - y
    return float(np.mean(2 * error * x)), float(np.mean(2 * error))


def gd_step(params: dict, grads: dict, lr) -> dict:
    """One gradient-descent step: a new dict with p - lr * grads[p] for every parameter.

    The values may be numbers or arrays; ``params`` and ``grads`` are left as they are.
    """
    return {name: params[name] - lr * grads[name] for name in params}


def fit_linear(x, y, lr, steps) -> tuple[dict, list[float]]:
    """Fit y_hat = w * x + b by ``steps`` steps of gradient descent from w = b = 0.

    Returns ``(params, losses)``: the learned ``{"w": w, "b": b}`` and a list of
    ``steps`` losses, ``losses[i]`` being the mean squared error *before* step i
    (so ``losses[0]`` is the loss of the untrained model). Both gradients of a
    step are computed at the same, old parameters. A learning rate that is too
    large is not tamed: the loss grows to inf and NaN.
    """
    x, y = _arrays(x, y)
    params = {"w": 0.0, "b": 0.0}
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            losses.append(linear_mse_loss(params["w"], params["b"], x, y))
            dw, db = linear_mse_grads(params["w"], params["b"], x, y)
            params = gd_step(params, {"w": dw, "b": db}, lr)
    return params, losses
