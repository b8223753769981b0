"""Every lesson's exercises, by the names ``lesson_utils.check`` gives their checks (the public API)."""

from __future__ import annotations

EXERCISES: dict[str, tuple[str, ...]] = {
    "lesson01": ("mse", "cross_entropy"),
    "lesson02": ("softmax", "log_softmax", "cross_entropy_from_logits", "softmax_cross_entropy_grad"),
    "lesson03": ("linear_mse_grads", "gd_step", "fit_linear"),
    "lesson04": ("iterate_minibatches", "steps_per_epoch", "sgd_fit"),
    "lesson05": ("Value", "linear_forward", "linear_backward", "relu_backward", "two_layer_grads",
                 "numerical_gradient"),
    "lesson06": ("sgd_momentum_step", "adam_step", "adamw_step"),
    "lesson07": ("train_val_split", "EarlyStopping"),
    "lesson08": ("train_one_epoch", "evaluate"),
    "lesson09": ("train_from_scratch",),
}
"""Lesson package -> the exercise names its ``check`` module defines (the public API)."""
