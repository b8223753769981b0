"""Exercise checks: call ``check.NAME(your_function)`` after writing it.

Each check runs your function on fixed and random cases, prints a line per
case, and either returns quietly (all pass) or raises :class:`CheckFailed`
with one sentence that says what is wrong and what to do.

A lesson's checks are imported the first time one of them is used, so
``from lesson_utils import check`` stays fast. In a notebook, importing it also
makes a cell that needs an exercise you have not finished say so in one sentence
(see :mod:`lesson_utils.unfinished`).
"""

from __future__ import annotations

import importlib
from typing import Any

from . import hints as _hints
from . import messages as _M
from . import unfinished as _unfinished
from .errors import CheckFailed
from .exercises import EXERCISES

_LESSON_OF = {name: lesson for lesson, names in EXERCISES.items() for name in names}

__all__ = ["CheckFailed", "hint", "use_reference", *_LESSON_OF]

_unfinished.install()


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


def use_reference(name: str) -> Any:
    """Go on with the course's version of exercise ``name`` (``check.use_reference("train_val_split")``), so that
    the cells that need it can run before your own is finished; its check still needs yours. In a notebook it
    takes the exercise's name there."""
    return _unfinished.use_reference(name)


def __getattr__(name: str) -> Any:
    lesson = _LESSON_OF.get(name)
    if lesson is None:
        raise AttributeError(f"module 'lesson_utils.check' has no check named {name!r}")
    value = getattr(importlib.import_module(f"lesson_utils.{lesson}.check"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
