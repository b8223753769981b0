"""How much memory each lesson's kernel needs, against floor kernels measured in the same run.

Each solution notebook runs top to bottom in a fresh kernel; its peak is the kernel process's resident-set
high-water mark (VmHWM), read after every cell. The course's floor is a kernel that imported NumPy,
Matplotlib and torch and ran `1 + 1`; a lesson's own floor ran only that lesson's import statements.

Target (issue 7): under 1 GB per notebook, so every lesson fits a Binder session.

Usage: python benchmarks/memory.py [--repeat N]
"""

from __future__ import annotations

import argparse

from kernels import floor, lesson_floor, run_lesson
from report import ratio, target

from hml_grader.paths import SOLUTIONS, lessons

LIMIT_BYTES = 10**9
"""1 GB: what a notebook's kernel may use at its peak."""

MIB = 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="floor runs to take the median of")
    args = parser.parse_args()

    base = floor(args.repeat).peak_bytes
    if base == 0:
        raise SystemExit("no /proc/<pid>/status here: the kernel's peak memory cannot be read on this system")
    w = 58
    print(f"{'kernel peak resident memory (VmHWM)':<{w}} {'ours':>9} {'baseline':>9} {'ratio':>6}")
    print(f"{'course floor: kernel + numpy/matplotlib/torch + 1+1':<{w}} {base / MIB:>6.0f}MiB")
    peaks = {}
    for path in lessons(SOLUTIONS):
        own = lesson_floor(path, args.repeat).peak_bytes
        peak = peaks[path.stem] = run_lesson(path).peak_bytes
        print(f"{path.stem + ': its own floor vs course floor':<{w}} {own / MIB:>6.0f}MiB {base / MIB:>6.0f}MiB "
              f"{ratio(own, base):>6}")
        print(f"{path.stem + ': executed vs its own floor':<{w}} {peak / MIB:>6.0f}MiB {own / MIB:>6.0f}MiB "
              f"{ratio(peak, own):>6}")
    worst = max(peaks, key=peaks.get)
    target("peak kernel memory < 1 GB for every notebook", peaks[worst] < LIMIT_BYTES,
           f"largest {worst}: {peaks[worst] / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
