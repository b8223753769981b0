"""Grading in one pass without a sandbox, for the checks' own tests: record a notebook's grade cells in a fresh
Python whose lesson modules are withheld as in the grading kernel (their files empty), then judge the record here.

``python -m tests.recording`` reads a job (JSON on stdin: the code cells in order, which of them are grade cells
with their ids, and where to write the record), runs every cell in a real IPython shell with the kernel's recorder
installed, and exits. :func:`one_pass` does both sides and returns the judge's verdicts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import types
from pathlib import Path

from autograder.judging.judge import judge
from autograder.judging.results import CellVerdict, GradeCell, cell_key
from autograder.paths import ROOT


def one_pass(cells: list[str], grade_cells: list[GradeCell], imports: str, timeout: float = 300) -> list[CellVerdict]:
    """The judge's verdict on each of ``grade_cells`` after ``cells`` (the grade cells among them by their
    source) ran once with the lessons' answers withheld."""
    with tempfile.TemporaryDirectory(prefix="hml-recording-") as scratch:
        record = Path(scratch) / "record.jsonl"
        keys: dict[str, list[str]] = {}
        for cell in grade_cells:
            keys.setdefault(cell_key(cell.source), []).append(cell.grade_id)
        job = {"cells": cells, "record": str(record), "keys": keys}
        done = subprocess.run([sys.executable, "-m", "tests.recording"], input=json.dumps(job), text=True,
                              capture_output=True, cwd=ROOT, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-3000:])
        events = [json.loads(line) for line in record.read_text().splitlines()]
    return judge(grade_cells, events, imports)


def _withhold_every_lesson() -> None:
    """What the grading kernel sees: every lesson's withheld modules, empty."""
    from lesson_utils.check import EXERCISES
    from lesson_utils.withheld import WITHHELD

    for lesson in EXERCISES:
        for name in WITHHELD:
            full = f"lesson_utils.{lesson}.{name}"
            sys.modules[full] = types.ModuleType(full)


def main() -> int:
    job = json.loads(sys.stdin.read())
    _withhold_every_lesson()
    import matplotlib

    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    from autograder.judging.record import install

    shell = InteractiveShell.instance()
    install(shell, job["record"], job["keys"])
    for source in job["cells"]:
        shell.run_cell(source, store_history=False, silent=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
