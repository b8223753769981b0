"""The course's exercises as the checks' tests see them: every name, its lesson, its reference and its banks of
known mistakes."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from lesson_utils.check import EXERCISES

BANKS: dict[str, tuple[str, ...]] = {
    "mse": ("MSE_BANK",),
    "cross_entropy": ("CE_BANK",),
    "softmax": ("SOFTMAX_BANK",),
    "log_softmax": ("LOG_SOFTMAX_BANK",),
    "cross_entropy_from_logits": ("CE_BANK",),
    "softmax_cross_entropy_grad": ("GRAD_BANK",),
    "linear_mse_grads": ("GRADS_BANK",),
    "gd_step": ("STEP_BANK",),
    "fit_linear": ("FIT_BANK", "FIT_BEHAVIOUR_BANK"),
    "iterate_minibatches": ("ITER_BANK",),
    "steps_per_epoch": ("STEPS_BANK",),
    "sgd_fit": ("SGD_BANK", "SGD_BEHAVIOUR_BANK"),
    "Value": ("VALUE_BANK",),
    "linear_forward": ("FORWARD_BANK",),
    "linear_backward": ("BACKWARD_BANK",),
    "relu_backward": ("RELU_BANK",),
    "two_layer_grads": ("TWO_LAYER_BANK",),
    "numerical_gradient": ("NUMGRAD_BANK",),
    "sgd_momentum_step": ("SGD_BANK",),
    "adam_step": ("ADAM_BANK",),
    "adamw_step": ("ADAMW_BANK",),
    "train_val_split": ("SPLIT_BANK",),
    "EarlyStopping": ("STOP_BANK",),
    "train_one_epoch": ("TRAIN_BANK", "TRAIN_BEHAVIOUR_BANK"),
    "evaluate": ("EVAL_BANK", "EVAL_BEHAVIOUR_BANK"),
    "train_from_scratch": ("LOOP_BANK", "PIECE_BANK"),
}
"""Exercise -> the banks of known mistakes in its lesson's ``mistakes`` module."""

NAMES = [name for names in EXERCISES.values() for name in names]
LESSON_OF = {name: lesson for lesson, names in EXERCISES.items() for name in names}


def module(name: str, kind: str) -> ModuleType:
    """The ``kind`` module (``reference``, ``mistakes``, ``check``) of exercise ``name``'s lesson."""
    return importlib.import_module(f"lesson_utils.{LESSON_OF[name]}.{kind}")


def reference(name: str) -> Any:
    """The reference answer of exercise ``name``."""
    return getattr(module(name, "reference"), name)


def mistakes(name: str) -> list:
    """Every known mistake of exercise ``name``, from all its banks."""
    return [m for bank in BANKS[name] for m in getattr(module(name, "mistakes"), bank)]


def behaviour_mistakes(name: str) -> list:
    """The known mistakes of exercise ``name`` that its behaviour probes name with a sentence of their own."""
    return [m for bank in BANKS[name] if "BEHAVIOUR" in bank for m in getattr(module(name, "mistakes"), bank)]
