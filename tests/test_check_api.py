"""Is the learner API complete: does every exercise of every built lesson have its check?"""

from __future__ import annotations

import pytest

from hml_grader.paths import SOLUTIONS, lessons
from lesson_utils import check

BUILT = {f"lesson{p.name[:2]}" for p in lessons(SOLUTIONS)}
NAMES = [(lesson, name) for lesson, names in check.EXERCISES.items() if lesson in BUILT for name in names]


@pytest.mark.parametrize(("lesson", "name"), NAMES, ids=[n for _, n in NAMES])
def test_every_exercise_has_a_check(lesson, name):
    """Does `check.NAME` exist, come from its lesson's check module, and bear the exercise's name?"""
    fn = getattr(check, name)
    assert callable(fn)
    assert fn.__module__ in (f"lesson_utils.{lesson}.check", "lesson_utils.harness")
    assert fn.__name__ == name
    assert name in dir(check)


def test_unknown_name_is_a_plain_attribute_error():
    """Does a misspelt check name raise AttributeError that names it?"""
    with pytest.raises(AttributeError, match="softmx"):
        check.softmx  # noqa: B018
