"""The earlier pieces the capstone's loop calls, the lesson of each, and which of their known mistakes the check
of ``train_from_scratch`` can name in a run (names only: the mistakes themselves are in the withheld bank)."""

from __future__ import annotations

PIECE_LESSONS = {"iterate_minibatches": "04", "two_layer_grads": "05", "adamw_step": "06", "EarlyStopping": "07"}
"""Each piece the loop calls, and the lesson whose exercise it is."""

PIECE_MISTAKE_IDS = {
    "iterate_minibatches": ("drop_last", "pairs_broken"),
    "two_layer_grads": ("relu_backward_left_out", "dW2_from_z1"),
    "adamw_step": ("l2_not_decoupled", "decay_after_update", "decay_without_lr", "no_decay", "no_bias_correction",
                   "eps_inside_sqrt", "v_not_corrected"),
    "EarlyStopping": ("patience_off_by_one",),
}
"""For each piece, the entries of its lesson's bank that change a training run in a way of their own.

Left out: entries that only show on inputs the loop never makes (a min_delta, a NaN loss); gradients scaled by a
constant (two_layer_grads' bias_grads_averaged and one_over_n_twice), which Adam's steps hardly see, as each
parameter's step is divided by the root of its own squared gradients; entries no run of the battery tells apart
from another (EarlyStopping's last_not_best runs as the loop's last_weights, whose sentence names both places;
its counter_not_reset needs a late improvement the battery's runs do not have); and entries that break a run
outright (adamw_step's step_from_zero divides by zero), which the piece's own check names."""


def piece_id(piece: str, mistake_id: str) -> str:
    """The id of the entry 'the loop right, ``piece`` making ``mistake_id``': ``adamw_step.no_bias_correction``."""
    return f"{piece}.{mistake_id}"
