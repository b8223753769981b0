"""Reference answers for lesson 02: softmax, log-softmax, cross-entropy from
logits and its gradient.

Every function takes one example (a 1-D vector of logits) or a batch (a 2-D
array whose rows are examples) and normalises over the last axis.
"""

from __future__ import annotations

import numpy as np


def as_logits(logits) -> np.ndarray:
    """Logits as a float64 array (lists and integer arrays are accepted)."""
    return np.asarray(logits, dtype=np.float64)


def as_targets(targets) -> np.ndarray:
    """Targets as a 1-D integer array (a single int becomes one target)."""
    return np.atleast_1d(np.asarray(targets)).astype(np.intp)


def logsumexp(logits) -> np.ndarray:
    """log(sum(exp(z))) over the last axis, computed as m + log(sum(exp(z - m))) with m the max.

    Keeps the last axis (size 1), so the result broadcasts against ``logits``.
    """
    z = as_logits(logits)
    m = np.max(z, axis=-1, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def softmax(logits) -> np.ndarray:
    """exp(z) / sum(exp(z)) over the last axis, with the row's max subtracted first."""
    z = as_logits(logits)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def log_softmax(logits) -> np.ndarray:
    """z - logsumexp(z) over the last axis: finite for any finite logits."""
    z = as_logits(logits)
    return z - logsumexp(z)


def one_hot(targets, num_classes: int) -> np.ndarray:
    """Rows of zeros with a 1 at each target: shape (n, num_classes)."""
    t = as_targets(targets)
    out = np.zeros((len(t), num_classes))
    out[np.arange(len(t)), t] = 1.0
    return out


def cross_entropy_from_logits(logits, targets) -> float:
    """Mean over the examples of -log_softmax(z)[target] = logsumexp(z) - z[target].

    ``logits`` of shape (k,) with an int target, or (n, k) with n targets.
    """
    z = np.atleast_2d(as_logits(logits))
    t = as_targets(targets)
    return float(-np.mean(log_softmax(z)[np.arange(len(t)), t]))


def softmax_cross_entropy_grad(logits, targets) -> np.ndarray:
    """Gradient of the mean cross-entropy with respect to the logits: (softmax(z) - one_hot) / n.

    Same shape as ``logits``; for a single vector n = 1.
    """
    z = as_logits(logits)
    rows = np.atleast_2d(z)
    grad = (softmax(rows) - one_hot(targets, rows.shape[-1])) / rows.shape[0]
    return grad.reshape(z.shape)
