"""Command line: ``how-models-learn-grade COMMAND``.

Commands:
  execute [NOTEBOOK ...]   run solution notebooks in place (default: all)
  notebooks [--check]      regenerate notebooks/ from solutions/ (or only compare)
  course DIR               lay out an nbgrader course directory from solutions/

For the instructor (each takes --course DIR, default ./course):
  release [LESSON ...]     nbgrader generate_assignment: release/<lesson>/, the learner's copy
  autograde [LESSON ...]   grade submitted/ (or --from DIR): run in the sandbox, judged outside it
  feedback [LESSON ...]    nbgrader generate_feedback, without the hidden tests
  export [--to FILE]       nbgrader export to CSV, checked against the gradebook
  report [--to DIR]        the misconception report: CSV, PNG plots and an HTML page
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .paths import NOTEBOOKS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="how-models-learn-grade", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    execute = commands.add_parser("execute", help="run solution notebooks in place")
    execute.add_argument("notebooks", nargs="*", type=Path)
    notebooks = commands.add_parser("notebooks", help="regenerate notebooks/ from solutions/")
    notebooks.add_argument("--check", action="store_true", help="only report notebooks that are out of date")
    course = commands.add_parser("course", help="lay out an nbgrader course directory")
    course.add_argument("directory", type=Path)
    from .instructor import add_commands, run_command

    add_commands(commands)
    args = parser.parse_args(argv)
    if args.command in ("release", "autograde", "feedback", "export", "report"):
        return run_command(args)

    if args.command == "execute":
        from .execute import execute_solutions

        for path in execute_solutions(args.notebooks or None):
            print(f"executed {path}")
    elif args.command == "notebooks":
        from .student import expected_student_notebooks, write_student_notebooks

        if args.check:
            stale = [
                name
                for name, text in expected_student_notebooks().items()
                if not (NOTEBOOKS / name).exists() or (NOTEBOOKS / name).read_text(encoding="utf-8") != text
            ]
            for name in stale:
                print(f"out of date: notebooks/{name} (run `make notebooks`)")
            return 1 if stale else 0
        for path in write_student_notebooks():
            print(f"wrote {path}")
    elif args.command == "course":
        from .course import build_course

        names = build_course(args.directory)
        print(f"course in {args.directory}: assignments {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
