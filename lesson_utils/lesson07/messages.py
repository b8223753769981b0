"""Sentences specific to the lesson 07 checks (the generic ones are in ``lesson_utils.messages``).

Tests match these by exact text. Placeholders are filled with ``str.format``.
"""

# --- train_val_split ------------------------------------------------------------

SPLIT_PART_SHAPE = (
    "train_val_split returned {part} of shape {got} on the case '{label}', but its rows should have the shape "
    "of one row of {source}, {row}: index whole rows, as in `{source}[rows]`."
)
SPLIT_FOREIGN_ROWS = (
    "train_val_split returned {part} with rows that are not rows of {source} on the case '{label}'. "
    "Pick whole rows of the inputs, as in `{source}[rows]`, without changing their values."
)
SPLIT_LENGTHS_DIFFER = (
    "train_val_split returned {x_part} with {x_rows} rows but {y_part} with {y_rows} on the case '{label}'. "
    "Each X row needs its y: index X and y with the same indices."
)
SPLIT_SIZES = (
    "train_val_split put {got} of {n} rows in the validation part on the case '{label}' "
    "(val_fraction = {val_fraction:g}), but it should be round({val_fraction:g} * {n}) = {expected}."
)
SPLIT_NOT_PARTITION = (
    "train_val_split does not put every row in exactly one part on the case '{label}': {missing} of the "
    "{n} rows are missing and {repeated} appear more than once. Shuffle the indices once and cut them in two."
)
SPLIT_MISALIGNED = (
    "train_val_split separates X rows from their y values on the case '{label}': the y next to an X row "
    "is not that row's y. Index X and y with the same indices."
)
SPLIT_NOT_REPRODUCIBLE = (
    "train_val_split gave two different splits for two generators made with the same seed "
    "on the case '{label}'. Draw the shuffle from the `rng` argument only."
)

# --- EarlyStopping --------------------------------------------------------------

STOP_NOT_A_CLASS = (
    "EarlyStopping({args}) returned {what} on the case '{label}', but it should make an object with a "
    "`step` method. Write `class EarlyStopping:` with `__init__(self, patience, min_delta=0.0)`."
)
STEP_NOT_BOOL = (
    "EarlyStopping's step returned {what} at epoch {epoch} on the case '{label}'. "
    "Return True when training should stop and False when it should go on."
)
STOP_MISSING = (
    "EarlyStopping has no {attr} after the case '{label}'. Set `self.best_loss`, `self.best_params` and "
    "`self.best_epoch` in __init__, update them in step, and give the class a `restore()` method."
)
STOP_WHEN = (
    "EarlyStopping stopped {got} on the case '{label}', but it should stop {expected}. Count the epochs "
    "without improvement, start again from 0 after an improvement, and return True when the count reaches "
    "patience."
)
STOPPED_AT = "at epoch {epoch}"
NEVER_STOPPED = "never (step returned False every time)"
SHOULD_NOT_STOP = "not at all on this sequence"
STOP_BEST_EPOCH = (
    "EarlyStopping has best_epoch = {got} on the case '{label}', but the best validation loss came at epoch "
    "{expected} (0-based: the first call to step is epoch 0)."
)
STOP_BEST_LOSS = (
    "EarlyStopping has best_loss = {got} on the case '{label}', but the best validation loss is {expected}. "
    "Keep the loss of the last improvement, where improvement means val_loss < best_loss - min_delta."
)
STOP_PARAMS = (
    "EarlyStopping's {what} on the case '{label}' {got}, but should be the params passed at epoch {expected}, "
    "the epoch of the best validation loss."
)
STOP_PARAMS_REFERENCE = (
    "EarlyStopping's {what} changed when the training loop changed the params in place after the last step "
    "on the case '{label}': it keeps a reference to the arrays, not a copy. Store `copy.deepcopy(params)`."
)
BEST_PARAMS = "best_params"
RESTORED = "restore() result"
PARAMS_OF_EPOCH = "are the params of epoch {epoch}"
PARAMS_NONE = "are None"
PARAMS_OF_NO_EPOCH = "are not the params of any epoch"
