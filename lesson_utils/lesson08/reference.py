"""Reference answers for lesson 08: one epoch of training and one pass of evaluation in PyTorch.

Both return the mean loss over every example the loader yields, as a Python float. The loss
function is assumed to average over its batch (the PyTorch default, ``reduction="mean"``), so
each batch's loss is weighted by its number of examples: a short last batch counts for less.
"""

from __future__ import annotations


def train_one_epoch(model, loader, loss_fn, optimizer) -> float:
    """One pass over ``loader``: for every batch zero_grad, forward, loss, backward, step.

    Puts the model in training mode first (``model.train()``). Returns the mean loss over
    the epoch, each batch's loss (computed before that batch's step) weighted by its size.
    """
    model.train()
    total, count = 0.0, 0
    for X, y in loader:
        optimizer.zero_grad()
        y_hat = model(X)
        loss = loss_fn(y_hat, y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(X)
        count += len(X)
    return total / count


def evaluate(model, loader, loss_fn) -> float:
    """The mean loss of ``model`` over ``loader``, without gradients and in evaluation mode.

    Calls ``model.eval()`` and runs every forward pass under ``torch.no_grad()``; the model
    is left in evaluation mode (the next ``train_one_epoch`` switches it back). The
    parameters are not changed. Each batch's loss is weighted by its size.
    """
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for X, y in loader:
            loss = loss_fn(model(X), y)
            total += loss.item() * len(X)
            count += len(X)
    return total / count
