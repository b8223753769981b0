"""Helpers to drive the real nbgrader command line on a course directory."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from hml_grader.paths import ROOT


def run(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run one command in the course directory; fail the test with its output if it fails."""
    # nbgrader runs `alembic` from PATH: put this interpreter's scripts first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(args, cwd=course, capture_output=True, text=True, env=dict(os.environ, PATH=path))
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    return run(course, sys.executable, "-m", "nbgrader", *args)


def build_course(course: Path) -> None:
    run(ROOT, sys.executable, "-m", "hml_grader", "course", str(course))


def learner_code(solution_source: str) -> str:
    """A solution cell as a learner who got it right would leave it: the answer, without markers."""
    return "\n".join(line for line in solution_source.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def fill_answers(nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """``nb`` with the source of every cell whose grade_id ``answers`` names replaced by that answer."""
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def submit(course: Path, assignment: str, student: str, answers: dict[str, str]) -> Path:
    """Put a learner's notebook in submitted/: the released copy with ``answers`` (grade_id -> source) filled in."""
    nb = fill_answers(nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4), answers)
    target = course / "submitted" / student / assignment / f"{assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    (target.parent / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC\n")
    return target


def visible_text(page: str) -> str:
    """What a reader of an HTML page can see: tags (and images' data) removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def hidden_test_lines(notebook: Path, released: Path) -> list[str]:
    """The lines between the hidden-test markers of every test cell that the released notebook does not show."""
    shown = released.read_text(encoding="utf-8")
    nb = nbformat.read(notebook, as_version=4)
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip() and line.strip() not in shown:
                lines.append(line.strip())
    return lines
