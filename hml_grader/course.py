"""Build an nbgrader course directory from ``solutions/``."""

from __future__ import annotations

import shutil
from pathlib import Path

from .paths import NBGRADER_CONFIG, SOLUTIONS, lessons


def build_course(course_dir: Path, solutions: Path = SOLUTIONS) -> list[str]:
    """Lay out ``course_dir`` for nbgrader; return the assignment names.

    Each lesson becomes an assignment named after its notebook (for example
    ``01_loss_functions``) whose source is the solution notebook. Running it
    again refreshes the sources and the config; the gradebook and any
    submissions already there are kept.
    """
    course_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(NBGRADER_CONFIG, course_dir / "nbgrader_config.py")
    names = []
    for notebook in lessons(solutions):
        source = course_dir / "source" / notebook.stem
        source.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, source / notebook.name)
        names.append(notebook.stem)
    return names
