"""Sentences specific to the lesson 09 check (the generic ones are in ``lesson_utils.messages``).

Tests match these by exact text. Placeholders are filled with ``str.format``.
"""

PIECE_MISTAKE = (
    "your loop is run as a correct one would be, but with a wrong {piece}: the run matches the course's loop "
    "whose {piece} (lesson {lesson}) makes this mistake: {explanation} Fix {piece} in lesson {lesson}, run its "
    "check there, and bring it into this notebook again."
)
"""A bank entry 'the loop right, one earlier piece wrong' (its explanation is the piece's own bank sentence)."""

PARAMS_KEYS = (
    "The params train_from_scratch returned on the case '{label}' have the keys {got}, but a two-layer network's "
    "are {expected}: return a dict like the params you were given, with the weights the stopper kept."
)
PARAM_SHAPE = (
    "train_from_scratch returned {param} of shape {got} on the case '{label}', where the starting {param} has "
    "shape {expected}. Training changes the values of the weights, never their shapes."
)
LOSSES_NOT_1D = (
    "train_from_scratch returned {part} of shape {shape} on the case '{label}', but it is a flat list of numbers, "
    "one per {per}."
)
STEP_COUNT = (
    "train_from_scratch recorded {got} step losses on the case '{label}', but it ran {epochs} epochs (it "
    "recorded {epochs} validation losses) and n = {n} examples in batches of {batch_size} make {per_epoch} "
    "steps an epoch: {expected} in all. Record one loss for every update, that batch's loss before its step."
)
STOP_EPOCH = (
    "train_from_scratch ran {got} epochs on the case '{label}', but the validation losses it recorded say "
    "stop after epoch {expected}: its best epoch was {best} (counting from 1) and patience is {patience}. Give "
    "the stopper every epoch's validation loss, and leave the epoch loop as soon as its step() returns True."
)
RAN_TOO_FEW = (
    "train_from_scratch ran {got} epochs on the case '{label}', where num_epochs is {num_epochs} and its "
    "validation losses never went {patience} epochs without a new best. Train for num_epochs epochs unless "
    "the stopper says stop."
)
NOT_RESTORED = (
    "The params train_from_scratch returned on the case '{label}' give a validation loss of {got}, but the best "
    "epoch it recorded (epoch {best}, counting from 1) had {expected}. Return the weights the stopper kept at "
    "its best epoch: EarlyStopping.restore()."
)
NOT_LEARNING = (
    "On the case '{label}', a problem a two-layer network can learn, the training loss did not fall: the "
    "starting weights' loss on the training data is {first}, and the mean step loss of the last epoch {last}. "
    "Take one adamw_step per batch, with the gradients two_layer_grads gives for that batch, and keep the params "
    "and state it returns."
)
NOT_LEARNING_HIDDEN = (
    "On {label}, a problem a two-layer network can learn, the training loss of train_from_scratch did not fall. "
    "Take one adamw_step per batch with that batch's gradients, and keep the params and state it returns."
)
SAME_RUN_OTHER_SEED = (
    "train_from_scratch gave exactly the same step losses with rng seeded 11 and with rng seeded 12 on the case "
    "'{label}', so its batches do not come from rng. Hand the rng you are given to iterate_minibatches, once "
    "per epoch, and draw nothing else from it."
)
OTHER_RUN_SAME_SEED = (
    "train_from_scratch gave different step losses in two runs with rng seeded 11 on the case '{label}', so "
    "something in it draws from another source of randomness. Shuffle only with the rng you are given."
)
LOOP_WRONG_VALUE = (
    "train_from_scratch returned {part} {got} on the case '{label}', but the course's loop gives {expected}. The "
    "batches of this case are the same however they are drawn, and this matches none of the usual mistakes: "
    "check each piece your loop calls (the check cell under the bring cell), then walk through one epoch of "
    "your loop by hand."
)
