"""The course as a package: does the wheel built from this checkout hold the learner package with everything its
checks need and the grader, and nothing else (no tests, solutions or fixtures), with the licence; and installed on
its own in a fresh venv, away from this checkout, does every lesson's check pass the course's answer and does the
grader's command start?"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hml_grader.paths import ROOT

DISTRIBUTION = "how-models-learn"
PACKAGES = ("lesson_utils", "hml_grader")
TORCH = "torch==2.13.0"
"""The CPU build the Makefile pins; pip finds it where this machine's pip configuration says (a local wheel)."""
LEFT_OUT = {".git", ".venv", ".venv-colab", "test-artifacts", "course", "build", "dist", "__pycache__"}

ONE_CHECK_PER_LESSON = """
import importlib, sys
from pathlib import Path

import lesson_utils
from lesson_utils import check
from lesson_utils.exercises import EXERCISES

assert Path(lesson_utils.__file__).is_relative_to(sys.prefix), lesson_utils.__file__
for lesson, names in EXERCISES.items():
    reference = importlib.import_module(f"lesson_utils.{lesson}.reference")
    getattr(check, names[0])(getattr(reference, names[0]))
print("every lesson checked")
"""


def run(*command: str, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of this checkout (so that building leaves nothing behind in it)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=lambda folder, names: [n for n in names if n in LEFT_OUT
                                                                  or n.endswith((".egg-info", ".lock"))
                                                                  or n.startswith(".venv-py")])
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(work),
        str(source), cwd=work)
    (built,) = work.glob("how_models_learn-*.whl")
    return built


def test_the_wheel_holds_the_packages_and_the_licence_only(wheel):
    """Is every file of the two packages in the wheel, beside its metadata and licence, and nothing else?"""
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    (info,) = [top for top in tops if top.endswith(".dist-info")]
    assert tops == {*PACKAGES, info}
    shipped = {name for name in names if not name.startswith(info)}
    expected = {path.relative_to(ROOT).as_posix() for package in PACKAGES for path in (ROOT / package).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts}
    assert shipped == expected
    assert any(name.startswith(info) and name.endswith("/LICENSE") for name in names)
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert f"Name: {DISTRIBUTION}" in metadata and "License-Expression: MIT" in metadata
    assert "Provides-Extra: instructor" in metadata
    scripts = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "how-models-learn-grade = hml_grader.__main__:main" in scripts


def test_installed_on_its_own_every_lesson_checks_and_the_grader_starts(wheel, tmp_path):
    """In a fresh venv with the wheel and its instructor extra (torch from the pinned local build), run from a
    folder outside this checkout: does one check of every lesson pass the course's answer, and does the grader's
    command show its help?"""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv), cwd=tmp_path)
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HOW_MODELS_LEARN_RECORD"] = str(tmp_path / "progress.json")
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", TORCH, cwd=tmp_path, env=env)
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}[instructor]",
        cwd=tmp_path, env=env)
    shown = run(python, "-c", ONE_CHECK_PER_LESSON, cwd=tmp_path, env=env)
    assert shown.strip().endswith("every lesson checked")
    helped = run(str(venv / "bin" / "how-models-learn-grade"), "--help", cwd=tmp_path, env=env)
    assert helped.startswith("usage: how-models-learn-grade")
    assert run(python, "-m", "hml_grader", "--help", cwd=tmp_path, env=env) == helped
