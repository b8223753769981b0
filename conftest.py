"""Project-wide pytest setup: the golden-file update switch and what not to collect."""

import asyncio
import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

# Fixture notebooks are inputs to tests, not notebooks to re-execute with nbval.
collect_ignore = ["tests/fixtures", "notebooks", "course", "test-artifacts", ".venv"]

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")
# Every kernel the tests start keeps its learner's record here, not in the home directory's progress file.
if "HOW_MODELS_LEARN_RECORD" not in os.environ:
    _records = tempfile.mkdtemp(prefix="hml-record-")
    atexit.register(shutil.rmtree, _records, ignore_errors=True)
    os.environ["HOW_MODELS_LEARN_RECORD"] = str(Path(_records) / "progress.json")


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files (the learner notebooks in notebooks/) instead of comparing with them",
    )


@pytest.fixture(autouse=True)
def no_event_loop_left_running(request):
    """Fail a test at once, and say why, when an earlier test on this worker left an event loop running.

    A loop left running makes ``asyncio.run`` fail in every later test of the worker, so a test would pass or fail
    by what ran before it. Only the browser tests hold one (Playwright's, while their package runs).
    """
    if "browser" not in request.fixturenames:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            pytest.fail("an earlier test on this worker left an event loop running in the main thread")
    yield


SPLIT = (
    re.compile(r"(tests/test_nbgrader\.py)::\w+\[(\d\d_[a-z_]+?)(?:-[\w-]+)?\]$"),
    re.compile(r"(tests/test_other_pythons\.py)::\w+\[(oldest|newest)\]$"),
)
"""Tests of one file that may go to different workers, by one part of their id: the nbgrader workflow's lesson
(each grades in a course directory of its own) and the other Pythons' (each in a venv of its own)."""


LONG_FIRST = (
    "tests/test_grader_hostile.py",  # one grading run of every hostile notebook
    "tests/test_grader_parallel.py",  # Dask clusters
    "tests/test_nbgrader.py",  # stock nbgrader on every lesson
    "tests/test_other_pythons.py",  # the checks' tests and notebooks on two more Pythons
    "tests/test_other_processors.py",  # nbval with NumPy's wide SIMD paths off
    "tests/test_grader_resume.py",
    "tests/test_grader_budgets.py",  # one grading run of notebooks over a budget
    "tests/test_wheel.py",  # the wheel built and installed in a fresh venv
    "tests/browser/",
    "tests/test_colab_versions.py",
)
"""Files whose tests take long in few items: handed out first, so that no worker ends the run alone on one."""


def pytest_collection_modifyitems(config, items):
    """Put the tests of :data:`LONG_FIRST` first (in that order), the others after them as collected."""
    def rank(item) -> int:
        path = item.nodeid.split("::")[0]
        return next((i for i, prefix in enumerate(LONG_FIRST) if path.startswith(prefix)), len(LONG_FIRST))

    items[:] = sorted(items, key=rank)


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, in collection order, except that the files of :data:`SPLIT` go out a part at a time.

    Each file's tests stay on one worker (nbval runs a notebook's cells in order in one kernel),
    but the nbgrader workflow grades each lesson in a course directory of its own, and each other
    Python has a venv of its own, so those parts can run on different workers: otherwise each of
    those files would be a long stretch of the suite's time on one worker.
    Files are handed out in collection order (see :func:`pytest_collection_modifyitems`), not largest
    count of tests first, since the slowest files hold few tests.
    """
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False

    class FilesAndLessons(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            match = next((m for m in (pattern.match(nodeid) for pattern in SPLIT) if m), None)
            return f"{match[1]}[{match[2]}]" if match else super()._split_scope(nodeid)

    return FilesAndLessons(config, log)
