"""Do the checks and the committed outputs of the solutions hold where NumPy's kernels round differently?

NumPy picks its SIMD kernels for ``exp``, ``log1p``, ``tanh``, sums and more by
processor, and their last bits differ from one path to another. Switching the
wider paths off (``NPY_DISABLE_CPU_FEATURES``) gives, on this machine, the
arithmetic of an older processor; nothing here touches BLAS's own choice of
kernels (see tests/test_check_lesson06.py for runs whose inputs are nudged by
ulps instead).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from hml_grader.paths import ROOT, SOLUTIONS

from .processors import NO_WIDE_PATHS, narrow_simd_env

EVERY_CHECK = """
import contextlib, importlib, io
from lesson_utils.check import EXERCISES
from lesson_utils import check
for lesson, names in EXERCISES.items():
    if lesson == "lesson08":  # its checks train torch models: no NumPy kernel is in their way
        continue
    reference = importlib.import_module(f"lesson_utils.{lesson}.reference")
    for name in names:
        for hidden in (False, True):
            with contextlib.redirect_stdout(io.StringIO()):
                getattr(check, name)(getattr(reference, name), hidden=hidden)
print("every check passes")
"""


@pytest.fixture(scope="module")
def narrow_simd() -> dict[str, str]:
    """The environment of a process whose NumPy uses none of its wider SIMD paths."""
    env = narrow_simd_env()
    if env is None:
        pytest.skip(NO_WIDE_PATHS)
    return env


def test_every_check_passes_its_reference_with_numpys_wide_simd_paths_off(narrow_simd):
    """With NumPy's wider SIMD kernels switched off, does every exercise's check (shown and hidden cases) still
    pass the lesson's own reference?"""
    done = subprocess.run([sys.executable, "-c", EVERY_CHECK], capture_output=True, text=True, env=narrow_simd,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "every check passes"


def test_the_solutions_outputs_hold_with_numpys_wide_simd_paths_off(narrow_simd, tmp_path):
    """With NumPy's wider SIMD kernels switched off in the kernel, does every solution notebook still reproduce
    its committed outputs (nbval, with the project's own sanitizers)?"""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "--nbval",
               "--nbval-current-env", f"--nbval-sanitize-with={ROOT / 'tests' / 'nbval_sanitize.cfg'}",
               f"--rootdir={ROOT}", "-c", str(ROOT / "pyproject.toml"), str(SOLUTIONS)]
    done = subprocess.run(command, capture_output=True, text=True, env=narrow_simd, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-4000:]
