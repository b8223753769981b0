"""The bank of known wrong optimizer steps for lesson 06.

Each entry makes exactly one mistake and has the learner's signature, so a
learner whose steps equal an entry's is told that mistake by name.
"""

from __future__ import annotations

import numpy as np

from ..harness import Mistake
from .reference import _arr

# --- sgd_momentum_step ----------------------------------------------------------

SGD_PARAMS_MOMENTUM = (
    "it applies momentum to the parameters instead of to the velocity (p = momentum * p - lr * g), which "
    "shrinks every weight towards zero on every step. Keep a velocity per parameter in the state: "
    "v = momentum * v + g, then p = p - lr * v."
)
SGD_DAMPENING = (
    "it averages the velocity as v = momentum * v + (1 - momentum) * g, so the steps are (1 - momentum) times "
    "too small. torch.optim.SGD (dampening=0) adds the whole gradient: v = momentum * v + g."
)
SGD_LR_IN_VELOCITY = (
    "it puts the learning rate inside the velocity (v = momentum * v + lr * g, p = p - v). That gives the "
    "same steps while lr stays fixed, but not when lr changes from step to step (a schedule). "
    "Keep the velocity free of lr, as torch does: v = momentum * v + g, then p = p - lr * v."
)
SGD_NESTEROV = (
    "it takes a Nesterov step (p = p - lr * (g + momentum * v)). That is a different optimizer "
    "(SGD(nesterov=True)); here the step is p = p - lr * v with v = momentum * v + g."
)
SGD_FORGETS_VELOCITY = (
    "it never uses the velocity from the state, so every step is plain SGD (v = g). Read the previous "
    "velocity from state['velocity'] and return the new one in the new state."
)
SGD_STALE_VELOCITY = (
    "it steps with the old velocity and updates the velocity afterwards, so every step lags one gradient "
    "behind (and the first step does not move). Update the velocity first, v = momentum * v + g, then step "
    "with the new v."
)


def _sgd(params, grads, state, lr, momentum, *, kind):
    old = state.get("velocity", {})
    new_params, velocity = {}, {}
    for name, p in params.items():
        p, g = _arr(p), _arr(grads[name])
        v_old = _arr(old[name]) if name in old else None
        if kind == "params_momentum":
            velocity[name], new_params[name] = g, momentum * p - lr * g
            continue
        if kind == "dampening":
            v = (1 - momentum) * g + (0.0 if v_old is None else momentum * v_old)
        elif kind == "lr_in_velocity":
            v = lr * g + (0.0 if v_old is None else momentum * v_old)
            velocity[name], new_params[name] = v, p - v
            continue
        elif kind == "forgets":
            v = g
        elif kind == "stale":
            v = g if v_old is None else momentum * v_old + g
            velocity[name], new_params[name] = v, p - lr * (np.zeros_like(g) if v_old is None else v_old)
            continue
        else:
            v = g if v_old is None else momentum * v_old + g
        velocity[name] = v
        new_params[name] = p - lr * (g + momentum * v if kind == "nesterov" else v)
    return new_params, {"velocity": velocity}


def _sgd_mistake(kind):
    def step(params, grads, state, lr, momentum):
        return _sgd(params, grads, state, lr, momentum, kind=kind)

    return step


SGD_BANK = (
    Mistake("momentum_on_params", _sgd_mistake("params_momentum"), SGD_PARAMS_MOMENTUM),
    Mistake("dampening", _sgd_mistake("dampening"), SGD_DAMPENING),
    Mistake("lr_in_velocity", _sgd_mistake("lr_in_velocity"), SGD_LR_IN_VELOCITY),
    Mistake("nesterov", _sgd_mistake("nesterov"), SGD_NESTEROV),
    Mistake("forgets_velocity", _sgd_mistake("forgets"), SGD_FORGETS_VELOCITY),
    Mistake("stale_velocity", _sgd_mistake("stale"), SGD_STALE_VELOCITY),
)

# --- adam_step and adamw_step ------------------------------------------------------

ADAM_NO_BIAS_CORRECTION = (
    "it uses m and v without bias correction. Both start at 0, so for the first steps they are far too small "
    "(and v more so than m). Divide by 1 - beta1**t and 1 - beta2**t, with t = 1 on the first step."
)
ADAM_EPS_INSIDE_SQRT = (
    "it puts eps inside the square root (sqrt(v_hat + eps)). torch adds it outside: "
    "p = p - lr * m_hat / (sqrt(v_hat) + eps)."
)
ADAM_STEP_FROM_ZERO = (
    "its bias correction counts the steps from 0, so on the first step 1 - beta1**0 = 0 and the update divides "
    "by zero (NaN). Increase the step count first, so t = 1 on the first step, then correct with it."
)
ADAM_EPS_HAT = (
    "it adds eps before correcting v for its start at 0 (p = p - lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / "
    "(sqrt(v) + eps), the 'epsilon hat' form of the Adam paper and of Keras), which is a different optimizer: "
    "its eps is larger by 1 / sqrt(1 - beta2**t) in the first steps. torch corrects first: "
    "p = p - lr * m_hat / (sqrt(v_hat) + eps)."
)
ADAM_V_NOT_CORRECTED = (
    "it corrects m for its start at 0 but not v. Divide v by 1 - beta2**t too: "
    "v_hat = v / (1 - beta2**t)."
)
ADAM_NO_SQRT = (
    "it divides by v_hat instead of its square root, so the step no longer has the size of lr. "
    "Use m_hat / (sqrt(v_hat) + eps): v averages squared gradients, its square root is a gradient size."
)
ADAM_BETAS_SWAPPED = (
    "it swaps the two betas: m must average with beta1 (0.9, a short memory for the direction) and v with "
    "beta2 (0.999, a long memory for the size)."
)
ADAMW_L2 = (
    "it adds weight_decay * p to the gradient. That is Adam with L2 regularisation "
    "(torch.optim.Adam(weight_decay=...)): the decay then passes through m and v and is divided by sqrt(v_hat), "
    "so weights with large gradients are hardly decayed. AdamW decouples it: first p = p * (1 - lr * weight_decay), "
    "then the plain Adam step with the unchanged gradient."
)
ADAMW_DECAY_AFTER = (
    "it decays the parameters after the Adam step, using the already updated values. torch decays first: "
    "p = p * (1 - lr * weight_decay), then the Adam step."
)
ADAMW_DECAY_WITHOUT_LR = (
    "it decays with p = p * (1 - weight_decay), without the learning rate. In AdamW the decay is scaled by lr: "
    "p = p * (1 - lr * weight_decay)."
)
ADAMW_NO_DECAY = (
    "it never applies weight decay, so it is plain Adam. Multiply every parameter by 1 - lr * weight_decay "
    "before the Adam step."
)


def _adam(params, grads, state, lr, betas, eps, weight_decay=0.0, *, kind="", decay="decoupled"):
    beta1, beta2 = betas
    if kind == "betas_swapped":
        beta1, beta2 = beta2, beta1
    t_before = int(state.get("step", 0))
    t = t_before if kind == "step_from_zero" else t_before + 1
    old_m, old_v = state.get("m", {}), state.get("v", {})
    new_params, m_new, v_new = {}, {}, {}
    for name, p in params.items():
        p, g = _arr(p), _arr(grads[name])
        if decay == "decoupled":
            p = p * (1 - lr * weight_decay)
        elif decay == "l2":
            g = g + weight_decay * p
        elif decay == "no_lr":
            p = p * (1 - weight_decay)
        m = beta1 * _arr(old_m.get(name, 0.0)) + (1 - beta1) * g
        v = beta2 * _arr(old_v.get(name, 0.0)) + (1 - beta2) * g * g
        m_hat, v_hat = m, v
        if kind != "no_bias_correction":
            m_hat = m / (1 - beta1**t)
            if kind != "v_not_corrected":
                v_hat = v / (1 - beta2**t)
        if kind == "eps_hat":
            update = np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps)
        elif kind == "eps_inside_sqrt":
            update = m_hat / np.sqrt(v_hat + eps)
        elif kind == "no_sqrt":
            update = m_hat / (v_hat + eps)
        else:
            update = m_hat / (np.sqrt(v_hat) + eps)
        new = p - lr * update
        if decay == "after":
            new = new * (1 - lr * weight_decay)
        new_params[name], m_new[name], v_new[name] = new, m, v
    return new_params, {"step": t_before + 1, "m": m_new, "v": v_new}


def _adam_mistake(kind):
    def step(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
        return _adam(params, grads, state, lr, betas, eps, kind=kind, decay="none")

    return step


def _adamw_mistake(kind="", decay="decoupled"):
    def step(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        return _adam(params, grads, state, lr, betas, eps, weight_decay, kind=kind, decay=decay)

    return step


ADAM_BANK = (
    Mistake("no_bias_correction", _adam_mistake("no_bias_correction"), ADAM_NO_BIAS_CORRECTION),
    Mistake("eps_inside_sqrt", _adam_mistake("eps_inside_sqrt"), ADAM_EPS_INSIDE_SQRT),
    Mistake("eps_hat", _adam_mistake("eps_hat"), ADAM_EPS_HAT),
    Mistake("step_from_zero", _adam_mistake("step_from_zero"), ADAM_STEP_FROM_ZERO),
    Mistake("v_not_corrected", _adam_mistake("v_not_corrected"), ADAM_V_NOT_CORRECTED),
    Mistake("no_sqrt", _adam_mistake("no_sqrt"), ADAM_NO_SQRT),
    Mistake("betas_swapped", _adam_mistake("betas_swapped"), ADAM_BETAS_SWAPPED),
)

ADAMW_BANK = (
    Mistake("l2_not_decoupled", _adamw_mistake(decay="l2"), ADAMW_L2),
    Mistake("decay_after_update", _adamw_mistake(decay="after"), ADAMW_DECAY_AFTER),
    Mistake("decay_without_lr", _adamw_mistake(decay="no_lr"), ADAMW_DECAY_WITHOUT_LR),
    Mistake("no_decay", _adamw_mistake(decay="none"), ADAMW_NO_DECAY),
    Mistake("no_bias_correction", _adamw_mistake("no_bias_correction"), ADAM_NO_BIAS_CORRECTION),
    Mistake("eps_inside_sqrt", _adamw_mistake("eps_inside_sqrt"), ADAM_EPS_INSIDE_SQRT),
    Mistake("eps_hat", _adamw_mistake("eps_hat"), ADAM_EPS_HAT),
    Mistake("step_from_zero", _adamw_mistake("step_from_zero"), ADAM_STEP_FROM_ZERO),
    Mistake("v_not_corrected", _adamw_mistake("v_not_corrected"), ADAM_V_NOT_CORRECTED),
)


BANKS = {"sgd_momentum_step": SGD_BANK, "adam_step": ADAM_BANK, "adamw_step": ADAMW_BANK}
"""Every known mistake a check of each exercise can name."""

NAMED_BY_RULE = {name: ("hidden_global",) for name in BANKS}
"""The mistakes a check names by a rule of its own rather than a bank entry: state kept outside the state dict, so
that two problems stepped in turn disturb one another (``globals_probe``)."""
