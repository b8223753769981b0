"""Exercise checks: call ``check.NAME(your_function)`` after writing it.

Each check runs your function on fixed and random cases, prints a line per
case, and either returns quietly (all pass) or raises :class:`CheckFailed`
with one sentence that says what is wrong and what to do.

A lesson's checks are imported the first time one of them is used, so
``from lesson_utils import check`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import hints as _hints
from . import messages as _M
from .errors import CheckFailed

EXERCISES: dict[str, tuple[str, ...]] = {
    "lesson01": ("mse", "cross_entropy"),
    "lesson02": ("softmax", "log_softmax", "cross_entropy_from_logits", "softmax_cross_entropy_grad"),
    "lesson03": ("linear_mse_grads", "gd_step", "fit_linear"),
    "lesson04": ("iterate_minibatches", "steps_per_epoch", "sgd_fit"),
    "lesson05": ("Value", "linear_forward", "linear_backward", "relu_backward", "numerical_gradient"),
    "lesson06": ("sgd_momentum_step", "adam_step", "adamw_step"),
    "lesson07": ("train_val_split", "EarlyStopping"),
    "lesson08": ("train_one_epoch", "evaluate"),
}
"""Lesson package -> the exercise names its ``check`` module defines (the public API)."""

_LESSON_OF = {name: lesson for lesson, names in EXERCISES.items() for name in names}

__all__ = ["CheckFailed", "hint", *_LESSON_OF]


def hint(exercise: Any) -> None:
    """Print the next hint for an exercise: ``check.hint("mse")`` or ``check.hint(mse)``. Each call climbs one
    rung, from a nudge to a skeleton with blanks; after a check that named a known mistake, the first hint is
    the one for that mistake."""
    name = _hints.exercise_name(exercise)
    if name not in _LESSON_OF:
        what = repr(name) if name is not None else f"a value of type {type(exercise).__name__}"
        print(_M.HINT_UNKNOWN.format(what=what))
        return
    print(_hints.next_hint(_hints.ladder_of(_LESSON_OF[name], name)))


def __getattr__(name: str) -> Any:
    lesson = _LESSON_OF.get(name)
    if lesson is None:
        raise AttributeError(f"module 'lesson_utils.check' has no check named {name!r}")
    value = getattr(importlib.import_module(f"lesson_utils.{lesson}.check"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
