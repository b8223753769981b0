"""Parallel grading with one gradebook writer: does grading on a real Dask cluster (two worker
processes, one of them killed mid-run) give every submission exactly the score and flags that
grading in one process gives, each recorded once?

One mixed class (lesson 01's honest and hostile submissions, lesson 02's solved notebook and a
known mistake) is graded twice with ``how-models-learn-grade autograde``: with ``--workers 1``,
and with ``--scheduler`` pointing at a ``distributed.LocalCluster`` that this test starts.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import sqlalchemy
from nbgrader.api import Gradebook

from hml_grader import messages as M
from hml_grader.grade import Lesson, Options, Recorder, other_lessons
from hml_grader.paths import ROOT
from hml_grader.worker import run_task

from .hostile import FIXTURES, LESSON, filled, text
from .nbgrader_course import build_course, nbgrader

pytestmark = pytest.mark.nbgrader

SECOND = "02_softmax"
SUBMISSIONS = ROOT / "tests" / "fixtures" / "submissions"
HOSTILE = ["patches_numpy", "blanks_later_cells", "os_exit"]
TIMEOUT = "8"


def mixed_class(inbox: Path) -> dict[tuple[str, str], bytes]:
    """(student, lesson) -> the notebook handed in: honest, known mistakes and hostile, two lessons."""
    mistake = json.loads((SUBMISSIONS / LESSON / "sum_not_mean.json").read_text())["answers"]
    shift = json.loads((SUBMISSIONS / SECOND / "no_max_shift.json").read_text())["answers"]
    files = {("correct", LESSON): text(filled()), ("sum_not_mean", LESSON): text(filled(mistake)),
             ("correct", SECOND): text(filled(lesson=SECOND)),
             ("no_max_shift", SECOND): text(filled(shift, lesson=SECOND))}
    for name in HOSTILE:
        files[(name, LESSON)] = (FIXTURES / f"{name}.ipynb").read_bytes()
    for (student, lesson), data in files.items():
        (inbox / student).mkdir(parents=True, exist_ok=True)
        (inbox / student / f"{lesson}.ipynb").write_bytes(data)
    return files


def new_course(path: Path) -> Path:
    build_course(path)
    nbgrader(path, "generate_assignment", LESSON)
    nbgrader(path, "generate_assignment", SECOND)
    return path


def command(course: Path, inbox: Path, *more: str) -> list[str]:
    return [sys.executable, "-m", "hml_grader", "autograde", LESSON, SECOND, "--course", str(course),
            "--from", str(inbox), "--timeout", TIMEOUT, *more]


def gradebook(course: Path) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {"scores": {(s.student.id, a.name): float(s.score) for a in gb.assignments for s in a.submissions},
                "rows": gb.db.execute(sqlalchemy.text("select count(*) from submitted_assignment")).scalar(),
                "cells": {(s.student.id, a.name): len(s.notebooks[0].grades) for a in gb.assignments
                          for s in a.submissions}}


def descendants(pid: int) -> set[int]:
    """Every living process started, directly or not, by process ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def outliving(pids: set[int], grace: float = 30.0) -> set[int]:
    """Those of ``pids`` still alive after ``grace`` seconds (a process killed with its parent may take a moment to
    go on a busy machine)."""
    deadline = time.monotonic() + grace
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive(pids)


def rows(stdout: str) -> list[str]:
    return [" ".join(line.split()) for line in stdout.splitlines() if line.startswith((LESSON, SECOND))]


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    from distributed import Client, LocalCluster

    base = tmp_path_factory.mktemp("parallel")
    inbox = base / "inbox"
    files = mixed_class(inbox)
    serial_course, dask_course = new_course(base / "serial"), new_course(base / "dask")
    serial = subprocess.run(command(serial_course, inbox, "--workers", "1"), cwd=ROOT, capture_output=True, text=True)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=50) as cluster, Client(cluster) as client:
        first_pids = set(client.run(os.getpid).values())
        run = subprocess.Popen(command(dask_course, inbox, "--scheduler", cluster.scheduler_address), cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        killed, left = None, set()
        deadline = time.monotonic() + 300
        while killed is None and time.monotonic() < deadline and run.poll() is None:
            busy = {w: tasks for w, tasks in client.processing().items() if tasks}
            if busy:
                worker = sorted(busy)[0]
                pid = client.run(os.getpid, workers=[worker])[worker]
                while time.monotonic() < deadline and not any(  # kill it while its sandboxed kernel runs
                        b"bwrap" in Path(f"/proc/{p}/cmdline").read_bytes() for p in alive(
                            descendants(pid))):
                    time.sleep(0.05)
                left = descendants(pid)
                os.kill(pid, signal.SIGKILL)
                killed = pid
            time.sleep(0.1)
        stdout, stderr = run.communicate(timeout=600)
        client.wait_for_workers(2, timeout=60)
        last_pids = set(client.run(os.getpid).values())
    export = subprocess.run([sys.executable, "-m", "hml_grader", "export", "--course", str(dask_course)], cwd=ROOT,
                            capture_output=True, text=True)
    return {"files": files, "serial": serial, "dask": subprocess.CompletedProcess(run.args, run.returncode, stdout,
                                                                                   stderr),
            "serial_course": serial_course, "dask_course": dask_course, "killed": killed, "first_pids": first_pids,
            "last_pids": last_pids, "export": export, "left": left, "orphans": outliving(left)}


def test_dask_grading_gives_the_scores_and_flags_of_serial_grading(graded):
    """On a LocalCluster of two processes, does every submission get the score and the flags it gets in one process?"""
    assert graded["serial"].returncode == 0, graded["serial"].stderr[-3000:]
    assert graded["dask"].returncode == 0, graded["dask"].stderr[-3000:]
    assert len(rows(graded["serial"].stdout)) == len(graded["files"])
    assert rows(graded["dask"].stdout) == rows(graded["serial"].stdout)
    assert gradebook(graded["dask_course"])["scores"] == gradebook(graded["serial_course"])["scores"]
    scores = gradebook(graded["dask_course"])["scores"]
    assert (scores[("correct", LESSON)], scores[("sum_not_mean", LESSON)], scores[("patches_numpy", LESSON)]) == \
        (5.0, 3.0, 0.0)
    assert scores[("no_max_shift", SECOND)] == json.loads((SUBMISSIONS / SECOND / "no_max_shift.json").read_text())[
        "score"]


def test_a_killed_worker_changes_nothing(graded):
    """When a worker process is killed while it grades, is its submission graded again elsewhere, and only once?"""
    assert graded["killed"] in graded["first_pids"]
    assert graded["killed"] not in graded["last_pids"]  # the nanny started a new worker process
    assert graded["left"] and graded["orphans"] == set()  # its kernel or re-check went with it
    book = gradebook(graded["dask_course"])
    assert book["rows"] == len(graded["files"]) == len(book["scores"])
    assert set(book["cells"].values()) == {2, 4} and book["cells"][("correct", SECOND)] == 4
    ledger = json.loads((graded["dask_course"] / ".grading" / "ledger.json").read_text())
    assert sorted((s, lesson) for lesson, entries in ledger.items() for s, e in entries.items()
                  if e["status"] == "done") == sorted(graded["files"])


def test_the_parent_records_what_the_workers_executed(graded):
    """Does each autograded notebook hold the outputs the worker's kernel produced, and the CSV match the gradebook?"""
    nb = nbformat.read(graded["dask_course"] / "autograded" / "correct" / LESSON / f"{LESSON}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count for c in code)
    assert any(c.outputs for c in code)
    assert graded["export"].returncode == 0, graded["export"].stderr
    with open(graded["dask_course"] / "grades.csv", newline="") as f:
        exported = {(r["student_id"], r["assignment"]): float(r["raw_score"]) for r in csv.DictReader(f)}
    scores = gradebook(graded["dask_course"])["scores"]
    assert {k: v for k, v in exported.items() if k in scores} == scores
    assert {v for k, v in exported.items() if k not in scores} == {0.0}  # nbgrader lists what was not handed in


def test_a_worker_needs_no_course_and_recording_twice_counts_once(tmp_path):
    """Does a task run with the course directory gone, and does recording its result twice leave one record?"""
    course = new_course(tmp_path / "course")
    student = course / "submitted" / "ada" / LESSON / f"{LESSON}.ipynb"
    student.parent.mkdir(parents=True)
    student.write_bytes(text(filled()))
    recorder = Recorder(course, Options(timeout=30))
    lesson = Lesson(course, LESSON)
    task, result, staged = recorder.prepare(lesson, "ada", student, other_lessons(course, LESSON))
    away = tmp_path / "away"
    shutil.move(course, away)
    outcome = run_task(task)
    shutil.move(away, course)
    assert outcome.kernel == "ok"
    assert [v.points for v in outcome.verdicts] == [2.0, 3.0]
    for _ in range(2):
        recorded = recorder.record(lesson, copy.deepcopy(result), staged, outcome)
    book = gradebook(course)
    assert recorded.score == 5.0 and book["scores"] == {("ada", LESSON): 5.0} and book["rows"] == 1


def test_bad_workers_and_an_unreachable_scheduler_are_told_plainly(tmp_path):
    """Do --workers 0 and a scheduler nobody runs stop the command with their sentence, nothing marked as graded?"""
    course, inbox = tmp_path / "course", tmp_path / "inbox"
    build_course(course)
    nbgrader(course, "generate_assignment", LESSON)
    (inbox / "ada").mkdir(parents=True)
    (inbox / "ada" / f"{LESSON}.ipynb").write_bytes(text(filled()))
    base = [sys.executable, "-m", "hml_grader", "autograde", LESSON, "--course", str(course), "--from", str(inbox)]
    zero = subprocess.run([*base, "--workers", "0"], cwd=ROOT, capture_output=True, text=True)
    assert (zero.returncode, zero.stderr.strip()) == (2, M.BAD_WORKERS.format(workers=0))
    address = "tcp://127.0.0.1:9"  # the discard port: nothing listens there
    env = dict(os.environ, DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    nobody = subprocess.run([*base, "--scheduler", address], cwd=ROOT, capture_output=True, text=True, env=env)
    assert nobody.returncode == 2
    last = nobody.stderr.strip().splitlines()[-1]
    assert last.startswith(M.NO_SCHEDULER.format(address=address, error="")), last
    assert not (course / ".grading" / "ledger.json").exists()
