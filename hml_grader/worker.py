"""The part of grading that runs away from the gradebook: one submission in, plain data out.

:func:`run_task` takes a :class:`Task` (plain data: the notebook nbgrader sanitized, the
lesson's grade cells and imports, the limits) and returns a plain dict: the notebook as
nbgrader's own ``Execute`` preprocessor ran it, once, in the sandboxed kernel (or why it could
not), with every grade cell's output replaced by the judge's verdict on its record
(:mod:`hml_grader.judging`), and those verdicts. It reads no course
directory and opens no gradebook, so it can run in this process, in a worker process of
a local pool, or on a Dask worker on another machine (which needs only this package,
bubblewrap and a scratch directory); only the process that asked records the result.

What a worker keeps between submissions: the kernelspec directory and the kernelspec
manager (found once, not per submission), and every module it imported, so a worker pays
for nbgrader, nbclient, NumPy and torch once, not once per notebook. What it never keeps:
a kernel, since each submission's learner code gets a sandbox of its own
(:mod:`hml_grader.kernel`).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

from lesson_utils.errors import BOLD, RED, RESET

from . import messages as M
from .judging.judge import judge
from .judging.results import CellVerdict, GradeCell, Outcome, Task, cell_key
from .kernel import ENV, KERNEL_NAME, RECORD, install_kernelspec, settings
from .sandbox import Limits
from .scan import course_imports, tampering

STARTUP_TIMEOUT = 120
"""Seconds a sandboxed kernel may take to start (a loaded machine is slow, a hung one is not)."""


_cache: dict = {}


def _kernelspecs():
    """This process's kernelspec directory and manager, made on first use and kept."""
    if "ksm" not in _cache:
        from jupyter_client.kernelspec import KernelSpecManager

        directory = install_kernelspec(Path(tempfile.mkdtemp(prefix="hml-kernelspec-")))
        _cache["ksm"] = KernelSpecManager(kernel_dirs=[str(directory / "kernels")])
    return _cache["ksm"]


def _execute_class():
    if "execute" in _cache:
        return _cache["execute"]
    from jupyter_client.manager import AsyncKernelManager

    from .steady import SteadyExecute

    class SandboxKernelManager(AsyncKernelManager):
        """Starts the sandboxed kernelspec with this submission's sandbox settings in its environment."""

        launch_env: dict | None = None

        async def start_kernel(self, **kw):
            kw.setdefault("env", {**os.environ, **(self.launch_env or {})})
            return await super()._async_start_kernel(**kw)

    class SandboxedExecute(SteadyExecute):
        """nbgrader's Execute preprocessor (waits sliced, :mod:`.steady`), with a kernel manager that starts the
        sandboxed kernel over ipc, and a deadline for the whole notebook: each cell may take what is left of the
        budget at most, and no cell starts after it."""

        launch_env: dict | None = None
        ipc_prefix: str = ""
        deadline: float | None = None
        cell_timeout: float = 60.0
        # A cell's outputs that are late (a learner's cell that prints megabytes) are not a failed run: grading
        # reads the record, not the outputs, and the grade cells show the judge's verdict in any case.
        raise_on_iopub_timeout = False

        def preprocess_cell(self, cell, resources, index):
            if self.deadline is not None:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise BudgetSpent(index)
                self.timeout = int(max(1, min(self.cell_timeout, math.ceil(left))))
            return super().preprocess_cell(cell, resources, index)

        def create_kernel_manager(self):
            self.km = SandboxKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_kernelspecs(),
                                           transport="ipc", ip=self.ipc_prefix, config=self.config)
            self.km.launch_env = self.launch_env
            return self.km

    _cache["execute"] = SandboxedExecute
    return SandboxedExecute


class BudgetSpent(Exception):
    """The notebook's time budget ran out before cell ``index`` (0-based, of all cells) could start."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


OUT_OF_TIME = "out of its time budget"
"""The kernel's status when the notebook's budget ran out (the cells that ran keep their outputs)."""


MAX_RECORD = 64 << 20
"""Bytes of a kernel's record that are read (the sandbox's file-size limit is the same)."""


def read_record(path: Path) -> list:
    """The events of a record file: at most :data:`MAX_RECORD` bytes, lines that are not JSON left out."""
    events = []
    try:
        with path.open("rb") as f:
            data = f.read(MAX_RECORD)
    except OSError:
        return events
    for line in data.splitlines():
        try:
            events.append(json.loads(line))
        except (ValueError, RecursionError):
            continue
    return events


def execute(notebook: str, scratch: Path, hidden: list[str], limits: Limits, timeout: float,
            budget: float | None = None, record: dict[str, list[str]] | None = None
            ) -> tuple[str | None, str, int | None, list]:
    """Run ``notebook`` with nbgrader's Execute in a sandboxed kernel whose working directory is ``scratch``,
    ``timeout`` seconds a cell and ``budget`` seconds in all (from the kernel's start), recording the grade cells
    ``record`` names (key -> grade ids).

    Returns (the executed notebook as JSON text, "ok", None, the record's events); (the notebook as far as it
    ran, :data:`OUT_OF_TIME`, the index of the first cell not run, events) when the budget ran out; or (None, the
    name of what stopped it, None, events).
    """
    import nbformat

    nb = nbformat.reads(notebook, as_version=4)
    ipc_dir = Path(tempfile.mkdtemp(prefix="hml-ipc-"))
    outcome: tuple[str | None, str, int | None]
    try:
        preprocessor = _execute_class()(timeout=int(max(1, timeout)), interrupt_on_timeout=True,
                                        startup_timeout=STARTUP_TIMEOUT, kernel_name=KERNEL_NAME)
        preprocessor.launch_env = {ENV: settings([Path(p) for p in hidden], ipc_dir, limits, record)}
        preprocessor.ipc_prefix = str(ipc_dir / "k")
        preprocessor.cell_timeout = timeout
        preprocessor.deadline = None if budget is None else time.monotonic() + budget
        preprocessor.log.setLevel("CRITICAL")
        try:
            nb, _ = preprocessor.preprocess(nb, {"metadata": {"path": str(scratch)}})
            outcome = nbformat.writes(nb), "ok", None
        except BudgetSpent as spent:  # the cells before it ran and keep their outputs (nb is changed in place)
            outcome = nbformat.writes(nb), OUT_OF_TIME, spent.index
        except Exception as error:  # the learner's notebook stopped the kernel: a result, not a crash
            outcome = None, _error_name(error), None
        return (*outcome, read_record(ipc_dir / RECORD))
    finally:
        shutil.rmtree(ipc_dir, ignore_errors=True)


def judged_outputs(cell: CellVerdict) -> list:
    """What a grade cell shows after grading: the real check's lines as it judged the record, and the verdict
    as an error when it failed (so that nbgrader scores the cell as the judge did)."""
    import nbformat

    outputs = []
    if cell.output:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=cell.output))
    if not cell.passed:
        line = f"{RED}{BOLD}❌ Not yet:{RESET}{RED} {cell.message}{RESET}"
        outputs.append(nbformat.v4.new_output("error", ename="CheckFailed", evalue=cell.message, traceback=[line]))
    return outputs


def not_reached(nb, cut: int, test_cells: list[bool]) -> tuple[set[str], int, int]:
    """For a run whose budget ran out before cell ``cut`` of ``nb``: the grade ids of the grade cells from there on
    (they score 0), how many of the notebook's code cells ran, and how many it has."""
    unreached = {cell.metadata.get("nbgrader", {}).get("grade_id")
                 for index, (cell, test) in enumerate(zip(nb.cells, test_cells, strict=True)) if index >= cut and test}
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    return unreached, sum(i < cut for i in code), len(code)


KERNEL_ERRORS = ("CellTimeoutError", "DeadKernelError", "TimeoutError", "RuntimeError")
"""What stops a notebook's run in the kernel, named as such in results and flags (most telling first)."""


def _error_name(error: BaseException) -> str:
    name = type(error).__name__
    for known in KERNEL_ERRORS:
        if known == name or known in str(error):
            return known
    text = str(error).strip().splitlines()
    return (f"{name}: {text[-1]}" if text else name)[:120]


def run_task(task: Task) -> Outcome:
    """Grade one submission (see the module docstring); never raises for anything the learner's code does."""
    import nbformat

    started = time.perf_counter()
    limits = Limits(**task.limits)
    nb = nbformat.reads(task.notebook, as_version=4)
    sources = [c.source if c.cell_type == "code" and not test else "" for c, test in
               zip(nb.cells, task.test_cells, strict=True)]
    given = set(task.given)
    mine = [] if task.blank else [s if s not in given else "" for s in sources]
    flags = [M.FLAG_COURSE_IMPORT.format(module=m) for m in course_imports(mine)] + tampering(mine)
    record: dict[str, list[str]] = {}
    for cell, test in zip(nb.cells, task.test_cells, strict=True):
        if test:
            record.setdefault(cell_key(cell.source), []).append(cell.metadata["nbgrader"]["grade_id"])
    scratch = Path(tempfile.mkdtemp(prefix="hml-grade-"))
    try:
        for relative, data in task.files.items():
            target = scratch / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        executed, kernel, cut, events = execute(task.notebook, scratch, task.hidden, limits, task.timeout,
                                                task.budget, record)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    ran = time.perf_counter()
    missing = M.RECORD_MISSING if kernel in ("ok", OUT_OF_TIME) else M.RECORD_NO_KERNEL.format(why=kernel)
    verdicts = judge([GradeCell(*cell) for cell in task.cells], events, task.imports, missing)
    done = None if executed is None else nbformat.reads(executed, as_version=4)
    over_budget = ""
    if cut is not None:
        unreached, ran_cells, total = not_reached(done, cut, task.test_cells)
        for verdict in verdicts:
            if verdict.grade_id in unreached:
                verdict.passed, verdict.points, verdict.mistake = False, 0.0, None
                verdict.message, verdict.problem, verdict.output = M.NOT_REACHED.format(budget=task.budget), None, ""
        flags.append(M.FLAG_TIME_BUDGET.format(budget=task.budget, ran=ran_cells, total=total))
        over_budget = "time"
    flags += [M.FLAG_UNJUDGED.format(grade_id=v.grade_id, problem=v.problem) for v in verdicts
              if v.problem and v.problem != missing]
    if any(v.problem == missing for v in verdicts):
        flags.append(M.FLAG_UNJUDGED.format(grade_id=", ".join(v.grade_id for v in verdicts if v.problem == missing),
                                            problem=missing))
    if done is not None:  # each grade cell shows the judge's verdict (for one not reached: that it was not)
        by_id = {v.grade_id: v for v in verdicts}
        for cell, test in zip(done.cells, task.test_cells, strict=True):
            verdict = by_id.get(cell.metadata.get("nbgrader", {}).get("grade_id")) if test else None
            if verdict is not None:
                cell.outputs = judged_outputs(verdict)
        executed = nbformat.writes(done)
    judged = time.perf_counter()
    return Outcome(task.lesson, task.student, executed, kernel, flags, verdicts, over_budget,
                   {"kernel": ran - started, "judge": judged - ran, "total": time.perf_counter() - started},
                   os.getpid())
