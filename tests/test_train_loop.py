"""Does ``python -m lesson_utils.train_loop`` run both loops side by side, agree, and show divergence?"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from lesson_utils import train_loop as T

NEEDS_TORCH = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")


def script(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "lesson_utils.train_loop", *args], capture_output=True, text=True,
                          check=True)
    assert done.stderr == ""
    return done.stdout.splitlines()


@NEEDS_TORCH
def test_both_loops_converge_to_the_same_line():
    """At lr 0.01, do the NumPy and PyTorch loops print the same rows and end at w = 1.989659, b = 0.030405?"""
    lines = script()
    rows = lines[2:7]
    assert [row.split()[0] for row in rows] == ["0", "200", "400", "600", "800"]
    assert all(row.split()[1:4] == row.split()[4:7] for row in rows)
    assert rows[0].split()[1:] == ["30", "0", "0", "30", "0", "0"]
    assert lines[-2] == T.SAME.format(steps=1000, w=1.989659, b=0.030405, same=True)
    assert lines[-1].startswith("The loss fell from 30 to ") and lines[-1].endswith("converged towards w = 2, b = 0.")


@NEEDS_TORCH
def test_too_large_a_learning_rate_diverges_in_both():
    """At lr 1.0, do both loops blow up to inf and nan, and does the script say the learning rate is too large?"""
    lines = script("--lr", "1.0", "--steps", "300", "--report-every", "100")
    assert lines[-1] == T.DIVERGED
    assert lines[-2] == T.SAME.format(steps=300, w=float("nan"), b=float("nan"), same=True)
    assert lines[4].split()[1] == lines[4].split()[4] == "inf"


def test_the_numpy_loop_alone_takes_its_steps_by_hand():
    """With --numpy-only, are the first steps those of lesson 03 (loss 30, then 20.84 at w = 0.3, b = 0.1), and is
    a run too short to converge told to take more steps?"""
    lines = T.run(0.01, 3, 1, with_torch=False)
    assert [line.split() for line in lines[2:5]] == [["0", "30", "0", "0"], ["1", "20.84", "0.3", "0.1"],
                                                      ["2", "14.48", "0.55", "0.183"]]
    assert lines[-2] == T.NUMPY_ONLY.format(steps=3, w=0.75835, b=0.25184)
    assert lines[-1] == T.FALLING.format(first=30.0, last=14.48)


def test_bad_arguments_are_refused_plainly():
    """Is a number of steps below 1 refused with a usage message, not a traceback?"""
    done = subprocess.run([sys.executable, "-m", "lesson_utils.train_loop", "--steps", "0"], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "--steps and --report-every must be at least 1" in done.stderr
    assert "Traceback" not in done.stderr
