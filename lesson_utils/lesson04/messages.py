"""Sentences specific to the lesson 04 checks (the generic ones are in ``lesson_utils.messages``).

Tests match these by exact text. Placeholders are filled with ``str.format``.
"""

ITER_NOT_ITERABLE = (
    "iterate_minibatches returned a {type} on the case '{label}', which cannot be looped over. "
    "Make it a generator (yield one batch each time round the loop) or return a list of (X_batch, y_batch) pairs."
)
ITER_NOT_PAIRS = (
    "iterate_minibatches handed out a {type} as batch {index} on the case '{label}', but every batch is a pair "
    "(X_batch, y_batch) of arrays, the rows of X and the labels of y at the same positions."
)
ITER_BATCH_SHAPE = (
    "iterate_minibatches handed out, as batch {index} on the case '{label}', an X_batch of shape {x_shape} and "
    "a y_batch of shape {y_shape}, where X has shape {shape} and y has shape ({n},). Index the rows of both "
    "with the same array of positions, so X_batch has shape (len(idx), {rest}) and y_batch "
    "(len(idx),)."
)
ITER_NOT_ROWS = (
    "iterate_minibatches handed out, in batch {index} on the case '{label}', rows that are not rows of the X "
    "(or labels that are not in the y) it was given. Pick whole rows by their positions and leave their values "
    "as they are."
)
ITER_NOT_ONCE = (
    "iterate_minibatches did not hand out every example exactly once on the case '{label}' "
    "(n = {n}, batch_size = {batch_size}): {detail}. One epoch is one permutation of all n positions, "
    "cut into consecutive slices of batch_size positions (the last one may be shorter)."
)
ITER_MISSING = "{count} of the examples never appear"
ITER_REPEATED = "{count} appear more than once"
ITER_BATCH_SIZES = (
    "iterate_minibatches made batches of sizes {got} on the case '{label}' (n = {n}, batch_size = {batch_size}), "
    "where the sizes are {expected}: batch_size each, then what is left in one smaller batch at the end."
)
ITER_ENDLESS = (
    "iterate_minibatches kept handing out batches on the case '{label}': more than {limit} of them for "
    "n = {n} examples, so one epoch never ends. Stop once every position of the permutation has been handed out."
)
ITER_IN_PLACE = (
    "iterate_minibatches changed its input `{arg}` in place on the case '{label}' (rng.shuffle(X) does this). "
    "Leave X and y as they are: shuffle an array of positions instead, and build each batch by indexing with "
    "it."
)

COUNT_NOT_INT = (
    "steps_per_epoch returned {value}, a {type}, for n = {n}, batch_size = {batch_size}. The value is right, but "
    "a number of steps is a count, used as in `range(steps_per_epoch(n, batch_size))`, which a float breaks: "
    "return an int (NumPy's rounding functions return floats; Python's own whole-number arithmetic does not)."
)
COUNT_NOT_INT_HIDDEN = (
    "steps_per_epoch returned a {type} on a hidden case. The values are right, but a number of steps is a "
    "count: return an int, not a float."
)
COUNT_INT_LINE = "every answer is an int"

SGD_NOT_THREE = (
    "sgd_fit returned {got} on the case '{label}', but it should return 3 values: params, step_losses, "
    "epoch_losses. End the function with `return params, step_losses, epoch_losses`."
)
SGD_LOSSES_NOT_1D = (
    "sgd_fit returned {part} of shape {shape} on the case '{label}', but it is a flat list with one number per "
    "{per}. Append one float each time: `{part}.append(loss)`."
)
SGD_W_SHAPE = (
    "sgd_fit returned params['w'] of shape {got} on the case '{label}', where X has {d} columns, so w has shape "
    "({d},). Start from `w = np.zeros(X.shape[1])` and keep b a separate number."
)
SGD_B_SIZE = (
    "sgd_fit returned params['b'] with {size} numbers on the case '{label}', but b is one number shared by "
    "every example. Start from `b = 0.0` and update it with the mean gradient db."
)
SGD_STEP_COUNT = (
    "sgd_fit returned {got} step losses on the case '{label}' (n = {n}, batch_size = {batch_size}, "
    "num_epochs = {num_epochs}), but there is one per update: num_epochs * steps_per_epoch(n, batch_size) = "
    "{expected}. Record one loss for every batch of every epoch, the last smaller batch included."
)
SGD_EPOCH_COUNT = (
    "sgd_fit returned {got} epoch losses on the case '{label}' with num_epochs = {num_epochs}. "
    "Record exactly one per epoch, after the epoch's last update."
)
SGD_WRONG_VALUE = (
    "sgd_fit returned {part} = {got} on the case '{label}', but the answer is {expected}. This matches none of "
    "the usual mistakes. In each step: the batch loss and gradients at the current w and b (means over the "
    "batch), record the loss, then w -= lr * dw and b -= lr * db; after each epoch, the loss on all of X and y."
)
SGD_EPOCH_LOSS = (
    "sgd_fit's last epoch loss is {got} on the case '{label}', but the mean squared error of the returned "
    "params on the whole data set is {expected}. After each epoch, record mean((X @ w + b - y) ** 2) over "
    "all of X and y, with the parameters as they are at the end of that epoch."
)
SGD_NOT_FALLING = (
    "sgd_fit's epoch loss went from {first} to {last} on the case '{label}', a learnable problem with a small "
    "learning rate, where the untrained model's loss is {start}; it should fall well below that. Check that "
    "each step goes against the gradient of its batch."
)
SGD_NOT_CLOSE = (
    "sgd_fit ended at w = {w}, b = {b} on the case '{label}', but the least-squares solution is w = {w_best}, "
    "b = {b_best}, and {epochs} epochs of SGD at this small learning rate land within {tol:g} of it. "
    "Check the gradients and the update of both w and b."
)
SGD_NOT_FALLING_HIDDEN = (
    "sgd_fit's epoch loss does not fall on {label}, a learnable problem with a small learning rate. "
    "Check that each step goes against the gradient of its batch."
)
SGD_NOT_CLOSE_HIDDEN = (
    "sgd_fit does not end near the least-squares solution on {label}, a learnable problem with a small "
    "learning rate. Check the gradients and the update of both w and b."
)
ITER_NOT_MIXED = (
    "iterate_minibatches keeps every batch a run of neighbouring examples on the case '{label}' (only the "
    "order inside or between batches changes), so the same examples always share a batch. Shuffle all n "
    "positions first, then cut that shuffled order into slices."
)
