"""Tests of the engine under every check, on small exercises made up here:
are arrays, several returned values and behaviour probes read and explained right?"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, replace

import numpy as np
import pytest

from lesson_utils import messages as M
from lesson_utils.errors import CheckFailed
from lesson_utils.harness import (
    ARRAY,
    Behaviour,
    Case,
    Comparison,
    ConclusionCalledLearner,
    Exercise,
    Mistake,
    Probe,
    Problem,
    Several,
    ValueDict,
    bank_overlaps,
    call_learner,
    call_live,
    calls_through,
    extra_cases,
    make_behaviour_check,
    run,
    run_behaviour,
    same_value,
    value_dicts,
)
from lesson_utils.withheld import Withheld


def double(x):
    return 2 * np.asarray(x, dtype=float)


DOUBLE = Exercise(
    name="double",
    arg_names=("x",),
    reference=double,
    fixed_cases=lambda: [Case("a row", (np.array([1.0, 2.0]),))],
    random_cases=lambda rng: [Case("random", (rng.normal(size=(2, 3)),))],
    mistakes=(Mistake("triple", lambda x: 3 * np.asarray(x, dtype=float), "it triples."),),
    output=ARRAY,
)


def grads(w, b):
    return w * 2.0, b - 1.0


GRADS = Exercise(
    name="grads",
    arg_names=("w", "b"),
    reference=grads,
    fixed_cases=lambda: [Case("w=1, b=1", (1.0, 1.0))],
    random_cases=lambda rng: [Case("random", (float(rng.normal()), float(rng.normal())))],
    output=Several(names=("dw", "db")),
)

KEYED = Exercise(
    name="step",
    arg_names=("w", "b"),
    reference=lambda w, b: {"w": w - 1.0, "b": b - 1.0},
    fixed_cases=lambda: [Case("w=1, b=1", (1.0, 1.0))],
    random_cases=lambda rng: [],
    output=Several(names=("w", "b"), keyed=True),
)


def fails(ex, fn, **kwargs) -> CheckFailed:
    with pytest.raises(CheckFailed) as info:
        run(ex, fn, **kwargs)
    return info.value


def test_array_output_accepts_any_correct_array_or_list():
    """Does an array exercise pass the reference, a list answer, and a float32 answer?"""
    run(DOUBLE, double)
    run(DOUBLE, lambda x: (2 * np.asarray(x)).tolist())
    run(DOUBLE, lambda x: (2 * np.asarray(x, dtype=np.float32)))


def test_array_output_wrong_shape_names_both_shapes():
    """Does an array of the wrong shape get both shapes and the array hint?"""
    error = fails(DOUBLE, lambda x: np.sum(double(x), axis=0))
    assert error.message == M.WRONG_SHAPE.format(
        name="double", part="", got_shape=(), label="a row", expected_shape=(2,), hint=M.SHAPE_HINT_ARRAY
    )


def test_array_output_known_mistake():
    """Is a bank mistake on an array exercise named?"""
    assert fails(DOUBLE, lambda x: 3 * np.asarray(x)).mistake == "triple"


def test_array_output_rejects_booleans():
    """Does an array of booleans get the wrong-type sentence?"""
    error = fails(DOUBLE, lambda x: np.asarray(x) > 0)
    assert error.message == M.RETURNED_WRONG_TYPE.format(
        name="double", label="a row", type="array of bool", what=ARRAY.what
    )


def test_several_values_pass_as_tuple_or_list():
    """Do `return dw, db` and `return [dw, db]` both pass?"""
    run(GRADS, grads)
    run(GRADS, lambda w, b: [w * 2.0, b - 1.0])


def test_several_values_wrong_count():
    """Does returning one value where two are due say which two?"""
    error = fails(GRADS, lambda w, b: w * 2.0)
    assert error.message == M.RETURNED_WRONG_COUNT.format(
        name="grads", got="one float", label="w=1, b=1", n=2, names="dw, db"
    )


def test_several_values_names_the_wrong_part():
    """Is the wrong one of several values named, with both numbers?"""
    error = fails(GRADS, lambda w, b: (w * 2.0, b + 1.0))
    assert error.message == M.WRONG_VALUE.format(
        name="grads", part=M.PART.format(part="db"), got="2", expected="0", label="w=1, b=1"
    )


def test_several_values_hidden_names_the_part_only():
    """At grading, is the wrong part named without its value?"""
    error = fails(GRADS, lambda w, b: (w * 2.0, b + 1.0), hidden=True)
    assert error.message == M.WRONG_VALUE_HIDDEN.format(
        name="grads", what=M.PART_ANSWER.format(part="db"), label=M.HIDDEN_LABEL.format(index=1)
    )


def test_keyed_values():
    """Does a dict answer pass, and a dict with other keys get the keys sentence?"""
    run(KEYED, lambda w, b: {"b": b - 1.0, "w": w - 1.0})
    error = fails(KEYED, lambda w, b: {"weight": w - 1.0, "b": b - 1.0})
    assert error.message == M.RETURNED_WRONG_KEYS.format(name="step", label="w=1, b=1", got="weight, b", names="w, b")


@dataclass(frozen=True)
class Point:
    label: str
    x: float


def _read_number(fn, case, label, trial):
    return float(trial.call(fn, (case.x,), label))


def _explain_number(case, label, got, expected, trial):
    return Problem(f"{label}: {got:g}, not {expected:g}")


TWICE = Comparison(name="twice", reference=lambda x: 2 * x, bank=(Mistake("triple", lambda x: 3 * x, "it triples."),),
                   run=_read_number, trusted=lambda fn, case: float(fn(case.x)),
                   same=lambda got, expected, case: abs(got - expected) < 1e-9, explain=_explain_number)


def _positive(seen, trial):
    if seen <= 0:
        raise Problem(f"it is not positive on {trial.label('one')}", mistake="negative")


def _twice_rows(rng, hidden, cases):
    points = [Point("one", 1.0), Point("drawn", float(rng.uniform(1, 2)))]
    points += [Point(label, *args) for label, args in extra_cases(cases)]
    return [Probe("is positive", lambda fn, trial: _read_number(fn, points[0], trial.label("one"), trial), _positive),
            TWICE.probe("twice its input", points)]


TWICE_BEHAVIOUR = Behaviour(name="twice", arg_names=("x",), seed=7, probes=_twice_rows, time_limit=0.2)
check_twice = make_behaviour_check(TWICE_BEHAVIOUR, "Check ``fn(x)``: twice x.")


def test_rows_print_a_line_each_and_a_failing_row_carries_its_sentence(capsys):
    """Does a behaviour check print its header, a line per row and the summary, and does a failing row's
    conclusion reach the learner with its mistake id?"""
    check_twice(lambda x: 2 * x)
    assert capsys.readouterr().out.splitlines() == [
        M.PROBES_HEADER.format(signature="twice(x)", n=2),
        M.CASE_PASS.format(label="is positive"),
        M.CASE_PASS.format(label="twice its input"),
        M.SUMMARY_PASS.format(n=2),
    ]
    with pytest.raises(CheckFailed) as info:
        check_twice(lambda x: -x)
    assert (info.value.message, info.value.mistake) == ("it is not positive on one", "negative")
    assert check_twice.__name__ == check_twice.__qualname__ == "twice"


def test_a_comparison_names_the_bank_entry_else_explains_the_first_difference():
    """Does the row 'the same as the reference' name a bank entry that behaves like the learner's on every case,
    and otherwise give the exercise's own sentence for the first case that differs, with the learner's cases?"""
    with pytest.raises(CheckFailed) as info:
        check_twice(lambda x: 3 * x)
    assert (info.value.message, info.value.mistake) == (
        M.KNOWN_MISTAKE.format(name="twice", explanation="it triples."), "triple")
    with pytest.raises(CheckFailed) as info:
        check_twice(lambda x: 2 * x if x < 5 else 0.0, cases=[(6.0,)])
    assert info.value.message == "extra case 1: 0, not 12"


def test_hidden_rows_are_numbered_by_the_harness():
    """In a grade cell, are a row's cases labelled by the row's own number ('hidden case 2.3'), and a row of one
    case by the number alone, with nothing of the inputs?"""
    with pytest.raises(CheckFailed) as info:
        check_twice(lambda x: 2 * x if x < 5 else 0.0, hidden=True, cases=[(6.0,)])
    assert info.value.message == "hidden case 2.3: 0, not 12"
    with pytest.raises(CheckFailed) as info:
        check_twice(lambda x: -x, hidden=True)
    assert info.value.message == "it is not positive on hidden case 1"


def test_a_row_concludes_only_after_all_its_calls():
    """Are all of a row's calls made before its conclusion reads anything withheld, so that the grading kernel
    records every call the grader will ask for, and says the rows were recorded?"""
    made = []

    def handler(name, fn, args, label, arg_names, time_limit, observe):
        made.append(label)
        return call_live(name, fn, args, label, arg_names, time_limit, observe)

    def withheld_conclusion(seen, trial):
        raise Withheld("reference")

    rows = [TWICE.probe("twice", [Point("a", 1.0), Point("b", 2.0)]),
            Probe("withheld", lambda fn, trial: trial.call(fn, (3.0,), "c"), withheld_conclusion)]
    out = io.StringIO()
    with calls_through(handler), contextlib.redirect_stdout(out):
        run_behaviour(TWICE_BEHAVIOUR, lambda x: 2 * x, probes=rows)
    assert made == ["a", "b", "c"]
    assert out.getvalue().splitlines()[-1] == M.RECORDED.format(name="twice", n=1)


def test_a_row_keeps_the_time_limit_of_its_exercise():
    """Is a learner's call stopped after the exercise's own time limit, and can the learner give another?"""

    def endless(x):
        while True:
            pass

    with pytest.raises(CheckFailed) as info:
        check_twice(endless)
    assert info.value.message == M.TIMED_OUT.format(name="twice", seconds=0.2, label="one")
    with pytest.raises(CheckFailed) as info:
        check_twice(endless, time_limit=0.05)
    assert info.value.message == M.TIMED_OUT.format(name="twice", seconds=0.05, label="one")


def test_a_check_without_cases_refuses_them():
    """Does a behaviour check that takes no extra cases refuse ``cases=`` as Python refuses a keyword?"""
    no_cases = make_behaviour_check(replace(TWICE_BEHAVIOUR, takes_cases=False), "")
    with pytest.raises(TypeError, match="unexpected keyword argument 'cases'"):
        no_cases(lambda x: 2 * x, cases=[(1.0,)])


def test_dicts_of_arrays_are_compared_key_by_key():
    """Does a dict-of-arrays input pass when left alone and get the mutation sentence when changed in place?"""
    step = Exercise(
        name="step",
        arg_names=("params",),
        reference=lambda params: {"w": params["w"] - 1.0},
        fixed_cases=lambda: [Case("w of shape (2,)", ({"w": np.array([1.0, 2.0])},))],
        random_cases=lambda rng: [],
        output=Several(names=("w",), parts=(ARRAY,), keyed=True),
    )
    run(step, lambda params: {"w": params["w"] - 1.0})

    def in_place(params):
        params["w"] -= 1.0
        return params

    error = fails(step, in_place)
    assert error.message == M.MUTATED.format(name="step", arg="params", label="w of shape (2,)")


def test_a_random_generator_may_be_drawn_from():
    """Is drawing from an `rng` argument not mistaken for changing an input?"""
    shuffle = Exercise(
        name="noisy",
        arg_names=("x", "rng"),
        reference=lambda x, rng: float(np.sum(x)),
        fixed_cases=lambda: [Case("three numbers", (np.array([1.0, 2.0, 3.0]), np.random.default_rng(0)))],
        random_cases=lambda rng: [],
    )
    run(shuffle, lambda x, rng: float(np.sum(rng.permutation(x))))


def test_list_method_missing_suggests_arrays():
    """Does `logits.max()` on a plain list get the 'turn your inputs into arrays' sentence?"""
    error = fails(DOUBLE, lambda x: 2 * x.max() * np.ones_like(x), cases=[([1.0, 2.0],)])
    assert error.message == M.RAISED_ON_LIST.format(
        name="double", error="AttributeError", label="extra case 1",
        detail="'list' object has no attribute 'max'", first_arg="x",
    )


def test_bank_overlaps_finds_useless_entries():
    """Does bank_overlaps report an entry equal to the reference and two entries equal to each other?"""
    bank = (
        Mistake("same_as_reference", lambda x: np.asarray(x, dtype=float) * 2, "-"),
        Mistake("triple", lambda x: 3 * np.asarray(x, dtype=float), "-"),
        Mistake("triple_again", lambda x: np.asarray(x, dtype=float) * 3.0, "-"),
    )
    ex = Exercise(name="double", arg_names=("x",), reference=double, fixed_cases=DOUBLE.fixed_cases,
                  random_cases=DOUBLE.random_cases, mistakes=bank, output=ARRAY)
    assert bank_overlaps(ex) == (["same_as_reference"], [("triple", "triple_again")])
    assert bank_overlaps(DOUBLE) == ([], [])


def sum_of(x):
    return np.sum(np.asarray(x, dtype=np.float64))


CANCELS = Exercise(
    name="total",
    arg_names=("x",),
    reference=sum_of,
    fixed_cases=lambda: [Case("float64", (np.array([1.0, -0.9999999]),)),
                         Case("float32", (np.array([1.1, -1.0999999, 3e-7], np.float32),))],
    random_cases=lambda rng: [],
)


def test_float32_cases_get_float32s_tolerance_and_say_so(capsys):
    """Is a correct float32 computation whose terms cancel accepted on float32 inputs (and only there), with the
    wider tolerance stated in the header?"""
    run(CANCELS, lambda x: np.sum(np.asarray(x)))  # float32 in, float32 sum: off by about 1e-7
    assert capsys.readouterr().out.splitlines()[0] == M.HEADER_FLOAT32.format(
        signature="total(x)", n=2, rtol=1e-5, atol=1e-8, atol32=1e-6)
    error = fails(CANCELS, lambda x: np.float64(np.sum(np.asarray(x))) + (5e-8 if x.dtype == np.float64 else 0))
    assert error.message.startswith("total returned ") and "on the case 'float64'" in error.message
    capsys.readouterr()
    run(DOUBLE, double)
    assert capsys.readouterr().out.splitlines()[0] == M.HEADER.format(signature="double(x)", n=2, rtol=1e-5,
                                                                       atol=1e-8)


class Opaque:
    """An object whose comparison is not a truth value, like a tensor of several elements."""

    def __eq__(self, other):
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")

    __hash__ = None


@pytest.mark.parametrize(("a", "b", "same"), [
    ({"m": {"w": np.arange(3.0)}}, {"m": {"w": np.arange(3.0)}}, True),
    ({"m": {"w": np.arange(3.0)}}, {"m": {"w": np.arange(3.0) + 1}}, False),
    ({"m": [1.0, float("nan")]}, {"m": [1.0, float("nan")]}, True),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
    ([Opaque()], [Opaque()], False),
    (np.array([1, 2], dtype=object), np.array([1, 2], dtype=object), True),
    ((1, 2), [1, 2], False),
])
def test_same_value_compares_anything_without_raising(a, b, same):
    """Does the harness's deep equality compare nested dicts, lists, arrays and NaN by value, and objects whose
    comparison raises without raising itself?"""
    assert same_value(a, b) is same


def test_an_argument_holding_tensors_or_odd_objects_never_breaks_the_mutation_check():
    """When the check passes back what a learner's earlier call returned (torch tensors, objects whose == raises),
    does the learner's call return normally, with no traceback from the harness's own comparison?"""
    torch = pytest.importorskip("torch")
    state = {"m": torch.arange(3.0), "odd": Opaque()}
    assert call_learner("f", lambda s: 1.0, (state,), "a case", ("state",)) == 1.0

    def changes_it(s):
        s["m"] += 1
        return 1.0

    with pytest.raises(Problem) as info:
        call_learner("f", changes_it, ({"m": torch.arange(3.0)},), "a case", ("state",))
    assert info.value.message == M.MUTATED.format(name="f", arg="state", label="a case")


def test_an_argument_that_cannot_be_copied_is_handed_over_as_it_is():
    """When the check passes back something a learner's earlier call returned that cannot be copied (a generator),
    does the call still go through, with no traceback from the harness?"""
    state = {"draws": (i for i in range(3))}
    assert call_learner("f", lambda s: next(s["draws"]), (state,), "a case", ("state",)) == 0


def test_value_dicts_compare_nested_values():
    """Do the dicts handed to the learner compare equal to a copy, and unequal once anything inside changed?"""
    a = value_dicts({"step": 1, "m": {"w": np.arange(3.0)}, "betas": (0.9, 0.99)})
    b = value_dicts({"step": 1, "m": {"w": np.arange(3.0)}, "betas": (0.9, 0.99)})
    assert isinstance(a, ValueDict) and isinstance(a["m"], ValueDict)
    assert a == b
    assert not a != b  # noqa: SIM202 (the != operator itself is under test)
    b["m"]["w"][0] = 5.0
    assert a != b
    assert a != {"step": 1, "m": {"w": np.arange(3.0, dtype=np.float32)}, "betas": (0.9, 0.99)}
    assert a != {"step": 2, "m": {"w": np.arange(3.0)}, "betas": (0.9, 0.99)}
    assert ValueDict({"w": np.arange(3.0), "b": 1.0}) != {"w": np.arange(3.0)}


def test_value_dicts_compare_tensors_without_raising():
    """Does a state holding torch tensors (what a step written with torch.optim keeps) compare by its values, and
    never raise from inside the check?"""
    torch = pytest.importorskip("torch")
    a = value_dicts({"step": torch.tensor(3.0), "m": {"w": torch.arange(3.0)}})
    assert a == value_dicts({"step": torch.tensor(3.0), "m": {"w": torch.arange(3.0)}})
    assert a != {"step": torch.tensor(3.0), "m": {"w": torch.zeros(3)}}
    assert a != {"step": 3.0, "m": {"w": np.arange(3.0)}}


def test_a_conclusion_cannot_call_the_learners_code():
    """Is a check whose conclusion calls the learner's code (which grading could not replay) stopped with a
    maintainer's error, rather than judged?"""
    rows = [Probe("calls late", lambda fn, trial: None, lambda seen, trial: trial.call(lambda x: x, (1.0,), "late"))]
    with pytest.raises(ConclusionCalledLearner, match="case 'late'"):
        run_behaviour(TWICE_BEHAVIOUR, lambda x: 2 * x, probes=rows)
