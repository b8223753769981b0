"""What passes between the processes of grading, in one place.

- the **record** (kernel -> worker): JSON lines, one event each, written by :mod:`.record` in the sandbox:
  ``{"start": grade_id, "names": {...}}`` when a grade cell starts, with what each name the cell uses is;
  ``{"call": [name, label, signature], "value": ...}`` (or ``"problem"``/``"mistake"``, or ``"escaped"``) for
  every call a check makes of the learner's code; ``{"end": grade_id, "error": ...}`` when the cell ends.
  Nothing in it is believed but what the learner's code returned (see :mod:`.judge`);
- a :class:`Task` (the process that writes the gradebook -> a worker): one submission to run and judge;
- a :class:`GradeCell` (course -> worker): the instructor's grade cell with its hidden tests;
- a :class:`CellVerdict` (worker -> the process that writes the gradebook): the judge's verdict on one grade
  cell, with what the learner's feedback shows under it;
- an :class:`Outcome` (worker -> the process that writes the gradebook): one submission run and judged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Task:
    """What a worker needs to grade one submission; every field is plain data (picklable, JSON-like)."""

    lesson: str
    student: str
    notebook: str
    """The notebook nbgrader's sanitizing pass wrote (nbformat JSON text): what the kernel runs."""
    test_cells: list[bool]
    """For each cell of ``notebook``: is it one of the instructor's grade cells (never the learner's code)?"""
    cells: list[tuple[str, str, float]]
    """The lesson's grade cells from ``source/``: (grade_id, source with the hidden tests, points)."""
    imports: str
    given: list[str]
    """The sources of the released cells (the learner did not write them: not counted as tampering)."""
    blank: bool = False
    refused: str | None = None
    """Why nbgrader's sanitizing refused the notebook (it is then run as staged, with the grade cells' full
    sources), or None."""
    timeout: float = 60.0
    budget: float | None = None
    """Seconds the whole notebook may run in the kernel (None: no bound but the cells' own)."""
    limits: dict = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    """Other files of the lesson's source folder (path -> bytes), put beside the notebook as nbgrader does."""


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


@dataclass
class Outcome:
    """What a worker hands back for one submission: plain data (picklable, for a Dask cluster)."""

    lesson: str
    student: str
    executed: str | None
    """The notebook as the kernel ran it, each grade cell showing the judge's lines (nbformat JSON text), or None
    when the kernel did not run it to the end."""
    kernel: str
    """"ok", what stopped the kernel, or that the notebook ran out of its time budget."""
    flags: list[str]
    verdicts: list[CellVerdict]
    over_budget: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    """Where the worker's time went: the kernel, the judge, in all."""
    pid: int = 0
    """The worker process that made it."""
