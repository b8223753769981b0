"""Grade a course's submissions: nbgrader in the sandboxed kernel, then the trusted re-check.

For each submission (``submitted/<student>/<lesson>/<lesson>.ipynb``, never changed):

1. :mod:`autograder.repair` reads it into the notebook to grade, written to
   ``.grading/staged/`` (nbgrader's ``submitted_directory`` for the run);
2. nbgrader's own autograde runs it in the sandboxed kernel (:mod:`autograder.kernel`),
   filling the SQLite gradebook;
3. :mod:`autograder.recheck` grades the learner's definitions outside that kernel;
4. where the two differ, the re-check's points go into the gradebook as nbgrader's
   manual score, with a comment on the exercise's cell, and the notebook is flagged.

``.grading/ledger.json`` records each submission's hash and state, written atomically
before and after it is graded: a run killed at any point and started again grades
what is not done (again from the start, with ``--force``) and skips what is, so every
submission ends up graded once and the gradebook holds no stale score.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import messages as M
from .definitions import import_statements, learner_definitions, tampering
from .kernel import ENV, KERNEL_NAME, install_kernelspec, settings
from .recheck import DEFAULT_TIMEOUT, GradeCell, recheck
from .repair import grade_id, is_test_cell, stage
from .sandbox import Limits

GRADING = ".grading"
STAGED = f"{GRADING}/staged"


@dataclass
class Result:
    lesson: str
    student: str
    score: float = 0.0
    max_score: float = 0.0
    kernel: str = "ok"
    flags: list[str] = field(default_factory=list)
    cells: dict[str, dict] = field(default_factory=dict)
    sha256: str = ""
    status: str = "done"
    graded_at: float = 0.0
    skipped: bool = False


class Ledger:
    """``.grading/ledger.json``: lesson -> student -> the last result, rewritten atomically."""

    def __init__(self, course: Path):
        self.path = course / GRADING / "ledger.json"
        try:
            self.data: dict = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.data = {}

    def get(self, lesson: str, student: str) -> dict | None:
        return self.data.get(lesson, {}).get(student)

    def put(self, result: Result) -> None:
        self.data.setdefault(result.lesson, {})[result.student] = {k: v for k, v in asdict(result).items()
                                                                   if k != "skipped"}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".ledger-")
        with os.fdopen(fd, "w") as f:
            json.dump(self.data, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def submissions(course: Path, lesson: str) -> list[tuple[str, Path]]:
    """(student, file) for every submission of ``lesson`` in ``submitted/``."""
    root = course / "submitted"
    found = []
    for student in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        path = student / lesson / f"{lesson}.ipynb"
        if path.is_file():
            found.append((student.name, path))
    return found


def import_submissions(course: Path, source: Path, lessons: list[str]) -> int:
    """Copy ``source/<student>/<lesson>.ipynb`` (or nbgrader's ``<student>/<lesson>/<lesson>.ipynb``) into
    ``submitted/``; the files in ``source`` are only read. Returns the number of new or changed files."""
    copied = 0
    for student in sorted(p for p in source.iterdir() if p.is_dir()):
        for lesson in lessons:
            for candidate in (student / f"{lesson}.ipynb", student / lesson / f"{lesson}.ipynb"):
                if candidate.is_file():
                    target = course / "submitted" / student.name / lesson / f"{lesson}.ipynb"
                    if not target.is_file() or target.read_bytes() != candidate.read_bytes():
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(candidate, target)
                        copied += 1
                    break
    return copied


class Lesson:
    """What grading one lesson needs from the course directory (all trusted: the instructor's files)."""

    def __init__(self, course: Path, name: str):
        self.name = name
        self.source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        self.release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        self.tests = [c for c in self.source.cells if is_test_cell(c)]
        self.cells = [GradeCell(grade_id(c), c.source, float(c.metadata["nbgrader"].get("points", 0)))
                      for c in self.tests]
        given = [c.source for c in self.source.cells if c.cell_type == "code" and not is_test_cell(c)]
        self.imports = import_statements(given)
        self.exercise_of = {}
        last = None
        for cell in self.source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                last = meta.get("grade_id")
            if is_test_cell(cell):
                self.exercise_of[grade_id(cell)] = last

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.cells)


def other_lessons(course: Path, lesson: str) -> dict[str, set[str]]:
    out = {}
    for path in sorted((course / "release").glob("*/*.ipynb")):
        if path.parent.name != lesson:
            nb = nbformat.read(path, as_version=4)
            out[path.parent.name] = {grade_id(c) for c in nb.cells} - {None}
    return out


@dataclass
class Options:
    timeout: float = DEFAULT_TIMEOUT
    limits: Limits = field(default_factory=Limits)
    hidden: tuple[Path, ...] = ()


def _nbgrader_api(course: Path, lesson_timeout: float, ipc_prefix: Path):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    config_file = course / "nbgrader_config.py"
    if config_file.is_file():
        config.merge(PyFileConfigLoader(config_file.name, path=str(course)).load_config())
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.submitted_directory = STAGED
    config.Execute.kernel_name = KERNEL_NAME
    config.Execute.timeout = int(max(1, lesson_timeout))
    config.Execute.interrupt_on_timeout = True
    config.Execute.startup_timeout = 120
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(ipc_prefix)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def grade_one(course: Path, lesson: Lesson, student: str, path: Path, options: Options,
              others: dict[str, set[str]]) -> Result:
    """Grade one submission end to end (see the module docstring); the gradebook holds the result."""
    from nbgrader.api import Gradebook

    result = Result(lesson.name, student, max_score=lesson.max_score, sha256=sha256(path))
    staged = stage(path.read_bytes(), lesson.name, lesson.release, others)
    result.flags.extend(staged.flags)
    target = course / STAGED / student / lesson.name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    nbformat.write(staged.notebook, target / f"{lesson.name}.ipynb")
    timestamp = path.parent / "timestamp.txt"
    if timestamp.is_file():
        shutil.copyfile(timestamp, target / "timestamp.txt")

    # nbgrader's autograde in the sandboxed kernel
    spec_dir = install_kernelspec(course / GRADING / "jupyter")
    ipc_dir = Path(tempfile.mkdtemp(prefix="hml-ipc-"))
    hidden = [course, *options.hidden]
    env = {ENV: settings(hidden, ipc_dir, options.limits),
           "JUPYTER_PATH": os.pathsep.join([str(spec_dir), os.environ.get("JUPYTER_PATH", "")])}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        api = _nbgrader_api(course, options.timeout, ipc_dir / "k")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            outcome = api.autograde(lesson.name, student, force=True, create=True)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(ipc_dir, ignore_errors=True)
    autograded = course / "autograded" / student / lesson.name / f"{lesson.name}.ipynb"
    if not outcome.get("success") or not autograded.is_file():
        error = _first_error(outcome)
        result.kernel = error
        result.flags.append(M.FLAG_KERNEL_FAILED.format(error=error))
        autograded.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(staged.notebook, autograded)  # so that feedback can still be generated

    # the trusted re-check
    sources = [c.source if c.cell_type == "code" and not is_test_cell(c) else "" for c in staged.notebook.cells]
    definitions = learner_definitions([] if staged.blank else sources)
    result.flags.extend(M.FLAG_SYNTAX.format(cell=i + 1) for i in definitions.skipped_cells if sources[i].strip())
    result.flags.extend(M.FLAG_COURSE_IMPORT.format(module=m) for m in definitions.course_imports)
    given = {c.source for c in lesson.release.cells}
    result.flags.extend(tampering([s if s not in given else "" for s in sources]))
    checked = recheck(definitions.statements, definitions.names, lesson.imports, lesson.cells,
                      timeout=options.timeout, hidden=tuple(hidden), limits=options.limits)
    result.flags.extend(checked.flags)

    # the gradebook: nbgrader's record, the re-check's verdict where they differ
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            submission = gb.find_submission(lesson.name, student)
        except Exception:
            gb.update_or_create_student(student)
            submission = gb.add_submission(lesson.name, student)
        notebook = gb.find_submission_notebook(lesson.name, lesson.name, student)
        disagree = False
        for verdict in checked.verdicts:
            grade = gb.find_grade(verdict.grade_id, lesson.name, lesson.name, student)
            kernel = grade.auto_score
            points = verdict.points
            if kernel is None or abs(kernel - points) > 1e-9:
                grade.manual_score = points
                if kernel is not None:
                    disagree = True
                    result.flags.append(M.FLAG_DISAGREE.format(grade_id=verdict.grade_id, kernel=kernel,
                                                               recheck=points))
            else:
                grade.manual_score = None
            exercise = lesson.exercise_of.get(verdict.grade_id)
            if exercise:
                with contextlib.suppress(Exception):
                    comment = gb.find_comment(exercise, lesson.name, lesson.name, student)
                    comment.manual_comment = M.COMMENT.format(points=points, max_points=verdict.max_points,
                                                              message=verdict.message or "") \
                        if grade.manual_score is not None else None
            result.cells[verdict.grade_id] = {"points": points, "max": verdict.max_points, "passed": verdict.passed,
                                              "mistake": verdict.mistake, "kernel": kernel,
                                              "exercise": exercise}
        notebook.flagged = bool(disagree or result.flags)
        gb.db.commit()
        result.score = float(submission.score)
        result.max_score = float(submission.max_score)
    return result


def _first_error(outcome: dict) -> str:
    text = f"{outcome.get('error') or ''}\n{outcome.get('log') or ''}"
    for name in ("CellTimeoutError", "DeadKernelError", "TimeoutError", "RuntimeError"):
        if name in text:
            return name
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "unknown error")[:120]


def grade_lesson_submission(course: Path, lesson: Lesson, student: str, path: Path, options: Options,
                            ledger: Ledger, others: dict[str, set[str]], force: bool = False) -> Result:
    """Grade one submission unless the ledger says it is done for these exact bytes; record the outcome."""
    previous = ledger.get(lesson.name, student)
    digest = sha256(path)
    if not force and previous and previous.get("status") == "done" and previous.get("sha256") == digest \
            and _gradebook_total(course, lesson.name, student) == previous.get("score"):
        kept = Result(**{k: v for k, v in previous.items() if k in Result.__dataclass_fields__})
        kept.skipped = True
        return kept
    ledger.put(Result(lesson.name, student, sha256=digest, status="grading"))
    try:
        result = grade_one(course, lesson, student, path, options, others)
        result.graded_at = time.time()
    except Exception as error:  # a bug or a broken course must not stop the other submissions
        result = Result(lesson.name, student, sha256=digest, status="error", kernel="-",
                        flags=[f"grading failed: {type(error).__name__}: {error}"[:300]])
    ledger.put(result)
    return result


def _gradebook_total(course: Path, lesson: str, student: str) -> float | None:
    from nbgrader.api import Gradebook

    try:
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            return float(gb.find_submission(lesson, student).score)
    except Exception:
        return None
