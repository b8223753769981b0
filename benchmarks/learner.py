"""What a learner waits for: importing the course package and running a check.

Prints, side by side in one run:
- `from lesson_utils import check` in a fresh interpreter against `import numpy` alone (the floor);
- each built check on the reference solution against calling the reference on the same cases directly.

Usage: python benchmarks/learner.py [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import subprocess
import sys
import time

from lesson_utils import check


def fresh_import_seconds(statement: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]
    return statistics.median(runs)


def check_overhead(name: str, repeat: int) -> tuple[float, float]:
    """(seconds for check.NAME(reference), seconds for the reference on the same cases), medians."""
    check_fn = getattr(check, name)
    module = sys.modules[f"lesson_utils.{check._LESSON_OF[name]}.check"]
    exercise = next((v for v in vars(module).values() if getattr(v, "name", None) == name
                     and hasattr(v, "battery")), None)
    if exercise is None:  # behaviour checks have no value battery to replay
        return float("nan"), float("nan")
    battery = exercise.battery()
    checked, direct = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            check_fn(exercise.reference)
        checked.append(time.perf_counter() - t)
        t = time.perf_counter()
        for case in battery:
            exercise.reference(*case.args)
        direct.append(time.perf_counter() - t)
    return statistics.median(checked), statistics.median(direct)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    ours = fresh_import_seconds("from lesson_utils import check", args.repeat)
    floor = fresh_import_seconds("import numpy", args.repeat)
    print(f"{'what':<50} {'ours':>10} {'baseline':>10} {'ratio':>7}")
    print(f"{'import lesson_utils.check vs numpy':<50} {ours * 1e3:>8.1f}ms {floor * 1e3:>8.1f}ms {ours / floor:>7.2f}")
    for name in check.__all__:
        if name == "CheckFailed":
            continue
        try:
            checked, direct = check_overhead(name, args.repeat)
        except ImportError:
            continue  # lesson not built yet
        if checked != checked:
            continue
        label = f"check.{name}(reference) vs reference alone"
        print(f"{label:<50} {checked * 1e3:>8.1f}ms {direct * 1e3:>8.1f}ms {checked / direct:>7.1f}"
              f"   overhead {1e3 * (checked - direct):.1f}ms")


if __name__ == "__main__":
    main()
