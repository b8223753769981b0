"""What a learner waits for: importing the course package and running a check.

Prints, side by side in one run:
- `import lesson_utils` and `from lesson_utils import check` in a fresh interpreter against `import numpy`
  alone (the floor), and whether torch got imported;
- for every exercise in `lesson_utils.check.EXERCISES`, `check.NAME(reference)` against the time the
  reference itself runs inside that call. Each exercise runs in a fresh interpreter that has already
  run its lesson notebook's import cells (NumPy, Matplotlib, torch where the lesson uses it, and settings
  such as `torch.set_num_threads(1)`) and imported the reference: the first call (cold: it also loads
  the lesson's checks) and the median of the next --repeat calls (warm). The reference's own time is
  measured where the harness runs learner code (the one `call_with_time_limit` gate every check goes
  through) and around each direct call of the function; what is left is the check's overhead.

Targets (issue 7): `import lesson_utils` under 0.3 s without importing torch; every check's overhead
under 100 ms beyond the function itself.

Usage: python benchmarks/learner.py [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from kernels import import_cells
from report import ratio, target

IMPORT_TARGET = 0.3
"""Seconds `from lesson_utils import check` may take in a fresh interpreter."""

OVERHEAD_TARGET = 0.1
"""Seconds a check may add to the time the learner's function itself runs."""

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def fresh_import_seconds(statement: str, repeat: int) -> tuple[float, bool]:
    """Median seconds of ``statement`` in a fresh interpreter, and whether it imported torch."""
    code = (f"import sys, time; t = time.perf_counter(); {statement}; "
            "print(time.perf_counter() - t, 'torch' in sys.modules)")
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        runs.append((float(out[0]), out[1] == "True"))
    return statistics.median(s for s, _ in runs), any(t for _, t in runs)


class Stopwatch:
    """Adds up the time spent in the learner's code; nested entries count once."""

    def __init__(self):
        self.inside = 0.0
        self._depth = 0
        self._since = 0.0

    @contextlib.contextmanager
    def running(self):
        if self._depth == 0:
            self._since = time.perf_counter()
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self.inside += time.perf_counter() - self._since

    def wrap(self, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            with self.running():
                return fn(*args, **kwargs)

        return timed


def run_notebook_setup(lesson: str) -> None:
    """Run the cells of the lesson's solution notebook that import something, as a learner's kernel has;
    a cell that needs more of the notebook than that runs its import statements only."""
    found = sorted(SOLUTIONS.glob(f"{lesson.removeprefix('lesson')}_*.ipynb"))
    namespace: dict = {}
    for whole, imports in import_cells(nbformat.read(found[0], as_version=4)) if found else ():
        try:
            exec(whole, namespace)
        except Exception:
            exec(imports, namespace)


def measure_exercise(name: str, repeat: int) -> dict:
    """In this (fresh) interpreter: seconds of each ``check.NAME(reference)`` call and of the reference in it."""
    import matplotlib

    matplotlib.use("Agg")
    from lesson_utils import check, harness

    lesson = check._LESSON_OF[name]
    run_notebook_setup(lesson)
    solution = getattr(importlib.import_module(f"lesson_utils.{lesson}.reference"), name)
    stopwatch = Stopwatch()
    gate = harness.call_with_time_limit
    harness.call_with_time_limit = stopwatch.wrap(gate)
    candidate = solution if isinstance(solution, type) else stopwatch.wrap(solution)
    calls, loaded = [], []
    for _ in range(1 + repeat):
        stopwatch.inside = 0.0
        before = len(sys.modules)
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            getattr(check, name)(candidate)
        calls.append((time.perf_counter() - started, stopwatch.inside))
        loaded.append(len(sys.modules) - before)
    warm = calls[1:]
    return {"cold": calls[0], "modules": loaded[0],
            "warm": [statistics.median(c[0] for c in warm), statistics.median(c[1] for c in warm)]}


def exercise_in_fresh_interpreter(name: str, repeat: int) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, __file__, "--exercise", name, "--repeat", str(repeat)],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"check.{name}(reference) failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--exercise", help=argparse.SUPPRESS)  # one exercise, in the child interpreter
    args = parser.parse_args()
    if args.exercise:
        print(json.dumps(measure_exercise(args.exercise, args.repeat)))
        return

    from lesson_utils.check import EXERCISES

    floor, _ = fresh_import_seconds("import numpy", args.repeat)
    package, package_torch = fresh_import_seconds("import lesson_utils", args.repeat)
    checks, checks_torch = fresh_import_seconds("from lesson_utils import check", args.repeat)
    print(f"{'what':<52} {'ours':>9} {'baseline':>9} {'ratio':>6}")
    print(f"{'import lesson_utils vs import numpy':<52} {package * 1e3:>7.1f}ms {floor * 1e3:>7.1f}ms "
          f"{ratio(package, floor):>6}")
    print(f"{'from lesson_utils import check vs import numpy':<52} {checks * 1e3:>7.1f}ms {floor * 1e3:>7.1f}ms "
          f"{ratio(checks, floor):>6}")
    slowest = max(package, checks)
    target(f"import lesson_utils (and its check) < {IMPORT_TARGET} s without torch",
           slowest < IMPORT_TARGET and not (package_torch or checks_torch),
           f"{slowest * 1e3:.0f} ms, torch imported: {'yes' if package_torch or checks_torch else 'no'}")

    print()
    print("check.NAME(reference) against the reference's own time inside the call (ms); cold: the first call in a "
          "fresh interpreter, +modules: modules it imported; warm: median of the next calls")
    print(f"{'exercise':<34} {'cold':>8} {'inside':>8} {'overhead':>8} {'ratio':>6} {'+modules':>8}"
          f" {'warm':>8} {'inside':>8} {'overhead':>8} {'ratio':>6}")
    worst = {"cold": ("", 0.0), "warm": ("", 0.0)}
    for names in EXERCISES.values():
        for name in names:
            result = exercise_in_fresh_interpreter(name, args.repeat)
            row = []
            for kind in ("cold", "warm"):
                total, inside = result[kind]
                overhead = total - inside
                if overhead > worst[kind][1]:
                    worst[kind] = (name, overhead)
                row.append(f"{total * 1e3:>8.1f} {inside * 1e3:>8.1f} {overhead * 1e3:>8.1f} {ratio(total, inside):>6}")
            print(f"{'check.' + name:<34} {row[0]} {result['modules']:>8} {row[1]}")
    for kind, when in (("warm", "a repeated call"), ("cold", "the first call in a fresh kernel")):
        name, overhead = worst[kind]
        target(f"check overhead < {OVERHEAD_TARGET * 1e3:.0f} ms beyond the function, {when}",
               overhead < OVERHEAD_TARGET, f"largest check.{name}: {overhead * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
