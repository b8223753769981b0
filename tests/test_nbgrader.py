"""The instructor workflow with the real nbgrader on every lesson: does a
class get the right scores and feedback, without the hidden tests?

Each lesson is graded for a learner who solved everything (`correct`), one
who handed in the untouched notebook (`blank`), and one learner per fixture
in ``tests/fixtures/submissions/<lesson>/<mistake>.json``: the answers they
wrote (grade_id -> cell source), the score they must get, and the constant
(``module:NAME``) whose text their feedback must show.
"""

from __future__ import annotations

import csv
import importlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from hml_grader.paths import NOTEBOOKS, ROOT, SOLUTIONS, lessons

from .exercises import NAMES
from .nbgrader_course import build_course, hidden_test_lines, learner_code, nbgrader, submit, visible_text

pytestmark = pytest.mark.nbgrader

FIXTURES = ROOT / "tests" / "fixtures" / "submissions"
ASSIGNMENTS = [p.stem for p in lessons(SOLUTIONS)]


@dataclass(frozen=True)
class Submission:
    assignment: str
    student: str
    answers: dict[str, str]
    score: float
    explains: str | None = None


def cells(assignment: str, kind: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(SOLUTIONS / f"{assignment}.ipynb", as_version=4)
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(kind)]


def total_points(assignment: str) -> float:
    return float(sum(c.metadata["nbgrader"]["points"] for c in cells(assignment, "grade")))


def solution_answers(assignment: str) -> dict[str, str]:
    return {c.metadata["nbgrader"]["grade_id"]: learner_code(c.source) for c in cells(assignment, "solution")}


def submissions() -> list[Submission]:
    found = []
    for assignment in ASSIGNMENTS:
        answers = solution_answers(assignment)
        found.append(Submission(assignment, "correct", answers, total_points(assignment)))
        found.append(Submission(assignment, "blank", {}, 0.0))
        for path in sorted((FIXTURES / assignment).glob("*.json")):
            spec = json.loads(path.read_text())
            found.append(Submission(assignment, path.stem, {**answers, **spec["answers"]}, spec["score"],
                                    spec.get("explains")))
    return found


SUBMISSIONS = submissions()
IDS = [f"{s.assignment}-{s.student}" for s in SUBMISSIONS]


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """``course(assignment)``: a course directory of that lesson after generate_assignment, autograde,
    generate_feedback and export (one per lesson, so that the lessons can be graded on different workers)."""
    made: dict[str, Path] = {}

    def graded(assignment: str) -> Path:
        if assignment not in made:
            path = tmp_path_factory.mktemp(f"course-{assignment}")
            build_course(path)
            nbgrader(path, "generate_assignment", assignment)
            for s in SUBMISSIONS:
                if s.assignment == assignment:
                    submit(path, s.assignment, s.student, s.answers)
            nbgrader(path, "autograde", assignment)
            nbgrader(path, "generate_feedback", assignment)
            nbgrader(path, "export", "--CsvExportPlugin.filename=grades.csv")
            made[assignment] = path
        return made[assignment]

    return graded


@pytest.fixture(scope="session")
def ours(course, tmp_path_factory):
    """``ours(assignment)``: a course directory where this project's grader (``how-models-learn-grade autograde``,
    one pass in the sandbox, judged outside it) graded the very notebooks stock nbgrader graded in
    ``course(assignment)``, then made the feedback."""
    made: dict[str, Path] = {}

    def graded(assignment: str) -> Path:
        if assignment not in made:
            stock = course(assignment)
            path = tmp_path_factory.mktemp(f"ours-{assignment}")
            build_course(path)
            nbgrader(path, "generate_assignment", assignment)
            shutil.copytree(stock / "submitted", path / "submitted")
            for command in (["autograde", assignment, "--workers", "1"], ["feedback", assignment]):
                done = subprocess.run([sys.executable, "-m", "hml_grader", *command, "--course", str(path)],
                                      cwd=ROOT, capture_output=True, text=True)
                assert done.returncode == 0, done.stderr[-3000:]
            made[assignment] = path
        return made[assignment]

    return graded


def gradebook_scores(course: Path, assignment: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: float(s.score) for s in gb.find_assignment(assignment).submissions}


def feedback_text(course, s: Submission) -> str:
    page = course(s.assignment) / "feedback" / s.student / s.assignment / f"{s.assignment}.html"
    return visible_text(page.read_text(encoding="utf-8"))


def test_every_fixture_belongs_to_a_lesson():
    """Is every submission fixture filed under a lesson that exists?"""
    assert sorted({p.name for p in FIXTURES.iterdir()} - set(ASSIGNMENTS)) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_is_the_committed_learner_notebook(course, assignment):
    """Does nbgrader release exactly the cells that notebooks/ holds?"""
    released = nbformat.read(course(assignment) / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    committed = nbformat.read(NOTEBOOKS / f"{assignment}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in released.cells] == [(c.cell_type, c.source) for c in committed.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exported_scores(course, assignment):
    """Does the exported CSV give every learner the score their submission earns?"""
    with open(course(assignment) / "grades.csv", newline="") as f:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    submitted = {(s.assignment, s.student): s for s in SUBMISSIONS if s.assignment == assignment}
    assert {k: float(rows[k]["raw_score"]) for k in submitted} == {k: s.score for k, s in submitted.items()}
    assert {k: float(rows[k]["max_score"]) for k in submitted} == {k: total_points(k[0]) for k in submitted}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_gradebook_holds_every_test_cell(course, assignment):
    """Does the SQLite gradebook hold a score for every test cell of every submission, summing to the total?"""
    with Gradebook(f"sqlite:///{course(assignment) / 'gradebook.db'}") as gb:
        for s in (s for s in SUBMISSIONS if s.assignment == assignment):
            ids = [c.metadata["nbgrader"]["grade_id"] for c in cells(s.assignment, "grade")]
            scores = [gb.find_grade(i, s.assignment, s.assignment, s.student).score for i in ids]
            assert sum(scores) == s.score, (s.assignment, s.student, dict(zip(ids, scores, strict=True)))


@pytest.mark.parametrize("s", SUBMISSIONS, ids=IDS)
def test_feedback_shows_no_hidden_test(course, s):
    """Is every line of the hidden tests absent from the learner's feedback page?"""
    text = feedback_text(course, s)
    lines = hidden_test_lines(SOLUTIONS / f"{s.assignment}.ipynb", NOTEBOOKS / f"{s.assignment}.ipynb")
    assert lines, "a lesson without hidden tests"
    assert [line for line in lines if line in text] == []
    assert "HIDDEN TESTS" not in text


EXPLAINED = [s for s in SUBMISSIONS if s.explains]


@pytest.mark.parametrize("s", EXPLAINED, ids=[f"{s.assignment}-{s.student}" for s in EXPLAINED])
def test_feedback_explains_the_mistake(course, s):
    """Does a learner who made a known mistake read its explanation in their feedback?"""
    module, name = s.explains.split(":")
    explanation = getattr(importlib.import_module(module), name)
    assert " ".join(explanation.split()) in " ".join(feedback_text(course, s).split())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_tells_the_blank_learner_to_start(course, assignment):
    """Does the blank submission's feedback say the first exercise is not written yet?"""
    first = next(grade_id for c in cells(assignment, "solution")
                 if (grade_id := c.metadata["nbgrader"]["grade_id"]) in NAMES)  # not a cell to fill in (a bring cell)
    assert f"{first} is not written yet" in feedback_text(course, Submission(assignment, "blank", {}, 0.0))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_our_grades_equal_stock_nbgraders(course, ours, assignment):
    """Does every honest notebook (solved, blank, each known mistake) get from this grader exactly the score stock
    nbgrader gives it, cell by cell?"""
    assert gradebook_scores(ours(assignment), assignment) == gradebook_scores(course(assignment), assignment)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in cells(assignment, "grade")]
    with Gradebook(f"sqlite:///{course(assignment) / 'gradebook.db'}") as stock, \
            Gradebook(f"sqlite:///{ours(assignment) / 'gradebook.db'}") as mine:
        for s in (s for s in SUBMISSIONS if s.assignment == assignment):
            assert [mine.find_grade(i, assignment, assignment, s.student).score for i in ids] == \
                [stock.find_grade(i, assignment, assignment, s.student).score for i in ids], s.student


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_our_feedback_explains_without_hidden_tests(ours, assignment):
    """Does this grader's feedback (the judge's lines under each check) name each known mistake and show no line of
    the hidden tests?"""
    lines = hidden_test_lines(SOLUTIONS / f"{assignment}.ipynb", NOTEBOOKS / f"{assignment}.ipynb")
    for s in (s for s in SUBMISSIONS if s.assignment == assignment):
        text = feedback_text(lambda _: ours(assignment), s)
        assert [line for line in lines if line in text] == [], s.student
        if s.explains:
            module, name = s.explains.split(":")
            explanation = getattr(importlib.import_module(module), name)
            assert " ".join(explanation.split()) in " ".join(text.split()), s.student


@pytest.mark.parametrize("assignment", ASSIGNMENTS[:1])
def test_stock_feedback_would_leak_hidden_tests(course, assignment):
    """Is the leak test able to fail: does nbgrader's default feedback show the hidden tests?"""
    nbgrader(
        course(assignment),
        "generate_feedback",
        assignment,
        "--force",
        "--CourseDirectory.feedback_directory=stock_feedback",
        "--GenerateFeedback.preprocessors=['nbgrader.preprocessors.GetGrades', "
        "'nbconvert.preprocessors.CSSHTMLHeaderPreprocessor']",
    )
    page = (course(assignment) / "stock_feedback" / "correct" / assignment / f"{assignment}.html").read_text(
        encoding="utf-8")
    lines = hidden_test_lines(SOLUTIONS / f"{assignment}.ipynb", NOTEBOOKS / f"{assignment}.ipynb")
    assert [line for line in lines if line in visible_text(page)] != []
