"""Turn a solution notebook into the learner's copy with nbgrader's own
preprocessors: the same chain ``nbgrader generate_assignment`` runs, minus the
steps that need a gradebook."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    LockCells,
)

from .paths import NOTEBOOKS, SOLUTIONS, lessons

# The order of nbgrader's GenerateAssignment.preprocessors (0.9), without
# IncludeHeaderFooter, InstantiateTests and SaveCells.
CHAIN = (
    LockCells,
    ClearSolutions,
    ClearOutput,
    CheckCellMetadata,
    ComputeChecksums,
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
)


def student_notebook(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The learner's copy of a solution notebook (the input is not changed)."""
    nb = copy.deepcopy(solution)
    resources = ResourcesDict()
    resources["nbgrader"] = {"notebook": "", "assignment": ""}
    for preprocessor in CHAIN:
        nb, resources = preprocessor().preprocess(nb, resources)
    nb.metadata.pop("widgets", None)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """A notebook as the exact text written to disk."""
    return nbformat.writes(nb) + "\n"


def expected_student_notebooks(solutions: Path = SOLUTIONS) -> dict[str, str]:
    """File name -> text of every learner notebook, generated afresh."""
    return {path.name: render(student_notebook(nbformat.read(path, as_version=4))) for path in lessons(solutions)}


def write_student_notebooks(solutions: Path = SOLUTIONS, out: Path = NOTEBOOKS) -> list[Path]:
    """Regenerate ``notebooks/`` from ``solutions/``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_student_notebooks(solutions).items():
        target = out / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
