"""Reference answer for lesson 09: the training loop of a two-layer network, from the pieces of lessons 04 to 07.

:func:`run_loop` is the loop itself, written over a :class:`Pieces` (the functions it calls), so that the bank of
known mistakes can run the same loop with one piece wrong (``mistakes.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..lesson04 import reference as lesson04
from ..lesson05 import reference as lesson05
from ..lesson06 import reference as lesson06
from ..lesson07 import reference as lesson07


@dataclass(frozen=True)
class Pieces:
    """The functions the loop is built from, one per earlier exercise."""

    iterate_minibatches: Callable[..., Any] = lesson04.iterate_minibatches
    two_layer_grads: Callable[..., Any] = lesson05.two_layer_grads
    adamw_step: Callable[..., Any] = lesson06.adamw_step
    EarlyStopping: Callable[..., Any] = lesson07.EarlyStopping


COURSE_PIECES = Pieces()


def as_arrays(params, X_train, y_train, X_val, y_val) -> tuple:
    """The loop's inputs as arrays: float64 copies of the params and the X, the labels as they are."""
    params = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
    return (params, np.asarray(X_train, dtype=np.float64), np.asarray(y_train), np.asarray(X_val, dtype=np.float64),
            np.asarray(y_val))


def run_loop(pieces: Pieces, params, X_train, y_train, X_val, y_val, lr, weight_decay, batch_size, num_epochs,
             patience, rng) -> tuple[dict, list[float], list[float]]:
    """:func:`train_from_scratch` with ``pieces`` for the functions it calls."""
    params, X_train, y_train, X_val, y_val = as_arrays(params, X_train, y_train, X_val, y_val)
    stopper = pieces.EarlyStopping(patience)
    state: dict = {}
    step_losses, val_losses = [], []
    for _ in range(num_epochs):
        for X_batch, y_batch in pieces.iterate_minibatches(X_train, y_train, batch_size, rng):
            loss, grads = pieces.two_layer_grads(params, X_batch, y_batch)
            step_losses.append(float(loss))
            params, state = pieces.adamw_step(params, grads, state, lr, weight_decay=weight_decay)
        val_loss = float(pieces.two_layer_grads(params, X_val, y_val)[0])
        val_losses.append(val_loss)
        if stopper.step(val_loss, params):
            break
    return stopper.restore(), step_losses, val_losses


def train_from_scratch(params, X_train, y_train, X_val, y_val, lr, weight_decay, batch_size, num_epochs, patience,
                       rng) -> tuple[dict, list[float], list[float]]:
    """Train the two-layer network of lesson 05 with AdamW on minibatches, stopping early on the validation loss.

    ``params`` holds the starting W1, b1, W2, b2 (left unchanged). Each epoch walks through
    ``iterate_minibatches(X_train, y_train, batch_size, rng)``; each batch gives its mean loss and gradients
    (``two_layer_grads``), and one ``adamw_step`` with ``lr`` and ``weight_decay`` (the optimizer's state carried
    from step to step, from ``{}``). After each epoch, the loss on ``(X_val, y_val)`` goes to an
    ``EarlyStopping(patience)``; training ends when it says stop, or after ``num_epochs``.

    Returns ``(best_params, step_losses, val_losses)``: the params of the epoch with the lowest validation loss;
    one loss per update, that batch's loss before the update; one validation loss per epoch run.
    """
    return run_loop(COURSE_PIECES, params, X_train, y_train, X_val, y_val, lr, weight_decay, batch_size,
                    num_epochs, patience, rng)


def val_loss(params, X, y) -> float:
    """The mean cross-entropy of the two-layer network with ``params`` on ``(X, y)``."""
    return float(lesson05.two_layer_loss(params, X, y))
