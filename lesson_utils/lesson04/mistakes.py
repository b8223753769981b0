"""The banks of known wrong implementations for lesson 04.

Each entry makes exactly one mistake. ``iterate_minibatches`` and the
behaviour entries of ``sgd_fit`` are named by the probe that sees their
mistake (the explanation is what the learner reads); the value entries of
``sgd_fit`` are named by comparing runs on batches that every correct method
builds alike.
"""

from __future__ import annotations

import numpy as np

from ..harness import Mistake
from .reference import _arrays, iterate_minibatches, linear_mse, linear_mse_grads

# --- iterate_minibatches ----------------------------------------------------------

ITER_NO_SHUFFLE = (
    "it hands out the examples in their stored order, so every epoch sees the same batches in the same order. "
    "Draw a fresh random order of the n positions from rng at the start of each call, and slice batches out of "
    "that."
)
ITER_DROP_LAST = (
    "it drops the last batch when fewer than batch_size examples are left, so some examples are never seen "
    "in the epoch. Keep the last, smaller batch: it holds what is left after the full ones."
)
ITER_PAIRS_BROKEN = (
    "it shuffles X and y with two different permutations, so each X_batch row is paired with the label of "
    "another example. Draw one permutation and index both X and y with it."
)
ITER_SAME_ORDER = (
    "it gives the same order every epoch: the permutation is drawn from a generator created inside the "
    "function (such as np.random.default_rng(0)), which starts from the same state at every call. Draw the "
    "order from the rng argument, which moves on after each epoch."
)
ITER_BATCHES_ONLY = (
    "it shuffles the order of the batches but keeps each batch a run of neighbouring examples, so the same "
    "examples always share a batch. Shuffle the positions of the examples themselves, then slice."
)
ITER_IGNORES_RNG = (
    "it ignores the rng argument and draws from NumPy's global random state (np.random.permutation or "
    "np.random.shuffle), so the same seed does not give the same batches and runs cannot be repeated. "
    "Use the generator you are given: `rng.permutation(n)`."
)


def _iter(X, y, batch_size, rng, *, order=None, drop_last=False, y_order=None, batch_order=None):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    order = np.arange(n) if order is None else order
    y_order = order if y_order is None else y_order
    stop = n - n % batch_size if drop_last else n
    starts = list(range(0, stop, batch_size))
    if batch_order is not None:
        starts = [starts[i] for i in batch_order(len(starts))]
    for start in starts:
        yield X[order[start:start + batch_size]], y[y_order[start:start + batch_size]]


def _no_shuffle(X, y, batch_size, rng):
    return _iter(X, y, batch_size, rng)


def _drop_last(X, y, batch_size, rng):
    return _iter(X, y, batch_size, rng, order=rng.permutation(len(X)), drop_last=True)


def _pairs_broken(X, y, batch_size, rng):
    return _iter(X, y, batch_size, rng, order=rng.permutation(len(X)), y_order=rng.permutation(len(y)))


def _same_order(X, y, batch_size, rng):
    return _iter(X, y, batch_size, rng, order=np.random.default_rng(0).permutation(len(X)))


def _batches_only(X, y, batch_size, rng):
    return _iter(X, y, batch_size, rng, batch_order=rng.permutation)


def _ignores_rng(X, y, batch_size, rng):
    return _iter(X, y, batch_size, rng, order=np.random.permutation(len(X)))


ITER_BANK = (
    Mistake("no_shuffle", _no_shuffle, ITER_NO_SHUFFLE),
    Mistake("drop_last", _drop_last, ITER_DROP_LAST),
    Mistake("pairs_broken", _pairs_broken, ITER_PAIRS_BROKEN),
    Mistake("same_order_every_epoch", _same_order, ITER_SAME_ORDER),
    Mistake("shuffles_batches_only", _batches_only, ITER_BATCHES_ONLY),
    Mistake("ignores_rng", _ignores_rng, ITER_IGNORES_RNG),
)

# --- steps_per_epoch --------------------------------------------------------------

STEPS_FLOOR = (
    "it rounds down (n // batch_size), which leaves out the last, smaller batch when batch_size does not "
    "divide n. That batch is still a step: round up, never down."
)
STEPS_PRODUCT = (
    "it multiplies n by batch_size. An epoch splits n examples into groups of batch_size, "
    "so the number of steps is n divided by batch_size, rounded up."
)
STEPS_NO_ROUNDING = (
    "it returns n / batch_size without rounding, a fraction of a step. The last, smaller batch is one whole "
    "step: round the quotient up to a whole number of steps."
)
STEPS_PLUS_ONE = (
    "it adds 1 to n // batch_size, which counts one step too many when batch_size divides n exactly. "
    "Round the quotient up instead: that adds the extra step only when there is a last, smaller batch."
)
STEPS_ROUND = (
    "it rounds n / batch_size to the nearest whole number, so a last batch holding less than half of "
    "batch_size is not counted. Always round up."
)

STEPS_BANK = (
    Mistake("floor", lambda n, batch_size: int(n) // int(batch_size), STEPS_FLOOR),
    Mistake("product", lambda n, batch_size: int(n) * int(batch_size), STEPS_PRODUCT),
    Mistake("no_rounding", lambda n, batch_size: int(n) / int(batch_size), STEPS_NO_ROUNDING),
    Mistake("plus_one", lambda n, batch_size: int(n) // int(batch_size) + 1, STEPS_PLUS_ONE),
    Mistake("round", lambda n, batch_size: round(int(n) / int(batch_size)), STEPS_ROUND),
)

STEPS_FLOAT = "float_not_int"
"""The id of returning an integral float (np.ceil gives 3.0): named by the check's type test."""

# --- sgd_fit ------------------------------------------------------------------------

SGD_SUM = (
    "its gradients add up over the batch instead of averaging, so the step grows with the batch size. "
    "The loss of a batch is a mean, so its gradient is too: dw = 2 * X_batch.T @ error / len(y_batch)."
)
SGD_DIVIDES_BY_BATCH_SIZE = (
    "it divides the summed gradient by batch_size, which is wrong for the last batch when that batch is "
    "smaller (and for a batch_size larger than n). Divide by the number of examples actually in the batch, "
    "len(y_batch), or use np.mean."
)
SGD_PLUS = (
    "it adds the gradient to the parameters, so every step goes uphill. Step against it: "
    "w - lr * dw and b - lr * db."
)
SGD_LOSS_AFTER = (
    "step_losses[i] is the batch's loss after update i, but this exercise records it before the update, "
    "with the parameters that produced the gradient: compute the batch loss, then the gradients, then step."
)
SGD_EPOCH_MEAN = (
    "its epoch loss is the average of that epoch's batch losses, which mixes losses measured with "
    "different parameters. Measure the loss on the whole data set with the parameters at the end of "
    "the epoch: mean((X @ w + b - y) ** 2)."
)
SGD_NO_SHUFFLE = (
    "it gave exactly the same run for two different rng seeds, so the batches do not depend on rng: "
    "they are not shuffled, or shuffled by another generator. Walk through "
    "iterate_minibatches(X, y, batch_size, rng) in every epoch."
)
SGD_DROP_LAST = (
    "it skips the last, smaller batch of every epoch, so those examples never give a step. Keep it: "
    "one epoch is steps_per_epoch(n, batch_size) updates (iterate_minibatches, once it passes, does this)."
)
SGD_IGNORES_RNG = (
    "it gave two different runs for two generators with the same seed, so it draws its order from "
    "somewhere else (NumPy's global random state, or a new unseeded generator). Shuffle with the rng "
    "argument, so that a run can be repeated."
)


def _sgd(X, y, lr, batch_size, num_epochs, rng, *, batches=iterate_minibatches, grad_scale=None, sign=-1.0,
         record_after=False, epoch_mean=False):
    X, y = _arrays(X, y)
    w, b = np.zeros(X.shape[1]), 0.0
    step_losses, epoch_losses = [], []
    with np.errstate(all="ignore"):
        for _ in range(num_epochs):
            this_epoch = []
            for X_batch, y_batch in batches(X, y, batch_size, rng):
                loss = linear_mse(w, b, X_batch, y_batch)
                dw, db = linear_mse_grads(w, b, X_batch, y_batch)
                if grad_scale is not None:
                    factor = grad_scale(len(y_batch), batch_size)
                    dw, db = dw * factor, db * factor
                w, b = w + sign * lr * dw, b + sign * lr * db
                this_epoch.append(linear_mse(w, b, X_batch, y_batch) if record_after else loss)
            step_losses += this_epoch
            epoch_losses.append(float(np.mean(this_epoch)) if epoch_mean else linear_mse(w, b, X, y))
    return {"w": w, "b": float(b)}, step_losses, epoch_losses


SGD_BANK = (
    Mistake("sum_not_mean", lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, grad_scale=lambda m, B: m),
            SGD_SUM),
    Mistake("divides_by_batch_size",
            lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, grad_scale=lambda m, B: m / B),
            SGD_DIVIDES_BY_BATCH_SIZE),
    Mistake("plus_not_minus", lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, sign=1.0), SGD_PLUS),
    Mistake("loss_after_step", lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, record_after=True),
            SGD_LOSS_AFTER),
    Mistake("epoch_loss_mean_of_steps", lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, epoch_mean=True),
            SGD_EPOCH_MEAN),
)
"""Mistakes that change the values: named by comparing runs whose batches every correct method builds alike."""

SGD_BEHAVIOUR_BANK = (
    Mistake("no_shuffle", lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, batches=_no_shuffle),
            SGD_NO_SHUFFLE),
    Mistake("drop_last", lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, batches=_drop_last),
            SGD_DROP_LAST),
    Mistake("ignores_rng", lambda X, y, lr, bs, ne, rng: _sgd(X, y, lr, bs, ne, rng, batches=_ignores_rng),
            SGD_IGNORES_RNG),
)
"""Mistakes in how the batches are drawn: named by the behaviour probes."""


BANKS = {
    "iterate_minibatches": ITER_BANK,
    "steps_per_epoch": STEPS_BANK,
    "sgd_fit": SGD_BANK + SGD_BEHAVIOUR_BANK,
}
"""Every known mistake a check of each exercise can name."""
NAMED_BY_RULE = {"steps_per_epoch": (STEPS_FLOAT,)}
"""The mistakes a check names by a rule of its own rather than a bank entry: every answer must be an int."""
