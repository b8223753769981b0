"""Tests of the lesson 06 checks: do they pass every correct optimizer, name every
known wrong one by its trajectory, and say the right sentence?"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import numpy as np
import pytest

from lesson_utils import check
from lesson_utils import messages as M
from lesson_utils.lesson06 import check as lesson06
from lesson_utils.lesson06 import messages as L
from lesson_utils.lesson06 import mistakes, reference, stored

from .processors import NO_WIDE_PATHS, narrow_simd_env

NAMES = ("sgd_momentum_step", "adam_step", "adamw_step")
CHECKS = {name: getattr(check, name) for name in NAMES}
SPECS = lesson06.SPECS

NEEDS_TORCH = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="compares with torch.optim on runs that are not stored: needs torch")
"""The default batteries and the grade cells' are stored, so most of these tests run without torch; not these."""


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


def first_call(name: str) -> str:
    """The label of the learner's first call: the worked run, step 1."""
    return f"{lesson06.battery(SPECS[name]).worked.label}, step 1"


# --- the reference is torch.optim ---------------------------------------------------------


@NEEDS_TORCH
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [None, 3, 11])
def test_reference_equals_torch_on_every_run(name, seed):
    """Does the NumPy reference follow torch.optim to float64 precision on every run of the visible and hidden
    batteries, so that the checks are fair?"""
    spec = SPECS[name]
    for hidden in (False, True):
        for run in lesson06.battery(spec, seed=seed, hidden=hidden).all_runs():
            got = lesson06.bank_trajectory(getattr(reference, name), run)
            assert lesson06._first_parting(got, lesson06.torch_trajectory(spec, run)) is None, run.label


def test_first_momentum_step_is_plain_sgd_and_velocity_builds_up():
    """Is the first momentum step v = g, and does a constant gradient build the velocity towards g / (1 - mu)?"""
    params, state = {"w": np.array([1.0])}, {}
    for _ in range(200):
        params, state = reference.sgd_momentum_step(params, {"w": np.array([1.0])}, state, 0.01, 0.9)
    assert state["velocity"]["w"] == pytest.approx([10.0], rel=1e-6)
    first, _ = reference.sgd_momentum_step({"w": np.array([1.0])}, {"w": np.array([2.0])}, {}, 0.1, 0.9)
    assert first["w"] == pytest.approx([0.8])


def test_first_adam_step_has_the_size_of_lr():
    """Does Adam's first step (bias-corrected) move every parameter by about lr, whatever its gradient's size?"""
    params = {"w": np.array([1.0, 1.0, 1.0])}
    new, state = reference.adam_step(params, {"w": np.array([1e-3, 1.0, -1e3])}, {}, 0.1)
    assert new["w"] - params["w"] == pytest.approx([-0.1, -0.1, 0.1], rel=1e-4)
    assert state["step"] == 1


def test_adamw_decays_before_the_adam_step_and_differs_from_l2():
    """Is AdamW the decay p * (1 - lr * wd) then Adam, and different from Adam + L2?"""
    params, grads = {"w": np.array([2.0, -3.0])}, {"w": np.array([0.5, 0.5])}
    decoupled, _ = reference.adamw_step(params, grads, {}, 0.1, weight_decay=0.5)
    adam, _ = reference.adam_step({"w": params["w"] * (1 - 0.1 * 0.5)}, grads, {}, 0.1)
    l2, _ = reference.adam_l2_step(params, grads, {}, 0.1, weight_decay=0.5)
    assert decoupled["w"] == pytest.approx(adam["w"], rel=1e-15)
    assert not np.allclose(decoupled["w"], l2["w"])


@NEEDS_TORCH
def test_warmup_cosine_schedule_equals_torch():
    """Does the NumPy warm-up + cosine schedule equal torch's SequentialLR(LinearLR, CosineAnnealingLR)?"""
    import torch

    optimizer = torch.optim.SGD([torch.zeros(1)], lr=0.1)
    schedule = torch.optim.lr_scheduler.SequentialLR(optimizer, [
        torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=10),
        torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=90, eta_min=0.001)], milestones=[10])
    lrs = []
    for _ in range(100):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        schedule.step()
    ours = [reference.warmup_cosine(s, 0.1, 10, 100, 0.1, 0.001) for s in range(100)]
    assert np.allclose(lrs, ours, rtol=1e-12, atol=0)
    assert ours[0] == pytest.approx(0.01) and ours[10] == pytest.approx(0.1) and ours[-1] > 0.001


def test_importing_the_checks_does_not_import_torch():
    """Does `from lesson_utils import check` (and the lesson 06 check module) stay free of torch and matplotlib?"""
    code = ("import sys; from lesson_utils import check; check.adam_step; import lesson_utils.lesson06.check; "
            "print('torch' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# --- correct implementations ---------------------------------------------------------------------


def sgd_negative_velocity(params, grads, state, lr, momentum):
    """Keeps u = -v (u = momentum * u - g, p = p + lr * u), in a list-free state of its own naming."""
    old = state.get("u", {})
    u = {k: (momentum * old[k] - np.asarray(grads[k], float)) if k in old else -np.asarray(grads[k], float)
         for k in params}
    return {k: params[k] + lr * u[k] for k in params}, {"u": u}


def sgd_loop(params, grads, state, lr, momentum):
    """Element by element, with zeros as the first velocity (0 * momentum + g = g)."""
    new_params, velocity = {}, {}
    for name, p in params.items():
        p = np.array(p, dtype=float)
        g = np.array(grads[name], dtype=float)
        v = np.array(state["velocity"][name], dtype=float) if state else np.zeros_like(p)
        flat_v, flat_p, flat_g = v.reshape(-1), p.reshape(-1), g.reshape(-1)
        for i in range(flat_p.size):
            flat_v[i] = momentum * flat_v[i] + flat_g[i]
            flat_p[i] = flat_p[i] - lr * flat_v[i]
        velocity[name], new_params[name] = v, p
    return new_params, {"velocity": velocity}


def adam_torch_order(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
    """torch's own arithmetic: step_size = lr / bc1, denom = sqrt(v) / sqrt(bc2) + eps; state under other names."""
    b1, b2 = betas
    t = state.get("t", 0.0) + 1.0
    m = {k: b1 * state["exp_avg"][k] + (1 - b1) * grads[k] if state else (1 - b1) * grads[k] for k in params}
    v = {k: b2 * state["exp_avg_sq"][k] + (1 - b2) * grads[k] ** 2 if state else (1 - b2) * grads[k] ** 2
         for k in params}
    step_size = lr / (1 - b1**t)
    new = {k: params[k] - step_size * m[k] / (np.sqrt(v[k]) / np.sqrt(1 - b2**t) + eps) for k in params}
    return new, {"t": t, "exp_avg": m, "exp_avg_sq": v}


def adam_moments_as_tuples(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
    """One entry per parameter: (m, v), and the step count next to them."""
    t = state.get("step", 0) + 1
    new_params, moments = {}, {}
    for k, p in params.items():
        g = grads[k]
        m, v = state["moments"][k] if state else (0.0, 0.0)
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        new_params[k] = p - lr * (m / (1 - betas[0] ** t)) / (np.sqrt(v / (1 - betas[1] ** t)) + eps)
        moments[k] = (m, v)
    return new_params, {"step": t, "moments": moments}


def adamw_subtract_decay(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    """The Adam step from the old p, then minus lr * weight_decay * (old p): the same numbers as decaying first."""
    stepped, new_state = reference.adam_step(params, grads, state, lr, betas, eps)
    return {k: stepped[k] - lr * weight_decay * params[k] for k in params}, new_state


def adamw_via_adam(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    decayed = {k: p - lr * weight_decay * p for k, p in params.items()}
    return adam_torch_order(decayed, grads, state, lr, betas, eps)


CORRECT = [
    ("sgd_momentum_step", reference.sgd_momentum_step),
    ("sgd_momentum_step", sgd_negative_velocity),
    ("sgd_momentum_step", sgd_loop),
    ("adam_step", reference.adam_step),
    ("adam_step", adam_torch_order),
    ("adam_step", adam_moments_as_tuples),
    ("adamw_step", reference.adamw_step),
    ("adamw_step", adamw_subtract_decay),
    ("adamw_step", adamw_via_adam),
]


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method (other state layouts, other arithmetic) pass, visibly and in hidden mode?"""
    assert CHECKS[name](fn) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == M.SUMMARY_PASS.format(n=5)
    assert not [line for line in lines if line.startswith("  ❌")]
    assert CHECKS[name](fn, hidden=True) is None


@NEEDS_TORCH
@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass_on_another_seed(name, fn):
    """Does any correct method pass the hidden battery of another seed too?"""
    assert CHECKS[name](fn, hidden=True, seed=99) is None


@pytest.mark.parametrize("name", NAMES)
def test_check_prints_a_line_per_probe(name, capsys):
    """Does the check print its header, one ✅ per probe (saying what it compares) and the summary?"""
    spec = SPECS[name]
    CHECKS[name](getattr(reference, name))
    lines = capsys.readouterr().out.splitlines()
    probes = lesson06.probes(spec)
    assert lines[0] == M.PROBES_HEADER.format(signature=spec.signature, n=len(probes))
    assert lines[1:-1] == [M.CASE_PASS.format(label=p.label) for p in probes]
    assert f"torch.optim.{spec.torch_name}" in probes[1].label and "150 steps" in probes[1].label
    assert "hidden globals" in probes[-1].label


@pytest.mark.parametrize("name", NAMES)
def test_hidden_mode_shows_no_inputs(name, capsys):
    """In a grading cell, does the reference pass with only a count of hidden cases, nothing about any one of them?"""
    CHECKS[name](getattr(reference, name), hidden=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Hidden checks:")
    n = int(re.search(r" (\d+) more ", lines[0])[1])
    assert lines[1] == M.SUMMARY_PASS_HIDDEN.format(n=n)


@NEEDS_TORCH
def test_extra_cases_are_run():
    """Are explicit extra (lr, hyperparameters) cases run, and can they catch what the battery misses?"""
    check.adam_step(reference.adam_step, hidden=True, cases=[(0.01,), (0.2, (0.95, 0.9999))])
    check.sgd_momentum_step(reference.sgd_momentum_step, hidden=True, cases=[(0.02, 0.8)])

    def wrong_at_momentum_08(params, grads, state, lr, momentum):
        return reference.sgd_momentum_step(params, grads, state, lr, 0.7 if momentum == 0.8 else momentum)

    check.sgd_momentum_step(wrong_at_momentum_08, hidden=True)
    error = failure(check.sgd_momentum_step, wrong_at_momentum_08, hidden=True, cases=[(0.02, 0.8)])
    assert error.message == L.PARTS_FROM_TORCH_HIDDEN.format(name="sgd_momentum_step", torch="SGD", step=2,
                                                             label=M.HIDDEN_LABEL.format(index="2.4"), param="W")


@pytest.mark.parametrize("name", NAMES)
def test_stub_is_told_to_write_the_function(name):
    """Does the untouched stub get the 'not written yet' sentence?"""

    def stub(*args):
        raise NotImplementedError()

    error = failure(CHECKS[name], stub)
    assert error.message == M.NOT_IMPLEMENTED.format(name=name)
    assert error.mistake is None
    assert isinstance(error, AssertionError)


# --- the banks --------------------------------------------------------------------------------------

BANK = [(name, m) for name in NAMES for m in SPECS[name].bank]


def test_banks_hold_the_mistakes_the_lesson_teaches():
    """Do the banks know no bias correction, eps inside the root, L2 instead of decoupled decay, momentum on the
    parameters, bias correction counted from 0 and dampening?"""
    ids = {name: {m.id for m in SPECS[name].bank} for name in NAMES}
    assert {"momentum_on_params", "dampening", "lr_in_velocity"} <= ids["sgd_momentum_step"]
    assert {"no_bias_correction", "eps_inside_sqrt", "step_from_zero"} <= ids["adam_step"]
    assert {"l2_not_decoupled", "no_bias_correction", "eps_inside_sqrt", "step_from_zero"} <= ids["adamw_step"]


@pytest.mark.parametrize(("name", "mistake"), BANK, ids=[f"{n}-{m.id}" for n, m in BANK])
def test_every_known_mistake_is_named(name, mistake):
    """Is a learner who makes a bank mistake told exactly that mistake, visibly and at grading?"""
    for kwargs in ({}, {"hidden": True}):
        error = failure(CHECKS[name], mistake.fn, **kwargs)
        assert error.mistake == mistake.id
        assert error.message == M.KNOWN_MISTAKE.format(name=name, explanation=mistake.explanation)


@NEEDS_TORCH
@pytest.mark.parametrize(("name", "mistake"), BANK, ids=[f"{n}-{m.id}" for n, m in BANK])
def test_every_known_mistake_is_named_on_another_seed(name, mistake):
    """Is a bank mistake named at grading on another seed's hidden battery too?"""
    error = failure(CHECKS[name], mistake.fn, hidden=True, seed=17)
    assert error.mistake == mistake.id


@pytest.mark.parametrize("name", NAMES)
def test_bank_entries_are_told_apart(name):
    """Does every bank entry run differently from the reference and from every other entry?"""
    spec = SPECS[name]
    runs = lesson06.battery(spec).all_runs()

    def trajectories(fn):
        return [lesson06.bank_trajectory(fn, run) for run in runs]

    def same(a, b):
        return all(lesson06._same(x, y, lesson06.BANK_RTOL, lesson06.BANK_ATOL) for x, y in zip(a, b, strict=True))

    expected = trajectories(getattr(reference, name))
    results = {m.id: trajectories(m.fn) for m in spec.bank}
    assert [i for i, r in results.items() if same(r, expected)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and same(results[a], results[b])] == []


def test_lr_in_velocity_passes_at_a_fixed_lr_and_fails_on_the_schedule():
    """Is lr inside the velocity caught only where it differs: when the learning rate changes?"""
    wrong = mistakes.SGD_BANK[[m.id for m in mistakes.SGD_BANK].index("lr_in_velocity")]
    error = failure(check.sgd_momentum_step, wrong.fn)
    assert error.case == lesson06.probes(lesson06.SGD)[3].label


@NEEDS_TORCH
def test_adam_plus_l2_equals_torch_adam_with_weight_decay():
    """Is the bank's 'weight decay in the gradient' exactly torch.optim.Adam(weight_decay=...)?"""
    import dataclasses

    run = lesson06.battery(lesson06.ADAMW).variants[0]
    adam_spec = dataclasses.replace(lesson06.ADAM, hyper_names=lesson06.ADAMW.hyper_names)
    l2 = mistakes.ADAMW_BANK[0]
    assert l2.id == "l2_not_decoupled"
    assert lesson06._first_parting(lesson06.bank_trajectory(l2.fn, run), lesson06.torch_trajectory(adam_spec, run)) \
        is None


# --- no hidden globals ----------------------------------------------------------------------------------------


def make_global_adam():
    memory: dict = {}

    def adam_with_global_state(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
        """Correct arithmetic, but m, v and t live in a closure, reset when state is {}."""
        if not state:
            memory.clear()
        new, inner = reference.adam_step(params, grads, memory.get("inner", {}), lr, betas, eps)
        memory["inner"] = inner
        return new, {"started": True}

    return adam_with_global_state


def test_state_kept_outside_the_state_dict_is_caught():
    """Is an optimizer that remembers m and v in a global told to keep everything in the state, when two problems
    are stepped in turn?"""
    probes = lesson06.probes(lesson06.ADAM)
    error = failure(check.adam_step, make_global_adam())
    assert error.mistake == "hidden_global"
    assert error.case == probes[-1].label
    assert error.message == L.HIDDEN_GLOBAL.format(name="adam_step", label=probes[-1].label)
    hidden = failure(check.adam_step, make_global_adam(), hidden=True)
    assert hidden.message == L.HIDDEN_GLOBAL.format(name="adam_step", label=M.HIDDEN_LABEL.format(index=4))


def test_tree_compares_nested_values():
    """Do the dicts handed to the learner compare equal to a copy, and unequal once anything inside changed?"""
    a = lesson06.tree({"step": 1, "m": {"w": np.arange(3.0)}, "betas": (0.9, 0.99)})
    b = lesson06.tree({"step": 1, "m": {"w": np.arange(3.0)}, "betas": (0.9, 0.99)})
    assert a == b
    assert not a != b  # noqa: SIM202 (the != operator itself is under test)
    b["m"]["w"][0] = 5.0
    assert a != b
    assert a != {"step": 1, "m": {"w": np.arange(3.0, dtype=np.float32)}, "betas": (0.9, 0.99)}
    assert a != {"step": 2, "m": {"w": np.arange(3.0)}, "betas": (0.9, 0.99)}


# --- bad output from the learner ---------------------------------------------------------------------------------


def test_returning_none():
    """Does a step without `return` get the None sentence, with the case and step?"""
    error = failure(check.adam_step, lambda params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8: None)
    assert error.message == M.RETURNED_NONE.format(name="adam_step", label=first_call("adam_step"))


def test_returning_only_the_params():
    """Does returning new_params alone get the 'two values' sentence?"""
    error = failure(check.sgd_momentum_step, lambda *args: reference.sgd_momentum_step(*args)[0])
    assert error.message == M.RETURNED_WRONG_COUNT.format(name="sgd_momentum_step",
                                                          label=first_call("sgd_momentum_step"), got="one dict", n=2,
                                                          names="new_params, new_state")


def test_returning_params_under_other_names_or_shapes():
    """Do other names, another shape, or a list instead of a dict get a plain sentence?"""
    label = first_call("sgd_momentum_step")

    def renamed(*args):
        new, state = reference.sgd_momentum_step(*args)
        return {"weights": new["w"]}, state

    error = failure(check.sgd_momentum_step, renamed)
    assert error.message == L.PARAMS_WRONG_KEYS.format(name="sgd_momentum_step", got="weights", label=label, names="w")

    def flattened(*args):
        new, state = reference.sgd_momentum_step(*args)
        return {k: v.reshape(1, -1) for k, v in new.items()}, state

    error = failure(check.sgd_momentum_step, flattened)
    assert error.message == L.PARAM_WRONG_SHAPE.format(name="sgd_momentum_step", param="w", got_shape=(1, 3),
                                                       label=label, expected_shape=(3,))

    def listed(*args):
        new, state = reference.sgd_momentum_step(*args)
        return list(new.values()), state

    error = failure(check.sgd_momentum_step, listed)
    assert error.message == L.PARAMS_NOT_DICT.format(name="sgd_momentum_step", type="list", label=label, names="w")


def test_state_that_is_not_a_dict():
    """Does a state returned as a tuple get the 'state is a dict' sentence with the layout example?"""

    def tuple_state(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
        new, inner = reference.adam_step(params, grads, state, lr, betas, eps)
        return new, (inner["step"], inner["m"], inner["v"])

    error = failure(check.adam_step, tuple_state)
    assert error.message == L.STATE_NOT_DICT.format(name="adam_step", type="tuple", label=first_call("adam_step"),
                                                    example=lesson06.ADAM.state_example)


@NEEDS_TORCH
def test_nan_parameters():
    """Does a step that produces NaN (not a bank mistake) get the not-finite sentence with step and parameter?"""

    def nan_step(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
        new, inner = reference.adam_step(params, grads, state, lr, betas, eps)
        return {k: v * np.nan if inner["step"] == 2 else v for k, v in new.items()}, inner

    error = failure(check.adam_step, nan_step)
    expected = lesson06.torch_trajectory(lesson06.ADAM, lesson06.battery(lesson06.ADAM).worked)[1]["w"]
    assert error.mistake is None
    assert error.message == L.NOT_FINITE_STEP.format(
        name="adam_step", got="[nan nan nan]", param="w", step=2, steps=3,
        label=lesson06.battery(lesson06.ADAM).worked.label, torch="Adam",
        expected=lesson06.format_number(expected))


@NEEDS_TORCH
def test_unknown_wrong_step_names_the_first_step_and_parameter():
    """Does a wrong step that matches no mistake say at which step and in which parameter it parts from torch,
    and in hidden mode show no values?"""

    def half_lr_later(params, grads, state, lr, momentum):
        late = state.get("velocity") is not None and "n" in state and state["n"] >= 2
        new, inner = reference.sgd_momentum_step(params, grads, state, lr / 2 if late else lr, momentum)
        return new, {**inner, "n": state.get("n", 0) + 1}

    error = failure(check.sgd_momentum_step, half_lr_later)
    run = lesson06.battery(lesson06.SGD).worked
    got = lesson06.bank_trajectory(half_lr_later, run)[2]["w"]
    expected = lesson06.torch_trajectory(lesson06.SGD, run)[2]["w"]
    assert error.mistake is None
    assert error.message == L.PARTS_FROM_TORCH.format(
        name="sgd_momentum_step", torch="SGD", step=3, steps=3, label=run.label, param="w",
        got=lesson06.format_number(got), expected=lesson06.format_number(expected), hint=L.HINT_SGD)
    hidden = failure(check.sgd_momentum_step, half_lr_later, hidden=True)
    assert hidden.message == L.PARTS_FROM_TORCH_HIDDEN.format(name="sgd_momentum_step", torch="SGD", step=3,
                                                              label=M.HIDDEN_LABEL.format(index=1), param="W")


def test_float32_is_told_to_keep_float64():
    """Does an optimizer that computes in float32 get the float64-precision sentence?"""

    def in_float32(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        new, inner = reference.adamw_step(params, grads, state, lr, betas, eps, weight_decay)
        return {k: v.astype(np.float32) for k, v in new.items()}, inner

    error = failure(check.adamw_step, in_float32)
    assert error.message.startswith("adamw_step agrees with torch.optim.AdamW only to about ")
    assert error.message.endswith(L.LOW_PRECISION.split("(1e-10). ")[1])


def test_raising():
    """Does an exception inside the learner's step become one plain sentence?"""

    def raises(params, grads, state, lr, momentum):
        return state["velocity"], {}

    error = failure(check.sgd_momentum_step, raises)
    assert error.message == M.RAISED.format(name="sgd_momentum_step", error="KeyError",
                                            label=first_call("sgd_momentum_step"), detail="'velocity'",
                                            first_arg="params")


def test_mutating_the_state():
    """Is a step that updates the state dict in place told to build a new one?"""

    def in_place(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
        new, inner = reference.adam_step(params, grads, state, lr, betas, eps)
        state.update(inner)
        return new, state

    error = failure(check.adam_step, in_place)
    label = f"{lesson06.battery(lesson06.ADAM).worked.label}, step 1"
    assert error.message == L.STATE_MUTATED.format(name="adam_step", label=label, example=lesson06.ADAM.state_example)


def test_mutating_the_params():
    """Is a step that subtracts into the parameter arrays told it changed params in place?"""

    def in_place(params, grads, state, lr, momentum):
        _, inner = reference.sgd_momentum_step(params, grads, state, lr, momentum)
        for k in params:
            params[k] -= lr * inner["velocity"][k]
        return params, inner

    error = failure(check.sgd_momentum_step, in_place)
    assert error.message == M.MUTATED.format(name="sgd_momentum_step", arg="params",
                                             label=first_call("sgd_momentum_step"))


def never_returns(*args):
    while True:
        pass


@pytest.mark.parametrize("name", NAMES)
def test_never_returning(name):
    """Is a step that never returns stopped after its time limit with a plain sentence?"""
    error = failure(CHECKS[name], never_returns, time_limit=0.2)
    assert error.message == M.TIMED_OUT.format(name=name, seconds=0.2, label=first_call(name))


# --- the stored torch.optim trajectories -------------------------------------------------


def grade_cell_sources() -> list[str]:
    """The grade cells of the lesson 06 solution notebook (hidden tests included)."""
    import nbformat

    from autograder.paths import SOLUTIONS
    from autograder.repair import is_test_cell

    nb = nbformat.read(SOLUTIONS / "06_optimizers.ipynb", as_version=4)
    return [cell.source for cell in nb.cells if is_test_cell(cell)]


def live_trajectories() -> dict[tuple, tuple[stored.StoredRun, list[dict]]]:
    """torch.optim's trajectory of every battery the course runs (the default ones, shown and hidden, and those of
    the grade cells), computed now with torch."""
    import contextlib
    import io

    kept, use = dict(lesson06._TORCH_TRAJECTORIES), lesson06.USE_STORED
    lesson06._TORCH_TRAJECTORIES.clear()
    lesson06.USE_STORED = False
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for name in NAMES:
                for hidden in (False, True):
                    CHECKS[name](getattr(reference, name), hidden=hidden)
            for source in grade_cell_sources():
                exec(source, {"check": check, **{name: getattr(reference, name) for name in NAMES}})
        return dict(lesson06._TORCH_TRAJECTORIES)
    finally:
        lesson06._TORCH_TRAJECTORIES.clear()
        lesson06._TORCH_TRAJECTORIES.update(kept)
        lesson06.USE_STORED = use


@NEEDS_TORCH
def test_stored_trajectories_are_torch_optims_own(request):
    """Is every trajectory the checks read from the stored file (default batteries and the grade cells') the one
    torch.optim computes now, for the very same run (``--update-golden`` rewrites the file)?"""
    live = live_trajectories()
    batteries = {key[:3] for key in live}
    assert {(name, False, "default") for name in NAMES} | {(name, True, "default") for name in NAMES} <= batteries
    assert len(batteries) == 3 * 3  # per exercise: the default ones, shown and hidden, and its grade cell's
    if request.config.getoption("--update-golden"):
        stored.write(live)
    for key, (run, trajectory) in live.items():
        found = stored.lookup(key, run)
        assert found is not None, f"{stored.name(key)} is not stored (run pytest --update-golden)"
        assert len(found) == len(trajectory)
        for step_found, step_live in zip(found, trajectory, strict=True):
            assert sorted(step_found) == sorted(step_live)
            for param in step_live:
                assert step_found[param].shape == step_live[param].shape
                # torch computed the file on another processor, perhaps: the same run, rounded differently
                np.testing.assert_allclose(step_found[param], step_live[param], rtol=lesson06.RTOL / 10,
                                           atol=lesson06.ATOL / 10)


def test_a_changed_run_is_not_read_from_the_stored_file():
    """When a default run is no longer the one the file was made from (other learning rates, another start, other
    data, another optimizer), is it computed, not read stale?"""
    key = ("adam_step", False, "default", 2, 0)
    run = lesson06.battery(lesson06.ADAM).main
    assert stored.lookup(key, lesson06.stored_run(lesson06.ADAM, run)) is not None
    land = run.landscape
    other_start = lesson06.Landscape(land.description, {**land.start, "s": land.start["s"] + 1e-6}, land.data,
                                     land.gradient)
    other_data = lesson06.Landscape(land.description, land.start, {**land.data, "Y": land.data["Y"] * 1.001},
                                    land.gradient)
    changed = [lesson06.Run(run.label, land, (0.051,) * run.steps, run.hyper),
               lesson06.Run(run.label, land, run.lrs[:-1], run.hyper),
               lesson06.Run(run.label, other_start, run.lrs, run.hyper),
               lesson06.Run(run.label, other_data, run.lrs, run.hyper),
               lesson06.Run(run.label, land, run.lrs, ((0.8, 0.999), 1e-8))]
    for other in changed:
        assert stored.lookup(key, lesson06.stored_run(lesson06.ADAM, other)) is None
    assert stored.lookup(key, lesson06.stored_run(lesson06.ADAMW, run)) is None


WITHOUT_TORCH = """
import sys
sys.modules["torch"] = None
import numpy as np
from lesson_utils import check
from lesson_utils.lesson06 import check as lesson06, reference

NUDGE_ULPS = {ulps}
rng = np.random.default_rng(6)


def nudge(values):
    # every computed number moved by NUDGE_ULPS ulps, each up or down: another processor's rounding
    out = {{}}
    for key, value in values.items():
        array = np.array(value, dtype=np.float64)
        for _ in range(NUDGE_ULPS):
            array = np.nextafter(array, np.where(rng.random(array.shape) < 0.5, -np.inf, np.inf))
        out[key] = array
    return out


if NUDGE_ULPS:
    computed = lesson06.regression  # the bowl is given in literal numbers, the same everywhere

    def regression(*args):
        land = computed(*args)
        return lesson06.Landscape(land.description, nudge(land.start), nudge(land.data), land.gradient)

    lesson06.regression = regression

for name in ("sgd_momentum_step", "adam_step", "adamw_step"):
    getattr(check, name)(getattr(reference, name))
    getattr(check, name)(getattr(reference, name), hidden=True)
for source in {sources!r}:
    exec(source, {{"check": check, **{{n: getattr(reference, n) for n in dir(reference)}}}})
"""


def run_without_torch(ulps: int = 0, env: dict | None = None) -> subprocess.CompletedProcess:
    code = WITHOUT_TORCH.format(ulps=ulps, sources=grade_cell_sources())
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_the_checks_and_grade_cells_run_without_torch():
    """Do the default checks and the grade cells pass the reference in an interpreter where torch cannot even be
    imported (every trajectory they need is stored)?"""
    done = run_without_torch()
    assert done.returncode == 0, done.stderr[-2000:]
    assert "All 5 cases pass" in done.stdout


@pytest.mark.parametrize("ulps", [1, 2])
def test_stored_trajectories_are_found_when_the_inputs_round_differently(ulps):
    """When every computed number of every run (start, data, hence gradients) is moved by one or two ulps, as
    another processor's BLAS or SIMD kernels would, is each stored trajectory still found (torch is never
    imported) and does the reference still agree with it at every step?"""
    done = run_without_torch(ulps)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "All 5 cases pass" in done.stdout


def test_the_checks_pass_with_numpys_wide_simd_paths_switched_off():
    """With NumPy's wider SIMD kernels switched off (so ``exp``, ``log1p`` and sums round as on an older processor),
    do the checks and the grade cells still find every stored trajectory and pass the reference?"""
    env = narrow_simd_env()
    if env is None:
        pytest.skip(NO_WIDE_PATHS)
    done = run_without_torch(env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "All 5 cases pass" in done.stdout
