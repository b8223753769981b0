"""Where things live in a checkout of the course."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"
NBGRADER_CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"


def lessons(solutions: Path = SOLUTIONS) -> list[Path]:
    """Every lesson's solution notebook, in lesson order."""
    return sorted(solutions.glob("[0-9][0-9]_*.ipynb"))
