"""Small virtual environments beside ``.venv``, for the tests that run the course elsewhere than in ``.venv``.

Each is built once from a requirements file, with this checkout installed on top
(editable), and reused while what it is built from is unchanged: the requirements,
the package's own requirements in ``pyproject.toml``, the interpreter's version and
the checkout's place. One build at a time (a lock file beside it), so two test
workers never build the same one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import tomllib

from hml_grader.paths import ROOT


def pinned(requirements: Path) -> dict[str, str]:
    """Package name -> the version a requirements file asks for ('' where it names no version)."""
    pins = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    return pins


@dataclass(frozen=True)
class Venv:
    """A venv at ``ROOT / name`` made by ``interpreter`` from ``requirements``, the course installed on top."""

    name: str
    interpreter: str
    requirements: Path
    course_with_dependencies: bool = True
    """False: the course alone (``--no-deps``), so that its ``torch`` requirement is not fetched."""

    @property
    def path(self) -> Path:
        return ROOT / self.name

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def stamp(self) -> Path:
        return self.path / ".built"

    def version(self) -> str:
        return subprocess.run([self.interpreter, "-c", "import sys; print(sys.version)"], capture_output=True,
                              text=True, check=True).stdout.strip()

    def fingerprint(self) -> str:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        requires = [project["name"], *project["dependencies"]]  # a renamed distribution is installed afresh
        digest = hashlib.sha256()
        for part in (json.dumps(pinned(self.requirements)), "\n".join(requires), self.version(), str(ROOT),
                     str(self.course_with_dependencies)):
            digest.update(hashlib.sha256(part.encode()).digest())
        return digest.hexdigest()

    def pip(self, *args: str) -> None:
        done = subprocess.run([str(self.python), "-m", "pip", "--disable-pip-version-check", *args],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pip {' '.join(args)} failed in {self.path}:\n{done.stdout}\n{done.stderr}")

    def build(self) -> float:
        """Create the venv afresh; return the seconds it took."""
        start = time.perf_counter()
        shutil.rmtree(self.path, ignore_errors=True)
        subprocess.run([self.interpreter, "-m", "venv", str(self.path)], check=True)
        self.pip("install", "--quiet", "-r", str(self.requirements))
        # The course goes on top of what is there (editable, so it is always this checkout).
        self.pip("install", "--quiet", *(() if self.course_with_dependencies else ("--no-deps",)), "-e", str(ROOT))
        seconds = time.perf_counter() - start
        self.stamp.write_text(f"{self.fingerprint()}\nbuilt in {seconds:.0f} s\n")
        return seconds

    def ensure(self) -> Path:
        """The venv's python, building the venv first if it is missing or out of date (one build at a time)."""
        with open(ROOT / f"{self.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                built = self.stamp.read_text().splitlines()[0]
            except (OSError, IndexError):
                built = None
            if built != self.fingerprint() or not self.python.exists():
                self.build()
        return self.python
