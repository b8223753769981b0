"""Project-wide pytest setup: the golden-file update switch and what not to collect."""

import os
import re

# Fixture notebooks are inputs to tests, not notebooks to re-execute with nbval.
collect_ignore = ["tests/fixtures", "notebooks", "course", "test-artifacts", ".venv"]

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files (the learner notebooks in notebooks/) instead of comparing with them",
    )


NBGRADER_LESSON = re.compile(r"tests/test_nbgrader\.py::\w+\[(\d\d_[a-z_]+?)(?:-[\w-]+)?\]$")
"""A test of tests/test_nbgrader.py about one lesson: its id starts with the lesson's name."""


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, except that tests/test_nbgrader.py goes out one lesson at a time.

    Each file's tests stay on one worker (nbval runs a notebook's cells in order in one kernel),
    but the nbgrader workflow grades each lesson in a course directory of its own, so its lessons
    can run on different workers: otherwise that one file is most of the suite's time on one worker.
    """
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FilesAndLessons(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            match = NBGRADER_LESSON.match(nodeid)
            return f"tests/test_nbgrader.py[{match[1]}]" if match else super()._split_scope(nodeid)

    return FilesAndLessons(config, log)
