"""Hints on demand: does every exercise have a ladder of at least three rungs that climbs one rung per call and
stops at the last, does a known mistake get its own hint first, is there a hint for every mistake a check can
name, and does no hint give away a line of the answer?"""

from __future__ import annotations

import functools
import importlib
import re

import nbformat
import numpy as np
import pytest

from hml_grader.paths import SOLUTIONS, lessons
from lesson_utils import attempts, check, hints
from lesson_utils import messages as M

EXERCISES = [(lesson, name) for lesson, names in check.EXERCISES.items() for name in names]
IDS = [name for _, name in EXERCISES]
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


@pytest.fixture(autouse=True)
def fresh_attempts():
    attempts.forget()
    yield
    attempts.forget()


def ladder(lesson: str, name: str) -> hints.Ladder:
    return hints.ladder_of(lesson, name)


@functools.cache
def answer_lines() -> dict[str, set[str]]:
    """Each exercise's lines of the reference solution in solutions/ (the filled-in code, stripped), by name."""
    lines: dict[str, set[str]] = {}
    for path in lessons(SOLUTIONS):
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and grade_id:
                body = "\n".join(SOLUTION.findall(cell.source))
                lines[grade_id] = {line.strip() for line in body.splitlines()
                                   if len(line.strip()) >= 12 and not line.strip().startswith("#")}
    return lines


@pytest.mark.parametrize(("lesson", "name"), EXERCISES, ids=IDS)
def test_every_exercise_has_a_ladder_of_at_least_three_rungs(lesson, name):
    """Does every exercise have at least three hints, each a sentence or a skeleton, none empty?"""
    rungs = ladder(lesson, name).rungs
    assert ladder(lesson, name).name == name
    assert len(rungs) >= 3
    assert all(len(rung.strip()) > 20 for rung in rungs)
    assert len(set(rungs)) == len(rungs)


@pytest.mark.parametrize(("lesson", "name"), EXERCISES, ids=IDS)
def test_every_mistake_a_check_can_name_has_its_own_hint(lesson, name):
    """Is there a hint for each known mistake the exercise's check can name (a bank entry, or a rule of the check's
    own), and none for a mistake it cannot?"""
    known = importlib.import_module(f"lesson_utils.{lesson}.mistakes")
    named = {mistake.id for mistake in known.BANKS[name]} | set(getattr(known, "NAMED_BY_RULE", {}).get(name, ()))
    assert set(ladder(lesson, name).for_mistake) == named


def test_every_exercise_has_its_bank_named():
    """Does each lesson's BANKS name exactly its own exercises?"""
    for lesson, names in check.EXERCISES.items():
        assert set(importlib.import_module(f"lesson_utils.{lesson}.mistakes").BANKS) == set(names)


@pytest.mark.parametrize(("lesson", "name"), EXERCISES, ids=IDS)
def test_no_hint_gives_away_a_line_of_the_answer(lesson, name):
    """Does no rung or mistake hint contain a whole line of the exercise's solution?"""
    answer = answer_lines()[name]
    assert answer
    for text in (*ladder(lesson, name).rungs, *ladder(lesson, name).for_mistake.values()):
        given = {line.strip() for line in text.splitlines()}
        assert not (given & answer), f"{name}: a hint contains a line of the answer"


def test_the_ladder_climbs_one_rung_per_call_and_stops_at_the_last(capsys):
    """Called again and again, does check.hint give rung 1, 2, 3, then say there are no more, repeating the last?"""
    rungs = ladder("lesson01", "mse").rungs
    for _ in range(len(rungs) + 2):
        check.hint("mse")
    shown = capsys.readouterr().out
    expected = [M.HINT_RUNG.format(index=i, n=len(rungs), name="mse", text=rung) for i, rung in enumerate(rungs, 1)]
    expected += [M.HINT_NO_MORE.format(n=len(rungs), name="mse", text=rungs[-1])] * 2
    assert shown == "".join(line + "\n" for line in expected)
    assert attempts.attempt("mse").hints == [f"rung {i}" for i in range(1, len(rungs) + 1)]


def test_a_known_mistake_gets_its_own_hint_first_then_the_ladder(capsys):
    """After a check names 'sum_not_mean', is the first hint the one for that mistake, and the next rung 1?"""
    with pytest.raises(check.CheckFailed):
        check.mse(lambda y_hat, y: float(np.sum((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2)))
    capsys.readouterr()
    check.hint("mse")
    check.hint("mse")
    first, second = capsys.readouterr().out.splitlines()[:2]
    mse = ladder("lesson01", "mse")
    assert first == M.HINT_FOR_MISTAKE.format(name="mse", text=mse.for_mistake["sum_not_mean"])
    assert second.startswith(M.HINT_RUNG.format(index=1, n=len(mse.rungs), name="mse", text=""))


def test_a_passing_check_forgets_the_mistake(capsys):
    """Once the check passes, does the next hint climb the ladder rather than repeat the mistake's hint?"""
    with pytest.raises(check.CheckFailed):
        check.mse(lambda y_hat, y: float(np.sum((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2)))
    check.mse(lambda y_hat, y: float(np.mean((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2)))
    capsys.readouterr()
    check.hint("mse")
    assert capsys.readouterr().out.startswith("Hint 1 of ")
    assert attempts.attempt("mse").passed is True


def test_the_function_itself_names_its_exercise(capsys):
    """Does check.hint(mse), given the learner's function, give the same hint as check.hint("mse")?"""
    def mse(y_hat, y):
        raise NotImplementedError()

    check.hint(mse)
    assert capsys.readouterr().out.startswith(M.HINT_RUNG.format(index=1, n=3, name="mse", text=""))


@pytest.mark.parametrize(("given", "what"), [("softmx", "'softmx'"), (3, "a value of type int"),
                                             (lambda: None, "'<lambda>'")])
def test_an_unknown_exercise_gets_one_sentence(capsys, given, what):
    """Given a name that is no exercise, or no name at all, does check.hint say so in one sentence?"""
    check.hint(given)
    assert capsys.readouterr().out == M.HINT_UNKNOWN.format(what=what) + "\n"


def test_a_failed_check_offers_the_hint_and_a_hidden_one_does_not():
    """Does a failed check's rendering end with where the hints are, while a grade cell's hidden check offers none
    and leaves the learner's record alone?"""
    wrong = lambda y_hat, y: 0.0  # noqa: E731
    with pytest.raises(check.CheckFailed) as visible:
        check.mse(wrong)
    assert visible.value._render_traceback_()[1:] == [M.HINT_OFFER.format(name="mse")]
    attempts.forget()
    with pytest.raises(check.CheckFailed) as hidden:
        check.mse(wrong, hidden=True)
    assert len(hidden.value._render_traceback_()) == 1
    assert attempts.attempt("mse").passed is None


@pytest.mark.parametrize(("lesson", "name"), EXERCISES, ids=IDS)
def test_every_check_notes_a_failure_and_offers_its_hints(lesson, name, capsys):
    """Does every check, whatever kind, note a failed attempt for the hints and offer them under its sentence?"""
    def unfinished(*args, **kwargs):
        raise NotImplementedError()

    unfinished.__name__ = name
    with pytest.raises(check.CheckFailed) as failed:
        getattr(check, name)(unfinished)
    assert attempts.attempt(name).passed is False
    assert failed.value._render_traceback_()[-1] == M.HINT_OFFER.format(name=name)
