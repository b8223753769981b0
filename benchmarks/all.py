"""Run every benchmark (learner, course, memory, and grading where it exists), one after another, and
write their tables and targets to benchmarks/results/latest.md (not committed: copy figures into the
README by hand, with the date and the machine).

Usage: python benchmarks/all.py [--output PATH]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("learner", "course", "memory", "grading")
"""Run in this order; a missing script is skipped with a note."""


def machine() -> str:
    memory = ""
    try:
        kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        from importlib.metadata import version

        torch = f", torch {version('torch')}"
    except Exception:  # torch missing: say nothing about it
        torch = ""
    return f"{os.cpu_count()} cores{memory}, Python {platform.python_version()}{torch}, {platform.system()}"


def run(name: str) -> tuple[str, list[str], bool]:
    """Run one benchmark, echoing its output; (its output, its target lines, whether it succeeded)."""
    print(f"== {name}", flush=True)
    process = subprocess.Popen([sys.executable, str(HERE / f"{name}.py")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    ok = process.wait() == 0
    return "\n".join(lines), [line for line in lines if line.startswith("target ")], ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.md")
    args = parser.parse_args()

    started = datetime.datetime.now()
    load_before = os.getloadavg()[0]
    sections, targets, failed = [], [], []
    for name in BENCHMARKS:
        if not (HERE / f"{name}.py").exists():
            note = f"benchmarks/{name}.py does not exist yet: skipped."
            print(f"== {name}\n{note}")
            sections.append(f"## {name}\n\n{note}\n")
            continue
        output, lines, ok = run(name)
        targets += [(name, line) for line in lines]
        if not ok:
            failed.append(name)
        sections.append(f"## {name}\n\n```\n{output}\n```\n")

    table = ["| benchmark | target |", "| --- | --- |"]
    table += [f"| {name} | {line.removeprefix('target ')} |" for name, line in targets]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join([
        "# Benchmarks", "",
        f"{started:%Y-%m-%d %H:%M}, {machine()}; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (other work on the machine makes every figure noisier).", "",
        *table, "",
        *([f"Failed: {', '.join(failed)}.", ""] if failed else []),
        *sections,
    ]), encoding="utf-8")
    print(f"\nwrote {args.output}")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
