"""Execute solution notebooks in place, so every committed output is real."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .paths import SOLUTIONS, lessons
from .steady import SteadyClient

TIMEOUT = 600


class SteadyNotebookClient(SteadyClient, NotebookClient):
    """nbclient's client with its waits sliced (a widget cell's lost reply would stall it: see :mod:`.steady`)."""


def execute_notebook(path: Path, timeout: int = TIMEOUT) -> None:
    """Run ``path`` top to bottom in a fresh kernel and save its outputs."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="hml-record-") as record:  # a fresh learner, not the maintainer
        _run(nb, path, timeout, dict(os.environ, PYTHONHASHSEED="0", HOW_MODELS_LEARN_RECORD=f"{record}/progress.json",
                                     MPLBACKEND="module://matplotlib_inline.backend_inline"))
    nb.metadata.pop("widgets", None)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def _run(nb, path: Path, timeout: int, env: dict[str, str]) -> None:
    client = SteadyNotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    client.execute(env=env)


def execute_solutions(paths: list[Path] | None = None) -> list[Path]:
    """Execute the given solution notebooks (default: all of them)."""
    paths = paths or lessons(SOLUTIONS)
    for path in paths:
        execute_notebook(path)
    return paths
