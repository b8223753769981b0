"""What passes between the processes of grading, in one place.

- the **record** (kernel -> worker): JSON lines, one event each, written by :mod:`.record` in the sandbox:
  ``{"start": grade_id, "names": {...}}`` when a grade cell starts, with what each name the cell uses is;
  ``{"call": [name, label, signature], "value": ...}`` (or ``"problem"``/``"mistake"``, or ``"escaped"``) for
  every call a check makes of the learner's code; ``{"end": grade_id, "error": ...}`` when the cell ends.
  Nothing in it is believed but what the learner's code returned (see :mod:`.judge`);
- a :class:`GradeCell` (course -> worker): the instructor's grade cell with its hidden tests;
- a :class:`CellVerdict` (worker -> the process that writes the gradebook): the judge's verdict on one grade
  cell, with what the learner's feedback shows under it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class GradeCell:
    grade_id: str
    source: str
    points: float


@dataclass
class CellVerdict:
    grade_id: str
    passed: bool
    points: float
    max_points: float
    mistake: str | None = None
    message: str = ""
    problem: str | None = None
    """Why the record could not be judged (no record, one that ends early or does not match the check), or None."""
    output: str = ""
    """What the real check printed as it judged the record: the lines the learner's feedback shows."""


def cell_key(source: str) -> str:
    """How the kernel's recorder knows a grade cell when it starts: a digest of the source it runs."""
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:32]
