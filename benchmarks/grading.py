"""Grading throughput: stock ``nbgrader autograde`` against the sandboxed grader, serial and parallel.

One set of submissions is generated for every lesson (or the ``--lesson`` ones): per lesson the
solved notebook, the blank one and the known mistakes of ``tests/fixtures/submissions/`` (honest
and buggy mixed), the first ``--per-lesson`` of them, repeated ``--copies`` times. Three course
directories get the same files, and in this one run, side by side:

- stock: ``nbgrader autograde "*"`` (one process for every lesson, the notebook in an ordinary
  kernel, no judge), with the course's configuration, whose ``Execute`` waits in slices
  (:mod:`hml_grader.steady`): plain nbgrader can stall a widget notebook for the whole cell
  time-out under load, which would only flatter the comparison;
- ours, serial: ``how-models-learn-grade autograde --workers 1`` (the bubblewrap kernel, recording,
  then the judge, one submission after another, in one process);
- ours, parallel: ``how-models-learn-grade autograde`` (``--workers`` = the cores by default, a
  local Dask cluster, one process writing the gradebook);

and two floors: the course's (:func:`kernels.floor`: start a kernel, import NumPy, Matplotlib
and torch, run ``1 + 1``, shut down; median of ``--repeat``), and the notebooks' own (each
lesson's solved learner notebook run top to bottom in a plain kernel, median of ``--repeat``, weighted by the
lesson's share of the set: what any grader must spend just executing them; ``--no-notebook-floor``
skips it). Printed: seconds
per notebook of each, the throughput ratio against stock, and our per-notebook wall time
against each floor divided by the cores. Targets (issue 7): at least 3 x stock, within 1.3 x the
course's floor / cores. Not a test: a measurement. Every run prints the same rows, in the same
order, and a ``target`` line per target (collected by ``benchmarks/all.py``):

    .venv/bin/python benchmarks/grading.py [--per-lesson 3] [--copies 1] [--lesson NAME ...]
                                          [--workers N] [--repeat 3] [--no-serial] [--no-notebook-floor]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from kernels import floor, run_notebook  # noqa: E402
from report import CORES, ratio, target  # noqa: E402

from hml_grader.paths import SOLUTIONS, lessons  # noqa: E402
from tests.nbgrader_course import build_course, fill_answers, nbgrader, submit  # noqa: E402
from tests.test_nbgrader import solution_answers  # noqa: E402

STOCK_TARGET = 3.0
"""Our parallel throughput must be at least this many times stock nbgrader's."""
FLOOR_TARGET = 1.3
"""Our wall time per notebook must be at most this many times the floor divided by the cores."""


def mixed(lesson: str, per_lesson: int) -> dict[str, dict[str, str]]:
    """Student name -> answers (grade_id -> source): solved first, then each known mistake, then blank."""
    answers = solution_answers(lesson)
    found = {"correct": answers}
    for path in sorted((ROOT / "tests" / "fixtures" / "submissions" / lesson).glob("*.json")):
        found[path.stem] = {**answers, **json.loads(path.read_text())["answers"]}
    found["blank"] = {}
    return dict(list(found.items())[:per_lesson])


def notebook_floor(course: Path, chosen: list[str], repeat: int) -> dict[str, float]:
    """Lesson -> seconds to run its solved learner notebook in a plain kernel, start to shutdown (median)."""
    import nbformat

    out = {}
    for lesson in chosen:
        nb = fill_answers(nbformat.read(course / "release" / lesson / f"{lesson}.ipynb", as_version=4),
                          solution_answers(lesson))
        out[lesson] = statistics.median(run_notebook(nb).seconds for _ in range(repeat))
    return out


def prepare(course: Path, chosen: list[str], per_lesson: int, copies: int) -> int:
    build_course(course)
    for lesson in chosen:
        nbgrader(course, "generate_assignment", lesson)
    count = 0
    for lesson in chosen:
        for copy in range(copies):
            for name, answers in mixed(lesson, per_lesson).items():
                submit(course, lesson, f"{name}-{copy}", answers)
                count += 1
    return count


def timed(command: list[str], cwd: Path) -> float:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, PATH=path))
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def scores_keys(course: Path) -> list[tuple[str, str]]:
    """(lesson, student) of every submission in ``submitted/``."""
    return [(p.parent.name, p.parent.parent.name) for p in sorted((course / "submitted").glob("*/*/*.ipynb"))]


def scores(course: Path) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(a.name, s.student.id): float(s.score) for a in gb.assignments for s in a.submissions}


def where_time_went(course: Path) -> dict[str, float]:
    """Median seconds per submission of each step, from the ledger of our run."""
    ledger = json.loads((course / ".grading" / "ledger.json").read_text())
    steps: dict[str, list[float]] = {}
    for entries in ledger.values():
        for entry in entries.values():
            for step, seconds in entry.get("seconds", {}).items():
                steps.setdefault(step, []).append(seconds)
    return {step: statistics.median(values) for step, values in sorted(steps.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lesson", type=int, default=3, help="submissions per lesson (default 3)")
    parser.add_argument("--copies", type=int, default=1, help="repeat the set this many times (default 1)")
    parser.add_argument("--lesson", action="append", help="only this lesson (repeatable; default: all)")
    parser.add_argument("--workers", type=int, default=CORES, help=f"our parallel run's workers (default {CORES})")
    parser.add_argument("--repeat", type=int, default=3, help="floor runs to take the median of")
    parser.add_argument("--no-serial", action="store_true", help="skip our serial run")
    parser.add_argument("--no-notebook-floor", dest="notebook_floor", action="store_false",
                        help="skip the notebooks' own floor (each lesson's solved notebook in a plain kernel)")
    args = parser.parse_args()
    chosen = args.lesson or [p.stem for p in lessons(SOLUTIONS)]

    with tempfile.TemporaryDirectory(prefix="hml-bench-") as tmp:
        courses = {name: Path(tmp, name) for name in ("stock", "serial", "parallel")}
        n = prepare(courses["stock"], chosen, args.per_lesson, args.copies)
        for name in ("serial", "parallel"):
            prepare(courses[name], chosen, args.per_lesson, args.copies)
        ours = [sys.executable, "-m", "hml_grader", "autograde"]
        load_before = os.getloadavg()[0]
        floor_seconds = floor(args.repeat).seconds
        notebooks_floor = None
        if args.notebook_floor:
            per_lesson = notebook_floor(courses["stock"], chosen, args.repeat)
            notebooks_floor = sum(per_lesson[lesson] for lesson, _ in scores_keys(courses["stock"])) / n
        stock = timed([sys.executable, "-m", "nbgrader", "autograde", "*"], courses["stock"])
        serial = None if args.no_serial else timed(
            [*ours, "--course", str(courses["serial"]), "--workers", "1"], ROOT)
        parallel = timed([*ours, "--course", str(courses["parallel"]), "--workers", str(args.workers)], ROOT)
        graded = scores(courses["parallel"])
        same = serial is None or scores(courses["serial"]) == graded
        steps = where_time_went(courses["parallel"])

    w = 60
    print(f"{n} submissions: {len(chosen)} lessons x {args.per_lesson} (solved, known mistakes, blank)"
          f" x {args.copies}; {CORES} cores; our parallel run: {args.workers} workers; "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'what':<{w}} {'ours':>9} {'baseline':>9} {'ratio':>6}")
    print(f"{'floor: kernel + numpy/matplotlib/torch + 1+1, per notebook':<{w}} {floor_seconds:>8.2f}s")
    if notebooks_floor is None:
        print(f"{'notebook floor: not measured (--no-notebook-floor)':<{w}}")
        print(f"{'stock nbgrader autograde, per notebook':<{w}} {stock / n:>8.2f}s")
    else:
        print(f"{'notebook floor: the set run in a plain kernel, per notebook':<{w}} {notebooks_floor:>8.2f}s")
        print(f"{'stock nbgrader autograde vs notebook floor, per notebook':<{w}} {stock / n:>8.2f}s "
              f"{notebooks_floor:>8.2f}s {ratio(stock / n, notebooks_floor):>6}")
    if serial is not None:
        print(f"{'ours serial (--workers 1) vs stock, per notebook':<{w}} {serial / n:>8.2f}s {stock / n:>8.2f}s "
              f"{ratio(serial, stock):>6}")
    print(f"{f'ours parallel ({args.workers} workers) vs stock, per notebook':<{w}} {parallel / n:>8.2f}s "
          f"{stock / n:>8.2f}s {ratio(parallel, stock):>6}")
    if serial is not None:
        print(f"{'ours parallel vs ours serial, per notebook':<{w}} {parallel / n:>8.2f}s {serial / n:>8.2f}s "
              f"{ratio(parallel, serial):>6}")
    per_core_floor = floor_seconds / CORES
    print(f"{f'ours parallel vs floor / {CORES} cores, per notebook':<{w}} {parallel / n:>8.2f}s "
          f"{per_core_floor:>8.2f}s {ratio(parallel / n, per_core_floor):>6}")
    if notebooks_floor is not None:
        per_core_notebooks = notebooks_floor / CORES
        print(f"{f'ours parallel vs notebook floor / {CORES} cores, per notebook':<{w}} {parallel / n:>8.2f}s "
              f"{per_core_notebooks:>8.2f}s {ratio(parallel / n, per_core_notebooks):>6}")
    print(f"{'throughput ratio (stock time / ours parallel)':<{w}} {ratio(stock, parallel):>26}")
    print("ours parallel, median seconds per submission by step: "
          + ", ".join(f"{step} {seconds:.2f}" for step, seconds in steps.items()))
    print(f"serial and parallel runs give the same scores: {'yes' if same else 'NO'}")
    target(f"ours parallel >= {STOCK_TARGET:g} x stock nbgrader throughput", stock >= STOCK_TARGET * parallel,
           f"{ratio(stock, parallel)} x")
    target(f"ours parallel per notebook <= {FLOOR_TARGET:g} x floor / cores",
           parallel / n <= FLOOR_TARGET * per_core_floor,
           f"{parallel / n:.2f} s vs {per_core_floor:.2f} s, {ratio(parallel / n, per_core_floor)} x")


if __name__ == "__main__":
    main()
