"""``lesson_utils.progress()``: every lesson's exercises, which pass, which fail (with the last mistake named),
which were not tried, how many hints each took, and each lesson's check-yourself score. Read from the learner's
own record (see :mod:`lesson_utils.attempts`); nothing leaves the computer.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from . import attempts, experiments, quiz
from . import messages as M
from .check import EXERCISES

LESSON_TITLES = {
    "lesson01": "01 · loss functions",
    "lesson02": "02 · softmax",
    "lesson03": "03 · gradient descent by hand",
    "lesson04": "04 · minibatches and epochs",
    "lesson05": "05 · backpropagation",
    "lesson06": "06 · optimizers",
    "lesson07": "07 · overfitting and early stopping",
    "lesson08": "08 · the PyTorch loop",
    "lesson09": "09 · capstone: a network from scratch, then in PyTorch",
}


def _shown(path: Path) -> str:
    """A path as the learner reads it: the home directory as ~."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def mistake_named(lesson: str, mistake: str) -> str:
    """The known mistake ``mistake`` of ``lesson`` in a few words: its explanation up to the first full stop."""
    try:
        banks = importlib.import_module(f"lesson_utils.{lesson}.mistakes").BANKS
    except (ImportError, AttributeError):
        return mistake.replace("_", " ")
    for bank in banks.values():
        for known in bank:
            if known.id == mistake:
                return known.explanation.split(". ")[0].rstrip(".")
    return mistake.replace("_", " ")


def _hints(record: attempts.Attempt) -> str:
    n = len(record.hints)
    return "" if n == 0 else M.PROGRESS_ONE_HINT if n == 1 else M.PROGRESS_HINTS.format(n=n)


def lines() -> list[str]:
    """The progress report, line by line."""
    records = attempts.everything()
    shown = [M.PROGRESS_UNREADABLE.format(path=_shown(Path(path))) for path in attempts.take_unreadable()]
    shown.append(M.PROGRESS_ON_DISK if attempts.kept_on_disk() else M.PROGRESS_IN_MEMORY)
    passed = total = quiz_right = quiz_asked = 0
    for lesson, names in EXERCISES.items():
        shown.append(M.PROGRESS_LESSON.format(title=LESSON_TITLES[lesson]))
        for name in names:
            record = records.exercises.get(name, attempts.Attempt())
            total += 1
            hints = _hints(record)
            if record.passed:
                passed += 1
                shown.append(M.PROGRESS_PASSES.format(name=name, hints=hints))
            elif record.passed is None:
                shown.append(M.PROGRESS_NOT_TRIED.format(name=name, hints=hints))
            elif record.mistake:
                shown.append(M.PROGRESS_FAILS.format(name=name, why=mistake_named(lesson, record.mistake),
                                                     hints=hints))
            else:
                shown.append(M.PROGRESS_FAILS_UNNAMED.format(name=name, hints=hints))
        answered, right, asked = quiz.score(lesson, records.answers)
        if asked:
            quiz_right, quiz_asked = quiz_right + right, quiz_asked + asked
            shown.append(M.PROGRESS_QUIZ.format(answered=answered, n=asked, right=right))
        done, offered = experiments.tally(lesson, records.answers)
        if offered:
            shown.append(M.PROGRESS_EXPERIMENTS.format(done=done, n=offered))
    shown.append(M.PROGRESS_SUMMARY.format(passed=passed, n=total))
    if quiz_asked:
        shown.append(M.PROGRESS_QUIZ_SUMMARY.format(right=quiz_right, n=quiz_asked))
    return shown


def show() -> None:
    """Print the progress report."""
    print("\n".join(lines()))
