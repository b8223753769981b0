"""What the learner has done: the outcome of each exercise's last check and the hints shown.

The checks write it and the hints read it; grading never does (a grade cell's hidden check is not recorded).
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


_ATTEMPTS: dict[str, Attempt] | None = None
_UNREADABLE: list[str] = []
"""The record files found unreadable (and started afresh) by this process, not yet told to the learner."""
_NOTED: set[str] = set()
"""Every record file ever found unreadable by this process: each is told once."""


def _unreadable(path: Path) -> dict[str, Attempt]:
    if str(path) not in _NOTED:
        _NOTED.add(str(path))
        _UNREADABLE.append(str(path))
    return {}


def record_path() -> Path:
    """Where the record is kept: ``$HOW_MODELS_LEARN_RECORD``, or ``~/.how-models-learn/progress.json``."""
    chosen = os.environ.get(RECORD_ENV)
    return Path(chosen) if chosen else Path.home() / ".how-models-learn" / "progress.json"


def kept_on_disk() -> bool:
    """Whether this process is a notebook's kernel, the one place the record is written to a file."""
    kernel = sys.modules.get("ipykernel.kernelapp")
    return kernel is not None and kernel.IPKernelApp.initialized()


def read_record(path: Path) -> dict[str, Attempt]:
    """The attempts in the file at ``path``: none if there is no file; none, noted in :data:`_UNREADABLE`, if it
    cannot be read as a record."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError:
        return _unreadable(path)
    try:
        data = json.loads(text)
        if data.get("version") != RECORD_VERSION:
            raise ValueError("another version")
        return {name: Attempt(passed=entry["passed"], mistake=entry["mistake"], hints=list(entry["hints"]))
                for name, entry in data["exercises"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return _unreadable(path)


def _write(path: Path, attempts: dict[str, Attempt]) -> None:
    """Replace the file at ``path`` with ``attempts`` in one move (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps({"version": RECORD_VERSION,
                                   "exercises": {name: asdict(a) for name, a in sorted(attempts.items())}},
                                  indent=1), encoding="utf-8")
    os.replace(partial, path)


def _attempts() -> dict[str, Attempt]:
    global _ATTEMPTS
    if _ATTEMPTS is None:
        _ATTEMPTS = read_record(record_path()) if kept_on_disk() else {}
    return _ATTEMPTS


def attempt(name: str) -> Attempt:
    """The record of exercise ``name`` (an empty one before its first check or hint)."""
    return _attempts().setdefault(name, Attempt())


def save(name: str) -> None:
    """Keep exercise ``name``'s record in the file, when there is one: read the file again and change only that
    exercise, so that two notebooks open at once do not undo each other. A file that cannot be written is left
    as it is: the record stays in memory."""
    if not kept_on_disk():
        return
    path = record_path()
    try:
        on_disk = read_record(path)
        on_disk[name] = attempt(name)
        _write(path, on_disk)
    except OSError:
        pass


def checked(name: str, passed: bool, mistake: str | None = None) -> None:
    """Note how a check of ``name`` ended."""
    record = attempt(name)
    record.passed, record.mistake = passed, (None if passed else mistake)
    save(name)


def hinted(name: str, key: str) -> None:
    """Note that hint ``key`` of ``name`` was shown."""
    attempt(name).hints.append(key)
    save(name)


def everything() -> dict[str, Attempt]:
    """Every exercise's record: from the file when there is one (it may hold other notebooks' work too)."""
    if kept_on_disk():
        on_disk = read_record(record_path())
        _attempts().update(on_disk)
    return dict(_attempts())


def take_unreadable() -> list[str]:
    """The record files this process found unreadable and started afresh, each once, since the last call (so the
    learner is told once)."""
    found = list(_UNREADABLE)
    _UNREADABLE.clear()
    return found


def forget() -> None:
    """Start afresh in memory: no check run, no hint shown (the file, if any, is left alone)."""
    global _ATTEMPTS
    _ATTEMPTS = {}
    _UNREADABLE.clear()
    _NOTED.clear()
