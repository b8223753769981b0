"""Tests of the lesson 03 checks: do they pass every correct method, fail
every wrong one, and say the right sentence?"""

from __future__ import annotations

import numpy as np
import pytest

from lesson_utils import check, harness
from lesson_utils import messages as M
from lesson_utils.harness import bank_overlaps
from lesson_utils.lesson03 import check as lesson03
from lesson_utils.lesson03 import messages as L
from lesson_utils.lesson03 import mistakes, reference

VALUE_EXERCISES = {
    "linear_mse_grads": (lesson03.LINEAR_MSE_GRADS, check.linear_mse_grads),
    "gd_step": (lesson03.GD_STEP, check.gd_step),
}
WORKED = "the worked example: one step at lr 0.1 on (1,2), (2,4), (3,6)"
"""The label of the first fit_linear probe's case."""
CHECKS = {"linear_mse_grads": check.linear_mse_grads, "gd_step": check.gd_step, "fit_linear": check.fit_linear}


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


def first_label(name: str) -> str:
    return VALUE_EXERCISES[name][0].battery()[0].label


# --- the seeds' numbers ------------------------------------------------------------


def test_reference_reproduces_the_worked_step():
    """Does one step from w = b = 0 on (1,2), (2,4), (3,6) at lr 0.1 give dL/dw = -18.7, dL/db = -8,
    then w = 1.87, b = 0.8?"""
    dw, db = reference.linear_mse_grads(0.0, 0.0, [1, 2, 3], [2, 4, 6])
    assert (round(dw, 1), db) == (-18.7, -8.0)
    params = reference.gd_step({"w": 0.0, "b": 0.0}, {"w": dw, "b": db}, 0.1)
    assert (round(params["w"], 2), round(params["b"], 10)) == (1.87, 0.8)
    fitted, losses = reference.fit_linear([1, 2, 3], [2, 4, 6], 0.1, 1)
    assert fitted == pytest.approx(params) and losses == pytest.approx([56 / 3])


def test_reference_reproduces_the_one_knob_examples():
    """Does theta = 5.0 move to 4.92 with gradient 0.8 and to 5.2 with gradient -2.0, at lr 0.1?"""
    new = reference.gd_step({"w": 5.0, "b": 5.0}, {"w": 0.8, "b": -2.0}, 0.1)
    assert (round(new["w"], 10), round(new["b"], 10)) == (4.92, 5.2)


def test_reference_reproduces_the_four_point_loop():
    """Does lr 0.01 for 1000 steps end near w = 2, b = 0, and lr 1.0 end in NaN?"""
    params, losses = reference.fit_linear([1, 2, 3, 4], [2, 4, 6, 8], 0.01, 1000)
    assert abs(params["w"] - 2) < 0.02 and abs(params["b"]) < 0.05 and losses[0] == 30.0 and len(losses) == 1000
    params, losses = reference.fit_linear([1, 2, 3, 4], [2, 4, 6, 8], 1.0, 1000)
    assert np.isnan(params["w"]) and np.isnan(params["b"]) and np.isnan(losses[-1])


@pytest.mark.parametrize("seed", [None, 1, 2, 3, 4, 5, 6, 7, 8])
def test_every_divergence_probe_really_diverges(seed):
    """Does the reference blow up on the too-large learning rate of every hidden battery, so the probe is fair?"""
    rng = np.random.default_rng(lesson03.FIT_SEED + 1 if seed is None else seed)
    case = lesson03._divergent_case(rng)
    assert lesson03._trusted_fit(reference.fit_linear, case).diverged()


# --- correct implementations -------------------------------------------------------


def grads_loop(w, b, x, y):
    dw = db = 0.0
    for xi, yi in zip(x, y, strict=True):
        err = w * float(xi) + b - float(yi)
        dw += 2 * err * float(xi)
        db += 2 * err
    return dw / len(x), db / len(x)


def grads_dot(w, b, x, y):
    x = np.asarray(x, dtype=float)
    err = w * x + b - np.asarray(y, dtype=float)
    n = x.size
    return (2 / n) * err @ x, (2 / n) * err.sum()


def grads_float32(w, b, x, y):
    x = np.asarray(x, dtype=np.float32)
    err = np.float32(w) * x + np.float32(b) - np.asarray(y, dtype=np.float32)
    return np.mean(2 * err * x), np.mean(2 * err)


def step_copy(params, grads, lr):
    new = dict(params)
    for name in new:
        new[name] = new[name] - lr * grads[name]
    return new


def step_explicit(params, grads, lr):
    return {"b": params["b"] - lr * grads["b"], "w": params["w"] - lr * grads["w"]}


def step_subtract(params, grads, lr):
    return {k: np.subtract(v, np.multiply(lr, grads[k])) for k, v in params.items()}


def fit_python_floats(x, y, lr, steps):
    xs, ys = [float(v) for v in x], [float(v) for v in y]
    w = b = 0.0
    losses = []
    for _ in range(steps):
        errs = [w * xi + b - yi for xi, yi in zip(xs, ys, strict=True)]
        losses.append(sum(e * e for e in errs) / len(errs))
        dw = sum(2 * e * xi for e, xi in zip(errs, xs, strict=True)) / len(errs)
        db = sum(2 * e for e in errs) / len(errs)
        w, b = w - lr * dw, b - lr * db
    return {"w": w, "b": b}, losses


def fit_arrays(x, y, lr, steps):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    theta = np.zeros(2)
    design = np.stack([x, np.ones_like(x)], axis=1)
    losses = np.empty(steps)
    for i in range(steps):
        err = design @ theta - y
        losses[i] = np.mean(err**2)
        theta = theta - lr * (2 / len(x)) * design.T @ err
    return {"w": theta[0], "b": theta[1]}, losses


def fit_float32(x, y, lr, steps):
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)
    params = {"w": np.float32(0), "b": np.float32(0)}
    losses = []
    for _ in range(steps):
        err = params["w"] * x + params["b"] - y
        losses.append(float(np.mean(err**2)))
        grads = {"w": np.mean(2 * err * x), "b": np.mean(2 * err)}
        params = {k: params[k] - np.float32(lr) * grads[k] for k in params}
    return params, losses


def fit_tuple_return(x, y, lr, steps):
    params, losses = reference.fit_linear(x, y, lr, steps)
    return [params, tuple(losses)]


CORRECT = [
    ("linear_mse_grads", reference.linear_mse_grads),
    ("linear_mse_grads", grads_loop),
    ("linear_mse_grads", grads_dot),
    ("linear_mse_grads", grads_float32),
    ("gd_step", reference.gd_step),
    ("gd_step", step_copy),
    ("gd_step", step_explicit),
    ("gd_step", step_subtract),
    ("fit_linear", reference.fit_linear),
    ("fit_linear", fit_python_floats),
    ("fit_linear", fit_arrays),
    ("fit_linear", fit_float32),
    ("fit_linear", fit_tuple_return),
]


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method pass, visibly and in hidden mode, and is the learner told hidden checks run later?"""
    with np.errstate(all="ignore"):
        assert CHECKS[name](fn) is None
        lines = capsys.readouterr().out.splitlines()
        assert lines[-1].startswith("All ") and "Hidden checks" in lines[-1]
        assert not [line for line in lines if line.startswith("  ❌")]
        assert CHECKS[name](fn, hidden=True, seed=99) is None


@pytest.mark.parametrize("name", VALUE_EXERCISES)
def test_value_checks_print_a_line_per_case(name, capsys):
    """Does a value check print its header, one ✅ per case and the summary?"""
    ex, check_fn = VALUE_EXERCISES[name]
    check_fn(ex.reference)
    lines = capsys.readouterr().out.splitlines()
    n = len(ex.battery())
    assert lines[0] == harness.header(ex, ex.battery()) and len(ex.battery()) == n
    assert lines[1:-1] == [M.CASE_PASS.format(label=c.label) for c in ex.battery()]
    assert lines[-1] == M.SUMMARY_PASS.format(n=n)


def test_fit_check_prints_a_line_per_probe(capsys):
    """Does the fit_linear check print its header, one ✅ per probe (with what it checks) and the summary?"""
    check.fit_linear(reference.fit_linear)
    lines = capsys.readouterr().out.splitlines()
    probes = lesson03.FIT_LINEAR.rows()
    assert lines[0] == M.PROBES_HEADER.format(signature="fit_linear(x, y, lr, steps)", n=len(probes))
    assert lines[1:-1] == [M.CASE_PASS.format(label=p.label) for p in probes]
    assert any("diverges" in p.label for p in probes) and any("falls" in p.label for p in probes)


def test_extra_cases_are_checked_too():
    """Are explicit extra cases run, including dicts of arrays for gd_step and problems for fit_linear?"""
    check.linear_mse_grads(reference.linear_mse_grads, hidden=True, cases=[(1.0, 2.0, [1.0, 2.0], [0.0, 1.0])])
    check.gd_step(reference.gd_step, hidden=True, cases=[({"w": np.ones(3), "b": 1.0}, {"w": np.ones(3), "b": 2.0},
                                                          0.5)])
    check.fit_linear(reference.fit_linear, hidden=True, cases=[([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], 0.1, 20)])

    def wrong_without_steps(x, y, lr, steps):
        return ({"w": 1.0, "b": 0.0}, []) if steps == 0 else reference.fit_linear(x, y, lr, steps)

    check.fit_linear(wrong_without_steps, hidden=True)
    error = failure(check.fit_linear, wrong_without_steps, hidden=True, cases=[([0.0, 1.0], [1.0, 3.0], 0.1, 0)])
    assert error.message == M.WRONG_VALUE_HIDDEN.format(name="fit_linear", what=M.PART_ANSWER.format(part="w"),
                                                        label=M.HIDDEN_LABEL.format(index="3.5"))


# --- the banks of known mistakes ------------------------------------------------------

VALUE_BANK = [(name, m) for name, (ex, _) in VALUE_EXERCISES.items() for m in ex.mistakes]


def test_banks_hold_the_mistakes_the_lesson_teaches():
    """Do the banks know +/- in the step, no factor 2, sum not mean, db with x, and w updated before db?"""
    ids = {name: {m.id for m in bank} for name, bank in [("grads", mistakes.GRADS_BANK),
                                                         ("step", mistakes.STEP_BANK),
                                                         ("fit", mistakes.FIT_BANK + mistakes.FIT_BEHAVIOUR_BANK)]}
    assert {"no_factor_2", "sum_not_mean", "db_uses_x"} <= ids["grads"]
    assert "plus_not_minus" in ids["step"]
    assert {"plus_not_minus", "w_updated_before_db", "hides_divergence", "stops_early"} <= ids["fit"]


@pytest.mark.parametrize("name", VALUE_EXERCISES)
def test_value_bank_entries_are_told_apart(name):
    """Does every bank entry differ from the reference and from every other entry on some case?"""
    ex, _ = VALUE_EXERCISES[name]
    assert bank_overlaps(ex) == ([], [])


@pytest.mark.parametrize("mistake", mistakes.FIT_BANK, ids=[m.id for m in mistakes.FIT_BANK])
def test_every_fit_mistake_is_named_by_its_trajectory(mistake):
    """Is a fit_linear that makes a bank mistake named, by comparing its run with the reference's?"""
    for hidden in (False, True):
        error = failure(check.fit_linear, mistake.fn, hidden=hidden)
        assert error.mistake == mistake.id
        assert error.message == M.KNOWN_MISTAKE.format(name="fit_linear", explanation=mistake.explanation)


def test_updating_w_before_db_is_caught_on_the_worked_step():
    """Does computing db with the already-updated w fail on the first step, where b should be 0.8?"""
    wrong = mistakes.FIT_BANK[[m.id for m in mistakes.FIT_BANK].index("w_updated_before_db")]
    params, _ = wrong.fn([1, 2, 3], [2, 4, 6], 0.1, 1)
    assert params["w"] == pytest.approx(1.8667, abs=1e-4) and params["b"] != pytest.approx(0.8)
    with pytest.raises(check.CheckFailed) as info:
        check.fit_linear(wrong.fn)
    assert info.value.case == lesson03.FIT_LINEAR.rows()[0].label


def test_clipping_hides_divergence():
    """Is a fit_linear that clips its gradients told that a too-large learning rate must show?"""
    wrong = mistakes.FIT_BEHAVIOUR_BANK[0]
    error = failure(check.fit_linear, wrong.fn)
    assert error.mistake == "hides_divergence"
    got = lesson03._trusted_fit(wrong.fn, lesson03._FitCase("", (lesson03.FOUR_X, lesson03.FOUR_Y, 1.0, 300)))
    largest = lesson03.format_number(np.asarray(np.max(got.losses)))
    assert error.message == L.FIT_HIDES_DIVERGENCE.format(label="the four points at lr 1.0, 300 steps",
                                                          largest=largest)
    hidden = failure(check.fit_linear, wrong.fn, hidden=True)
    assert hidden.mistake == "hides_divergence" and "hidden case 4" in hidden.message


def test_clipping_the_parameters_hides_divergence():
    """Is a fit_linear that keeps w and b inside [-100, 100] told the same thing?"""

    def clipped(x, y, lr, steps):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        w = b = 0.0
        losses = []
        for _ in range(steps):
            losses.append(reference.linear_mse_loss(w, b, x, y))
            dw, db = reference.linear_mse_grads(w, b, x, y)
            w, b = float(np.clip(w - lr * dw, -100, 100)), float(np.clip(b - lr * db, -100, 100))
        return {"w": w, "b": b}, losses

    error = failure(check.fit_linear, clipped)
    assert error.mistake == "hides_divergence"
    assert error.message.startswith("fit_linear stayed finite on the case 'the four points at lr 1.0, 300 steps'")


def test_stopping_at_nan_is_named():
    """Is a fit_linear that stops when the loss blows up told to keep stepping?"""
    error = failure(check.fit_linear, mistakes.FIT_BEHAVIOUR_BANK[1].fn)
    assert error.mistake == "stops_early"
    got = lesson03._trusted_fit(mistakes.FIT_BEHAVIOUR_BANK[1].fn,
                                 lesson03._FitCase("", (lesson03.FOUR_X, lesson03.FOUR_Y, 1.0, 300)))
    assert error.message == L.FIT_STOPPED_EARLY.format(got=len(got.losses), steps=300,
                                                       label="the four points at lr 1.0, 300 steps")


def test_fit_bank_entries_are_told_apart():
    """Does every fit_linear bank entry run differently from the reference and from every other entry?"""
    rng = np.random.default_rng(0)
    cases = [(lesson03.WORKED_X, lesson03.WORKED_Y, 0.1, 1), (lesson03.FOUR_X, lesson03.FOUR_Y, 0.01, 1000),
             (lesson03.FOUR_X, lesson03.FOUR_Y, 1.0, 300)] + [c.args for c in lesson03._random_fit_cases(rng)]
    bank = mistakes.FIT_BANK + mistakes.FIT_BEHAVIOUR_BANK

    def runs(fn):
        return [lesson03._trusted_fit(fn, lesson03._FitCase("", args)) for args in cases]

    def same(a, b):
        return all(x.same_as(y) for x, y in zip(a, b, strict=True))

    expected = runs(reference.fit_linear)
    results = {m.id: runs(m.fn) for m in bank}
    assert [i for i, r in results.items() if same(r, expected)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and same(results[a], results[b])] == []


# --- bad output from the learner -------------------------------------------------------


def test_grads_returning_one_number():
    """Does linear_mse_grads returning only dw get the 'two values' sentence?"""
    error = failure(check.linear_mse_grads, lambda w, b, x, y: reference.linear_mse_grads(w, b, x, y)[0])
    assert error.message == M.RETURNED_WRONG_COUNT.format(
        name="linear_mse_grads", label=first_label("linear_mse_grads"), got="one float", n=2, names="dw, db")


def test_grads_returning_none():
    """Does a linear_mse_grads without `return` get the None sentence?"""
    error = failure(check.linear_mse_grads, lambda w, b, x, y: None)
    assert error.message == M.RETURNED_NONE.format(name="linear_mse_grads", label=first_label("linear_mse_grads"))


def test_grads_returning_nan():
    """Does a NaN gradient get the not-finite sentence, naming dw?"""
    error = failure(check.linear_mse_grads, lambda w, b, x, y: (float("nan"), -8.0))
    assert error.message == M.NOT_FINITE.format(name="linear_mse_grads", part=M.PART.format(part="dw"), got="nan",
                                                expected="-18.6667", label=first_label("linear_mse_grads"))


def test_grads_unknown_wrong_value():
    """Does a wrong db that matches no mistake show both values, and in hidden mode neither?"""

    def off(w, b, x, y):
        dw, db = reference.linear_mse_grads(w, b, x, y)
        return dw, db + 1.0

    error = failure(check.linear_mse_grads, off)
    assert error.mistake is None
    assert error.message == M.WRONG_VALUE.format(name="linear_mse_grads", part=M.PART.format(part="db"), got="-7",
                                                 expected="-8", label=first_label("linear_mse_grads"))
    hidden = failure(check.linear_mse_grads, off, hidden=True)
    assert hidden.message == M.WRONG_VALUE_HIDDEN.format(name="linear_mse_grads", what=M.PART_ANSWER.format(part="db"),
                                                         label=M.HIDDEN_LABEL.format(index=1))


def test_grads_raising_on_lists():
    """Does a linear_mse_grads that only works on arrays get told to convert lists?"""

    def arrays_only(w, b, x, y):
        err = w * x + b - y
        return np.mean(2 * err * x), np.mean(2 * err)

    error = failure(check.linear_mse_grads, arrays_only)
    assert error.message.startswith("linear_mse_grads stopped with TypeError on the case 'plain Python lists', whose")


def test_grads_mutating_x():
    """Does a linear_mse_grads that changes x in place get the mutation sentence?"""

    def in_place(w, b, x, y):
        x = np.asarray(x, dtype=float)
        result = reference.linear_mse_grads(w, b, x, y)
        x *= 2
        return result

    error = failure(check.linear_mse_grads, in_place)
    assert error.message == M.MUTATED.format(name="linear_mse_grads", arg="x", label=first_label("linear_mse_grads"))


def never_returns(*args):
    while True:
        pass


@pytest.mark.parametrize("name", CHECKS)
def test_never_returning(name):
    """Is a function that never returns stopped after its time limit with a plain sentence?"""
    error = failure(CHECKS[name], never_returns, time_limit=0.2)
    label = WORKED if name == "fit_linear" else first_label(name)
    assert error.message == M.TIMED_OUT.format(name=name, seconds=0.2, label=label)


def test_gd_step_updating_floats_in_place():
    """Does a gd_step that writes into the params dict get the mutation sentence?"""

    def in_place(params, grads, lr):
        for k in params:
            params[k] = params[k] - lr * grads[k]
        return params

    error = failure(check.gd_step, in_place)
    assert error.message == M.MUTATED.format(name="gd_step", arg="params", label=first_label("gd_step"))


def test_gd_step_subtracting_into_shared_arrays():
    """Does `new = dict(params); new[k] -= ...` (which changes the arrays it shares) get the mutation sentence?"""

    def shared(params, grads, lr):
        new = dict(params)
        for k in new:
            new[k] -= lr * grads[k]
        return new

    error = failure(check.gd_step, shared)
    assert error.message == M.MUTATED.format(name="gd_step", arg="params", label="w is an array of 3 weights")


def test_gd_step_wrong_keys_and_type():
    """Does gd_step returning other keys or a tuple get a plain sentence?"""
    error = failure(check.gd_step, lambda params, grads, lr: {"weight": 0.0, "bias": 0.0})
    assert error.message == M.RETURNED_WRONG_KEYS.format(name="gd_step", label=first_label("gd_step"),
                                                         got="weight, bias", names="w, b")
    error = failure(check.gd_step, lambda params, grads, lr: (1.0, 2.0))
    assert error.message == M.RETURNED_WRONG_TYPE.format(name="gd_step", label=first_label("gd_step"), type="tuple",
                                                         what="a dict with the keys w, b")


def test_fit_returning_none_or_one_value():
    """Does fit_linear returning None or only the params get a plain sentence?"""
    label = WORKED
    error = failure(check.fit_linear, lambda x, y, lr, steps: None)
    assert error.message == M.RETURNED_NONE.format(name="fit_linear", label=label)
    error = failure(check.fit_linear, lambda x, y, lr, steps: reference.fit_linear(x, y, lr, steps)[0])
    assert error.message == M.RETURNED_WRONG_COUNT.format(name="fit_linear", label=label, got="one dict", n=2,
                                                          names="params, losses")


def test_fit_params_as_a_tuple():
    """Does fit_linear returning (w, b) instead of a params dict get the dict sentence?"""

    def as_tuple(x, y, lr, steps):
        params, losses = reference.fit_linear(x, y, lr, steps)
        return (params["w"], params["b"]), losses

    error = failure(check.fit_linear, as_tuple)
    assert error.message == M.RETURNED_WRONG_TYPE.format(
        name="fit_linear (params)", label=WORKED,
        type="tuple", what="a dict with the keys w, b")


def test_fit_losses_with_two_columns():
    """Does a loss history of (step, loss) pairs get the flat-list sentence?"""

    def pairs(x, y, lr, steps):
        params, losses = reference.fit_linear(x, y, lr, steps)
        return params, [(i, loss) for i, loss in enumerate(losses)]

    error = failure(check.fit_linear, pairs)
    assert error.message == L.FIT_LOSSES_NOT_1D.format(
        shape=(1, 2), label=WORKED)


def test_fit_history_one_too_long():
    """Does a history with the final loss appended (steps + 1 values) get the length sentence?"""

    def one_more(x, y, lr, steps):
        params, losses = reference.fit_linear(x, y, lr, steps)
        return params, [*losses, reference.linear_mse_loss(params["w"], params["b"], x, y)]

    error = failure(check.fit_linear, one_more)
    assert error.mistake is None
    assert error.message == L.FIT_HISTORY_LENGTH.format(
        got=2, steps=1, label=WORKED)


def test_fit_loss_that_does_not_fall():
    """Does a fit_linear that stops learning after the first step get the loss-must-fall sentence?"""

    def stuck(x, y, lr, steps):
        params, losses = reference.fit_linear(x, y, lr, min(steps, 1))
        return params, losses * steps

    error = failure(check.fit_linear, stuck)
    assert error.mistake is None
    _, y = lesson03._problem(np.random.default_rng(lesson03.FIT_SEED), 30, np.float64, steep=True)
    first = lesson03.format_number(np.asarray(np.mean(y**2)))
    assert error.message == L.FIT_LOSS_NOT_FALLING.format(first=first, last=first, steps=100,
                                                          label="noisy points, lr = 0.05, 100 steps")


def test_fit_unknown_wrong_value():
    """Does a fit_linear with a wrong step size that no bank entry explains show the part and both values?"""

    def lr_doubled(x, y, lr, steps):
        return reference.fit_linear(x, y, 2 * lr, steps)

    error = failure(check.fit_linear, lr_doubled)
    assert error.mistake is None
    assert error.message == L.FIT_WRONG_VALUE.format(
        part="w", got="3.73333", expected="1.86667",
        label=WORKED)
    hidden = failure(check.fit_linear, lr_doubled, hidden=True)
    assert hidden.message == M.WRONG_VALUE_HIDDEN.format(name="fit_linear", what=M.PART_ANSWER.format(part="w"),
                                                         label=M.HIDDEN_LABEL.format(index="3.1"))


def test_fit_mutating_x():
    """Does a fit_linear that scales x in place get the mutation sentence?"""

    def in_place(x, y, lr, steps):
        x = np.asarray(x, dtype=float)
        result = reference.fit_linear(x, y, lr, steps)
        x /= 2
        return result

    error = failure(check.fit_linear, in_place)
    assert error.message == M.MUTATED.format(name="fit_linear", arg="x",
                                             label=WORKED)


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize(("given", "what"), [(1.87, "a float"), (None, "a NoneType")])
def test_not_passing_a_function(name, given, what):
    """Does passing a value instead of the function get told how to call the check?"""
    error = failure(CHECKS[name], given)
    assert error.message == M.NOT_CALLABLE.format(name=name, what=what)


def test_descent_plot_draws_every_regime(monkeypatch):
    """Does plot_descent draw crawling, converging and diverging runs (NaN included) without warnings?"""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lesson_utils.lesson03 import plots

    monkeypatch.setattr(plt, "show", lambda: None)
    verdicts = []
    for lr, steps in [(0.005, 100), (0.1, 100), (0.13, 100), (1.0, 1000)]:
        plots.plot_descent(lr, steps)
        fig = plt.gcf()
        verdicts.append(fig.axes[0].get_title().split(": ")[-1])
        fig.canvas.draw()
        plt.close(fig)
    assert verdicts == ["crawling", "converging", "diverging", "diverging"]
