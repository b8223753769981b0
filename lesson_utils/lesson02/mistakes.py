"""The bank of known wrong implementations for lesson 02.

Each entry makes exactly one mistake, so a learner whose outputs equal an
entry's on every case is told that mistake by name. Entries compute in
float64 and take a single vector or a batch, like the reference.
"""

from __future__ import annotations

import numpy as np

from ..harness import Mistake
from .reference import as_logits, as_targets, log_softmax, one_hot, softmax


def _naive_softmax(logits, axis=-1):
    e = np.exp(as_logits(logits))
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_axis0(logits):
    z = as_logits(logits)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _softmax_global_max(logits):
    z = as_logits(logits)
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_whole_array(logits):
    z = as_logits(logits)
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def _normalised_logits(logits):
    z = as_logits(logits)
    return z / np.sum(z, axis=-1, keepdims=True)


# --- softmax -------------------------------------------------------------------

SOFTMAX_NO_MAX_SHIFT = (
    "it exponentiates the logits as they are, so exp(1000) overflows to inf (and exp(-1000) "
    "underflows to 0) and the division gives NaN. Subtract each row's largest logit first, "
    "z - np.max(z, axis=-1, keepdims=True): the probabilities do not change, and the largest exponential is exp(0) = 1."
)
SOFTMAX_WRONG_AXIS = (
    "it normalises down the columns (axis=0), so in a batch each class, not each example, sums to 1. "
    "Rows are examples: take the max and the sum over the last axis, axis=-1, with keepdims=True."
)
SOFTMAX_WHOLE_ARRAY = (
    "it divides by the sum over the whole batch, so all the probabilities together sum to 1 instead of "
    "each row. Sum over the last axis only: np.sum(e, axis=-1, keepdims=True)."
)
SOFTMAX_GLOBAL_MAX = (
    "it subtracts the largest logit of the whole batch, not of each row, so a row far below it "
    "underflows to all zeros and gives 0 / 0 = NaN. Subtract each row's own max: "
    "np.max(z, axis=-1, keepdims=True)."
)
SOFTMAX_NO_EXP = (
    "it divides the logits by their sum without exponentiating them first, so negative logits give "
    "negative 'probabilities'. Exponentiate (after the max shift), then divide by the sum of the exponentials."
)

SOFTMAX_BANK = (
    Mistake("no_max_shift", _naive_softmax, SOFTMAX_NO_MAX_SHIFT),
    Mistake("wrong_axis", _softmax_axis0, SOFTMAX_WRONG_AXIS),
    Mistake("sum_over_whole_batch", _softmax_whole_array, SOFTMAX_WHOLE_ARRAY),
    Mistake("global_max_shift", _softmax_global_max, SOFTMAX_GLOBAL_MAX),
    Mistake("no_exp", _normalised_logits, SOFTMAX_NO_EXP),
)


# --- log_softmax ---------------------------------------------------------------

LOG_SOFTMAX_LOG_OF_SOFTMAX = (
    "it takes np.log of the softmax, and a probability that underflows to 0 (a logit more than about "
    "745 below the row's max) becomes log(0) = -inf. Never form the probability: return "
    "z - logsumexp(z), with logsumexp(z) = m + log(sum(exp(z - m))) and m the row's max."
)
LOG_SOFTMAX_NO_MAX_SHIFT = (
    "it computes z - log(sum(exp(z))) without the max shift, so exp overflows for large logits "
    "(and the sum underflows to 0 for very negative ones). Use logsumexp(z) = m + log(sum(exp(z - m))) "
    "with m the row's max."
)
LOG_SOFTMAX_LOG_OF_NAIVE = (
    "it takes np.log of a softmax computed without the max shift: large logits overflow to NaN and "
    "very negative ones give log(0) = -inf. Return z - logsumexp(z), with "
    "logsumexp(z) = m + log(sum(exp(z - m))) and m the row's max."
)
LOG_SOFTMAX_MAX_NOT_ADDED_BACK = (
    "it subtracts log(sum(exp(z - m))) from z itself, which is off by the row's max m. "
    "Either subtract it from the shifted logits z - m, or add m back: logsumexp(z) = m + log(sum(exp(z - m)))."
)
LOG_SOFTMAX_WRONG_AXIS = (
    "it normalises down the columns (axis=0), so in a batch each class, not each example, is normalised. "
    "Rows are examples: take the max and the sum over axis=-1 with keepdims=True."
)


def _log_softmax_naive_lse(logits):
    z = as_logits(logits)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def _log_softmax_max_not_added_back(logits):
    z = as_logits(logits)
    m = np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))


def _log_softmax_axis0(logits):
    z = as_logits(logits)
    m = np.max(z, axis=0, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=0, keepdims=True))


LOG_SOFTMAX_BANK = (
    Mistake("log_of_softmax", lambda logits: np.log(softmax(logits)), LOG_SOFTMAX_LOG_OF_SOFTMAX),
    Mistake("no_max_shift", _log_softmax_naive_lse, LOG_SOFTMAX_NO_MAX_SHIFT),
    Mistake("log_of_naive_softmax", lambda logits: np.log(_naive_softmax(logits)), LOG_SOFTMAX_LOG_OF_NAIVE),
    Mistake("max_not_added_back", _log_softmax_max_not_added_back, LOG_SOFTMAX_MAX_NOT_ADDED_BACK),
    Mistake("wrong_axis", _log_softmax_axis0, LOG_SOFTMAX_WRONG_AXIS),
)


# --- cross_entropy_from_logits -------------------------------------------------

CE_NO_MAX_SHIFT = (
    "it builds the probabilities with a softmax that has no max shift, so large logits overflow and the "
    "loss becomes NaN. Work with log-probabilities: loss = logsumexp(z) - z[target], with the max shift "
    "inside logsumexp."
)
CE_LOG_OF_SOFTMAX = (
    "it takes the log of the softmax probability, which underflows to 0 when the true class's logit is "
    "far below the largest one, and -log(0) = inf. Use log_softmax (z - logsumexp(z)) and pick the "
    "target's entry: the loss stays finite."
)
CE_CLIPPED = (
    "it clips the softmax probability before the log (like lesson 01's cross_entropy), so the loss can "
    "never exceed -log(1e-12) = 27.6 even when it should be 1000. From logits no clipping is needed: "
    "loss = -log_softmax(z)[target], exact for any logits."
)
CE_SUM = (
    "it adds up the per-example losses instead of averaging them. "
    "Divide by the number of examples (np.mean does this)."
)
CE_MOST_LIKELY = (
    "it scores the class with the largest logit, not the true class. "
    "Pick each row's log-probability at its target: log_probs[np.arange(n), targets]."
)
CE_MISSING_MINUS = (
    "its losses are negative: it returns the mean log-probability instead of minus it. "
    "Put a minus sign in front, so that a confident right answer costs almost 0."
)


def _rows(logits):
    return np.atleast_2d(as_logits(logits))


def _pick(table, targets):
    t = as_targets(targets)
    return table[np.arange(len(t)), t]


CE_BANK = (
    Mistake(
        "no_max_shift",
        lambda logits, targets: float(-np.mean(np.log(_pick(_naive_softmax(_rows(logits)), targets)))),
        CE_NO_MAX_SHIFT,
    ),
    Mistake(
        "log_of_softmax",
        lambda logits, targets: float(-np.mean(np.log(_pick(softmax(_rows(logits)), targets)))),
        CE_LOG_OF_SOFTMAX,
    ),
    Mistake(
        "clipped_softmax",
        lambda logits, targets: float(-np.mean(np.log(np.clip(_pick(softmax(_rows(logits)), targets), 1e-12, 1.0)))),
        CE_CLIPPED,
    ),
    Mistake(
        "sum_not_mean",
        lambda logits, targets: float(-np.sum(_pick(log_softmax(_rows(logits)), targets))),
        CE_SUM,
    ),
    Mistake(
        "most_likely_class",
        lambda logits, targets: float(-np.mean(np.max(log_softmax(_rows(logits)), axis=-1))),
        CE_MOST_LIKELY,
    ),
    Mistake(
        "missing_minus",
        lambda logits, targets: float(np.mean(_pick(log_softmax(_rows(logits)), targets))),
        CE_MISSING_MINUS,
    ),
)


# --- softmax_cross_entropy_grad --------------------------------------------------

GRAD_NO_ONE_OVER_N = (
    "it returns softmax(z) - one_hot without dividing by the number of examples n, which is the "
    "gradient of the summed loss. The loss is the mean over the batch, so its gradient is (softmax(z) - one_hot) / n."
)
GRAD_WRONG_SIGN = (
    "it returns one_hot - softmax(z): the sign is flipped, so a step along it would raise the loss. "
    "The gradient is softmax(z) - one_hot (divided by n): positive for wrong classes, negative for the true one."
)
GRAD_NO_MAX_SHIFT = (
    "its softmax has no max shift, so large logits overflow and the gradient is NaN. "
    "Subtract each row's max logit before exponentiating."
)
GRAD_BY_CLASSES = (
    "it divides by the number of classes instead of the number of examples n. "
    "The loss averages over the examples (rows), so divide by n = logits.shape[0] (n = 1 for a single vector)."
)
GRAD_NO_ONE_HOT = (
    "it returns the softmax probabilities (divided by n) without subtracting the one-hot target, so every "
    "entry is positive and nothing pulls the true class up. Subtract 1 at each row's target."
)


def _grad(logits, targets, probs=softmax, sign=1.0, divide_by="rows", subtract=True):
    z = as_logits(logits)
    rows = np.atleast_2d(z)
    diff = probs(rows) - (one_hot(targets, rows.shape[-1]) if subtract else 0.0)
    scale = {"rows": rows.shape[0], "none": 1, "classes": rows.shape[-1]}[divide_by]
    return (sign * diff / scale).reshape(z.shape)


GRAD_BANK = (
    Mistake("no_one_over_n", lambda logits, targets: _grad(logits, targets, divide_by="none"), GRAD_NO_ONE_OVER_N),
    Mistake("wrong_sign", lambda logits, targets: _grad(logits, targets, sign=-1.0), GRAD_WRONG_SIGN),
    Mistake("no_max_shift", lambda logits, targets: _grad(logits, targets, probs=_naive_softmax), GRAD_NO_MAX_SHIFT),
    Mistake("divide_by_classes", lambda logits, targets: _grad(logits, targets, divide_by="classes"), GRAD_BY_CLASSES),
    Mistake("no_one_hot", lambda logits, targets: _grad(logits, targets, subtract=False), GRAD_NO_ONE_HOT),
)


BANKS = {
    "softmax": SOFTMAX_BANK,
    "log_softmax": LOG_SOFTMAX_BANK,
    "cross_entropy_from_logits": CE_BANK,
    "softmax_cross_entropy_grad": GRAD_BANK,
}
"""Every known mistake a check of each exercise can name."""
