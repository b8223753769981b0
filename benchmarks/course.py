"""How long the course takes to run, against floors measured in the same run.

Prints, side by side:
- the course's floor (issue 7): start a kernel through nbclient, import NumPy, Matplotlib and torch,
  run `1 + 1`, shut down; and each lesson's own floor: the same with only that lesson's import statements
  (medians of --repeat runs);
- each solution notebook executed top to bottom in a fresh kernel, against its own floor (and that
  floor against the course's);
- the whole `pytest --nbval` run on solutions/ as `make test` runs it (this project's pytest settings:
  `-n 2 --dist loadfile`), against the sum of the floors, that sum divided by the cores, and the
  notebooks executed one after another.

Target (issue 7): the nbval part at most 1.3 x the sum of the floors.

Usage: python benchmarks/course.py [--repeat N] [--no-nbval]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from kernels import floor, lesson_floor, run_lesson
from report import CORES, ratio, target

from hml_grader.paths import ROOT, SOLUTIONS, lessons

NBVAL_TARGET = 1.3
"""The nbval run may take at most this many times the sum of the per-notebook floors."""


def nbval_seconds() -> float:
    """Wall time of `pytest solutions` with the project's own pytest settings (nbval, two workers)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "solutions"], cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit("pytest --nbval on solutions/ failed: the timing above is not a course run")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="floor runs to take the median of")
    parser.add_argument("--no-nbval", action="store_true", help="skip the pytest --nbval run")
    args = parser.parse_args()

    paths = lessons(SOLUTIONS)
    course_floor = floor(args.repeat).seconds
    w = 58
    print(f"{'what':<{w}} {'ours':>9} {'baseline':>9} {'ratio':>6}")
    print(f"{'course floor: kernel + numpy/matplotlib/torch + 1+1':<{w}} {course_floor:>8.2f}s")
    total = own_floors = 0.0
    for path in paths:
        own = lesson_floor(path, args.repeat).seconds
        seconds = run_lesson(path).seconds
        total += seconds
        own_floors += own
        print(f"{path.stem + ': its own floor vs course floor':<{w}} {own:>8.2f}s {course_floor:>8.2f}s "
              f"{ratio(own, course_floor):>6}")
        print(f"{path.stem + ': executed vs its own floor':<{w}} {seconds:>8.2f}s {own:>8.2f}s "
              f"{ratio(seconds, own):>6}")
    floors = course_floor * len(paths)
    n = len(paths)
    print(f"{f'{n} notebooks one after another vs their own floors':<{w}} {total:>8.2f}s {own_floors:>8.2f}s "
          f"{ratio(total, own_floors):>6}")
    print(f"{f'{n} notebooks one after another vs {n} course floors':<{w}} {total:>8.2f}s {floors:>8.2f}s "
          f"{ratio(total, floors):>6}")
    if args.no_nbval:
        return
    nbval = nbval_seconds()
    for label, baseline in ((f"sum of {n} course floors", floors),
                            (f"{n} course floors / {CORES} cores", floors / CORES),
                            ("sum of the lessons' own floors", own_floors),
                            (f"lessons' own floors / {CORES} cores", own_floors / CORES),
                            ("notebooks one after another", total)):
        print(f"{'pytest --nbval solutions vs ' + label:<{w}} {nbval:>8.2f}s {baseline:>8.2f}s "
              f"{ratio(nbval, baseline):>6}")
    target(f"pytest --nbval solutions <= {NBVAL_TARGET} x sum of floors", nbval <= NBVAL_TARGET * floors,
           f"{nbval:.1f} s vs {floors:.1f} s, {ratio(nbval, floors)} x")

if __name__ == "__main__":
    main()
