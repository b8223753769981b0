"""Project-wide pytest setup: the golden-file update switch and what not to collect."""

import os

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
