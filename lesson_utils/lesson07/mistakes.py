"""The bank of known wrong implementations for lesson 07.

Each entry makes exactly one mistake. The checks find them by behaviour (a
split that leaks or misaligns rows, a stopper that stops at the wrong epoch or
keeps the wrong params) and name them with these explanations.
"""

from __future__ import annotations

import copy

import numpy as np

from ..harness import Mistake
from .reference import n_validation

# --- train_val_split ------------------------------------------------------------

SPLIT_VAL_IN_TRAIN = (
    "the validation rows are also in the training part, so the model is scored on rows it has trained on "
    "and the validation loss looks better than it is. Split one shuffled order in two: the first n_val "
    "indices for validation, the rest (and only the rest) for training."
)
SPLIT_SEPARATE_PERMUTATIONS = (
    "X and y are shuffled with different permutations, so the rows no longer line up: each X row now sits "
    "next to some other example's y. Draw one permutation, `order = rng.permutation(n)`, and index both "
    "X and y with it."
)
SPLIT_NO_SHUFFLE = (
    "it cuts the rows in their original order without shuffling. If the data is sorted (by time, by class, "
    "by x) the validation part is then unlike the training part. Shuffle first with `rng.permutation(n)`."
)
SPLIT_IGNORES_RNG = (
    "it does not draw its shuffle from the `rng` it is given (it uses np.random or a generator of its own), "
    "so the split cannot be repeated or varied by the caller. Use `rng.permutation(n)` (or `rng.shuffle`)."
)
SPLIT_FLOOR = (
    "it rounds val_fraction * n down (int() or //) instead of to the nearest whole number, so 0.29 of 10 "
    "rows gives 2 validation rows instead of 3. Use `n_val = round(val_fraction * n)`."
)
SPLIT_FRACTION_SWAPPED = (
    "the parts have swapped sizes: val_fraction is the share of rows that go to validation, not to training. "
    "With val_fraction = 0.2 and 50 rows, 10 rows are for validation and 40 for training."
)
SPLIT_WRONG_ORDER = (
    "it returns the four parts in the order X_train, y_train, X_val, y_val. Return them as "
    "`X_train, X_val, y_train, y_val` (the order of sklearn's train_test_split)."
)


def _split(X, y, val_fraction, rng, *, leak=False, two_perms=False, shuffle=True, count=n_validation,
           swap_sizes=False, wrong_order=False, own_rng=False):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_val = count(n, val_fraction)
    if swap_sizes:
        n_val = n - n_val
    gen = np.random.default_rng(0) if own_rng else rng
    order = gen.permutation(n) if shuffle else np.arange(n - n_val, n).tolist() + np.arange(n - n_val).tolist()
    order = np.asarray(order)
    y_order = gen.permutation(n) if two_perms else order
    train = np.arange(n) if leak else order[n_val:]
    y_train = np.arange(n) if leak else y_order[n_val:]
    parts = X[train], X[order[:n_val]], y[y_train], y[y_order[:n_val]]
    return (parts[0], parts[2], parts[1], parts[3]) if wrong_order else parts


SPLIT_BANK = (
    Mistake("val_in_train", lambda X, y, f, rng: _split(X, y, f, rng, leak=True), SPLIT_VAL_IN_TRAIN),
    Mistake("separate_permutations", lambda X, y, f, rng: _split(X, y, f, rng, two_perms=True),
            SPLIT_SEPARATE_PERMUTATIONS),
    Mistake("no_shuffle", lambda X, y, f, rng: _split(X, y, f, rng, shuffle=False), SPLIT_NO_SHUFFLE),
    Mistake("ignores_rng", lambda X, y, f, rng: _split(X, y, f, rng, own_rng=True), SPLIT_IGNORES_RNG),
    Mistake("floor_not_round", lambda X, y, f, rng: _split(X, y, f, rng, count=lambda n, f: int(f * n)),
            SPLIT_FLOOR),
    Mistake("fraction_for_train", lambda X, y, f, rng: _split(X, y, f, rng, swap_sizes=True),
            SPLIT_FRACTION_SWAPPED),
    Mistake("wrong_order", lambda X, y, f, rng: _split(X, y, f, rng, wrong_order=True), SPLIT_WRONG_ORDER),
)

# --- EarlyStopping --------------------------------------------------------------

STOP_LAST_NOT_BEST = (
    "it keeps the params of the latest step, not of the step with the best validation loss, so restore() "
    "hands back the overfitted weights. Copy the params only when the loss improves, in the same branch "
    "that updates best_loss."
)
STOP_COUNTER_NOT_RESET = (
    "its counter of epochs without improvement is not set back to 0 when the loss improves, so a run with "
    "a late improvement stops too early. On an improvement write `self.counter = 0`."
)
STOP_EXACT_MIN_DELTA = (
    "it counts an improvement of exactly min_delta (or an equal loss, when min_delta is 0) as an "
    "improvement. Only a loss strictly below best_loss - min_delta is one: `val_loss < best_loss - min_delta`, "
    "not `<=`."
)
STOP_IGNORES_MIN_DELTA = (
    "it ignores min_delta: any improvement, however small, resets the counter. An improvement must beat the "
    "best loss by more than min_delta: `val_loss < best_loss - min_delta`."
)
STOP_MIN_DELTA_WRONG_SIDE = (
    "it adds min_delta instead of subtracting it, so a loss slightly worse than the best counts as an "
    "improvement and the best loss drifts upwards. Test `val_loss < best_loss - min_delta`."
)
STOP_STORES_REFERENCE = (
    "it keeps a reference to the params (or a shallow copy such as dict(params)), not a copy of the arrays. "
    "Training changes those arrays in place after every step, so the 'best' params silently become the "
    "latest ones. Store `copy.deepcopy(params)`."
)
STOP_PATIENCE_OFF_BY_ONE = (
    "it stops one epoch late: it waits for the counter to exceed patience. Stop as soon as the counter "
    "reaches it: `return self.counter >= self.patience`."
)
STOP_NAN_IMPROVES = (
    "a NaN validation loss counts as an improvement, so after a blow-up it keeps NaN as the best loss and the "
    "broken params as the best ones. Test for an improvement directly, `if val_loss < best_loss - min_delta:`, "
    "which is False for NaN, rather than `if val_loss >= ...: ... else:` (which treats NaN as better)."
)
STOP_BEST_EPOCH_ONE_BASED = (
    "best_epoch counts from 1. It is the 0-based index of the step call that gave the best loss: the first "
    "call to step is epoch 0."
)


class _Flawed:
    """EarlyStopping with one flaw, chosen by name."""

    def __init__(self, patience, min_delta=0.0, *, flaw=""):
        self.patience, self.min_delta, self.flaw = patience, min_delta, flaw
        self.best_loss = float("inf")
        self.best_params = None
        self.best_epoch = -1
        self.counter = 0
        self.epoch = -1

    def _improved(self, val_loss) -> bool:
        best, delta = self.best_loss, self.min_delta
        if self.flaw == "exact_min_delta_counts":
            return val_loss <= best - delta
        if self.flaw == "ignores_min_delta":
            return val_loss < best
        if self.flaw == "min_delta_wrong_side":
            return val_loss < best + delta
        if self.flaw == "nan_counts_as_improvement":
            return not val_loss >= best - delta
        return val_loss < best - delta

    def step(self, val_loss, params):
        self.epoch += 1
        if self._improved(val_loss):
            self.best_loss = val_loss
            self.best_params = params if self.flaw == "stores_reference" else copy.deepcopy(params)
            self.best_epoch = self.epoch + (1 if self.flaw == "best_epoch_one_based" else 0)
            if self.flaw != "counter_not_reset":
                self.counter = 0
        else:
            self.counter += 1
        if self.flaw == "last_not_best":
            self.best_params = copy.deepcopy(params)
        if self.flaw == "patience_off_by_one":
            return self.counter > self.patience
        return self.counter >= self.patience

    def restore(self):
        return self.best_params


def _flawed(flaw):
    def make(patience, min_delta=0.0):
        return _Flawed(patience, min_delta, flaw=flaw)

    make.__name__ = f"EarlyStopping_{flaw}"
    return make


STOP_BANK = (
    Mistake("last_not_best", _flawed("last_not_best"), STOP_LAST_NOT_BEST),
    Mistake("counter_not_reset", _flawed("counter_not_reset"), STOP_COUNTER_NOT_RESET),
    Mistake("exact_min_delta_counts", _flawed("exact_min_delta_counts"), STOP_EXACT_MIN_DELTA),
    Mistake("ignores_min_delta", _flawed("ignores_min_delta"), STOP_IGNORES_MIN_DELTA),
    Mistake("min_delta_wrong_side", _flawed("min_delta_wrong_side"), STOP_MIN_DELTA_WRONG_SIDE),
    Mistake("stores_reference", _flawed("stores_reference"), STOP_STORES_REFERENCE),
    Mistake("patience_off_by_one", _flawed("patience_off_by_one"), STOP_PATIENCE_OFF_BY_ONE),
    Mistake("nan_counts_as_improvement", _flawed("nan_counts_as_improvement"), STOP_NAN_IMPROVES),
    Mistake("best_epoch_one_based", _flawed("best_epoch_one_based"), STOP_BEST_EPOCH_ONE_BASED),
)


BANKS = {"train_val_split": SPLIT_BANK, "EarlyStopping": STOP_BANK}
"""Every known mistake a check of each exercise can name."""
