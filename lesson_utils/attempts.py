"""What the learner has done so far in this session: the outcome of each exercise's last check and the hints
shown. The checks write it and the hints read it; grading never does (a grade cell's hidden check is not
recorded).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Attempt:
    """One exercise: how its last check ended, the known mistake it named (if any), and the hints shown."""

    passed: bool | None = None
    mistake: str | None = None
    hints: list[str] = field(default_factory=list)
    """The keys of the hints shown, in order: 'rung 1', 'rung 2', ..., or 'mistake ID'."""


_ATTEMPTS: dict[str, Attempt] = {}


def attempt(name: str) -> Attempt:
    """The record of exercise ``name`` (an empty one before its first check or hint)."""
    return _ATTEMPTS.setdefault(name, Attempt())


def checked(name: str, passed: bool, mistake: str | None = None) -> None:
    """Note how a check of ``name`` ended."""
    record = attempt(name)
    record.passed, record.mistake = passed, (None if passed else mistake)


def forget() -> None:
    """Start afresh: no check run, no hint shown."""
    _ATTEMPTS.clear()
