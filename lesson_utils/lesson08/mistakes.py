"""The bank of known wrong implementations for lesson 08.

Each entry makes exactly one mistake. The entries in the ``*_BANK`` tuples change what an epoch
computes, so a learner whose parameters and mean loss equal an entry's is told that mistake by
name; the entries in the ``*_BEHAVIOUR_BANK`` tuples compute the right numbers in the wrong way
(a tensor instead of a float, the wrong mode, gradients switched on) and are named by the probe
that watches for that behaviour.
"""

from __future__ import annotations

from ..harness import Mistake

# --- train_one_epoch ------------------------------------------------------------

TRAIN_NO_ZERO_GRAD = (
    "it never calls optimizer.zero_grad(), so the gradients pile up: PyTorch adds each backward() "
    "to whatever is already in .grad, and every step uses the sum of all the gradients so far. "
    "Call optimizer.zero_grad() at the start of every batch, before the forward pass."
)
TRAIN_ZERO_GRAD_AFTER_BACKWARD = (
    "it calls optimizer.zero_grad() between loss.backward() and optimizer.step(), so the gradients "
    "are wiped just before the step uses them and the parameters never move. The order is "
    "zero_grad, forward, loss, backward, step."
)
TRAIN_NO_ITEM = (
    "it returns a torch tensor that still requires grad, not a Python float: the batch losses are "
    "added up as tensors (`total += loss`), which keeps every batch's computation graph alive in "
    "memory. Add `loss.item()` instead, a plain number."
)
TRAIN_NO_TRAIN_MODE = (
    "it never calls model.train(), so a model left in evaluation mode (by evaluate) trains with "
    "dropout switched off and batch norm frozen. Call model.train() at the start of the epoch."
)
TRAIN_MEAN_OF_BATCH_MEANS = (
    "it averages the batch losses, so a short last batch counts as much as a full one. Weight "
    "each batch's loss by its size: add `loss.item() * len(X)` and divide by the number of examples."
)
TRAIN_LAST_BATCH = (
    "it returns the loss of the last batch only. Add up every batch's loss (times its size) over "
    "the epoch and return the mean over all examples."
)
TRAIN_SUM = (
    "it returns the sum of the batch losses, not their mean, so the number grows with the number "
    "of batches. Divide by the number of examples (after weighting each batch loss by its size)."
)


def _train(model, loader, loss_fn, optimizer, *, zero="before", item=True, train_mode=True, reduce="weighted"):
    if train_mode:
        model.train()
    total, count, losses = 0.0, 0, []
    for X, y in loader:
        if zero == "before":
            optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        if zero == "after_backward":
            optimizer.zero_grad()
        optimizer.step()
        value = loss.item() if item else loss
        total = total + value * len(X)
        count += len(X)
        losses.append(value)
    if reduce == "batch_mean":
        return sum(losses) / len(losses)
    if reduce == "last":
        return losses[-1]
    if reduce == "sum":
        return sum(losses)
    return total / count


TRAIN_BANK = (
    Mistake("no_zero_grad", lambda m, dl, f, o: _train(m, dl, f, o, zero="never"), TRAIN_NO_ZERO_GRAD),
    Mistake("zero_grad_after_backward", lambda m, dl, f, o: _train(m, dl, f, o, zero="after_backward"),
            TRAIN_ZERO_GRAD_AFTER_BACKWARD),
    Mistake("mean_of_batch_means", lambda m, dl, f, o: _train(m, dl, f, o, reduce="batch_mean"),
            TRAIN_MEAN_OF_BATCH_MEANS),
    Mistake("last_batch_loss", lambda m, dl, f, o: _train(m, dl, f, o, reduce="last"), TRAIN_LAST_BATCH),
    Mistake("sum_of_batch_losses", lambda m, dl, f, o: _train(m, dl, f, o, reduce="sum"), TRAIN_SUM),
)
"""Mistakes that change the parameters or the mean loss: named by comparing the epoch with the reference's."""

TRAIN_BEHAVIOUR_BANK = (
    Mistake("no_item", lambda m, dl, f, o: _train(m, dl, f, o, item=False), TRAIN_NO_ITEM),
    Mistake("no_train_mode", lambda m, dl, f, o: _train(m, dl, f, o, train_mode=False), TRAIN_NO_TRAIN_MODE),
)
"""Mistakes with the right numbers done the wrong way: named by the probes that watch for them."""

# --- evaluate -------------------------------------------------------------------

EVAL_GRAD_ENABLED = (
    "it runs the model with gradients switched on, so PyTorch records a computation graph for every "
    "batch that nobody will ever call backward() on, wasting time and memory. Put the loop inside "
    "`with torch.no_grad():`."
)
EVAL_NO_EVAL_MODE = (
    "it never calls model.eval(), so dropout keeps dropping units and batch norm keeps using (and "
    "updating) batch statistics while you measure. Call model.eval() before the loop."
)
EVAL_BACK_TO_TRAIN_MODE = (
    "it switches the model back to training mode before it returns (model.train() at the end, or putting back "
    "the mode it found), but evaluate should leave the model in evaluation mode: the next train_one_epoch "
    "calls model.train() itself. Remove the switch back."
)
EVAL_NO_ITEM = (
    "it returns a torch tensor, not a Python float: the batch losses are added up as tensors. "
    "Add `loss.item()` instead, a plain number."
)
EVAL_MEAN_OF_BATCH_MEANS = (
    "it averages the batch losses, so a short last batch counts as much as a full one. Weight "
    "each batch's loss by its size: add `loss.item() * len(X)` and divide by the number of examples."
)
EVAL_LAST_BATCH = (
    "it returns the loss of the last batch only. Add up every batch's loss (times its size) and "
    "return the mean over all examples."
)


def _evaluate(model, loader, loss_fn, *, no_grad=True, eval_mode=True, item=True, reduce="weighted",
              back_to_train=False):
    import contextlib

    import torch

    if eval_mode:
        model.eval()
    total, count, losses = 0.0, 0, []
    with torch.no_grad() if no_grad else contextlib.nullcontext():
        for X, y in loader:
            loss = loss_fn(model(X), y)
            value = loss.item() if item else loss
            total = total + value * len(X)
            count += len(X)
            losses.append(value)
    if back_to_train:
        model.train()
    if reduce == "batch_mean":
        return sum(losses) / len(losses)
    if reduce == "last":
        return losses[-1]
    return total / count


EVAL_BANK = (
    Mistake("mean_of_batch_means", lambda m, dl, f: _evaluate(m, dl, f, reduce="batch_mean"),
            EVAL_MEAN_OF_BATCH_MEANS),
    Mistake("last_batch_loss", lambda m, dl, f: _evaluate(m, dl, f, reduce="last"), EVAL_LAST_BATCH),
)
"""Mistakes that change the mean loss: named by comparing it with the reference's."""

EVAL_BEHAVIOUR_BANK = (
    Mistake("no_item", lambda m, dl, f: _evaluate(m, dl, f, item=False), EVAL_NO_ITEM),
    Mistake("grad_enabled", lambda m, dl, f: _evaluate(m, dl, f, no_grad=False), EVAL_GRAD_ENABLED),
    Mistake("no_eval_mode", lambda m, dl, f: _evaluate(m, dl, f, eval_mode=False), EVAL_NO_EVAL_MODE),
    Mistake("back_to_train_mode", lambda m, dl, f: _evaluate(m, dl, f, back_to_train=True),
            EVAL_BACK_TO_TRAIN_MODE),
)
"""Mistakes with the right number done the wrong way: named by the probes that watch for them."""


BANKS = {"train_one_epoch": TRAIN_BANK + TRAIN_BEHAVIOUR_BANK, "evaluate": EVAL_BANK + EVAL_BEHAVIOUR_BANK}
"""Every known mistake a check of each exercise can name."""
