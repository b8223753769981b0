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


LONG_FIRST = (
    "tests/test_autograder_hostile.py",  # one grading run of every hostile notebook
    "tests/test_autograder_parallel.py",  # Dask clusters
    "tests/test_nbgrader.py",  # stock nbgrader on every lesson
    "tests/test_autograder_resume.py",
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
    """``--dist loadfile``, in collection order, except that tests/test_nbgrader.py goes out one lesson at a time.

    Each file's tests stay on one worker (nbval runs a notebook's cells in order in one kernel),
    but the nbgrader workflow grades each lesson in a course directory of its own, so its lessons
    can run on different workers: otherwise that one file is most of the suite's time on one worker.
    Files are handed out in collection order (see :func:`pytest_collection_modifyitems`), not largest
    count of tests first, since the slowest files hold few tests.
    """
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False

    class FilesAndLessons(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            match = NBGRADER_LESSON.match(nodeid)
            return f"tests/test_nbgrader.py[{match[1]}]" if match else super()._split_scope(nodeid)

    return FilesAndLessons(config, log)
