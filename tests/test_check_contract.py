"""What does every exercise's check do, whatever the exercise? One test per promise, over every name in
``check.EXERCISES``: the reference passes with the summary line, the untouched stub is told to write the function,
every known mistake is named (visibly and at grading), a grade cell shows nothing about any hidden case, a function
that never returns is stopped, and importing the checks stays light. Each lesson's own test file keeps only what is
particular to it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lesson_utils import check
from lesson_utils import messages as M
from lesson_utils.check import EXERCISES

from .exercises import BANKS, NAMES, behaviour_mistakes, mistakes, module, reference


def failure(name: str, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        getattr(check, name)(fn, **kwargs)
    return info.value


class Stub:
    """What every exercise looks like before it is written: calling it, or any method of an instance, raises
    ``NotImplementedError`` (a class's ``__init__`` only stores what it is given, as the notebooks' do)."""

    def __init__(self, *args, **kwargs):
        self.data, self.grad, self._backward, self._prev = (args[0] if args else None), 0.0, lambda: None, set()

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __add__(self, other):
        raise NotImplementedError()

    __mul__ = __radd__ = __rmul__ = __sub__ = __rsub__ = __neg__ = __pow__ = __truediv__ = __rtruediv__ = __add__

    def tanh(self):
        raise NotImplementedError()

    relu = backward = step = restore = tanh


def stub(*args, **kwargs):
    raise NotImplementedError()


CLASSES = ("Value", "EarlyStopping")
"""The exercises that are classes: the check is given the class."""


def unwritten(name: str):
    return Stub if name == "Value" else stub


def never_returns(*args, **kwargs):
    while True:
        pass


class NeverReturns(Stub):
    def __init__(self, *args, **kwargs):
        never_returns()


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes_with_the_summary(name, capsys):
    """Does the reference pass, ending with the 'all cases pass' line, and pass the hidden battery too?"""
    assert getattr(check, name)(reference(name)) is None
    lines = capsys.readouterr().out.splitlines()
    n = int(re.search(r" (\d+) (?:cases|steps)", lines[0])[1])
    assert lines[-1] == M.SUMMARY_PASS.format(n=n)
    assert not [line for line in lines if line.startswith("  ❌")]
    assert getattr(check, name)(reference(name), hidden=True) is None


@pytest.mark.parametrize("name", NAMES)
def test_the_stub_is_told_to_write_the_function(name):
    """Does the untouched stub get the 'not written yet' sentence, with no mistake named, as a failing assert?"""
    error = failure(name, unwritten(name))
    assert error.message == M.NOT_IMPLEMENTED.format(name=name)
    assert error.mistake is None
    assert isinstance(error, AssertionError)


MISTAKES = [(name, m) for name in NAMES for m in mistakes(name)]


@pytest.mark.parametrize(("name", "mistake"), MISTAKES, ids=[f"{n}-{m.id}" for n, m in MISTAKES])
def test_every_known_mistake_is_named(name, mistake):
    """Is a learner who makes a known mistake told exactly that mistake, visibly and at grading?"""
    for hidden in (False, True):
        error = failure(name, mistake.fn, hidden=hidden)
        assert error.mistake == mistake.id, (hidden, error.message)
        if mistake not in behaviour_mistakes(name):  # those are told by the sentence of the probe that sees them
            assert error.message == M.KNOWN_MISTAKE.format(name=name, explanation=mistake.explanation)


@pytest.mark.parametrize("name", NAMES)
def test_a_grade_cell_shows_nothing_about_a_hidden_case(name, capsys):
    """In hidden mode, does the reference's output hold only the header and the count, and does a failing
    function's output name no input of any case?"""
    getattr(check, name)(reference(name), hidden=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Hidden checks:")
    n = int(re.search(r" (\d+) more ", lines[0])[1])
    assert lines[1] == M.SUMMARY_PASS_HIDDEN.format(n=n)
    first = MISTAKES[[n for n, _ in MISTAKES].index(name)][1]
    failure(name, first.fn, hidden=True)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and re.fullmatch(M.SUMMARY_HIDDEN.format(passed=r"\d+", n=r"\d+"), out[1])


@pytest.mark.parametrize("name", NAMES)
def test_a_function_that_never_returns_is_stopped(name):
    """Is a function (or a class) that never returns stopped after the time limit, with the time-out sentence
    naming a hidden case by its number only?"""
    error = failure(name, NeverReturns if name in CLASSES else never_returns, hidden=True, time_limit=0.2)
    assert re.fullmatch(re.escape(M.TIMED_OUT.format(name=name, seconds=0.2, label="@")).replace(
        "@", M.HIDDEN_LABEL.format(index=r"[\d.]+").replace(" ", r"\ ")), error.message), error.message


def test_importing_every_check_is_light():
    """Does importing the learner API and every module of every lesson (its checks, plots, data and helpers; not
    the answers), and naming every check, leave torch, matplotlib and ipywidgets unimported?"""
    code = (
        "import sys, importlib, pkgutil\n"
        "from lesson_utils import check\n"
        "for lesson, names in check.EXERCISES.items():\n"
        "    package = importlib.import_module(f'lesson_utils.{lesson}')\n"
        "    for found in pkgutil.iter_modules(package.__path__):\n"
        "        if found.name not in ('reference', 'mistakes'):\n"
        "            importlib.import_module(f'lesson_utils.{lesson}.{found.name}')\n"
        "    [getattr(check, name) for name in names]\n"
        "print(sorted(m for m in ('torch', 'matplotlib', 'ipywidgets') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_exercise_has_its_banks_listed():
    """Is every exercise of the course in the tests' table of banks, with banks that exist and hold mistakes?"""
    assert sorted(BANKS) == sorted(NAMES)
    for name, banks in BANKS.items():
        assert all(getattr(module(name, "mistakes"), bank) for bank in banks), name


def test_the_seed_sweep_covers_every_lesson():
    """Do the sweep's test files together cover every lesson of the course, each once?"""
    import ast

    swept = []
    for path in sorted(Path(__file__).parent.glob("test_check_sweep_*.py")):
        call = next(n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call))
        swept += [arg.value for arg in call.args]
    assert sorted(swept) == sorted(EXERCISES)


def _sentences(module_name: str) -> dict[str, str]:
    import importlib

    found = vars(importlib.import_module(module_name))
    return {name: value for name, value in found.items() if name.isupper() and isinstance(value, str)}


LESSONS = Path(check.__file__).parent
WITH_SENTENCES = [lesson for lesson in sorted(EXERCISES) if (LESSONS / lesson / "messages.py").exists()]


@pytest.mark.parametrize("lesson", WITH_SENTENCES)
def test_no_lesson_writes_a_shared_sentence_again(lesson):
    """Does every lesson's messages module leave the shared sentences to the shared module: no name defined in
    both, and no text written twice?"""
    shared, own = _sentences("lesson_utils.messages"), _sentences(f"lesson_utils.{lesson}.messages")
    assert sorted(set(shared) & set(own)) == []
    assert sorted(name for name, text in own.items() if text in shared.values()) == []
