"""What grading one honest submission costs: stock ``nbgrader autograde`` against the sandboxed grader.

Two course directories get the same honest lesson-01 submissions (correct, blank, one known
mistake, repeated ``--copies`` times). One is graded with stock ``nbgrader autograde`` (one
process, the notebook in an ordinary kernel), the other with ``python -m autograder autograde``
(the notebook in the bubblewrap kernel, then the re-check). Both are run side by side in this
script, and the per-submission times are printed with their ratio. Not a test: a measurement.

    .venv/bin/python benchmarks/grading.py [--copies 2] [--lesson 01_loss_functions]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.nbgrader_course import build_course, nbgrader, submit  # noqa: E402
from tests.test_nbgrader import solution_answers  # noqa: E402


def honest(lesson: str) -> dict[str, dict[str, str]]:
    answers = solution_answers(lesson)
    found = {"correct": answers, "blank": {}}
    for path in sorted((ROOT / "tests" / "fixtures" / "submissions" / lesson).glob("*.json")):
        found[path.stem] = {**answers, **json.loads(path.read_text())["answers"]}
    return found


def prepare(course: Path, lesson: str, copies: int) -> int:
    build_course(course)
    nbgrader(course, "generate_assignment", lesson)
    count = 0
    for copy in range(copies):
        for name, answers in honest(lesson).items():
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--lesson", default="01_loss_functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hml-bench-") as tmp:
        stock, sandboxed = Path(tmp, "stock"), Path(tmp, "sandboxed")
        n = prepare(stock, args.lesson, args.copies)
        prepare(sandboxed, args.lesson, args.copies)
        stock_time = timed([sys.executable, "-m", "nbgrader", "autograde", args.lesson], stock)
        ours = timed([sys.executable, "-m", "autograder", "autograde", args.lesson, "--course", str(sandboxed)], ROOT)
    print(f"{n} honest submissions of {args.lesson}")
    print(f"stock nbgrader autograde: {stock_time:7.2f} s in all, {stock_time / n:6.2f} s per submission")
    print(f"sandboxed + re-check:     {ours:7.2f} s in all, {ours / n:6.2f} s per submission")
    print(f"cost ratio (sandboxed / stock), per submission: {ours / stock_time:.2f}")


if __name__ == "__main__":
    main()
