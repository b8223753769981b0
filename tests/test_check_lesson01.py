"""Tests of the lesson 01 checks: do they pass every correct method, fail
every wrong one, and say the right sentence?"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

from lesson_utils import check, harness
from lesson_utils import messages as M
from lesson_utils.harness import Exercise, bank_overlaps
from lesson_utils.lesson01 import check as lesson01
from lesson_utils.lesson01 import mistakes, reference

EXERCISES = {
    "mse": (lesson01.MSE, check.mse),
    "cross_entropy": (lesson01.CROSS_ENTROPY, check.cross_entropy),
}


def first_label(ex: Exercise) -> str:
    return ex.battery()[0].label


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


# --- correct implementations -------------------------------------------------


def mse_loop(y_hat, y):
    total, count = 0.0, 0
    for a, b in zip(np.ravel(y_hat), np.ravel(y), strict=True):
        total += (float(a) - float(b)) ** 2
        count += 1
    return total / count


def mse_float32(y_hat, y):
    diff = np.asarray(y_hat, dtype=np.float32) - np.asarray(y, dtype=np.float32)
    return np.mean(diff * diff)


def mse_dot(y_hat, y):
    diff = (np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)).ravel()
    return diff @ diff / diff.size


def ce_loop(probs, targets):
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    targets = np.atleast_1d(targets)
    losses = [-math.log(max(float(row[t]), 1e-12)) for row, t in zip(probs, targets, strict=True)]
    return sum(losses) / len(losses)


def ce_one_hot(probs, targets):
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    one_hot = np.eye(probs.shape[1])[np.atleast_1d(targets)]
    return -np.sum(one_hot * np.log(np.clip(probs, 1e-12, 1.0))) / probs.shape[0]


def ce_float32(probs, targets):
    probs = np.atleast_2d(np.asarray(probs, dtype=np.float32))
    targets = np.atleast_1d(targets)
    return np.mean(-np.log(np.maximum(probs[np.arange(len(targets)), targets], np.float32(1e-12))))


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("mse", reference.mse),
        ("mse", mse_loop),
        ("mse", mse_float32),
        ("mse", mse_dot),
        ("cross_entropy", reference.cross_entropy),
        ("cross_entropy", ce_loop),
        ("cross_entropy", ce_one_hot),
        ("cross_entropy", ce_float32),
    ],
)
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method pass, and is the learner told hidden checks run at grading?"""
    ex, check_fn = EXERCISES[name]
    assert check_fn(fn) is None
    lines = capsys.readouterr().out.splitlines()
    n = len(ex.battery())
    assert lines[0] == harness.header(ex, ex.battery()) and len(ex.battery()) == n
    assert lines[1:-1] == [M.CASE_PASS.format(label=c.label) for c in ex.battery()]
    assert lines[-1] == M.SUMMARY_PASS.format(n=n)
    assert "Hidden checks" in lines[-1]


@pytest.mark.parametrize("name", EXERCISES)
def test_hidden_mode_passes_reference_without_showing_inputs(name, capsys):
    """In a grading cell, does the reference pass and is no input printed?"""
    ex, check_fn = EXERCISES[name]
    check_fn(ex.reference, hidden=True, seed=5, cases=[ex.battery()[0].args])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Hidden checks:")
    n = int(re.search(r" (\d+) more ", lines[0])[1])
    assert lines[1] == M.SUMMARY_PASS_HIDDEN.format(n=n)


# --- the bank of known mistakes ----------------------------------------------

def test_each_bank_has_at_least_three_entries():
    """Does every exercise know at least three mistakes?"""
    assert {name: len(ex.mistakes) >= 3 for name, (ex, _) in EXERCISES.items()} == dict.fromkeys(EXERCISES, True)


@pytest.mark.parametrize("name", EXERCISES)
def test_bank_entries_are_told_apart(name):
    """Does every bank entry differ from the reference and from every other entry on some case?"""
    ex, _ = EXERCISES[name]
    assert bank_overlaps(ex) == ([], [])


def test_mistake_is_named_in_hidden_mode_too():
    """At grading, is a bank mistake still named (without showing the inputs)?"""
    error = failure(check.mse, mistakes.MSE_BANK[0].fn, hidden=True)
    assert error.mistake == mistakes.MSE_BANK[0].id


# --- bad output from the learner ---------------------------------------------


def test_returning_none():
    """Does a function without `return` get the None sentence?"""
    error = failure(check.mse, lambda y_hat, y: None)
    assert error.message == M.RETURNED_NONE.format(name="mse", label=first_label(lesson01.MSE))


def test_returning_a_list():
    """Does a function that returns a list get the sequence sentence?"""
    error = failure(check.mse, lambda y_hat, y: [0.18])
    assert error.message == M.RETURNED_SEQUENCE.format(name="mse", label=first_label(lesson01.MSE), type="list")


def test_returning_a_torch_tensor():
    """Does a function that returns a torch tensor get the tensor sentence?"""
    torch = pytest.importorskip("torch")
    error = failure(check.mse, lambda y_hat, y: torch.mean((torch.tensor(y_hat) - torch.tensor(y)) ** 2))
    assert error.message == M.RETURNED_TENSOR.format(name="mse", label=first_label(lesson01.MSE))


def test_returning_a_string():
    """Does a function that returns text get the wrong-type sentence?"""
    error = failure(check.mse, lambda y_hat, y: "0.18")
    assert error.message == M.RETURNED_WRONG_TYPE.format(
        name="mse", label=first_label(lesson01.MSE), type="str", what="one number"
    )


def test_returning_an_array_of_errors():
    """Does a function that forgets to reduce get the shape sentence?"""

    def squared_errors(y_hat, y):
        return (np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2

    error = failure(check.mse, squared_errors)
    assert error.message == M.WRONG_SHAPE.format(
        name="mse",
        part="",
        got_shape=(3,),
        label=first_label(lesson01.MSE),
        expected_shape=(),
        hint=M.SHAPE_HINT_SCALAR,
    )


def test_returning_nan():
    """Does a NaN result get the not-finite sentence?"""
    error = failure(check.mse, lambda y_hat, y: float("nan"))
    assert error.message == M.NOT_FINITE.format(
        name="mse", part="", got="nan", expected="0.18", label=first_label(lesson01.MSE)
    )


def test_unknown_wrong_value():
    """Does a wrong answer that matches no known mistake show the case and both values?"""
    error = failure(check.mse, lambda y_hat, y: 0.5)
    assert error.mistake is None
    assert error.message == M.WRONG_VALUE.format(
        name="mse", part="", got="0.5", expected="0.18", label=first_label(lesson01.MSE)
    )


def test_unknown_wrong_value_in_hidden_mode_shows_no_values():
    """At grading, does a wrong answer name the hidden case but not its inputs or values?"""
    error = failure(check.mse, lambda y_hat, y: 0.5, hidden=True)
    assert error.message == M.WRONG_VALUE_HIDDEN.format(
        name="mse", what=M.ANSWER, label=M.HIDDEN_LABEL.format(index=1)
    )


def test_raising_an_error():
    """Does a function that raises get one sentence naming the error and the case?"""

    def broken(y_hat, y):
        raise ValueError("shapes do not match")

    error = failure(check.mse, broken)
    assert error.message == M.RAISED.format(
        name="mse", error="ValueError", label=first_label(lesson01.MSE), detail="shapes do not match"
    )


def test_failing_on_lists_suggests_arrays():
    """Does a function that only works on arrays get told to convert lists?"""

    def arrays_only(y_hat, y):
        return np.mean((y_hat - y) ** 2)

    error = failure(check.mse, arrays_only)
    assert error.message == M.RAISED_ON_LIST.format(
        name="mse",
        error="TypeError",
        label="plain Python lists",
        detail="unsupported operand type(s) for -: 'list' and 'list'",
        first_arg="y_hat",
    )


def test_mutating_the_input():
    """Does a function that changes its input in place get the mutation sentence?"""

    def in_place(y_hat, y):
        y_hat -= y
        return np.mean(y_hat**2)

    error = failure(check.mse, in_place)
    assert error.message == M.MUTATED.format(name="mse", arg="y_hat", label=first_label(lesson01.MSE))


def never_returns(y_hat, y):
    while True:
        pass


def test_never_returning():
    """Is a function that never returns stopped after its time limit with a plain sentence?"""
    error = failure(check.mse, never_returns, time_limit=0.2)
    assert error.message == M.TIMED_OUT.format(name="mse", seconds=0.2, label=first_label(lesson01.MSE))


def test_never_returning_outside_the_main_thread():
    """Is the time limit kept when the check itself runs in another thread?"""
    box = {}

    def run():
        try:
            check.mse(never_returns, time_limit=0.2)
        except check.CheckFailed as error:
            box["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert box["error"].message == M.TIMED_OUT.format(name="mse", seconds=0.2, label=first_label(lesson01.MSE))


@pytest.mark.skipif(sys.version_info[:2] == (3, 10), reason="CPython 3.10 looks for no signal and hands the GIL to no "
                    "other thread inside a loop whose body is only try/except: nothing in the process can stop it")
def test_a_learner_except_clause_cannot_swallow_the_time_limit():
    """Does `except Exception` in the learner's loop still let the time limit stop it?"""

    def stubborn(y_hat, y):
        while True:
            try:  # noqa: SIM105 (the learner's own code, as written)
                pass
            except Exception:
                pass

    error = failure(check.mse, stubborn, time_limit=0.2)
    assert error.message.startswith("mse did not return within 0.2 seconds")


@pytest.mark.parametrize(("given", "what"), [(0.18, "a float"), (None, "a NoneType"), ("mse", "a str")])
def test_not_passing_a_function(given, what):
    """Does passing a value instead of the function get told how to call the check?"""
    error = failure(check.mse, given)
    assert error.message == M.NOT_CALLABLE.format(name="mse", what=what)


# --- how the failure looks -----------------------------------------------------


def test_notebook_rendering_is_the_diagnosis_only():
    """Does IPython show the diagnosis and where the hints are, and no library frames?"""
    error = failure(check.mse, lambda y_hat, y: None)
    rendered = error._render_traceback_()
    assert len(rendered) == 2
    assert error.message in rendered[0]
    assert rendered[1] == M.HINT_OFFER.format(name="mse")
    assert "lesson_utils" not in rendered[0]
    assert "Traceback" not in rendered[0]


def test_importing_the_package_is_light():
    """Does `from lesson_utils import check` leave torch and matplotlib unimported?"""
    code = (
        "import sys\n"
        "from lesson_utils import check\n"
        "print(sorted(m for m in ('torch', 'matplotlib', 'ipywidgets') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
