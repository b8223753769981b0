"""The oldest and the newest Python a learner may run the course on, found on this machine, and a venv for each.

The oldest is the one ``pyproject.toml`` asks for at least (3.10); the newest is
the newest of 3.14, 3.13 and 3.12 here (Colab runs 3.12 or 3.13). Each venv has
the course without torch (there is no torch wheel here for those Pythons):
``tests/other_pythons_requirements.txt``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from hml_grader.paths import ROOT

from .venvs import Venv

REQUIREMENTS = ROOT / "tests" / "other_pythons_requirements.txt"
WANTED = {"oldest": ("3.10",), "newest": ("3.14", "3.13", "3.12")}
"""Which Python versions stand for the oldest and the newest, in the order they are looked for."""


def candidates(version: str) -> list[str]:
    """Where a ``python<version>`` may be: on PATH, in pyenv's versions, in /usr/bin."""
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    installed = sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"))
    return [p for p in [shutil.which(f"python{version}"), *installed, f"/usr/bin/python{version}"] if p]


def runs_as(interpreter: str, version: str) -> bool:
    """Does ``interpreter`` start, and is it Python ``version`` (a pyenv shim of a version not selected is not)?"""
    try:
        done = subprocess.run([interpreter, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == version


def find(which: str) -> tuple[str, str] | None:
    """``(version, interpreter)`` of the oldest or newest Python here, or None."""
    for version in WANTED[which]:
        for interpreter in candidates(version):
            if runs_as(interpreter, version):
                return version, interpreter
    return None


def venv(which: str) -> Venv | None:
    """The venv for the oldest or newest Python here (not built yet), or None where there is no such Python."""
    found = find(which)
    if found is None:
        return None
    version, interpreter = found
    return Venv(f".venv-py{version}", interpreter, REQUIREMENTS, course_with_dependencies=False)


if __name__ == "__main__":
    for which in WANTED:
        made = venv(which)
        print(f"{which}: {made.ensure() if made else 'no such Python here'}")
