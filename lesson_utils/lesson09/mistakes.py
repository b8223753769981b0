"""The bank of known wrong training loops for lesson 09.

Two kinds of entry, each with the learner's signature:

- the loop itself wrong (:data:`LOOP_BANK`): the optimizer's state thrown away each epoch, the last weights
  returned instead of the best, the validation loss taken on the training data, ...;
- the loop right but one of the learner's earlier pieces wrong (:data:`PIECE_BANK`): the course's loop run with
  one known mistake of lesson 04's ``iterate_minibatches``, lesson 05's ``two_layer_grads``, lesson 06's
  ``adamw_step`` or lesson 07's ``EarlyStopping``, so that a run that matches one names the piece and its lesson.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from ..harness import Mistake
from ..lesson04 import mistakes as lesson04
from ..lesson05 import mistakes as lesson05
from ..lesson06 import mistakes as lesson06
from ..lesson07 import mistakes as lesson07
from .messages import PIECE_MISTAKE
from .pieces import PIECE_LESSONS, PIECE_MISTAKE_IDS, piece_id
from .reference import COURSE_PIECES, Pieces, as_arrays

# --- the loop itself -----------------------------------------------------------------

LOOP_STATE_EACH_EPOCH = (
    "it starts the optimizer's state afresh ({}) at every epoch, so AdamW forgets its running averages and its "
    "step count each epoch and takes the large, bias-corrected first steps again. Start the state once, before "
    "the first epoch, and carry what adamw_step returns from each step to the next."
)
LOOP_LAST_WEIGHTS = (
    "it returns the weights of the last epoch, not the best ones. By the time early stopping says stop, the "
    "weights have spent patience epochs getting worse on the validation set: hand back what the stopper kept. "
    "If you already do, it is your EarlyStopping (lesson 07) that keeps the last weights: run its check."
)
LOOP_VAL_ON_TRAIN = (
    "it measures the loss it gives the stopper on the training data, which keeps falling as the network "
    "memorises it, so the stopper never sees overfitting. Give it the loss on (X_val, y_val), the examples the "
    "network never trains on."
)
LOOP_DECAY_NOT_PASSED = (
    "it never passes weight_decay to adamw_step, so every step decays the weights by adamw_step's default "
    "(0.01) whatever the caller asked for. Hand the weight_decay you were given to each step."
)
LOOP_IGNORES_STOP = (
    "it keeps training after the stopper says stop, so it always runs all num_epochs. step() returns True when "
    "patience epochs have brought no improvement: leave the epoch loop then."
)
LOOP_STOPPER_EACH_EPOCH = (
    "it makes a new EarlyStopping at every epoch, so each one sees a single loss, counts nothing and keeps only "
    "that epoch's weights. Make one stopper before the first epoch and give it every epoch's loss."
)
LOOP_LOSS_AFTER_STEP = (
    "it records each batch's loss after the update, measured with the new weights. A step's loss is the one "
    "two_layer_grads returns with the gradients, before adamw_step changes the weights."
)


def _loop(params, X_train, y_train, X_val, y_val, lr, weight_decay, batch_size, num_epochs, patience, rng, *,
          flaw):
    pieces = COURSE_PIECES
    params, X_train, y_train, X_val, y_val = as_arrays(params, X_train, y_train, X_val, y_val)
    stopper = pieces.EarlyStopping(patience)
    state: dict = {}
    step_losses, val_losses = [], []
    for _ in range(num_epochs):
        if flaw == "state_each_epoch":
            state = {}
        if flaw == "stopper_each_epoch":
            stopper = pieces.EarlyStopping(patience)
        for X_batch, y_batch in pieces.iterate_minibatches(X_train, y_train, batch_size, rng):
            loss, grads = pieces.two_layer_grads(params, X_batch, y_batch)
            decay = {} if flaw == "decay_not_passed" else {"weight_decay": weight_decay}
            params, state = pieces.adamw_step(params, grads, state, lr, **decay)
            if flaw == "loss_after_step":
                loss = pieces.two_layer_grads(params, X_batch, y_batch)[0]
            step_losses.append(float(loss))
        X_watch, y_watch = (X_train, y_train) if flaw == "val_on_train" else (X_val, y_val)
        val_loss = float(pieces.two_layer_grads(params, X_watch, y_watch)[0])
        val_losses.append(val_loss)
        if stopper.step(val_loss, params) and flaw != "ignores_stop":
            break
    if flaw == "last_weights":
        return params, step_losses, val_losses
    return stopper.restore(), step_losses, val_losses


LOOP_BANK = tuple(
    Mistake(flaw, partial(_loop, flaw=flaw), explanation)
    for flaw, explanation in (
        ("state_each_epoch", LOOP_STATE_EACH_EPOCH),
        ("last_weights", LOOP_LAST_WEIGHTS),
        ("val_on_train", LOOP_VAL_ON_TRAIN),
        ("decay_not_passed", LOOP_DECAY_NOT_PASSED),
        ("ignores_stop", LOOP_IGNORES_STOP),
        ("stopper_each_epoch", LOOP_STOPPER_EACH_EPOCH),
        ("loss_after_step", LOOP_LOSS_AFTER_STEP),
    )
)

# --- one earlier piece wrong ----------------------------------------------------------

PIECE_BANKS = {"iterate_minibatches": lesson04.ITER_BANK, "two_layer_grads": lesson05.TWO_LAYER_BANK,
               "adamw_step": lesson06.ADAMW_BANK, "EarlyStopping": lesson07.STOP_BANK}
"""Each piece's own bank, in its lesson."""


def _piece_entries() -> tuple[Mistake, ...]:
    entries = []
    for piece, ids in PIECE_MISTAKE_IDS.items():
        by_id = {mistake.id: mistake for mistake in PIECE_BANKS[piece]}
        for mistake_id in ids:
            wrong = by_id[mistake_id]
            pieces: Pieces = replace(COURSE_PIECES, **{piece: wrong.fn})
            explanation = PIECE_MISTAKE.format(piece=piece, lesson=PIECE_LESSONS[piece],
                                               explanation=wrong.explanation)
            entries.append(Mistake(piece_id(piece, mistake_id), partial(_with_pieces, pieces), explanation))
    return tuple(entries)


def _with_pieces(pieces: Pieces, *args):
    from .reference import run_loop

    return run_loop(pieces, *args)


PIECE_BANK = _piece_entries()

BANK = LOOP_BANK + PIECE_BANK

BANKS = {"train_from_scratch": BANK}
"""Every known mistake a check of each exercise can name."""
