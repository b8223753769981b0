"""Do the checks hold on every battery, not only the default ones? Every check, shown and hidden, passes the
reference on each of :data:`SEEDS`, and rejects every known mistake of its exercise on each of them.

A battery is drawn from its seed, and another machine's rounding can turn a marginal draw into a failure, so a
check is sound only if no draw is marginal. The checks run in-process, with their output swallowed. The sweep is
cut into a few test files by lesson (``test_check_sweep_*.py``), so that the test workers share it.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable

import pytest

from lesson_utils import check
from lesson_utils.check import EXERCISES, CheckFailed

from .exercises import mistakes, reference

SEEDS = range(200)
"""The seeds swept for every check (the default batteries, seeds 101 to 803, are tested by each lesson's tests)."""


def rejected(name: str, fn, seed: int, hidden: bool) -> bool:
    """Whether ``check.NAME(fn, seed=seed, hidden=hidden)`` fails (quietly)."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            getattr(check, name)(fn, seed=seed, hidden=hidden)
        except CheckFailed:
            return True
    return False


def sweep(*lessons: str) -> tuple[Callable[[str], None], Callable[[str], None]]:
    """The two sweep tests over the exercises of ``lessons``."""
    names = [name for lesson in lessons for name in EXERCISES[lesson]]

    @pytest.mark.parametrize("name", names)
    def test_the_reference_passes_on_every_seed(name):
        """Does the reference pass the visible and the hidden battery of every seed swept?"""
        failed = [(seed, hidden) for seed in SEEDS for hidden in (False, True)
                  if rejected(name, reference(name), seed, hidden)]
        assert failed == []

    @pytest.mark.parametrize("name", names)
    def test_every_known_mistake_is_rejected_on_every_seed(name):
        """Is every known mistake of the exercise rejected by the visible and the hidden battery of every seed
        swept?"""
        passed = [(m.id, seed, hidden) for m in mistakes(name) for seed in SEEDS for hidden in (False, True)
                  if not rejected(name, m.fn, seed, hidden)]
        assert passed == []

    return test_the_reference_passes_on_every_seed, test_every_known_mistake_is_rejected_on_every_seed
