"""What the learner has done: the outcome of each exercise's last check, the hints shown, and the answers given to
each lesson's quiz and experiments.

The checks, the quiz and the experiments write it and the hints read it; grading never does (a grade cell's
hidden check is not recorded).
In a notebook's kernel the record is also kept in a small file on the learner's own computer (see
:func:`record_path`), so that it survives a restart and :func:`lesson_utils.progress.progress` can show every
lesson; anywhere else (the grader judging a submission, a script) it lives in memory only.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

RECORD_ENV = "HOW_MODELS_LEARN_RECORD"
"""An environment variable naming another file for the record (the tests keep theirs in a temporary directory)."""
RECORD_VERSION = 1


@dataclass
class Attempt:
    """One exercise: how its last check ended, the known mistake it named (if any), and the hints shown."""

    passed: bool | None = None
    mistake: str | None = None
    hints: list[str] = field(default_factory=list)
    """The keys of the hints shown, in order: 'rung 1', 'rung 2', ..., or 'mistake ID'."""


@dataclass
class Answer:
    """One quiz question or experiment: what the learner gave, and whether it was right (``None`` until judged:
    a written answer the learner has not yet compared with the course's)."""

    given: str | int | float | None = None
    right: bool | None = None


@dataclass
class Record:
    """Everything kept: exercises by name, answers by ``LESSON/KEY`` (``"lesson01/q2"``)."""

    exercises: dict[str, Attempt] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)


_RECORD: Record | None = None
_UNREADABLE: list[str] = []
"""The record files found unreadable (and started afresh) by this process, not yet told to the learner."""
_NOTED: set[str] = set()
"""Every record file ever found unreadable by this process: each is told once."""


def _unreadable(path: Path) -> Record:
    if str(path) not in _NOTED:
        _NOTED.add(str(path))
        _UNREADABLE.append(str(path))
    return Record()


def record_path() -> Path:
    """Where the record is kept: ``$HOW_MODELS_LEARN_RECORD``, or ``~/.how-models-learn/progress.json``."""
    chosen = os.environ.get(RECORD_ENV)
    return Path(chosen) if chosen else Path.home() / ".how-models-learn" / "progress.json"


def kept_on_disk() -> bool:
    """Whether this process is a notebook's kernel, the one place the record is written to a file."""
    kernel = sys.modules.get("ipykernel.kernelapp")
    return kernel is not None and kernel.IPKernelApp.initialized()


_GIVEN = (str, int, float, type(None))


def _answer(entry: dict) -> Answer:
    if not isinstance(entry["given"], _GIVEN) or entry["right"] not in (True, False, None):
        raise ValueError("not an answer")
    return Answer(given=entry["given"], right=entry["right"])


def read_record(path: Path) -> Record:
    """The record in the file at ``path``: empty if there is no file; empty, noted in :data:`_UNREADABLE`, if it
    cannot be read as a record. A file written before answers were kept has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Record()
    except OSError:
        return _unreadable(path)
    try:
        data = json.loads(text)
        if data.get("version") != RECORD_VERSION:
            raise ValueError("another version")
        exercises = {name: Attempt(passed=entry["passed"], mistake=entry["mistake"], hints=list(entry["hints"]))
                     for name, entry in data["exercises"].items()}
        answers = {key: _answer(entry) for key, entry in data.get("answers", {}).items()}
        return Record(exercises=exercises, answers=answers)
    except (ValueError, KeyError, TypeError, AttributeError):
        return _unreadable(path)


def _write(path: Path, record: Record) -> None:
    """Replace the file at ``path`` with ``record`` in one move (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps({"version": RECORD_VERSION,
                                   "exercises": {name: asdict(a) for name, a in sorted(record.exercises.items())},
                                   "answers": {key: asdict(a) for key, a in sorted(record.answers.items())}},
                                  indent=1), encoding="utf-8")
    os.replace(partial, path)


def _record() -> Record:
    global _RECORD
    if _RECORD is None:
        _RECORD = read_record(record_path()) if kept_on_disk() else Record()
    return _RECORD


def attempt(name: str) -> Attempt:
    """The record of exercise ``name`` (an empty one before its first check or hint)."""
    return _record().exercises.setdefault(name, Attempt())


def answer(key: str) -> Answer:
    """The answer kept for ``key`` (``"lesson01/q2"``): the file's, when there is one, so that an answer given in
    another session is shown again; an empty one before the first answer."""
    if kept_on_disk():
        on_disk = read_record(record_path()).answers.get(key)
        if on_disk is not None:
            _record().answers[key] = on_disk
    return _record().answers.setdefault(key, Answer())


def save(name: str | None = None, key: str | None = None) -> None:
    """Keep exercise ``name``'s record, or answer ``key``, in the file, when there is one: read the file again and
    change only that entry, so that two notebooks open at once do not undo each other. A file that cannot be
    written is left as it is: the record stays in memory."""
    if not kept_on_disk():
        return
    path = record_path()
    try:
        on_disk = read_record(path)
        if name is not None:
            on_disk.exercises[name] = attempt(name)
        if key is not None:
            on_disk.answers[key] = _record().answers.setdefault(key, Answer())
        _write(path, on_disk)
    except OSError:
        pass


def checked(name: str, passed: bool, mistake: str | None = None) -> None:
    """Note how a check of ``name`` ended."""
    record = attempt(name)
    record.passed, record.mistake = passed, (None if passed else mistake)
    save(name=name)


def hinted(name: str, key: str) -> None:
    """Note that hint ``key`` of ``name`` was shown."""
    attempt(name).hints.append(key)
    save(name=name)


def answered(key: str, given: str | int | float | None, right: bool | None) -> None:
    """Note the answer ``given`` to question or experiment ``key``, and whether it was right."""
    entry = _record().answers.setdefault(key, Answer())
    entry.given, entry.right = given, right
    save(key=key)


def everything() -> Record:
    """Every exercise's record and every answer: from the file when there is one (it may hold other notebooks'
    work too)."""
    record = _record()
    if kept_on_disk():
        on_disk = read_record(record_path())
        record.exercises.update(on_disk.exercises)
        record.answers.update(on_disk.answers)
    return Record(exercises=dict(record.exercises), answers=dict(record.answers))


def take_unreadable() -> list[str]:
    """The record files this process found unreadable and started afresh, each once, since the last call (so the
    learner is told once)."""
    found = list(_UNREADABLE)
    _UNREADABLE.clear()
    return found


def forget() -> None:
    """Start afresh in memory: no check run, no hint shown, no answer given (the file, if any, is left alone)."""
    global _RECORD
    _RECORD = Record()
    _UNREADABLE.clear()
    _NOTED.clear()
