"""A virtual environment with Colab's versions of the notebook stack, for the Colab compatibility test.

Built once into ``.venv-colab`` from ``tests/colab_requirements.txt`` (Colab's pins), with this
course installed on top as Colab's setup cell installs it, and reused while those pins and the
package's requirements in ``pyproject.toml`` are unchanged. ``python -m tests.colab_venv``
(``make colab-venv``) builds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hml_grader.paths import ROOT

from .venvs import Venv, pinned

REQUIREMENTS = ROOT / "tests" / "colab_requirements.txt"
COLAB = Venv(".venv-colab", sys.executable, REQUIREMENTS)


def colab_pins() -> dict[str, str]:
    """Package name -> the version Colab's list pins it to."""
    return pinned(REQUIREMENTS)


def ensure() -> Path:
    """The venv's python, building the venv first if it is missing or out of date."""
    return COLAB.ensure()


if __name__ == "__main__":
    print(f"{ensure()} ({COLAB.stamp.read_text().splitlines()[1]})")
