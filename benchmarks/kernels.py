"""Run a notebook in a fresh kernel the way the course runs its solutions, and measure the run.

The same settings as `how-models-learn-grade execute` and nbval with `--nbval-current-env`: the `python3`
kernel of this environment, `PYTHONHASHSEED=0`, the inline Matplotlib backend. A run is timed from the
kernel's start to its shutdown; the kernel's peak memory is its resident-set high-water mark
(`VmHWM` in /proc/<pid>/status) read after every cell while the kernel is still alive.
"""

from __future__ import annotations

import ast
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from hml_grader.execute import SteadyNotebookClient

FLOOR_IMPORTS = "import matplotlib.pyplot as plt\nimport numpy as np\nimport torch"
"""The course's floor (issue 7): NumPy, Matplotlib and torch, as a torch lesson's first cell imports them."""

TRIVIAL_CELL = "1 + 1"

TIMEOUT = 600


@dataclass(frozen=True)
class KernelRun:
    """One notebook run: seconds from kernel start to shutdown, and the kernel's peak resident memory."""

    seconds: float
    peak_bytes: int


def _peak_bytes(pid: int | None) -> int:
    """The high-water mark of the resident set of process ``pid`` (0 where /proc is not available)."""
    if pid is None:
        return 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def run_notebook(nb: nbformat.NotebookNode, cwd: Path | None = None) -> KernelRun:
    """Execute ``nb`` top to bottom in a fresh kernel (in ``cwd``, default a new empty folder)."""
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline")
    peak = 0

    def on_cell_executed(**_):
        nonlocal peak
        peak = max(peak, _peak_bytes(getattr(client.km.provisioner, "pid", None)))

    with tempfile.TemporaryDirectory() as scratch:
        client = SteadyNotebookClient(
            nb,
            timeout=TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd or scratch)}},
            record_timing=False,
            on_cell_executed=on_cell_executed,
        )
        started = time.perf_counter()
        # The kernel process's own log (not cell output, which comes back as messages) would only add
        # ipykernel's start-up notices to the tables.
        client.execute(env=env, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
    return KernelRun(seconds=seconds, peak_bytes=peak)


def _parsed(cell: nbformat.NotebookNode) -> ast.Module | None:
    """A code cell's source as Python (IPython magic lines become ``pass``), or None."""
    if cell.cell_type != "code":
        return None
    lines = [line[:len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
             for line in cell.source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _imports(tree: ast.Module) -> list[ast.stmt]:
    return [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]


def import_statements(nb: nbformat.NotebookNode) -> str:
    """Every top-level import statement in the code cells of ``nb``, in order."""
    trees = [tree for tree in map(_parsed, nb.cells) if tree is not None]
    return "\n".join(ast.unparse(node) for tree in trees for node in _imports(tree))


def import_cells(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(the whole cell, its import statements alone) for every code cell of ``nb`` that imports something."""
    trees = [tree for tree in map(_parsed, nb.cells) if tree is not None and _imports(tree)]
    return [(ast.unparse(tree), "\n".join(ast.unparse(node) for node in _imports(tree))) for tree in trees]


def floor_notebook(imports: str = FLOOR_IMPORTS) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(imports), nbformat.v4.new_code_cell(TRIVIAL_CELL)])


def floor(repeat: int, imports: str = FLOOR_IMPORTS) -> KernelRun:
    """The median floor run: start a kernel, run ``imports``, run ``1 + 1``, shut down."""
    runs = [run_notebook(floor_notebook(imports)) for _ in range(repeat)]
    return KernelRun(seconds=statistics.median(r.seconds for r in runs),
                     peak_bytes=int(statistics.median(r.peak_bytes for r in runs)))


def lesson_floor(path: Path, repeat: int) -> KernelRun:
    """The floor of one lesson: a kernel that runs only the lesson's own import statements, then ``1 + 1``."""
    return floor(repeat, import_statements(nbformat.read(path, as_version=4)))


def run_lesson(path: Path) -> KernelRun:
    """Execute a copy of the lesson notebook at ``path`` (the file itself is left as it is)."""
    return run_notebook(nbformat.read(path, as_version=4))
