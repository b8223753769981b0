"""The instructor's commands: release, autograde, feedback, export, report.

Each prints what it did; ``autograde`` shows a progress bar over the submissions and a
summary table. The exit status is 0 unless the command itself could not do its work
(no course, a lesson not released, a grading error of the grader's own): a hostile
submission is graded (or flagged), it never makes the run fail.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import subprocess
import sys
import time
from pathlib import Path

from . import messages as M
from .sandbox import bwrap_path

COMMANDS = ("release", "autograde", "feedback", "export", "report")


class CommandError(Exception):
    """The command cannot do its work; the message says why and what to do."""


def add_commands(commands) -> None:
    for name, text in (("release", "release lessons: nbgrader generate_assignment"),
                       ("autograde", "run submissions in the sandbox and judge them outside it"),
                       ("feedback", "generate feedback without hidden tests"),
                       ("export", "export grades to CSV, checked against the gradebook"),
                       ("report", "the misconception report (CSV, PNG, HTML)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--course", type=Path, default=Path("course"), help="the nbgrader course directory")
        if name in ("release", "autograde", "feedback", "report"):
            sub.add_argument("lessons", nargs="*", help="lesson names such as 01_loss_functions (default: all)")
    grade = commands.choices["autograde"]
    grade.add_argument("--from", dest="source", type=Path,
                       help="a folder of submissions, <student>/<lesson>.ipynb (copied into submitted/)")
    grade.add_argument("--timeout", type=float, default=60.0, help="seconds per cell (default 60)")
    grade.add_argument("--notebook-timeout", type=float, default=None, metavar="SECONDS",
                       help="seconds a whole notebook may run (default: 3 s per code cell of the release, "
                            "at least 120)")
    grade.add_argument("--force", action="store_true", help="grade again even what is already graded")
    grade.add_argument("--workers", type=int, default=None,
                       help="submissions graded at once on this machine (default: the number of cores; "
                            "1 grades in this process, more start a local Dask cluster)")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on the Dask cluster of this scheduler (e.g. tcp://host:8786) instead")
    commands.choices["export"].add_argument("--to", type=Path, help="CSV file (default COURSE/grades.csv)")
    commands.choices["report"].add_argument("--to", type=Path, help="folder (default COURSE/reports)")


def run_command(args: argparse.Namespace) -> int:
    try:
        return {"release": release, "autograde": autograde, "feedback": feedback, "export": export,
                "report": report}[args.command](args)
    except CommandError as error:
        print(error, file=sys.stderr)
        return 2


def _course(path: Path) -> Path:
    if not (path / "nbgrader_config.py").is_file() or not (path / "source").is_dir():
        raise CommandError(M.NO_COURSE.format(path=path))
    return path.resolve()


def _lessons(course: Path, names: list[str], released: bool) -> list[str]:
    known = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    for name in names:
        if name not in known:
            raise CommandError(M.NO_LESSON.format(name=name, names=", ".join(known)))
    chosen = names or known
    if released:
        missing = [n for n in chosen if not (course / "release" / n / f"{n}.ipynb").is_file()]
        if names and missing:
            raise CommandError(M.NOT_RELEASED.format(lesson=missing[0]))
        chosen = [n for n in chosen if n not in missing]
    return chosen


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    # nbgrader runs `alembic` from PATH: put this interpreter's scripts first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
                          env=dict(os.environ, PATH=path))


def _nbgrader_or_fail(course: Path, *args: str) -> None:
    done = nbgrader(course, *args)
    if done.returncode != 0:
        raise CommandError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}{done.stderr}".rstrip())


def release(args) -> int:
    course = _course(args.course)
    for lesson in _lessons(course, args.lessons, released=False):
        _nbgrader_or_fail(course, "generate_assignment", lesson, "--force")
        print(f"released {lesson}: {course / 'release' / lesson}")
    return 0


def autograde(args) -> int:
    from tqdm import tqdm

    from .dispatch import SchedulerUnreachable, default_workers, grade
    from .grade import Options, import_submissions, submissions

    course = _course(args.course)
    lessons = _lessons(course, args.lessons, released=True)
    if args.workers is not None and args.workers < 1:
        raise CommandError(M.BAD_WORKERS.format(workers=args.workers))
    if args.source is not None:
        if not args.source.is_dir():
            raise CommandError(M.NO_SUBMISSIONS.format(lesson=", ".join(lessons), path=args.source))
        import_submissions(course, args.source.resolve(), lessons)
    bwrap = bwrap_path()
    print(M.BWRAP_HOW.format(path=bwrap) if bwrap else M.BWRAP_MISSING_SHORT, file=sys.stderr)
    if bwrap is None:
        print(M.NOT_ISOLATED, file=sys.stderr)
    jobs = [(lesson, student, path) for lesson in lessons for student, path in submissions(course, lesson)]
    if not jobs:
        raise CommandError(M.NO_SUBMISSIONS.format(lesson=", ".join(lessons), path=course / "submitted"))
    hidden = (args.source.resolve(),) if args.source is not None else ()
    options = Options(timeout=args.timeout, hidden=hidden, notebook_timeout=args.notebook_timeout)
    workers = args.workers or default_workers()
    print(M.WORKERS_SCHEDULER.format(address=args.scheduler) if args.scheduler else
          M.WORKERS_LOCAL.format(workers=workers), file=sys.stderr)
    with tqdm(total=len(jobs), desc="grading", unit="submission", file=sys.stderr) as bar:
        try:
            results = grade(course, jobs, options, force=args.force, workers=workers, scheduler=args.scheduler,
                            progress=lambda result: bar.update())
        except SchedulerUnreachable as unreachable:
            raise CommandError(M.NO_SCHEDULER.format(address=unreachable.address, error=unreachable.error)) \
                from unreachable
    print(summary_table(results))
    errors = [r for r in results if r.status != "done"]
    return 1 if errors else 0


def summary_table(results) -> str:
    rows = [M.SUMMARY_HEADER]
    for r in results:
        flags = "; ".join(r.flags) if r.flags else ""
        kernel = "skipped (graded before)" if r.skipped else r.kernel
        rows.append((r.lesson, r.student, f"{r.score:g}", f"{r.max_score:g}", kernel, flags))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
             for row in rows]
    flagged = sum(bool(r.flags) for r in results)
    lines.append(f"{len(results)} submissions, {flagged} flagged for review.")
    over = [f"{r.lesson}/{r.student} ({r.over_budget})" for r in results if r.over_budget]
    if over:
        lines.append(M.SUMMARY_OVER_BUDGET.format(count=len(over), which=", ".join(over)))
    return "\n".join(line.rstrip() for line in lines)


def _fresh(course: Path, lesson: str, student: str, since: float) -> bool:
    """Has nbgrader written this learner's feedback page for ``lesson`` since ``since``?"""
    page = course / "feedback" / student / lesson / f"{lesson}.html"
    return page.is_file() and page.stat().st_mtime >= since - 1


def feedback(args) -> int:
    """nbgrader's feedback for every graded learner of each lesson. One notebook that nbgrader cannot convert does
    not stop the others: it is tried again on its own, and if it still fails its learner gets a plain page that
    says so, listed at the end. Exits 0 unless nbgrader made no page at all."""
    course = _course(args.course)
    unconverted: list[tuple[str, str]] = []
    for lesson in _lessons(course, args.lessons, released=True):
        graded = sorted(p.parent.name for p in (course / "autograded").glob(f"*/{lesson}") if p.is_dir())
        started = time.time()
        done = nbgrader(course, "generate_feedback", lesson, "--force")

        if done.returncode != 0:
            for student in [s for s in graded if not _fresh(course, lesson, s, started)]:
                nbgrader(course, "generate_feedback", lesson, "--student", student, "--force")
        failed = [s for s in graded if not _fresh(course, lesson, s, started)]
        if graded and len(failed) == len(graded) and done.returncode != 0:
            raise CommandError(f"nbgrader generate_feedback {lesson} failed:\n{done.stdout}{done.stderr}".rstrip())
        for student in failed:
            page = course / "feedback" / student / lesson / f"{lesson}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(M.FEEDBACK_PAGE.format(lesson=html.escape(lesson)), encoding="utf-8")
            unconverted.append((lesson, student))
        print(f"feedback for {lesson}: {course / 'feedback'}/<student>/{lesson}/")
    if unconverted:
        print(M.FEEDBACK_UNCONVERTED.format(count=len(unconverted),
                                            who=", ".join(f"{s} ({lesson})" for lesson, s in unconverted)))
    return 0


def _pending(course: Path) -> list[tuple[str, str]]:
    from .grade import Ledger, sha256, submissions

    ledger = Ledger(course)
    pending = []
    for lesson in sorted(p.name for p in (course / "source").iterdir() if p.is_dir()):
        for student, path in submissions(course, lesson):
            entry = ledger.get(lesson, student)
            if not entry or entry.get("status") != "done" or entry.get("sha256") != sha256(path):
                pending.append((lesson, student))
    return pending


def export(args) -> int:
    from .report import gradebook_scores

    course = _course(args.course)
    pending = _pending(course)
    if pending:
        lessons = sorted({lesson for lesson, _ in pending})
        raise CommandError(M.PENDING.format(count=len(pending), lesson=", ".join(lessons),
                                            students=", ".join(s for _, s in pending[:10])))
    target = (args.to or course / "grades.csv").resolve()
    _nbgrader_or_fail(course, "export", f"--CsvExportPlugin.filename={target}")
    scores = gradebook_scores(course)
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    exported = {(r["assignment"], r["student_id"]): float(r["raw_score"] or 0) for r in rows}
    wrong = [k for k, (score, _) in scores.items() if abs(exported.get(k, float("nan")) - score) > 1e-9]
    if wrong:
        raise CommandError(M.EXPORT_MISMATCH.format(who=", ".join("/".join(k) for k in wrong[:10])))
    print(f"exported {len(scores)} grades to {target}")
    return 0


def report(args) -> int:
    from .report import write_report

    course = _course(args.course)
    out = (args.to or course / "reports").resolve()
    paths = write_report(course, out, args.lessons or None)
    print(f"report in {out}: " + ", ".join(p.name for p in paths))
    return 0
