"""Sentences specific to the lesson 08 checks (the generic ones are in ``lesson_utils.messages``).

Tests match these by exact text. Placeholders are filled with ``str.format``.
"""

MEAN_LOSS = "one Python float, the mean loss over every example"
"""What both exercises return, for ``messages.RETURNED_WRONG_TYPE``."""

LOSS_AS_TENSOR = (
    "{name} returned a torch tensor on the case '{label}', but the answer is one Python float. "
    "Turn each batch's loss into a number with loss.item() before adding it up."
)
NO_FORWARD = (
    "{name} never ran the model on the case '{label}', whose loader holds {batches} batches. "
    "Loop over the loader, `for X, y in loader:`, and call model(X) for every batch."
)
TRAIN_WRONG_LOSS = (
    "train_one_epoch returned {got} on the case '{label}', but the mean loss of that epoch is {expected}. "
    "This matches none of the usual mistakes: record each batch's loss before its step, weight it by "
    "the batch size, and divide the total by the number of examples."
)
TRAIN_WRONG_PARAMS = (
    "After train_one_epoch on the case '{label}' the parameters differ from those of a correct epoch "
    "by up to {diff}. This matches none of the usual mistakes: take exactly one optimizer step per batch, "
    "in the order zero_grad, forward, loss, backward, step, with the loss function and optimizer you are given."
)
LOSS_DIFFERS = "mean loss differs"
PARAMS_DIFFER = "parameters differ"
"""What differs, in :data:`TRAIN_WRONG_HIDDEN`."""
TRAIN_WRONG_HIDDEN = (
    "train_one_epoch passes the visible cases but its {what} from a correct epoch's on {label}. "
    "Think about what the visible cases do not cover: other optimizers, models, batch sizes and dtypes."
)
EVAL_WRONG_LOSS = (
    "evaluate returned {got} on the case '{label}', but the mean loss over that loader is {expected}. "
    "This matches none of the usual mistakes: weight each batch's loss by the batch size and divide "
    "the total by the number of examples."
)
EVAL_WRONG_HIDDEN = (
    "evaluate passes the visible cases but returns a wrong mean loss on {label}. "
    "Think about what the visible cases do not cover: other models, batch sizes and dtypes."
)
EVAL_CHANGED_PARAMS = (
    "evaluate changed the model's parameters or their gradients on the case '{label}'. Evaluation "
    "only measures: no loss.backward(), no optimizer step, nothing written into the parameters."
)
