"""Open experiments: a short challenge in a lesson, tried with the learner's own values.

A lesson's experiments are a table, ``EXPERIMENTS`` in ``lesson_utils/lessonNN/experiments.py``. One whose
outcome can be checked has a ``judge``: ``experiments.check("diverge_fast", lr=lr)`` runs the experiment's own
small computation with the learner's values and prints one sentence, whether it worked and why. One whose outcome
cannot be checked is a reflection: ``experiments.reflect("escape_the_dip")`` asks what the learner found, then
shows what to look for and lets them say whether they saw it. Either way the outcome is kept with the learner's
progress (:mod:`lesson_utils.attempts`), never with grading.

A judge computes with NumPy and the lesson's plotting and data helpers, never with a lesson's withheld answers,
so that an experiment also runs where those are not there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import attempts
from . import messages as M


@dataclass(frozen=True)
class Outcome:
    """What a judge found: whether the experiment worked, and one sentence saying what happened."""

    done: bool
    sentence: str


@dataclass(frozen=True)
class Experiment:
    """One experiment: its key (the name the notebook uses), its prompt (a markdown cell in the notebook), what
    to look for, and, where the outcome can be checked, the judge of the learner's values."""

    key: str
    title: str
    prompt: str
    look_for: str
    judge: Callable[..., Outcome] | None = None


def one_number(value: Any) -> float | None:
    """``value`` as one finite float (a Python or NumPy number, or an array or tensor holding one), or ``None``
    when it is not one: text, a truth value, several numbers, NaN or an infinity."""
    if isinstance(value, bool | str | bytes):
        return None
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if array.size != 1 or not np.isfinite(array).all():
        return None
    return float(array.reshape(()))


def experiments(lesson: str) -> tuple[Experiment, ...]:
    """Lesson ``lesson``'s experiments (``"lesson03"``), in order; none for a lesson without any."""
    try:
        return importlib.import_module(f"lesson_utils.{lesson}.experiments").EXPERIMENTS
    except ModuleNotFoundError:
        return ()


def record_key(lesson: str, key: str) -> str:
    """Where experiment ``key`` of ``lesson`` keeps its outcome."""
    return f"{lesson}/experiment/{key}"


def prompt_markdown(experiment: Experiment) -> str:
    """The markdown cell that sets the experiment."""
    return f"**Experiment: {experiment.title}.** {experiment.prompt}"


def tally(lesson: str, answers: dict) -> tuple[int, int]:
    """``(done, offered)`` for ``lesson``'s experiments, from the kept ``answers`` (by key)."""
    offered = experiments(lesson)
    done = sum(1 for e in offered
               if (entry := answers.get(record_key(lesson, e.key))) is not None and entry.right is True)
    return done, len(offered)


def _shown(values: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in values.items())


class Experiments:
    """A lesson's experiments: ``experiments.check(KEY, **values)`` or ``experiments.reflect(KEY)``."""

    def __init__(self, lesson: str):
        self.lesson = lesson
        self.by_key = {e.key: e for e in experiments(lesson)}
        if not self.by_key:
            raise ValueError(f"lesson {lesson!r} has no experiments")

    def _find(self, key: str) -> Experiment:
        if key not in self.by_key:
            raise ValueError(M.EXPERIMENT_UNKNOWN.format(key=key, keys=", ".join(sorted(self.by_key))))
        return self.by_key[key]

    def check(self, key: str, **values: Any) -> None:
        """Judge experiment ``key`` with the learner's ``values``, print the sentence and keep the outcome."""
        experiment = self._find(key)
        if experiment.judge is None:
            raise ValueError(M.EXPERIMENT_NOT_CHECKED.format(key=key))
        try:
            outcome = experiment.judge(**values)
        except TypeError as error:
            print(M.EXPERIMENT_BAD_VALUES.format(key=key, problem=error))
            return
        kept = attempts.answer(record_key(self.lesson, key))
        attempts.answered(record_key(self.lesson, key), _shown(values), outcome.done or kept.right is True)
        print(("✅ " if outcome.done else "🔁 ") + outcome.sentence)
        if outcome.done:
            print(M.EXPERIMENT_LOOK_FOR.format(look_for=experiment.look_for))

    def reflect(self, key: str):
        """A box for what the learner found in experiment ``key``; once written, what to look for, and whether
        they saw it (kept like a quiz answer)."""
        from .quiz import Written
        from .quiz_widget import Asked

        experiment = self._find(key)
        return Asked(Written(experiment.prompt, experiment.look_for), record_key(self.lesson, key)).box
