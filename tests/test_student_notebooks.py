"""Tests of the learner notebooks generated from solutions/: are they up to
date, stripped of every answer, and do they run up to the first exercise?"""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from hml_grader.paths import NOTEBOOKS, SOLUTIONS, lessons
from hml_grader.student import expected_student_notebooks, render, student_notebook
from lesson_utils import messages as M

from .exercises import NAMES

LESSONS = lessons(SOLUTIONS)
IDS = [p.stem for p in LESSONS]


def test_notebooks_folder_matches_solutions(request):
    """Is every learner notebook exactly what `make notebooks` would write now?

    Run `pytest --update-golden` (or `make notebooks`) to rewrite them.
    """
    expected = expected_student_notebooks()
    if request.config.getoption("--update-golden"):
        for name, text in expected.items():
            (NOTEBOOKS / name).write_text(text, encoding="utf-8")
    present = {p.name: p.read_text(encoding="utf-8") for p in NOTEBOOKS.glob("*.ipynb")}
    assert sorted(present) == sorted(expected), "notebooks/ and solutions/ hold different lessons"
    stale = [name for name, text in expected.items() if present[name] != text]
    assert stale == [], f"out of date (run `make notebooks`): {stale}"


def test_drift_is_detected(tmp_path):
    """Would a one-character edit to a solution notebook make the drift test fail?"""
    solution = nbformat.read(LESSONS[0], as_version=4)
    before = render(student_notebook(solution))
    markdown = next(c for c in solution.cells if c.cell_type == "markdown")
    markdown.source += "!"
    assert render(student_notebook(solution)) != before


@pytest.fixture(scope="module", params=LESSONS, ids=IDS)
def pair(request):
    solution = nbformat.read(request.param, as_version=4)
    return solution, nbformat.read(NOTEBOOKS / request.param.name, as_version=4)


def test_no_answers_or_hidden_tests_reach_the_learner(pair):
    """Has the learner copy lost every solution, hidden test and output?"""
    _, student = pair
    text = nbformat.writes(student)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "hidden=True"):
        assert marker not in text
    assert [c.id for c in student.cells if c.cell_type == "code" and (c.outputs or c.execution_count)] == []


def test_solution_cells_become_stubs_and_test_cells_are_locked(pair):
    """Does each exercise cell raise NotImplementedError, and is each test cell locked with its points?"""
    solution, student = pair
    by_id = {c.id: c for c in student.cells}
    exercises = [c for c in solution.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert exercises and tests
    for cell in exercises:
        assert "raise NotImplementedError()" in by_id[cell.id].source
    for cell in tests:
        meta = by_id[cell.id].metadata
        assert meta["nbgrader"]["locked"] is True
        assert meta["nbgrader"]["points"] == cell.metadata["nbgrader"]["points"]
        assert meta["editable"] is False and meta["deletable"] is False


def _first_stop(student) -> tuple[int, nbformat.NotebookNode]:
    """Where a learner copy run top to bottom first stops: its first check, or, before it, a cell the learner fills
    in itself (an nbgrader solution cell that is no exercise, such as a bring cell)."""
    for index, cell in enumerate(student.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") or (meta.get("solution") and meta.get("grade_id") not in NAMES):
            return index, cell
    raise AssertionError("the notebook has no check")


def test_learner_notebook_runs_until_the_first_check(pair, tmp_path):
    """Run top to bottom, does the learner copy stop only at the first check (or at a cell to fill in before it),
    with the friendly sentence?"""
    _, student = pair
    nb = nbformat.from_dict(student)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    with pytest.raises(CellExecutionError):
        client.execute(env=dict(os.environ, MPLBACKEND="Agg"))
    errors = [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert len(errors) == 1
    index, error = errors[0]
    cell = nb.cells[index]
    _, first_check = _first_stop(student)
    assert cell.id == first_check.id
    if not first_check.metadata["nbgrader"].get("grade"):
        assert error.ename == "NotImplementedError" and error.traceback == [M.FILL_THIS_CELL]
        return
    exercise = first_check.metadata["nbgrader"]["grade_id"].removeprefix("check_")
    assert error.ename == "CheckFailed"
    assert error.evalue == M.NOT_IMPLEMENTED.format(name=exercise)
    assert len(error.traceback) == 2
    assert error.evalue in error.traceback[0]
    assert error.traceback[1] == M.HINT_OFFER.format(name=exercise)
    assert not any("lesson_utils" in line for line in error.traceback)
