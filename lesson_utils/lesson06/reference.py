"""Reference answers for lesson 06: optimizer steps with explicit state.

Every step takes ``params`` and ``grads`` (dicts name -> float64 array), the
optimizer's ``state`` (a dict; ``{}`` before the first step) and the
hyperparameters, and returns ``(new_params, new_state)`` without changing
any input. The formulas are those of ``torch.optim`` with its defaults.

State layouts:

- ``sgd_momentum_step``: ``{"velocity": {name: v}}``
- ``adam_step`` and ``adamw_step``: ``{"step": t, "m": {name: m}, "v": {name: v}}``,
  where ``t`` is the number of steps taken so far.
"""

from __future__ import annotations

import numpy as np


def _arr(value) -> np.ndarray:
    return np.array(value, dtype=np.float64)


def sgd_momentum_step(params: dict, grads: dict, state: dict, lr, momentum) -> tuple[dict, dict]:
    """One step of SGD with momentum, as ``torch.optim.SGD(momentum=mu)`` (no dampening, not Nesterov).

    v = momentum * v + g (on the first step v = g), then p = p - lr * v.
    State: ``{"velocity": {name: v}}``; ``{}`` means no step has been taken yet.
    """
    old_velocity = state.get("velocity", {})
    new_params, velocity = {}, {}
    for name, p in params.items():
        g = _arr(grads[name])
        v = g if name not in old_velocity else momentum * _arr(old_velocity[name]) + g
        velocity[name] = v
        new_params[name] = _arr(p) - lr * v
    return new_params, {"velocity": velocity}


def _adam(params: dict, grads: dict, state: dict, lr, betas, eps, weight_decay=0.0, decoupled=True):
    beta1, beta2 = betas
    t = int(state.get("step", 0)) + 1
    old_m, old_v = state.get("m", {}), state.get("v", {})
    new_params, m_new, v_new = {}, {}, {}
    for name, p in params.items():
        p, g = _arr(p), _arr(grads[name])
        if weight_decay and decoupled:
            p = p * (1 - lr * weight_decay)
        elif weight_decay:
            g = g + weight_decay * p
        m = beta1 * _arr(old_m.get(name, 0.0)) + (1 - beta1) * g
        v = beta2 * _arr(old_v.get(name, 0.0)) + (1 - beta2) * g * g
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        new_params[name] = p - lr * m_hat / (np.sqrt(v_hat) + eps)
        m_new[name], v_new[name] = m, v
    return new_params, {"step": t, "m": m_new, "v": v_new}


def adam_step(params: dict, grads: dict, state: dict, lr, betas=(0.9, 0.999), eps=1e-8) -> tuple[dict, dict]:
    """One step of Adam, as ``torch.optim.Adam``.

    t = t + 1; m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g**2;
    m_hat = m / (1 - beta1**t); v_hat = v / (1 - beta2**t); p = p - lr * m_hat / (sqrt(v_hat) + eps).
    State: ``{"step": t, "m": {name: m}, "v": {name: v}}``; ``{}`` means t = 0 and m = v = 0.
    """
    return _adam(params, grads, state, lr, betas, eps)


def adamw_step(params: dict, grads: dict, state: dict, lr, betas=(0.9, 0.999), eps=1e-8,
               weight_decay=0.01) -> tuple[dict, dict]:
    """One step of AdamW, as ``torch.optim.AdamW``: first p = p * (1 - lr * weight_decay), then the Adam step.

    The decay never enters m or v (it is *decoupled* from the gradient). Same state as :func:`adam_step`.
    """
    return _adam(params, grads, state, lr, betas, eps, weight_decay, decoupled=True)


def adam_l2_step(params: dict, grads: dict, state: dict, lr, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0.01) -> tuple[dict, dict]:
    """Adam with L2 regularisation (``torch.optim.Adam(weight_decay=...)``): g = g + weight_decay * p, then Adam."""
    return _adam(params, grads, state, lr, betas, eps, weight_decay, decoupled=False)
