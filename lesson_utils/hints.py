"""Hints on demand: ``check.hint("NAME")`` shows the next rung of the exercise's ladder.

A ladder climbs from a nudge (a question that points at what matters), through the idea, to a skeleton with
blanks, and never reaches the answer itself. When the learner's last check of the exercise named a known
mistake, the first hint shown is the one written for that mistake. Each lesson keeps its ladders in its own
``hints`` module, as ``LADDERS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import attempts
from . import messages as M


@dataclass(frozen=True)
class Ladder:
    """The hints of one exercise: ``rungs`` in the order they are given, and one hint per known mistake id."""

    name: str
    rungs: tuple[str, ...]
    for_mistake: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def exercise_name(exercise: Any) -> str | None:
    """The exercise a learner means: a name, or the function (or class) whose name it is."""
    if isinstance(exercise, str):
        return exercise
    name = getattr(exercise, "__name__", None)
    return name if isinstance(name, str) else None


def next_hint(ladder: Ladder) -> str:
    """The next hint of ``ladder`` as a line to print, noted in the learner's attempts."""
    record = attempts.attempt(ladder.name)
    mistake = record.mistake
    if mistake in ladder.for_mistake and f"mistake {mistake}" not in record.hints:
        attempts.hinted(ladder.name, f"mistake {mistake}")
        return M.HINT_FOR_MISTAKE.format(name=ladder.name, text=ladder.for_mistake[mistake])
    climbed = sum(key.startswith("rung ") for key in record.hints)
    n = len(ladder.rungs)
    if climbed >= n:
        return M.HINT_NO_MORE.format(name=ladder.name, n=n, text=ladder.rungs[-1])
    attempts.hinted(ladder.name, f"rung {climbed + 1}")
    return M.HINT_RUNG.format(index=climbed + 1, n=n, name=ladder.name, text=ladder.rungs[climbed])


def ladder_of(lesson: str, name: str) -> Ladder:
    """Exercise ``name``'s ladder, from ``lesson_utils.<lesson>.hints``."""
    return importlib.import_module(f"lesson_utils.{lesson}.hints").LADDERS[name]
