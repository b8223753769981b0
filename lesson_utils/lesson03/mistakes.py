"""The bank of known wrong implementations for lesson 03.

Each entry makes exactly one mistake, so a learner whose results equal an
entry's on every case is told that mistake by name.
"""

from __future__ import annotations

import numpy as np

from ..harness import Mistake
from .reference import _arrays, linear_mse_grads, linear_mse_loss

# --- linear_mse_grads -----------------------------------------------------------

GRADS_NO_FACTOR_2 = (
    "both gradients are half the right size: the factor 2 from differentiating the square is missing. "
    "The derivative of (y_hat - y)**2 is 2 * (y_hat - y) times the derivative of y_hat."
)
GRADS_SUM = (
    "it adds up over the examples instead of averaging, so the gradients grow with the number of points. "
    "The loss is a mean, so its gradient is a mean too: divide by n (np.mean does this)."
)
GRADS_DB_USES_X = (
    "db is multiplied by x, so it equals dw. y_hat = w * x + b changes by exactly 1 when b does, "
    "so db = mean(2 * (y_hat - y)) with no x in it."
)
GRADS_DW_NO_X = (
    "dw is missing the factor x, so it equals db. When w grows by a hair, y_hat grows by x times that hair: "
    "dw = mean(2 * (y_hat - y) * x)."
)
GRADS_FLIPPED = (
    "both gradients have the wrong sign: the error is taken as y - y_hat. "
    "Use y_hat - y, so a prediction that is too high gives a positive gradient."
)
GRADS_SWAPPED = (
    "it returns the two gradients in the wrong order. Return dw first, then db: `return dw, db`."
)


def _grads(w, b, x, y, *, factor=2.0, reduce=np.mean, b_times_x=False, w_times_x=True, sign=1.0):
    x, y = _arrays(x, y)
    error = sign * (w * x + b - y)
    dw = reduce(factor * error * (x if w_times_x else 1.0))
    db = reduce(factor * error * (x if b_times_x else 1.0))
    return float(dw), float(db)


GRADS_BANK = (
    Mistake("no_factor_2", lambda w, b, x, y: _grads(w, b, x, y, factor=1.0), GRADS_NO_FACTOR_2),
    Mistake("sum_not_mean", lambda w, b, x, y: _grads(w, b, x, y, reduce=np.sum), GRADS_SUM),
    Mistake("db_uses_x", lambda w, b, x, y: _grads(w, b, x, y, b_times_x=True), GRADS_DB_USES_X),
    Mistake("dw_without_x", lambda w, b, x, y: _grads(w, b, x, y, w_times_x=False), GRADS_DW_NO_X),
    Mistake("error_sign_flipped", lambda w, b, x, y: _grads(w, b, x, y, sign=-1.0), GRADS_FLIPPED),
    Mistake("swapped", lambda w, b, x, y: linear_mse_grads(w, b, x, y)[::-1], GRADS_SWAPPED),
)

# --- gd_step --------------------------------------------------------------------

STEP_PLUS = (
    "it adds the gradient instead of subtracting it, so every step goes uphill and the loss grows. "
    "The gradient points uphill: p_new = p - lr * grad."
)
STEP_NO_LR = (
    "it subtracts the whole gradient and ignores the learning rate. Scale the gradient first: p - lr * grad."
)
STEP_FORGOT_B = (
    "it updates w but hands b back unchanged. Every parameter takes a step: b - lr * grads['b'] too."
)
STEP_SWAPPED = (
    "it moves w by b's gradient and b by w's gradient. Match each parameter with its own gradient: "
    "params['w'] - lr * grads['w'] and params['b'] - lr * grads['b']."
)

STEP_BANK = (
    Mistake("plus_not_minus", lambda params, grads, lr: {k: params[k] + lr * grads[k] for k in params}, STEP_PLUS),
    Mistake("no_learning_rate", lambda params, grads, lr: {k: params[k] - grads[k] for k in params}, STEP_NO_LR),
    Mistake(
        "forgot_b",
        lambda params, grads, lr: {"w": params["w"] - lr * grads["w"], "b": params["b"]},
        STEP_FORGOT_B,
    ),
    Mistake(
        "swapped_grads",
        lambda params, grads, lr: {"w": params["w"] - lr * grads["b"], "b": params["b"] - lr * grads["w"]},
        STEP_SWAPPED,
    ),
)

# --- fit_linear -----------------------------------------------------------------

FIT_PLUS = (
    "it adds the gradient to the parameters, so the loss climbs from the first step. "
    "Step against the gradient: w - lr * dw and b - lr * db."
)
FIT_NO_FACTOR_2 = (
    "its gradients lack the factor 2, so every step is half as long as it should be. "
    "dw = mean(2 * (y_hat - y) * x) and db = mean(2 * (y_hat - y))."
)
FIT_SUM = (
    "its gradients add up over the points instead of averaging, so the steps grow with the number of points. "
    "Average: dw = mean(2 * (y_hat - y) * x), db = mean(2 * (y_hat - y))."
)
FIT_DB_USES_X = (
    "its db is multiplied by x, so b moves as if it were w. db = mean(2 * (y_hat - y)), with no x."
)
FIT_W_FIRST = (
    "it updates w and then computes b's gradient with the new w, so b is pushed by a prediction the step "
    "has already changed. Compute dw and db together at the old parameters, then update both."
)
FIT_LOSS_AFTER = (
    "losses[i] is the loss after step i, but this exercise records it before the step: losses[0] is the "
    "loss of the untrained model (w = b = 0). Compute the loss first, then the gradients, then step."
)
FIT_NOT_FROM_ZERO = (
    "it does not start from w = 0 and b = 0. Start both parameters at 0.0, as the docstring says."
)


def _fit(x, y, lr, steps, *, grads=linear_mse_grads, sign=-1.0, w_first=False, record_after=False,
         clip=None, stop_when_not_finite=False, start=0.0):
    x, y = _arrays(x, y)
    w, b = start, start
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            loss = linear_mse_loss(w, b, x, y)
            if stop_when_not_finite and not np.isfinite(loss):
                break
            if not record_after:
                losses.append(loss)
            dw, db = grads(w, b, x, y)
            if clip is not None:
                dw, db = float(np.clip(dw, -clip, clip)), float(np.clip(db, -clip, clip))
            w = w + sign * lr * dw
            if w_first:
                db = grads(w, b, x, y)[1]
            b = b + sign * lr * db
            if record_after:
                losses.append(linear_mse_loss(w, b, x, y))
    return {"w": w, "b": b}, losses


def _with(grads_mistake):
    return next(m.fn for m in GRADS_BANK if m.id == grads_mistake)


FIT_BANK = (
    Mistake("plus_not_minus", lambda x, y, lr, steps: _fit(x, y, lr, steps, sign=1.0), FIT_PLUS),
    Mistake("no_factor_2", lambda x, y, lr, steps: _fit(x, y, lr, steps, grads=_with("no_factor_2")),
            FIT_NO_FACTOR_2),
    Mistake("sum_not_mean", lambda x, y, lr, steps: _fit(x, y, lr, steps, grads=_with("sum_not_mean")), FIT_SUM),
    Mistake("db_uses_x", lambda x, y, lr, steps: _fit(x, y, lr, steps, grads=_with("db_uses_x")), FIT_DB_USES_X),
    Mistake("w_updated_before_db", lambda x, y, lr, steps: _fit(x, y, lr, steps, w_first=True), FIT_W_FIRST),
    Mistake("loss_after_step", lambda x, y, lr, steps: _fit(x, y, lr, steps, record_after=True), FIT_LOSS_AFTER),
    Mistake("not_from_zero", lambda x, y, lr, steps: _fit(x, y, lr, steps, start=1.0), FIT_NOT_FROM_ZERO),
)
"""Mistakes that change the values on ordinary problems: named by comparing trajectories."""

FIT_BEHAVIOUR_BANK = (
    Mistake("hides_divergence", lambda x, y, lr, steps: _fit(x, y, lr, steps, clip=1e3), "clips the gradient"),
    Mistake("stops_early", lambda x, y, lr, steps: _fit(x, y, lr, steps, stop_when_not_finite=True),
            "stops when the loss is no longer finite"),
)
"""Mistakes that only show when the learning rate is too large: named by the divergence probe's sentences
(``lesson_utils.lesson03.messages``)."""


BANKS = {"linear_mse_grads": GRADS_BANK, "gd_step": STEP_BANK, "fit_linear": FIT_BANK + FIT_BEHAVIOUR_BANK}
"""Every known mistake a check of each exercise can name."""
