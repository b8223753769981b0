"""Grade a course's submissions in one pass: run each notebook once in the sandbox, judge it outside.

For each submission (``submitted/<student>/<lesson>/<lesson>.ipynb``, never changed), :func:`grade_one` reads as
the steps:

1. **intake** (:meth:`Recorder.prepare`, :mod:`hml_grader.repair`): the file is read without trusting it (never
   through a link, within the intake's budgets), its grade cells and nbgrader metadata put back as released,
   written to ``.grading/staged/`` (nbgrader's ``submitted_directory`` for the run), and nbgrader's sanitizing
   preprocessors prepare it, giving a plain :class:`~hml_grader.judging.results.Task`;
2. **the sandboxed run, with records** (:func:`hml_grader.worker.run_task`): nbgrader's ``Execute`` runs the
   notebook once, as written, in the sandboxed kernel (:mod:`hml_grader.kernel`), where the lessons' answers are
   withheld and each grade cell's checks write down what the learner's code returned
   (:mod:`hml_grader.judging.record`);
3. **the judge** (same worker, outside the sandbox, :mod:`hml_grader.judging.judge`): the instructor's grade
   cells run with the real checks on that record; each grade cell's output becomes the judge's lines;
4. **the gradebook** (:meth:`Recorder.record`): back here, nbgrader's own autograde records the judged notebook
   in the SQLite gradebook, so nbgrader scores each grade cell as the judge did;
5. **the ledger** (:class:`Ledger`, written by :mod:`hml_grader.dispatch`): the submission is marked done.

Only this module's :class:`Recorder` opens the gradebook; :mod:`hml_grader.dispatch`
runs steps 2 and 3 for many submissions at once (see there for why this split).

``.grading/ledger.json`` records each submission's hash and state, written atomically
before and after it is graded: a run killed at any point and started again grades
what is not done (again from the start, with ``--force``) and skips what is, so every
submission ends up graded once and the gradebook holds no stale score.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import ClassVar

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from sqlalchemy.exc import SAWarning

from . import messages as M
from .judging.results import GradeCell, Outcome, Task
from .repair import (
    MAX_MB,
    Staged,
    copy_regular,
    fingerprint,
    grade_id,
    is_test_cell,
    not_a_file,
    read_regular,
    stage,
    too_large,
)
from .repair import refused as refuse
from .sandbox import Limits
from .scan import import_statements
from .worker import KERNEL_ERRORS, run_task

DEFAULT_TIMEOUT = 60.0
"""Seconds one cell may run in the grading kernel."""

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
    seconds: dict[str, float] = field(default_factory=dict)
    """Where the time went: prepare and record (here), kernel and judge (in the worker)."""
    over_budget: str = ""
    """Which budget the submission ran out of: size, depth or cells at intake, time in the kernel; or ''."""


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
    """A submission's digest: of its bytes, or of what it is when it is not a regular file (never read through)."""
    return fingerprint(path)


def submissions(course: Path, lesson: str) -> list[tuple[str, Path]]:
    """(student, path) for every submission of ``lesson`` in ``submitted/``, whatever the path is (a link, a pipe:
    the intake refuses those without reading them)."""
    root = course / "submitted"
    found = []
    for student in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()) if root.is_dir() else []:
        path = student / lesson / f"{lesson}.ipynb"
        if os.path.lexists(path):
            found.append((student.name, path))
    return found


def import_submissions(course: Path, source: Path, lessons: list[str]) -> int:
    """Copy ``source/<student>/<lesson>.ipynb`` (or nbgrader's ``<student>/<lesson>/<lesson>.ipynb``) into
    ``submitted/``; the files in ``source`` are only read. Anything that is not a regular file is never read
    through: a symbolic link is copied as the link, anything else as a link to it, for the intake to refuse.
    Returns the number of new or changed files."""
    copied = 0
    for student in sorted(p for p in source.iterdir() if p.is_dir() and not p.is_symlink()):
        for lesson in lessons:
            for candidate in (student / f"{lesson}.ipynb", student / lesson / f"{lesson}.ipynb"):
                if not os.path.lexists(candidate):
                    continue
                target = course / "submitted" / student.name / lesson / f"{lesson}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                if not_a_file(candidate) is None:
                    if not_a_file(target) is not None or fingerprint(target) != fingerprint(candidate):
                        if os.path.lexists(target):
                            target.unlink()
                        copied += copy_regular(candidate, target)
                else:
                    link = os.readlink(candidate) if candidate.is_symlink() else str(candidate)
                    if not (target.is_symlink() and os.readlink(target) == link):
                        if os.path.lexists(target):
                            target.unlink()
                        target.symlink_to(link)
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

    def budget(self, options: Options) -> float:
        """Seconds one submission may run in the kernel (see :data:`NOTEBOOK_FLOOR`)."""
        if options.notebook_timeout is not None:
            return options.notebook_timeout
        code_cells = sum(c.cell_type == "code" for c in self.release.cells)
        return max(NOTEBOOK_FLOOR, SECONDS_PER_CELL * code_cells)


def other_lessons(course: Path, lesson: str) -> dict[str, set[str]]:
    out = {}
    for path in sorted((course / "release").glob("*/*.ipynb")):
        if path.parent.name != lesson:
            nb = nbformat.read(path, as_version=4)
            out[path.parent.name] = {grade_id(c) for c in nb.cells} - {None}
    return out


NOTEBOOK_FLOOR = 120.0
SECONDS_PER_CELL = 3.0
"""A notebook's default time budget: SECONDS_PER_CELL for each code cell of the release, and at least
NOTEBOOK_FLOOR. The course's slowest solution runs in under 5 s here (about 0.15 s a code cell), so the default is
over 20 times that, room for a grading machine many times slower or busier than this one; a class that hands in
200 cells that each sleep just under the cell time-out is stopped after a few minutes instead of hours."""


@dataclass
class Options:
    timeout: float = DEFAULT_TIMEOUT
    limits: Limits = field(default_factory=Limits)
    hidden: tuple[Path, ...] = ()
    notebook_timeout: float | None = None
    """Seconds a whole notebook may run in the kernel; None: the lesson's default (:meth:`Lesson.budget`)."""


class ExecutedElsewhere(NbGraderPreprocessor):
    """Stands in for nbgrader's ``Execute`` when the parent records a worker's result.

    It takes the notebook that nbgrader's own sanitizing pass produced here and gives it
    the outputs of the same notebook as the worker's ``Execute`` ran it. The two must
    hold the same cells (types and sources), or the record is refused; when the kernel
    did not run to the end, it raises as ``Execute`` would have.
    """

    pending: ClassVar[dict[tuple[str, str], Outcome]] = {}

    def preprocess(self, nb, resources):
        key = (resources["nbgrader"]["assignment"], resources["nbgrader"]["student"])
        outcome = self.pending[key]
        if outcome.executed is None:
            raise RuntimeError(f"{outcome.kernel}: the notebook did not run to the end in the grading kernel")
        executed = nbformat.reads(outcome.executed, as_version=4)
        if [(c.cell_type, c.source) for c in executed.cells] != [(c.cell_type, c.source) for c in nb.cells]:
            raise RuntimeError("the executed notebook does not hold the cells that were sent to be executed")
        for cell, ran in zip(nb.cells, executed.cells, strict=True):
            if cell.cell_type == "code":
                cell.outputs = ran.outputs
                cell.execution_count = ran.execution_count
        for key in ("language_info", "widgets"):
            if key in executed.metadata:
                nb.metadata[key] = executed.metadata[key]
        return nb, resources


class Recorder:
    """The trusted parent's side of grading: the only code that opens the gradebook.

    :meth:`prepare` stages a submission and runs nbgrader's sanitizing preprocessors on
    it (they read the gradebook), giving a :class:`~hml_grader.judging.results.Task`; :meth:`record`
    runs nbgrader's own ``autograde`` converter on the same staged file with ``Execute``
    replaced by :class:`ExecutedElsewhere` (so nbgrader creates the student and the
    submission, saves the auto grades and writes ``autograded/`` as it always does), then
    checks that the gradebook holds the judge's verdicts. The nbgrader configuration is read once per run.
    """

    def __init__(self, course: Path, options: Options):
        from nbgrader.apps import NbGraderAPI
        from nbgrader.converters import Autograde
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config import Config
        from traitlets.config.loader import PyFileConfigLoader

        self.course = course
        self.options = options
        config = Config()
        config_file = course / "nbgrader_config.py"
        if config_file.is_file():
            config.merge(PyFileConfigLoader(config_file.name, path=str(course)).load_config())
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.submitted_directory = STAGED
        from nbgrader.preprocessors import Execute

        def steps(name: str) -> list:  # the course's configured preprocessors, or nbgrader's defaults
            chosen = config.Autograde[name] if name in config.Autograde else Autograde.class_traits()[name].default()
            return list(chosen)

        def executes(step) -> bool:  # nbgrader's Execute or a subclass (the course's SteadyExecute), by class or name
            from traitlets.utils.importstring import import_item

            step = import_item(step) if isinstance(step, str) else step
            return isinstance(step, type) and issubclass(step, Execute)

        # The trusted parent never executes learner code: whatever the course runs it with is replaced.
        config.Autograde.autograde_preprocessors = [ExecutedElsewhere if executes(s) else s
                                                    for s in steps("autograde_preprocessors")]
        self.coursedir = CourseDirectory(config=config)
        self.api = NbGraderAPI(coursedir=self.coursedir, config=config)
        self.sanitizers = [step(config=config) for step in steps("sanitize_preprocessors")]
        self.files: dict[str, dict[str, bytes]] = {}

    def lesson_files(self, lesson: str) -> dict[str, bytes]:
        """The lesson's other source files, which nbgrader puts beside the notebook it runs."""
        if lesson not in self.files:
            from nbgrader import utils

            root = self.course / "source" / lesson
            self.files[lesson] = {os.path.relpath(f, root): Path(f).read_bytes() for f in
                                  utils.find_all_files(str(root), [*self.coursedir.ignore, "*.ipynb"])}
        return self.files[lesson]

    def prepare(self, lesson: Lesson, student: str, path: Path, others: dict[str, set[str]],
                twins: tuple[str, ...] = ()):
        """Stage one submission (never changing the file) and make the task a worker runs; ``twins``: the other
        learners who handed in the same bytes for this lesson."""
        result = Result(lesson.name, student, max_score=lesson.max_score, sha256=sha256(path))
        kind = not_a_file(path)  # looked at, never followed
        refused = refuse(M.FLAG_NOT_A_FILE.format(kind=kind)) if kind else too_large(os.lstat(path).st_size)
        data = read_regular(path, (MAX_MB << 20) + 1) if refused is None else None  # before the file is read
        if refused is None and data is None:
            refused = refuse(M.FLAG_NOT_A_FILE.format(kind=not_a_file(path) or "not a regular file"))
        staged = stage(data, lesson.name, lesson.release, others) if refused is None else \
            Staged(copy.deepcopy(lesson.release), refused.flags, blank=True, over_budget=refused.over_budget)
        result.flags.extend(staged.flags)
        if twins:
            result.flags.append(M.FLAG_IDENTICAL.format(others=", ".join(twins)))
        result.over_budget = staged.over_budget
        target = self.course / STAGED / student / lesson.name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        nbformat.write(staged.notebook, target / f"{lesson.name}.ipynb")
        timestamp = read_regular(path.parent / "timestamp.txt", 1000)
        if timestamp is not None:
            (target / "timestamp.txt").write_bytes(timestamp)
        nb = nbformat.read(target / f"{lesson.name}.ipynb", as_version=4)
        resources = {"nbgrader": {"student": student, "assignment": lesson.name, "notebook": lesson.name,
                                  "db_url": self.coursedir.db_url}}
        refused = None
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                for step in self.sanitizers:
                    nb, resources = step.preprocess(nb, resources)
        except Exception as error:  # e.g. nbgrader metadata the learner broke: nbgrader's autograde refuses it too
            refused = _refusal(error)
            nb = staged.notebook
            full = {c.grade_id: c.source for c in lesson.cells}
            for cell in nb.cells:  # what nbgrader's sanitizing would have put back: the hidden tests
                if is_test_cell(cell) and grade_id(cell) in full:
                    cell.source = full[grade_id(cell)]
        options = self.options
        task = Task(lesson=lesson.name, student=student, notebook=nbformat.writes(nb), refused=refused,
                    test_cells=[is_test_cell(c) for c in nb.cells],
                    cells=[(c.grade_id, c.source, c.points) for c in lesson.cells], imports=lesson.imports,
                    given=sorted({c.source for c in lesson.release.cells}), blank=staged.blank,
                    timeout=options.timeout, budget=lesson.budget(options), limits=asdict(options.limits),
                    hidden=[str(p) for p in (self.course, *options.hidden)], files=self.lesson_files(lesson.name))
        return task, result, staged.notebook

    def record(self, lesson: Lesson, result: Result, staged_notebook, outcome: Outcome) -> Result:
        """Write a worker's outcome into the gradebook through nbgrader (see the class docstring)."""
        from nbgrader.api import Gradebook

        student = result.student
        key = (lesson.name, student)
        ExecutedElsewhere.pending[key] = outcome
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                    warnings.catch_warnings():
                # nbgrader 0.9.6 adds a new submission through a relationship before the session holds it,
                # which SQLAlchemy 2 warns about on every first autograde; the row is written all the same.
                warnings.filterwarnings("ignore", message="Object of type <Submitted", category=SAWarning)
                done = self.api.autograde(lesson.name, student, force=True, create=True)
        finally:
            ExecutedElsewhere.pending.pop(key, None)
        autograded = self.course / "autograded" / student / lesson.name / f"{lesson.name}.ipynb"
        if not done.get("success") or not autograded.is_file():
            error = outcome.kernel if outcome.executed is None else _first_error(done)
            result.kernel = error
            result.flags.append(M.FLAG_KERNEL_FAILED.format(error=error))
            autograded.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(staged_notebook, autograded)  # so that feedback can still be generated
        result.flags.extend(outcome.flags)
        result.over_budget = outcome.over_budget or result.over_budget
        if outcome.over_budget:
            result.kernel = outcome.kernel
        result.seconds.update(outcome.seconds)

        # the gradebook: nbgrader's record of the judged notebook, and the judge's verdict should they differ
        with Gradebook(self.coursedir.db_url) as gb:
            try:
                submission = gb.find_submission(lesson.name, student)
            except Exception:
                gb.update_or_create_student(student)
                submission = gb.add_submission(lesson.name, student)
            notebook = gb.find_submission_notebook(lesson.name, lesson.name, student)
            disagree = False
            for verdict in outcome.verdicts:
                grade = gb.find_grade(verdict.grade_id, lesson.name, lesson.name, student)
                kernel = grade.auto_score
                points = verdict.points
                if kernel is None or abs(kernel - points) > 1e-9:
                    grade.manual_score = points
                    if kernel is not None:
                        disagree = True
                        result.flags.append(M.FLAG_DISAGREE.format(grade_id=verdict.grade_id, kernel=kernel,
                                                                   judge=points))
                else:
                    grade.manual_score = None
                exercise = lesson.exercise_of.get(verdict.grade_id)
                if exercise:
                    with contextlib.suppress(Exception):
                        comment = gb.find_comment(exercise, lesson.name, lesson.name, student)
                        comment.manual_comment = M.COMMENT.format(points=points, max_points=verdict.max_points,
                                                                  message=verdict.message or "") \
                            if grade.manual_score is not None else None
                result.cells[verdict.grade_id] = {"points": points, "max": verdict.max_points,
                                                  "passed": verdict.passed, "mistake": verdict.mistake,
                                                  "kernel": kernel, "exercise": exercise}
            notebook.flagged = bool(disagree or result.flags)
            gb.db.commit()
            result.score = float(submission.score)
            result.max_score = float(submission.max_score)
        return result

    def total(self, lesson: str, student: str) -> float | None:
        """The gradebook's score of one submission (None when it holds none)."""
        from nbgrader.api import Gradebook

        try:
            with Gradebook(self.coursedir.db_url) as gb:
                return float(gb.find_submission(lesson, student).score)
        except Exception:
            return None


def grade_one(course: Path, lesson: Lesson, student: str, path: Path, options: Options,
              others: dict[str, set[str]], recorder: Recorder | None = None) -> Result:
    """Grade one submission end to end in this process (see the module docstring)."""
    recorder = recorder or Recorder(course, options)
    task, result, staged = recorder.prepare(lesson, student, path, others)  # 1. intake
    outcome = run_task(task)  # 2. the sandboxed run, with records, and 3. the judge
    return recorder.record(lesson, result, staged, outcome)  # 4. the gradebook


def _refusal(error: BaseException) -> str:
    """Why nbgrader's sanitizing refused a notebook: the error's type and its first line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}"[:120] if lines else type(error).__name__


def _first_error(outcome: dict) -> str:
    text = f"{outcome.get('error') or ''}\n{outcome.get('log') or ''}"
    for name in KERNEL_ERRORS:
        if name in text:
            return name
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "unknown error")[:120]


def twins_of(jobs: list[tuple[str, str, Path]], digests: list[str],
             release_digests: dict[str, str]) -> dict[tuple[str, str], tuple]:
    """(lesson, student) -> the other students who handed in the very same bytes for that lesson (regular files
    other than the untouched release only); ``digests``: each job's :func:`sha256`."""
    by_digest: dict[tuple[str, str], list[str]] = {}
    for (lesson, student, path), digest in zip(jobs, digests, strict=True):
        if not_a_file(path) is None and digest != release_digests.get(lesson):
            by_digest.setdefault((lesson, digest), []).append(student)
    return {(lesson, s): tuple(o for o in students if o != s) for (lesson, _), students in by_digest.items()
            if len(students) > 1 for s in students}


def kept_result(ledger: Ledger, recorder: Recorder, lesson: str, student: str, digest: str,
                twins: tuple[str, ...] = ()) -> Result | None:
    """The ledger's result when these exact bytes were graded to the end, the gradebook still holds it, and it
    names the same twins (learners who handed in the same bytes) as now."""
    previous = ledger.get(lesson, student)
    twin_flag = [M.FLAG_IDENTICAL.format(others=", ".join(twins))] if twins else []
    had = [f for f in previous.get("flags", []) if f.startswith(M.FLAG_IDENTICAL.split("{")[0])] if previous else []
    if previous and previous.get("status") == "done" and previous.get("sha256") == digest and had == twin_flag \
            and recorder.total(lesson, student) == previous.get("score"):
        kept = Result(**{k: v for k, v in previous.items() if k in Result.__dataclass_fields__})
        kept.skipped = True
        return kept
    return None


def failed(lesson: str, student: str, digest: str, error: BaseException) -> Result:
    """The result of a submission that the grader could not grade (a bug or a broken course, never the learner)."""
    return Result(lesson, student, sha256=digest, status="error", kernel="-",
                  flags=[f"grading failed: {type(error).__name__}: {error}"[:300]])
