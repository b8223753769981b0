"""The bank of known wrong implementations for lesson 01.

Each entry makes exactly one mistake, so a learner whose outputs equal an
entry's on every case is told that mistake by name.
"""

from __future__ import annotations

import numpy as np

from ..harness import Mistake
from .reference import EPS, true_class_probs


def _diff(y_hat, y):
    return np.asarray(y_hat, dtype=np.float64) - np.asarray(y, dtype=np.float64)


MSE_SUM = (
    "it adds up the squared errors instead of averaging them, so the loss grows with "
    "the number of examples. Divide by the number of elements (np.mean does this)."
)
MSE_ABSOLUTE = (
    "it averages the absolute errors |y_hat - y| (that is mean absolute error). "
    "Square each error instead, so big misses cost much more than small ones."
)
MSE_NO_SQUARE = (
    "it averages the raw errors y_hat - y, so errors above and below the truth cancel out. "
    "Square each error before averaging."
)
MSE_ROOT = (
    "it takes the square root of the mean (that is RMSE). "
    "Return the mean of the squared errors itself."
)
MSE_SQUARE_OF_MEAN = (
    "it averages the errors first and squares the average, so opposite errors cancel. "
    "Square each error first, then average."
)
MSE_DIFFERENCE_OF_SQUARES = (
    "it computes y_hat**2 - y**2, which is not the squared error. "
    "Subtract first, then square: (y_hat - y)**2."
)
MSE_N_MINUS_1 = (
    "it divides the sum by n - 1 (the sample-variance correction). "
    "A loss is a plain average: divide by n."
)
MSE_ONE_AXIS = (
    "it averages along one axis only, so a 2-D input gives an array, not one number. "
    "Average over every element: np.mean without an axis."
)

MSE_BANK = (
    Mistake("sum_not_mean", lambda y_hat, y: float(np.sum(_diff(y_hat, y) ** 2)), MSE_SUM),
    Mistake("absolute_error", lambda y_hat, y: float(np.mean(np.abs(_diff(y_hat, y)))), MSE_ABSOLUTE),
    Mistake("no_square", lambda y_hat, y: float(np.mean(_diff(y_hat, y))), MSE_NO_SQUARE),
    Mistake("root_of_mean", lambda y_hat, y: float(np.sqrt(np.mean(_diff(y_hat, y) ** 2))), MSE_ROOT),
    Mistake("square_of_mean", lambda y_hat, y: float(np.mean(_diff(y_hat, y)) ** 2), MSE_SQUARE_OF_MEAN),
    Mistake(
        "difference_of_squares",
        lambda y_hat, y: float(np.mean(np.asarray(y_hat, float) ** 2 - np.asarray(y, float) ** 2)),
        MSE_DIFFERENCE_OF_SQUARES,
    ),
    Mistake(
        "divide_by_n_minus_1",
        lambda y_hat, y: float(np.sum(_diff(y_hat, y) ** 2) / (np.size(_diff(y_hat, y)) - 1)),
        MSE_N_MINUS_1,
    ),
    Mistake("mean_along_one_axis", lambda y_hat, y: np.mean(_diff(y_hat, y) ** 2, axis=0), MSE_ONE_AXIS),
)


def _rows(probs):
    return np.atleast_2d(np.asarray(probs, dtype=np.float64))


def _targets(targets):
    return np.atleast_1d(np.asarray(targets)).astype(np.intp)


CE_MOST_LIKELY = (
    "it uses the probability of the most likely class, not of the true class. "
    "Pick each row's entry at its target: probs[np.arange(n), targets]."
)
CE_OFF_BY_ONE = (
    "it reads the probability one class to the left of the target, as if classes "
    "were numbered from 1. Class indices start at 0: use probs[np.arange(n), targets]."
)
CE_SUM = (
    "it adds up the per-example losses instead of averaging them. "
    "Divide by the number of examples (np.mean does this)."
)
CE_MISSING_MINUS = (
    "its losses are negative: it returns log p instead of -log p. "
    "Put a minus sign in front of the log, so that a confident right answer costs almost 0."
)
CE_NO_CLIP = (
    "it takes the log of a probability of exactly 0 and returns inf. "
    "Clip the probabilities into [1e-12, 1] first: np.clip(p, 1e-12, 1.0)."
)
CE_LOG10 = (
    "it uses the base-10 logarithm. Cross-entropy uses the natural log: np.log, not np.log10."
)
CE_MEAN_OVER_CLASSES = (
    "it averages over every entry of the (examples x classes) table, so the loss is "
    "too small by a factor of the number of classes. Average over the examples only."
)
CE_LOG_OF_WRONG_CLASSES = (
    "it scores the classes that are not the target, -log(1 - p) summed over them, "
    "instead of the true class. Only the true class's probability enters: -log p[target]."
)


def _ce(p, reduce=np.mean, log=np.log):
    return float(reduce(-log(np.clip(p, EPS, 1.0))))


def _wrong_classes(probs, targets):
    rows = _rows(probs)
    mask = np.ones_like(rows, dtype=bool)
    mask[np.arange(len(rows)), _targets(targets)] = False
    return float(np.mean(np.sum(-np.log(np.clip(1 - rows, EPS, 1.0)) * mask, axis=1)))


CE_BANK = (
    Mistake("most_likely_class", lambda probs, targets: _ce(_rows(probs).max(axis=1)), CE_MOST_LIKELY),
    Mistake(
        "off_by_one_class",
        lambda probs, targets: _ce(_rows(probs)[np.arange(len(_targets(targets))), _targets(targets) - 1]),
        CE_OFF_BY_ONE,
    ),
    Mistake("sum_not_mean", lambda probs, targets: _ce(true_class_probs(probs, targets), reduce=np.sum), CE_SUM),
    Mistake(
        "missing_minus",
        lambda probs, targets: -_ce(true_class_probs(probs, targets)),
        CE_MISSING_MINUS,
    ),
    Mistake(
        "no_clipping",
        lambda probs, targets: float(np.mean(-np.log(true_class_probs(probs, targets)))),
        CE_NO_CLIP,
    ),
    Mistake("log10", lambda probs, targets: _ce(true_class_probs(probs, targets), log=np.log10), CE_LOG10),
    Mistake(
        "mean_over_classes",
        lambda probs, targets: _ce(true_class_probs(probs, targets)) / _rows(probs).shape[1],
        CE_MEAN_OVER_CLASSES,
    ),
    Mistake("log_of_wrong_classes", _wrong_classes, CE_LOG_OF_WRONG_CLASSES),
)


BANKS = {"mse": MSE_BANK, "cross_entropy": CE_BANK}
"""Every known mistake a check of each exercise can name."""
