"""The instructor workflow on lesson 01 with the real nbgrader: does a class
of three get the right scores and feedback without the hidden tests?"""

from __future__ import annotations

import csv

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.paths import NOTEBOOKS, SOLUTIONS
from lesson_utils import messages as M
from lesson_utils.lesson01 import mistakes

from .nbgrader_course import build_course, hidden_test_lines, learner_code, nbgrader, submit, visible_text

pytestmark = pytest.mark.nbgrader

ASSIGNMENT = "01_loss_functions"
SOURCE = SOLUTIONS / f"{ASSIGNMENT}.ipynb"
SUM_NOT_MEAN_MSE = '''def mse(y_hat, y):
    diff = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(np.sum(diff**2))
'''
EXPECTED_SCORES = {"correct": 5.0, "blank": 0.0, "sum_not_mean": 3.0}


def solution_answers() -> dict[str, str]:
    nb = nbformat.read(SOURCE, as_version=4)
    return {
        c.metadata["nbgrader"]["grade_id"]: learner_code(c.source)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory after generate_assignment, autograde, generate_feedback and export."""
    course = tmp_path_factory.mktemp("course")
    build_course(course)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    answers = solution_answers()
    submit(course, ASSIGNMENT, "correct", answers)
    submit(course, ASSIGNMENT, "blank", {})
    submit(course, ASSIGNMENT, "sum_not_mean", {**answers, "mse": SUM_NOT_MEAN_MSE})
    nbgrader(course, "autograde", ASSIGNMENT)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    nbgrader(course, "export", "--CsvExportPlugin.filename=grades.csv")
    return course


def test_released_notebook_is_the_committed_learner_notebook(course):
    """Does nbgrader release exactly the cells that notebooks/ holds?"""
    released = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    committed = nbformat.read(NOTEBOOKS / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in released.cells] == [(c.cell_type, c.source) for c in committed.cells]


def test_exported_scores(course):
    """Does the exported CSV give the correct learner full marks, the blank one none, and the mistake partial?"""
    with open(course / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert {s: float(r["raw_score"]) for s, r in rows.items()} == EXPECTED_SCORES
    assert {float(r["max_score"]) for r in rows.values()} == {5.0}


def test_gradebook_scores_per_test_cell(course):
    """Does the SQLite gradebook hold the per-cell scores the CSV sums up?"""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {
            (student, cell): gb.find_grade(cell, ASSIGNMENT, ASSIGNMENT, student).score
            for student in EXPECTED_SCORES
            for cell in ("check_mse", "check_cross_entropy")
        }
    assert scores == {
        ("correct", "check_mse"): 2.0,
        ("correct", "check_cross_entropy"): 3.0,
        ("blank", "check_mse"): 0.0,
        ("blank", "check_cross_entropy"): 0.0,
        ("sum_not_mean", "check_mse"): 0.0,
        ("sum_not_mean", "check_cross_entropy"): 3.0,
    }


def feedback(course, student: str) -> str:
    return (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("student", sorted(EXPECTED_SCORES))
def test_feedback_shows_no_hidden_test(course, student):
    """Is every line of the hidden tests absent from the learner's feedback page?"""
    text = visible_text(feedback(course, student))
    lines = hidden_test_lines(SOURCE, NOTEBOOKS / f"{ASSIGNMENT}.ipynb")
    assert len(lines) > 10
    assert [line for line in lines if line in text] == []
    assert "HIDDEN TESTS" not in text


def test_feedback_names_the_mistake(course):
    """Does the learner who summed instead of averaging read the diagnosis in their feedback?"""
    text = visible_text(feedback(course, "sum_not_mean"))
    assert M.KNOWN_MISTAKE.format(name="mse", explanation=mistakes.MSE_SUM) in text


def test_feedback_tells_the_blank_learner_to_start(course):
    """Does the blank submission's feedback say the function is not written yet?"""
    assert M.NOT_IMPLEMENTED.format(name="mse") in visible_text(feedback(course, "blank"))


def test_stock_feedback_would_leak_hidden_tests(course):
    """Is the leak test able to fail: does nbgrader's default feedback show the hidden tests?"""
    nbgrader(
        course,
        "generate_feedback",
        ASSIGNMENT,
        "--force",
        "--CourseDirectory.feedback_directory=stock_feedback",
        "--GenerateFeedback.preprocessors=['nbgrader.preprocessors.GetGrades', "
        "'nbconvert.preprocessors.CSSHTMLHeaderPreprocessor']",
    )
    page = (course / "stock_feedback" / "correct" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert [line for line in hidden_test_lines(SOURCE, NOTEBOOKS / f"{ASSIGNMENT}.ipynb") if line in text] != []
