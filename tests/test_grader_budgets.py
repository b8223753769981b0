"""Can one submission hold the grader? Notebooks over a budget next to honest ones, graded in one run.

The fixtures are built here (the large ones are never committed): thousands of cells, a file over
the size limit, JSON nested far too deep, and cells that each sleep just under the cell time-out
until the notebook's time budget runs out. A small ``--timeout`` and ``--notebook-timeout`` keep
the run short.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook

from hml_grader import messages as M
from hml_grader import repair
from hml_grader.paths import ROOT

from .hostile import FULL, LESSON, filled, honest_style, text
from .nbgrader_course import build_course, nbgrader

pytestmark = pytest.mark.nbgrader

CELL_TIMEOUT = 3
BUDGET = 15
SLEEPERS = 8
SLEEP = 2.5
"""Eight cells of 2.5 s each (under the 3 s cell time-out, 20 s in all) after the first grade cell: the 15 s budget
runs out among them, so check_mse (2 points) is reached and check_cross_entropy (3 points) is not."""


def sleepers() -> nbformat.NotebookNode:
    nb = filled()
    after = next(i for i, c in enumerate(nb.cells) if c.get("id") == "check_mse")
    for k in range(SLEEPERS):
        cell = nbformat.v4.new_code_cell(f"import time\n\ntime.sleep({SLEEP})")
        cell["id"] = f"learner-sleep-{k}"
        nb.cells.insert(after + 1 + k, cell)
    return nb


def many_cells() -> nbformat.NotebookNode:
    nb = filled()
    for k in range(5000):
        cell = nbformat.v4.new_code_cell("pass")
        cell["id"] = f"learner-pass-{k}"
        nb.cells.append(cell)
    return nb


def too_large() -> bytes:
    nb = filled()
    nb.cells.append(nbformat.v4.new_markdown_cell("x" * (repair.MAX_MB * 2**20 + 1000)))
    return text(nb)


def too_deep() -> bytes:
    return b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b', "nbformat": 4, "nbformat_minor": 5, "metadata": {}}'


HONEST = ("honest_one", "honest_two")
OVER = {"thousands_of_cells": repair.CELLS, "over_the_size_limit": repair.SIZE, "nested_too_deep": repair.DEPTH,
        "sleeps_past_its_budget": repair.TIME}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("budgets")
    course, inbox = base / "course", base / "inbox"
    build_course(course)
    nbgrader(course, "generate_assignment", LESSON)
    files = {"honest_one": text(filled()), "honest_two": honest_style("lambda_assignment")}
    files.update({"thousands_of_cells": text(many_cells()), "over_the_size_limit": too_large(),
                  "nested_too_deep": too_deep(), "sleeps_past_its_budget": text(sleepers())})
    for name, data in files.items():
        (inbox / name).mkdir(parents=True)
        (inbox / name / f"{LESSON}.ipynb").write_bytes(data)
    run = subprocess.run([sys.executable, "-m", "hml_grader", "autograde", LESSON, "--course", str(course),
                          "--from", str(inbox), "--timeout", str(CELL_TIMEOUT), "--notebook-timeout", str(BUDGET),
                          "--workers", "2"], cwd=ROOT, capture_output=True, text=True)
    report = subprocess.run([sys.executable, "-m", "hml_grader", "report", LESSON, "--course", str(course)],
                            cwd=ROOT, capture_output=True, text=True)
    feedback = subprocess.run([sys.executable, "-m", "hml_grader", "feedback", LESSON, "--course", str(course)],
                              cwd=ROOT, capture_output=True, text=True)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: float(s.score) for s in gb.find_assignment(LESSON).submissions}
    ledger = json.loads((course / ".grading" / "ledger.json").read_text())[LESSON]
    return {"course": course, "run": run, "report": report, "feedback": feedback, "scores": scores,
            "ledger": ledger}


def test_the_run_goes_on_and_honest_learners_keep_their_grades(graded):
    """Does the run end normally, with full marks and no flag for the honest notebooks graded beside the others?"""
    assert graded["run"].returncode == 0, graded["run"].stderr[-3000:]
    for name in HONEST:
        assert graded["scores"][name] == FULL
        assert graded["ledger"][name]["flags"] == [] and graded["ledger"][name]["over_budget"] == ""


def test_every_notebook_over_a_budget_is_named_with_its_grade(graded):
    """Is each notebook over a budget graded (0 at intake; what ran, for the one out of time) and flagged with the
    budget it ran out of?"""
    ledger = graded["ledger"]
    for name, budget in OVER.items():
        assert ledger[name]["over_budget"] == budget, (name, ledger[name]["flags"])
    assert graded["scores"]["thousands_of_cells"] == 0.0
    assert graded["scores"]["over_the_size_limit"] == 0.0
    assert graded["scores"]["nested_too_deep"] == 0.0
    release = nbformat.read(graded["course"] / "release" / LESSON / f"{LESSON}.ipynb", as_version=4)
    assert ledger["thousands_of_cells"]["flags"] == [M.FLAG_TOO_MANY_CELLS.format(
        cells=len(release.cells) + 5000, limit=repair.CELLS_PER_RELEASE_CELL * len(release.cells),
        factor=repair.CELLS_PER_RELEASE_CELL, release=len(release.cells))]
    assert ledger["nested_too_deep"]["flags"] == [M.FLAG_TOO_DEEP.format(depth=200_001, limit=repair.MAX_DEPTH)]
    assert ledger["over_the_size_limit"]["flags"][0].startswith("the file is 20.0 MB, over the limit of 20 MB")


def test_the_notebook_out_of_time_keeps_what_ran_and_scores_0_for_the_rest(graded):
    """Is the notebook that sleeps past its budget stopped inside the budget, given check_mse's 2 points (reached)
    and 0 for check_cross_entropy (not reached), with the cells it got through in its flag?"""
    entry = graded["ledger"]["sleeps_past_its_budget"]
    assert graded["scores"]["sleeps_past_its_budget"] == 2.0
    assert entry["cells"]["check_mse"]["points"] == 2.0
    assert entry["cells"]["check_cross_entropy"]["points"] == 0.0
    pattern = re.escape(M.FLAG_TIME_BUDGET).replace(r"\{budget:g\}", str(BUDGET)).replace(
        r"\{ran\}", r"(\d+)").replace(r"\{total\}", r"(\d+)")
    found = [re.fullmatch(pattern, flag) for flag in entry["flags"]]
    match = next(m for m in found if m)
    release = nbformat.read(graded["course"] / "release" / LESSON / f"{LESSON}.ipynb", as_version=4)
    code = [c for c in release.cells if c.cell_type == "code"]
    before_sleep = 1 + next(i for i, c in enumerate(code) if c.get("id") == "check_mse")
    assert before_sleep <= int(match[1]) <= before_sleep + SLEEPERS
    assert int(match[2]) == len(code) + SLEEPERS
    assert [f for f in entry["flags"] if f.startswith("check_")] == []  # no disagreement: both say 0
    # stopped on time: within the budget and one cell's time-out
    assert entry["seconds"]["kernel"] < BUDGET + CELL_TIMEOUT + 10


def test_the_summary_and_the_report_name_every_notebook_over_a_budget(graded):
    """Do the summary table's last line and the report (over_budget.csv, index.html) list each of them?"""
    last = graded["run"].stdout.strip().splitlines()[-1]
    assert last.startswith(M.SUMMARY_OVER_BUDGET.split("(")[0] + f"({len(OVER)})")
    for name, budget in OVER.items():
        assert f"{LESSON}/{name} ({budget})" in last
    assert graded["report"].returncode == 0, graded["report"].stderr[-2000:]
    with (graded["course"] / "reports" / "over_budget.csv").open() as f:
        rows = {row["student"]: row["budget"] for row in csv.DictReader(f)}
    assert rows == OVER
    assert "Over a budget" in (graded["course"] / "reports" / "index.html").read_text()


def test_feedback_is_made_for_everyone(graded):
    """Does feedback still run for the whole class, notebooks over a budget included?"""
    assert graded["feedback"].returncode == 0, graded["feedback"].stderr[-2000:]
    for name in (*HONEST, *OVER):
        assert list((graded["course"] / "feedback" / name / LESSON).glob("*.html")), name


def test_json_depth_is_found_without_parsing():
    """Is the nesting depth of JSON text found in one pass, strings left out, however deep it goes?"""
    assert repair.json_depth(b'{"a": [1, {"b": "[[[[\\"]]"}]}') == 3
    assert repair.json_depth(b"[" * 1_000_000 + b"]" * 1_000_000) == 1_000_000
    assert repair.json_depth(b'"just a string"') == 0
