"""A virtual environment with Colab's versions of the notebook stack, for the Colab compatibility test.

Built once into ``.venv-colab`` from ``tests/colab_requirements.txt`` (Colab's pins), with this
course installed on top as Colab's setup cell installs it, and reused while those pins and the
package's requirements in ``pyproject.toml`` are unchanged. ``python -m tests.colab_venv``
(``make colab-venv``) builds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import tomllib

from autograder.paths import ROOT

VENV = ROOT / ".venv-colab"
REQUIREMENTS = ROOT / "tests" / "colab_requirements.txt"
STAMP = VENV / ".built"
LOCK = ROOT / ".venv-colab.lock"


def python() -> Path:
    return VENV / "bin" / "python"


def fingerprint() -> str:
    """What the venv is built from: the pins, the package's own requirements, this interpreter and checkout."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    digest = hashlib.sha256()
    for part in (json.dumps(pinned()).encode(), "\n".join(requires).encode(), sys.version.encode(), str(ROOT).encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def pinned() -> dict[str, str]:
    """Package name -> the version Colab's list pins it to."""
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def pip(*args: str) -> None:
    done = subprocess.run([str(python()), "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip {' '.join(args)} failed in {VENV}:\n{done.stdout}\n{done.stderr}")


def build() -> float:
    """Create the venv afresh; return the seconds it took."""
    start = time.perf_counter()
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip("install", "--quiet", "-r", str(REQUIREMENTS))
    # As on Colab, the course goes on top of what is there (editable here, so it is always this checkout).
    pip("install", "--quiet", "-e", str(ROOT))
    seconds = time.perf_counter() - start
    STAMP.write_text(f"{fingerprint()}\nbuilt in {seconds:.0f} s\n")
    return seconds


def ensure() -> Path:
    """The venv's python, building the venv first if it is missing or out of date (one build at a time)."""
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            built = STAMP.read_text().splitlines()[0]
        except (OSError, IndexError):
            built = None
        if built != fingerprint() or not python().exists():
            build()
    return python()


if __name__ == "__main__":
    print(f"{ensure()} ({STAMP.read_text().splitlines()[1]})")
