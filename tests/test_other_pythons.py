"""On the oldest and the newest Python a learner may use: do the checks' own tests pass, and do the solution
notebooks that need no torch reproduce their outputs?

There is no torch wheel here for those Pythons, so each runs in a venv without torch
(``tests/other_pythons.py``): the tests that need torch skip themselves, saying so, and
the notebooks that import torch are left to the other suites.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from hml_grader.paths import ROOT, SOLUTIONS, lessons

from . import other_pythons

pytestmark = pytest.mark.other_pythons

TESTS = Path(__file__).parent
CHECK_TESTS = sorted(str(p.relative_to(ROOT)) for p in [TESTS / "test_harness.py", TESTS / "test_check_api.py",
                                                          *TESTS.glob("test_check_lesson*.py")])
USES_TORCH = re.compile(r"^\s*(import torch|from torch\b)", re.MULTILINE)


def imports_torch(path: Path) -> bool:
    return any(cell.cell_type == "code" and USES_TORCH.search(cell.source)
               for cell in nbformat.read(path, as_version=4).cells)


NO_TORCH_LESSONS = [path for path in lessons(SOLUTIONS) if not imports_torch(path)]
"""The solution notebooks that never import torch."""


@pytest.fixture(scope="module", params=sorted(other_pythons.WANTED))
def other_python(request) -> Path:
    made = other_pythons.venv(request.param)
    if made is None:
        pytest.skip(f"no Python {' or '.join(other_pythons.WANTED[request.param])} on this machine "
                    "(pyenv install one of them)")
    return made.ensure()


def pytest_in(python: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "-rs", *args],
                          capture_output=True, text=True, cwd=ROOT)


def test_the_checks_own_tests_pass(other_python):
    """Do the harness's and every lesson's check tests pass there, every skip being one that needs torch (or one
    that this Python cannot do at all)?"""
    done = pytest_in(other_python, *CHECK_TESTS)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    skips = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert all("torch" in line or "CPython 3.10" in line for line in skips), "\n".join(skips)
    assert re.search(r"\b\d+ passed", done.stdout)


def test_the_solutions_without_torch_reproduce_their_outputs(other_python):
    """Does every solution notebook that needs no torch run there and reproduce its committed outputs (nbval)?"""
    assert NO_TORCH_LESSONS, "every lesson imports torch"
    done = pytest_in(other_python, "--nbval", "--nbval-current-env",
                     f"--nbval-sanitize-with={TESTS / 'nbval_sanitize.cfg'}", *map(str, NO_TORCH_LESSONS))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
