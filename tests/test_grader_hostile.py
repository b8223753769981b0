"""The hostile-submission suite: does every trick get its rightful score or a flag, in one
grading run next to honest submissions, without changing anyone else's grade?

One course directory grades lesson 01's hostile fixtures (``tests/fixtures/hostile/``, built
by ``tests/hostile.py``) and three honest submissions with ``how-models-learn-grade autograde``,
then generates feedback, exports the grades and writes the report.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from hml_grader import messages as M
from hml_grader.paths import NOTEBOOKS, ROOT, SOLUTIONS
from hml_grader.sandbox import Sandbox

from .hostile import (
    EXPECTED,
    FIXTURES,
    FULL,
    HONEST_STYLES,
    LESSON,
    WRONG_LESSON,
    build,
    filled,
    honest_style,
    text,
    with_cell,
    write,
)
from .nbgrader_course import build_course, hidden_test_lines, nbgrader, submit, visible_text

pytestmark = pytest.mark.nbgrader

HONEST = {"honest_correct": 5.0, "honest_blank": 0.0, "honest_sum_not_mean": 3.0,
          **{f"honest_{name}": FULL for name in HONEST_STYLES}}
TIMEOUT = "8"
NOTEBOOK_TIMEOUT = "60"
SECRET = "a line of a file of the grading machine that no learner may see"
TOKEN = "hml-grader-token-7f3a91"
"""The value of an environment variable of the shell that runs the grader (a key, say), which no learner may see."""
KERNEL_SETS = {"TERM", "CLICOLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "PAGER", "GIT_PAGER", "MPLBACKEND"}
"""Variables IPython's kernel sets for itself in every kernel (not the grader's)."""
MADE_HERE: dict[str, tuple[float, str | None]] = {
    "prints_environment": (FULL, None),
    "reads_a_file_of_the_machine": (FULL, None),
    "links_to_another_learner": (0.0, M.FLAG_NOT_A_FILE.format(kind="a symbolic link")),
    "links_to_a_file": (0.0, M.FLAG_NOT_A_FILE.format(kind="a symbolic link")),
    "twin_a": (FULL, M.FLAG_IDENTICAL.format(others="twin_b")),
    "twin_b": (FULL, M.FLAG_IDENTICAL.format(others="twin_a")),
}
"""Tricks that cannot be committed as files (links), or need two learners: made in the inbox by the test."""
TRICKS = {**EXPECTED, **MADE_HERE}


def make_here(inbox: Path, secret: Path) -> None:
    """The submissions of :data:`MADE_HERE`: one that prints its environment, one that prints ``secret`` (a
    world-readable file outside the course), links to another learner's notebook and to ``secret``, and two
    learners who hand in the same bytes."""
    secret.write_text(SECRET)
    secret.chmod(0o644)
    printing = {"prints_environment": "import os\n\nfor name, value in sorted(os.environ.items()):\n"
                                      "    print(name, '=', value)\n",
                "reads_a_file_of_the_machine": f"try:\n    print(open({str(secret)!r}).read())\n"
                                               "except OSError as error:\n    print('could not read', error)\n"}
    for name, code in printing.items():
        (inbox / name).mkdir(parents=True)
        (inbox / name / f"{LESSON}.ipynb").write_bytes(text(with_cell(filled(), code)))
    for name, target in (("links_to_another_learner", inbox / "honest_correct" / f"{LESSON}.ipynb"),
                         ("links_to_a_file", secret)):
        (inbox / name).mkdir(parents=True)
        (inbox / name / f"{LESSON}.ipynb").symlink_to(target)
    shared = filled()
    shared.cells.append(nbformat.v4.new_markdown_cell("We worked on this together."))
    for name in ("twin_a", "twin_b"):
        (inbox / name).mkdir(parents=True)
        (inbox / name / f"{LESSON}.ipynb").write_bytes(text(shared))


def honest_notebooks() -> dict[str, bytes]:
    import json

    spec = json.loads((ROOT / "tests/fixtures/submissions" / LESSON / "sum_not_mean.json").read_text())
    return {"honest_correct": text(filled()), "honest_blank": (NOTEBOOKS / f"{LESSON}.ipynb").read_bytes(),
            "honest_sum_not_mean": text(filled(spec["answers"])),
            **{f"honest_{name}": honest_style(name) for name in HONEST_STYLES}}


def tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for item in sorted(path.rglob("*")):
        if item.is_file():
            digest.update(item.name.encode() + item.read_bytes())
    return digest.hexdigest()


def hml_grader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hml_grader", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    course, inbox = base / "course", base / "inbox"
    build_course(course)
    nbgrader(course, "generate_assignment", LESSON)
    nbgrader(course, "generate_assignment", WRONG_LESSON)
    for name in EXPECTED:
        (inbox / name).mkdir(parents=True)
        shutil.copyfile(FIXTURES / f"{name}.ipynb", inbox / name / f"{LESSON}.ipynb")
    for name, data in honest_notebooks().items():
        (inbox / name).mkdir(parents=True)
        (inbox / name / f"{LESSON}.ipynb").write_bytes(data)
    machine = Path(tempfile.mkdtemp(prefix="hml-machine-", dir="/var/tmp"))  # seen by any user of the machine
    machine.chmod(0o755)
    make_here(inbox, machine / "notes.txt")
    before = {"source": tree_digest(course / "source"), "inbox": tree_digest(inbox)}
    run = hml_grader("autograde", LESSON, "--course", str(course), "--from", str(inbox), "--timeout", TIMEOUT,
                     "--notebook-timeout", NOTEBOOK_TIMEOUT, env={"HML_GRADER_TOKEN": TOKEN})
    feedback = hml_grader("feedback", LESSON, "--course", str(course))
    export = hml_grader("export", "--course", str(course))
    report = hml_grader("report", LESSON, "--course", str(course))
    after = {"source": tree_digest(course / "source"), "inbox": tree_digest(inbox)}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: float(s.score) for s in gb.find_assignment(LESSON).submissions}
        cells = {s.student.id: len(s.notebooks[0].grades) for s in gb.find_assignment(LESSON).submissions}
    return {"course": course, "run": run, "feedback": feedback, "export": export, "report": report,
            "scores": scores, "cells": cells, "before": before, "after": after}


def test_fixtures_are_current(request):
    """Are the committed hostile fixtures what tests/hostile.py builds from lesson 01 (``--update-golden``)?"""
    built = build()
    if request.config.getoption("--update-golden"):
        write()
    assert sorted(p.name for p in FIXTURES.glob("*.ipynb")) == sorted(built)
    assert [n for n, data in built.items() if (FIXTURES / n).read_bytes() != data] == []
    assert sorted(n.removesuffix(".ipynb") for n in built) == sorted(EXPECTED)


def test_the_run_completes(graded):
    """Does one run grade every submission, hostile or not, and exit 0 with a summary line for each?"""
    assert graded["run"].returncode == 0, graded["run"].stderr[-3000:]
    for name in [*TRICKS, *HONEST]:
        assert f" {name} " in graded["run"].stdout
    assert f"{len(TRICKS) + len(HONEST)} submissions, " in graded["run"].stdout


@pytest.mark.parametrize("name", sorted(TRICKS))
def test_hostile_submission_gets_its_rightful_score_or_a_flag(graded, name):
    """Does each trick get the score its learner's functions earn, and the flag that tells the instructor?"""
    score, flag = TRICKS[name]
    assert graded["scores"][name] == score
    line = next(line for line in graded["run"].stdout.splitlines() if line.split()[1:2] == [name])
    if flag is not None:
        assert flag in line


def test_honest_scores_are_unaffected(graded):
    """Do the honest learners graded in the same run get exactly what they earned, with no flag?"""
    assert {k: graded["scores"][k] for k in HONEST} == HONEST
    for name in HONEST:
        line = next(line for line in graded["run"].stdout.splitlines() if line.split()[1:2] == [name])
        assert line.split()[2:] == [f"{HONEST[name]:g}", "5", "ok"]


def test_gradebook_is_consistent(graded):
    """Does the gradebook hold each submission once with every grade cell, and the exported CSV the same scores?"""
    assert graded["export"].returncode == 0, graded["export"].stderr
    assert set(graded["scores"]) == set(TRICKS) | set(HONEST)
    assert set(graded["cells"].values()) == {2}
    with open(graded["course"] / "grades.csv", newline="") as f:
        exported = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f) if r["assignment"] == LESSON}
    assert exported == graded["scores"]


def test_nothing_outside_the_sandbox_changed(graded):
    """Did every write outside the sandbox fail, leaving the course's sources and the collected files unchanged?"""
    assert graded["after"] == graded["before"]
    assert not (Path.home() / "planted.txt").exists()
    nb = nbformat.read(graded["course"] / "autograded" / "writes_outside" / LESSON / f"{LESSON}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.get("id") == "learner-setup" for o in c.outputs)
    lines = printed.splitlines()
    assert len(lines) == 5
    assert [line.split()[:3] for line in lines[:4]] == [["could", "not", "write"]] * 4
    assert lines[4] == "wrote /tmp/planted.txt"  # its own private /tmp, which is HOME inside


def test_feedback_shows_no_hidden_test(graded):
    """Does no feedback page, even of a notebook that tried to read the hidden tests, show them?"""
    assert graded["feedback"].returncode == 0, graded["feedback"].stderr
    lines = hidden_test_lines(SOLUTIONS / f"{LESSON}.ipynb", NOTEBOOKS / f"{LESSON}.ipynb")
    pages = sorted((graded["course"] / "feedback").glob(f"*/{LESSON}/{LESSON}.html"))
    assert len(pages) == len(TRICKS) + len(HONEST)
    for page in pages:
        seen = visible_text(page.read_text(encoding="utf-8"))
        assert [line for line in lines if line in seen] == [], page


def test_nothing_of_the_graders_environment_reaches_the_learner(graded):
    """Does a notebook that prints its whole environment show none of the grader's variables, in the graded
    notebook or the feedback?"""
    course = graded["course"]
    for folder in ("autograded", "feedback"):
        leaked = [p for p in (course / folder).rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()]
        assert leaked == []
    nb = nbformat.read(course / "autograded" / "prints_environment" / LESSON / f"{LESSON}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.get("id") == "learner-setup" for o in c.outputs)
    names = {line.split(" = ")[0] for line in printed.splitlines() if " = " in line}
    assert {"HOME", "PATH", "LANG"} <= names
    passed = set(Sandbox(Path("/tmp")).environment()) | KERNEL_SETS
    assert sorted(n for n in names if n in os.environ and n not in passed) == []


def test_no_answer_reaches_the_learners_notebook(graded):
    """Did the notebooks that import the reference, walk up to the check, or open the lessons' answer files get
    nothing of them: no line of a reference in anything graded or fed back, and every file unreadable?"""
    course = graded["course"]
    answers = [line.strip() for lesson in sorted((ROOT / "lesson_utils").glob("lesson0*"))
               for line in (lesson / "reference.py").read_text().splitlines()
               if len(line.strip()) > 30 and not line.strip().startswith(("#", '"', "def ", "from ", "import "))]
    assert answers
    for name in ("imports_the_reference", "walks_the_stack", "reads_the_answers"):
        for folder in ("autograded", "feedback"):
            for page in (course / folder / name).rglob("*"):
                if page.is_file():
                    text = page.read_text(encoding="utf-8", errors="replace")
                    assert [line for line in answers if line in text] == [], page
    nb = nbformat.read(course / "autograded" / "reads_the_answers" / LESSON / f"{LESSON}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.get("id") == "learner-setup" for o in c.outputs)
    assert [line.split()[:3] for line in printed.splitlines()] == [["could", "not", "read"]] * 4


def test_nothing_a_link_points_at_is_read(graded):
    """Is a submission that is a link graded without reading what it points at: no file of the machine, and no
    other learner's notebook, copied into the course directory or shown in feedback?"""
    course = graded["course"]
    for name in ("links_to_another_learner", "links_to_a_file"):
        assert (course / "submitted" / name / LESSON / f"{LESSON}.ipynb").is_symlink()
    found = [p for p in course.rglob("*") if p.is_file() and not p.is_symlink() and SECRET.encode() in p.read_bytes()]
    assert found == []  # not through a link, and not printed by the learner who opened the file itself
    page = course / "feedback" / "links_to_another_learner" / LESSON / f"{LESSON}.html"
    assert "np.mean(diff**2)" not in visible_text(page.read_text(encoding="utf-8"))  # honest_correct's answer


def test_report_counts_known_mistakes(graded):
    """Does the misconception report name the bank mistake that the judge found, with its count?"""
    assert graded["report"].returncode == 0, graded["report"].stderr
    out = graded["course"] / "reports"
    with open(out / "misconceptions.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    sums = {r["count"] for r in rows if r["check"] == "check_mse" and r["mistake"] == "sum_not_mean"}
    assert sums == {"2"}  # honest_sum_not_mean, patches_numpy (the other tricks leave no record to diagnose)
    for name in ("grade_distribution.png", "exercises.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "misconceptions.csv" in (out / "index.html").read_text()


def test_stock_nbgrader_is_fooled_by_patches_numpy(tmp_path):
    """Can the suite fail: does stock nbgrader give the patched-numpy notebook full marks for wrong functions?"""
    course = tmp_path / "stock"
    build_course(course)
    nbgrader(course, "generate_assignment", LESSON)
    target = submit(course, LESSON, "patches_numpy", {})
    shutil.copyfile(FIXTURES / "patches_numpy.ipynb", target)
    nbgrader(course, "autograde", LESSON)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(LESSON, "patches_numpy").score == 5.0
    nb = nbformat.read(target, as_version=4)
    assert "np.sum" in next(c.source for c in nb.cells if c.get("id") == "mse")
