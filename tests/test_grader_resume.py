"""Nothing lost: does a grading run killed with SIGKILL, then started again, grade every
submission exactly once, with an exported CSV that matches the gradebook?"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from nbgrader.api import Gradebook

from hml_grader.paths import ROOT

from .hostile import LESSON, filled, text
from .nbgrader_course import build_course, nbgrader

pytestmark = pytest.mark.nbgrader

STUDENTS = ["ada", "ben", "cy", "dee"]


def test_a_killed_run_finishes_when_started_again(tmp_path):
    """After SIGKILL mid-run and a restart: is each submission graded once, the finished ones not again?"""
    course, inbox = tmp_path / "course", tmp_path / "inbox"
    build_course(course)
    nbgrader(course, "generate_assignment", LESSON)
    for student in STUDENTS:
        (inbox / student).mkdir(parents=True)
        (inbox / student / f"{LESSON}.ipynb").write_bytes(text(filled()))
    command = [sys.executable, "-m", "hml_grader", "autograde", LESSON, "--course", str(course), "--from", str(inbox)]
    ledger = course / ".grading" / "ledger.json"
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    done: dict = {}
    while time.monotonic() < deadline and first.poll() is None:
        try:
            entries = json.loads(ledger.read_text()).get(LESSON, {})
        except (OSError, ValueError):
            entries = {}
        done = {s: e["graded_at"] for s, e in entries.items() if e.get("status") == "done"}
        if len(done) >= 1 and any(e.get("status") == "grading" for e in entries.values()):
            break
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert 1 <= len(done) < len(STUDENTS)

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]
    entries = json.loads(ledger.read_text())[LESSON]
    assert sorted(entries) == STUDENTS
    assert {s: e["status"] for s, e in entries.items()} == dict.fromkeys(STUDENTS, "done")
    assert {s: entries[s]["graded_at"] for s in done} == done
    assert again.stdout.count("skipped (graded before)") == len(done)

    export = subprocess.run([sys.executable, "-m", "hml_grader", "export", "--course", str(course)], cwd=ROOT,
                            capture_output=True, text=True)
    assert export.returncode == 0, export.stderr
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submissions = gb.find_assignment(LESSON).submissions
        recorded = {s.student.id: float(s.score) for s in submissions}
    assert len(submissions) == len(STUDENTS)
    with open(course / "grades.csv", newline="") as f:
        exported = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(f)}
    assert exported == recorded == dict.fromkeys(STUDENTS, 5.0)
