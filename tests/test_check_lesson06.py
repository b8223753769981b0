"""Tests of the lesson 06 checks: do they pass every correct optimizer, name every
known wrong one by its steps, and say the right sentence?"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from lesson_utils import check
from lesson_utils import messages as M
from lesson_utils.harness import battery_rng
from lesson_utils.lesson06 import check as lesson06
from lesson_utils.lesson06 import messages as L
from lesson_utils.lesson06 import mistakes, reference
from lesson_utils.schedules import warmup_cosine

from .processors import NO_WIDE_PATHS, narrow_simd_env

NAMES = ("sgd_momentum_step", "adam_step", "adamw_step")
CHECKS = {name: getattr(check, name) for name in NAMES}
SPECS = lesson06.SPECS

NEEDS_TORCH = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="compares with torch.optim: needs torch")
"""The checks compare with the NumPy reference and need no torch; the tests that the reference is torch's do."""


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


def battery(spec: lesson06.Spec, seed: int | None = None, hidden: bool = False) -> lesson06.Battery:
    """The calls and runs of one of ``spec``'s checks, shown or hidden, as the check draws them."""
    return lesson06.battery(spec, battery_rng(spec.seed, seed, hidden), hidden, ())


def first_call(name: str) -> str:
    """The label of the learner's first call: the worked run, step 1."""
    return f"{battery(SPECS[name]).worked.label}, step 1"


# --- the reference is torch.optim ---------------------------------------------------------


def torch_step(spec: lesson06.Spec, call: lesson06.Call) -> lesson06.Step:
    """torch.optim's own answer to ``call``: an optimizer made fresh, the call's state put into it, one step."""
    import torch

    tensors = {k: torch.tensor(np.array(v, dtype=np.float64)) for k, v in call.params.items()}
    kwargs = dict(zip(spec.hyper_names, call.hyper, strict=False))
    optimizer = getattr(torch.optim, spec.torch_name)(list(tensors.values()), lr=call.lr, **kwargs)
    for k, t in tensors.items():
        t.grad = torch.tensor(np.array(call.grads[k], dtype=np.float64))
        if call.state and spec.counts_steps:
            optimizer.state[t] = {"step": torch.tensor(float(call.state["step"]), dtype=torch.float64),
                                  "exp_avg": torch.tensor(call.state["m"][k]),
                                  "exp_avg_sq": torch.tensor(call.state["v"][k])}
        elif call.state and call.hyper[0]:
            optimizer.state[t] = {"momentum_buffer": torch.tensor(call.state["velocity"][k])}
    with torch.no_grad():
        optimizer.step()
    params = {k: t.numpy().copy() for k, t in tensors.items()}
    states = [optimizer.state[t] for t in tensors.values()]
    if spec.counts_steps:
        state = {"step": np.array(float(states[0]["step"])),
                 "m": {k: s["exp_avg"].numpy().copy() for k, s in zip(tensors, states, strict=True)},
                 "v": {k: s["exp_avg_sq"].numpy().copy() for k, s in zip(tensors, states, strict=True)}}
    else:
        # with momentum 0 torch keeps no buffer: its velocity is the gradient itself
        state = {"velocity": {k: s["momentum_buffer"].numpy().copy() if call.hyper[0] else call.grads[k]
                              for k, s in zip(tensors, states, strict=True)}}
    return lesson06.Step(params, state)


@NEEDS_TORCH
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [None, 3, 11])
def test_reference_equals_torch_on_every_call(name, seed):
    """Does the NumPy reference give torch.optim's new parameters and new state, to float64 precision, on every
    call of the visible and hidden batteries (torch's optimizer given the call's state), so that the checks are
    fair?"""
    spec = SPECS[name]
    for hidden in (False, True):
        for call in battery(spec, seed=seed, hidden=hidden).calls():
            got = lesson06.trusted_step(spec, spec.reference, call)
            assert lesson06._first_difference(got, torch_step(spec, call)) is None, call.label


@NEEDS_TORCH
@pytest.mark.parametrize("name", NAMES)
def test_reference_follows_torch_on_the_closed_loops(name):
    """On the worked bowl's three steps and on the long run to the bowl's minimum, does the reference follow
    torch.optim's own loop, and end near the minimum as the check asks?"""
    import torch

    spec = SPECS[name]
    b = battery(spec)
    for run in (b.worked, b.minimum):
        tensors = {k: torch.tensor(np.array(v, dtype=np.float64)) for k, v in run.landscape.start.items()}
        kwargs = dict(zip(spec.hyper_names, run.hyper, strict=False))
        optimizer = getattr(torch.optim, spec.torch_name)(list(tensors.values()), lr=run.lrs[0], **kwargs)
        params, state = {k: v.copy() for k, v in run.landscape.start.items()}, {}
        for lr in run.lrs:
            grads = run.landscape.grads({k: t.numpy().copy() for k, t in tensors.items()})
            for k, t in tensors.items():
                t.grad = torch.tensor(grads[k])
            optimizer.param_groups[0]["lr"] = lr
            with torch.no_grad():
                optimizer.step()
            params, state = spec.reference(params, run.landscape.grads(params), state, lr, *run.hyper)
        assert np.allclose(params["w"], tensors["w"].numpy(), rtol=1e-9, atol=1e-12), run.label
    assert np.max(np.abs(params["w"] - b.minimum.landscape.data["centre"])) < lesson06.NEAR_MINIMUM / 5


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
    ours = [warmup_cosine(s, 0.1, 10, 100, 0.1, 0.001) for s in range(100)]
    assert np.allclose(lrs, ours, rtol=1e-12, atol=0)
    assert ours[0] == pytest.approx(0.01) and ours[10] == pytest.approx(0.1) and ours[-1] > 0.001


# --- correct implementations ---------------------------------------------------------------------


def sgd_torch_optim(params, grads, state, lr, momentum):
    """torch.optim.SGD itself, the velocity put into it and read back: torch tensors in the state it returns."""
    import torch

    tensors = {k: torch.tensor(np.asarray(p, dtype=np.float64)) for k, p in params.items()}
    optimizer = torch.optim.SGD(list(tensors.values()), lr=lr, momentum=momentum)
    for k, t in tensors.items():
        t.grad = torch.as_tensor(np.asarray(grads[k], dtype=np.float64))
        if state and momentum:
            optimizer.state[t]["momentum_buffer"] = torch.as_tensor(state["velocity"][k]).clone()
    with torch.no_grad():
        optimizer.step()
    return ({k: t.detach().clone() for k, t in tensors.items()},
            {"velocity": {k: (optimizer.state[t]["momentum_buffer"] if momentum else t.grad).clone()
                          for k, t in tensors.items()}})


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
    """torch's own arithmetic: step_size = lr / bc1, denom = sqrt(v) / sqrt(bc2) + eps; the step count a float."""
    b1, b2 = betas
    t = state.get("step", 0.0) + 1.0
    m = {k: b1 * state["m"][k] + (1 - b1) * grads[k] if state else (1 - b1) * grads[k] for k in params}
    v = {k: b2 * state["v"][k] + (1 - b2) * grads[k] ** 2 if state else (1 - b2) * grads[k] ** 2 for k in params}
    step_size = lr / (1 - b1**t)
    new = {k: params[k] - step_size * m[k] / (np.sqrt(v[k]) / np.sqrt(1 - b2**t) + eps) for k in params}
    return new, {"step": t, "m": m, "v": v}


def adam_torch_optim(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
    """torch.optim.Adam itself, the state put into it and read back: tensors (and a tensor step) in the state."""
    import torch

    tensors = {k: torch.tensor(np.asarray(p, dtype=np.float64)) for k, p in params.items()}
    optimizer = torch.optim.Adam(list(tensors.values()), lr=lr, betas=betas, eps=eps)
    for k, t in tensors.items():
        t.grad = torch.as_tensor(np.asarray(grads[k], dtype=np.float64))
        if state:
            optimizer.state[t] = {"step": torch.as_tensor(state["step"], dtype=torch.float64).clone(),
                                  "exp_avg": torch.as_tensor(state["m"][k]).clone(),
                                  "exp_avg_sq": torch.as_tensor(state["v"][k]).clone()}
    with torch.no_grad():
        optimizer.step()
    first = optimizer.state[next(iter(tensors.values()))]
    return ({k: t.detach().numpy().copy() for k, t in tensors.items()},
            {"step": first["step"], "m": {k: optimizer.state[t]["exp_avg"] for k, t in tensors.items()},
             "v": {k: optimizer.state[t]["exp_avg_sq"] for k, t in tensors.items()}})


def adamw_subtract_decay(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    """The Adam step from the old p, then minus lr * weight_decay * (old p): the same numbers as decaying first."""
    stepped, new_state = reference.adam_step(params, grads, state, lr, betas, eps)
    return {k: stepped[k] - lr * weight_decay * params[k] for k in params}, new_state


def adamw_via_adam(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    decayed = {k: p - lr * weight_decay * p for k, p in params.items()}
    return adam_torch_order(decayed, grads, state, lr, betas, eps)


TORCH_STYLES = [
    pytest.param("sgd_momentum_step", sgd_torch_optim, marks=NEEDS_TORCH, id="sgd_momentum_step-sgd_torch_optim"),
    pytest.param("adam_step", adam_torch_optim, marks=NEEDS_TORCH, id="adam_step-adam_torch_optim"),
]
"""Correct steps written with torch.optim itself, keeping torch tensors in the state."""

CORRECT = [
    ("sgd_momentum_step", reference.sgd_momentum_step),
    ("sgd_momentum_step", sgd_loop),
    ("adam_step", reference.adam_step),
    ("adam_step", adam_torch_order),
    ("adamw_step", reference.adamw_step),
    ("adamw_step", adamw_subtract_decay),
    ("adamw_step", adamw_via_adam),
]


@pytest.mark.parametrize(("name", "fn"), [*CORRECT, *TORCH_STYLES],
                         ids=[f"{n}-{f.__name__}" for n, f in CORRECT] + [p.id for p in TORCH_STYLES])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method (other arithmetic, loops, torch.optim itself with tensors in the state) pass,
    visibly and in hidden mode?"""
    assert CHECKS[name](fn) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == M.SUMMARY_PASS.format(n=6)
    assert not [line for line in lines if line.startswith("  ❌")]
    assert CHECKS[name](fn, hidden=True) is None


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass_on_other_batteries(name, fn):
    """Does any correct method pass the visible and hidden batteries drawn with other seeds too?"""
    for seed in (7, 99):
        assert CHECKS[name](fn, seed=seed) is None
        assert CHECKS[name](fn, hidden=True, seed=seed) is None


@pytest.mark.parametrize("name", NAMES)
def test_check_prints_a_line_per_probe(name, capsys):
    """Does the check print its header, one ✅ per probe (saying what it compares) and the summary?"""
    spec = SPECS[name]
    CHECKS[name](getattr(reference, name))
    lines = capsys.readouterr().out.splitlines()
    probes = spec.behaviour.rows()
    assert lines[0] == M.PROBES_HEADER.format(signature=spec.signature, n=len(probes))
    assert lines[1:-1] == [M.CASE_PASS.format(label=p.label) for p in probes]
    assert [f"torch.optim.{spec.torch_name}" in p.label for p in probes] == [True, True, False, True, True, True]
    assert "hidden globals" in probes[2].label and "drawn at random" in probes[3].label
    assert "ends near the minimum" in probes[-1].label


@pytest.mark.parametrize("name", NAMES)
def test_calls_are_independent_draws_within_a_real_runs_range(name):
    """Is every single call's input drawn on its own (no call's parameters or state taken from another call's
    output), with states as a run would have them: a step count of 1 to 2000, v at least m squared, gradients
    from 1e-6 to about 3 in size?"""
    spec = SPECS[name]
    calls = battery(spec).calls() + battery(spec, hidden=True).calls()
    firsts = [c for c in calls if not c.state]
    assert len(firsts) >= 6
    params = [np.concatenate([np.ravel(v) for v in c.params.values()]) for c in calls]
    assert len({p.tobytes() for p in params}) == len(calls)
    for call in calls:
        sizes = np.concatenate([np.abs(np.ravel(g)) for g in call.grads.values()])
        assert sizes.max() < 20 and sizes.min() > 0
        if call.state and spec.counts_steps:
            assert 1 <= call.state["step"] <= 2000
            assert all(np.all(call.state["v"][k] >= call.state["m"][k] ** 2) for k in call.params)
        elif call.state:
            assert sorted(call.state["velocity"]) == sorted(call.params)


def test_extra_cases_are_run():
    """Are explicit extra (lr, hyperparameters) cases run, and can they catch what the battery misses?"""
    check.adam_step(reference.adam_step, hidden=True, cases=[(0.01,), (0.2, (0.95, 0.9999))])
    check.sgd_momentum_step(reference.sgd_momentum_step, hidden=True, cases=[(0.02, 0.8)])

    def wrong_at_momentum_08(params, grads, state, lr, momentum):
        return reference.sgd_momentum_step(params, grads, state, lr, 0.7 if momentum == 0.8 else momentum)

    check.sgd_momentum_step(wrong_at_momentum_08, hidden=True)
    error = failure(check.sgd_momentum_step, wrong_at_momentum_08, hidden=True, cases=[(0.02, 0.8)])
    second_extra = len(lesson06.SGD.variants) * 3 + 2  # the first extra call starts from {}, where v = g
    assert error.message == L.DIFFERS_HIDDEN.format(name="sgd_momentum_step", torch="SGD",
                                                    label=M.HIDDEN_LABEL.format(index=f"4.{second_extra}"),
                                                    what="new_params['W']")


# --- the banks --------------------------------------------------------------------------------------

BANK = [(name, m) for name in NAMES for m in SPECS[name].bank]


def test_banks_hold_the_mistakes_the_lesson_teaches():
    """Do the banks know no bias correction, eps inside the root, L2 instead of decoupled decay, momentum on the
    parameters, bias correction counted from 0 and dampening?"""
    ids = {name: {m.id for m in SPECS[name].bank} for name in NAMES}
    assert {"momentum_on_params", "dampening", "lr_in_velocity"} <= ids["sgd_momentum_step"]
    assert {"no_bias_correction", "eps_inside_sqrt", "step_from_zero"} <= ids["adam_step"]
    assert {"l2_not_decoupled", "no_bias_correction", "eps_inside_sqrt", "step_from_zero"} <= ids["adamw_step"]


@NEEDS_TORCH
@pytest.mark.parametrize(("name", "mistake"), BANK, ids=[f"{n}-{m.id}" for n, m in BANK])
def test_every_known_mistake_is_named_on_another_seed(name, mistake):
    """Is a bank mistake named at grading on another seed's hidden battery too?"""
    error = failure(CHECKS[name], mistake.fn, hidden=True, seed=17)
    assert error.mistake == mistake.id


@pytest.mark.parametrize("name", NAMES)
def test_bank_entries_are_told_apart(name):
    """Does every bank entry answer the battery's calls differently from the reference and from every other
    entry?"""
    spec = SPECS[name]
    calls = battery(spec).calls()

    def answers(fn):
        return [lesson06.trusted_step(spec, fn, call) for call in calls]

    def same(a, b):
        return all(lesson06._same(x, y, lesson06.BANK_RTOL, lesson06.BANK_ATOL) for x, y in zip(a, b, strict=True))

    expected = answers(spec.reference)
    results = {m.id: answers(m.fn) for m in spec.bank}
    assert [i for i, r in results.items() if same(r, expected)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and same(results[a], results[b])] == []


def test_lr_in_velocity_is_named_by_the_velocity_it_keeps():
    """Is lr inside the velocity, whose parameters follow torch's from {} at a fixed lr, named at once by the
    velocity it returns, and also by its steps from a drawn velocity when the state is not compared?"""
    wrong = mistakes.SGD_BANK[[m.id for m in mistakes.SGD_BANK].index("lr_in_velocity")]
    error = failure(check.sgd_momentum_step, wrong.fn)
    assert error.case == lesson06.SGD.behaviour.rows()[0].label
    assert error.mistake == "lr_in_velocity"
    worked = battery(lesson06.SGD).worked
    params, state, ours, theirs = worked.landscape.start, {}, worked.landscape.start, {}
    for lr in worked.lrs:
        params, state = wrong.fn(params, worked.landscape.grads(params), state, lr, *worked.hyper)
        ours, theirs = reference.sgd_momentum_step(ours, worked.landscape.grads(ours), theirs, lr, *worked.hyper)
        assert np.allclose(params["w"], ours["w"], rtol=1e-12)
    for call in battery(lesson06.SGD).main:
        new = lesson06.trusted_step(lesson06.SGD, wrong.fn, call).params["W"]
        assert not np.allclose(new, lesson06.trusted_step(lesson06.SGD, reference.sgd_momentum_step, call).params["W"])


@NEEDS_TORCH
def test_adam_plus_l2_equals_torch_adam_with_weight_decay():
    """Is the bank's 'weight decay in the gradient' exactly torch.optim.Adam(weight_decay=...)?"""
    adam_spec = replace(lesson06.ADAM, hyper_names=lesson06.ADAMW.hyper_names)
    l2 = mistakes.ADAMW_BANK[0]
    assert l2.id == "l2_not_decoupled"
    for call in battery(lesson06.ADAMW).variants[:3]:
        got = lesson06.trusted_step(lesson06.ADAMW, l2.fn, call)
        assert lesson06._first_difference(got, torch_step(adam_spec, call)) is None


@NEEDS_TORCH
def test_eps_hat_is_the_other_placement_of_eps():
    """Is the bank's 'epsilon hat' Adam the same as torch.optim.Adam with eps * sqrt(1 - beta2**t), which is how
    that variant is usually described?"""
    eps_hat = next(m for m in mistakes.ADAM_BANK if m.id == "eps_hat")
    for call in battery(lesson06.ADAM).variants:
        betas, eps = call.hyper
        t = call.state.get("step", 0) + 1
        scaled = replace(call, hyper=(betas, eps / np.sqrt(1 - betas[1] ** t)))
        got = lesson06.trusted_step(lesson06.ADAM, eps_hat.fn, call)
        assert lesson06._first_difference(got, torch_step(lesson06.ADAM, scaled)) is None


# --- no hidden globals ----------------------------------------------------------------------------------------


def make_global_adam():
    memory: dict = {}

    def adam_with_global_state(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
        """Correct arithmetic, but m, v and t live in a closure, reset when state is {}."""
        if not state:
            memory.clear()
        new, inner = reference.adam_step(params, grads, memory.get("inner", {}), lr, betas, eps)
        memory["inner"] = inner
        return new, inner

    return adam_with_global_state


def test_state_kept_outside_the_state_dict_is_caught():
    """Is an optimizer that remembers m and v in a global told to keep everything in the state, when two problems
    are stepped in turn?"""
    probes = lesson06.ADAM.behaviour.rows()
    error = failure(check.adam_step, make_global_adam())
    assert error.mistake == "hidden_global"
    assert error.case == probes[2].label
    assert error.message == L.HIDDEN_GLOBAL.format(name="adam_step", label=probes[2].label)
    hidden = failure(check.adam_step, make_global_adam(), hidden=True)
    assert hidden.message == L.HIDDEN_GLOBAL.format(name="adam_step", label=M.HIDDEN_LABEL.format(index=2))


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


def test_nan_parameters():
    """Does a step that produces NaN (not a bank mistake) get the not-finite sentence with the call and value?"""

    def nan_step(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8):
        new, inner = reference.adam_step(params, grads, state, lr, betas, eps)
        return {k: v * np.nan if inner["step"] == 2 else v for k, v in new.items()}, inner

    error = failure(check.adam_step, nan_step)
    worked = battery(lesson06.ADAM).worked
    params, state = reference.adam_step(worked.landscape.start, worked.landscape.grads(worked.landscape.start), {},
                                        0.1)
    expected = reference.adam_step(params, worked.landscape.grads(params), state, 0.1)[0]["w"]
    assert error.mistake is None
    assert error.message == L.NOT_FINITE_STEP.format(
        name="adam_step", got="[nan nan nan]", what="new_params['w']", label=f"{worked.label}, step 2",
        torch="Adam", expected=lesson06.format_number(expected))


def test_unknown_wrong_step_names_the_call_and_value():
    """Does a wrong step that matches no mistake say on which call and in which returned value it differs from
    torch, with both numbers, and in hidden mode show no values?"""

    def half_lr_later(params, grads, state, lr, momentum):
        new, inner = reference.sgd_momentum_step(params, grads, state, lr / 2 if state else lr, momentum)
        return new, inner

    error = failure(check.sgd_momentum_step, half_lr_later)
    run = battery(lesson06.SGD).worked
    params, state, inputs = dict(run.landscape.start), {}, []
    for lr in run.lrs[:2]:
        inputs.append((params, run.landscape.grads(params), state, lr))
        params, state = half_lr_later(params, run.landscape.grads(params), state, lr, *run.hyper)
    got = params["w"]
    expected = reference.sgd_momentum_step(*inputs[1], *run.hyper)[0]["w"]
    assert error.mistake is None
    assert error.message == L.DIFFERS.format(
        name="sgd_momentum_step", torch="SGD", label=f"{run.label}, step 2", what="new_params['w']",
        got=lesson06.format_number(got), expected=lesson06.format_number(expected), hint=L.HINT_SGD)
    hidden = failure(check.sgd_momentum_step, half_lr_later, hidden=True)
    assert hidden.message == L.DIFFERS_HIDDEN.format(name="sgd_momentum_step", torch="SGD",
                                                     label=M.HIDDEN_LABEL.format(index="3.1"), what="new_params['W']")


def test_float32_is_told_to_keep_float64():
    """Does an optimizer that computes in float32 get the float64-precision sentence?"""

    def in_float32(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        new, inner = reference.adamw_step(params, grads, state, lr, betas, eps, weight_decay)
        return {k: v.astype(np.float32) for k, v in new.items()}, inner

    error = failure(check.adamw_step, in_float32)
    assert error.message.startswith("adamw_step agrees with torch.optim.AdamW only to about ")
    assert error.message.endswith(L.LOW_PRECISION.split("'{label}', ")[1])


def test_a_float64_step_off_by_more_than_rounding_is_not_told_about_float32():
    """Is a float64 step whose numbers differ slightly (Adam's 'epsilon hat' placement, here not in the bank) told
    that it differs from torch, not that it lost precision?"""
    eps_hat = next(m for m in mistakes.ADAM_BANK if m.id == "eps_hat")
    kept = mistakes.ADAM_BANK
    mistakes.ADAM_BANK = tuple(m for m in kept if m.id != "eps_hat")
    try:
        error = failure(check.adam_step, eps_hat.fn)
    finally:
        mistakes.ADAM_BANK = kept
    assert error.mistake is None
    assert error.message.startswith("adam_step differs from torch.optim.Adam on the case ")
    assert failure(check.adam_step, eps_hat.fn).mistake == "eps_hat"


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
    label = f"{battery(lesson06.ADAM).worked.label}, step 1"
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


# --- another processor's rounding --------------------------------------------------------------------


def grade_cell_sources() -> list[str]:
    """The grade cells of the lesson 06 solution notebook (hidden tests included)."""
    import nbformat

    from hml_grader.paths import SOLUTIONS
    from hml_grader.repair import is_test_cell

    nb = nbformat.read(SOLUTIONS / "06_optimizers.ipynb", as_version=4)
    return [cell.source for cell in nb.cells if is_test_cell(cell)]


def nudged(fn, ulps: int, seed: int = 6):
    """``fn`` with every number it returns moved by ``ulps`` ulps, each up or down: the same step computed by
    another processor's kernels (or by the learner's machine, while the grader judges on another)."""
    rng = np.random.default_rng(seed)

    def move(value):
        if isinstance(value, dict):
            return {k: move(v) for k, v in value.items()}
        if isinstance(value, int):
            return value
        array = np.array(value, dtype=np.float64)
        for _ in range(ulps):  # an exact 0 (the square of a zero gradient) is 0 on every processor
            array = np.where(array == 0, array,
                             np.nextafter(array, np.where(rng.random(array.shape) < 0.5, -np.inf, np.inf)))
        return array

    def step(*args):
        new, state = fn(*args)
        return move(new), move(state)

    return step


@pytest.mark.parametrize("ulps", [1, 4])
@pytest.mark.parametrize("name", NAMES)
def test_a_step_that_rounds_differently_passes(name, ulps):
    """Does the reference with every returned number moved by one or four ulps (another processor's rounding, fed
    back into the closed loops too) pass the visible and hidden batteries of several seeds?"""
    for seed in (None, 1, 2, 3):
        CHECKS[name](nudged(getattr(reference, name), ulps), seed=seed)
        CHECKS[name](nudged(getattr(reference, name), ulps), seed=seed, hidden=True)


WITHOUT_TORCH = """
import sys
sys.modules["torch"] = None
from lesson_utils import check
from lesson_utils.lesson06 import reference

for name in ("sgd_momentum_step", "adam_step", "adamw_step"):
    getattr(check, name)(getattr(reference, name))
    getattr(check, name)(getattr(reference, name), hidden=True)
for source in {sources!r}:
    exec(source, {{"check": check, **{{n: getattr(reference, n) for n in dir(reference)}}}})
"""


def run_without_torch(env: dict | None = None) -> subprocess.CompletedProcess:
    code = WITHOUT_TORCH.format(sources=grade_cell_sources())
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_the_checks_and_grade_cells_run_without_torch():
    """Do the default checks and the grade cells pass the reference in an interpreter where torch cannot even be
    imported?"""
    done = run_without_torch()
    assert done.returncode == 0, done.stderr[-2000:]
    assert "All 6 cases pass" in done.stdout


def test_the_checks_pass_with_numpys_wide_simd_paths_switched_off():
    """With NumPy's wider SIMD kernels switched off (so ``exp``, ``sqrt`` and sums round as on an older processor),
    do the checks and the grade cells still pass the reference?"""
    env = narrow_simd_env()
    if env is None:
        pytest.skip(NO_WIDE_PATHS)
    done = run_without_torch(env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "All 6 cases pass" in done.stdout


def test_the_lesson_writes_the_schedule_the_course_uses():
    """Is the warmup_cosine that lesson 06 writes out, line for line, the one lesson 08 and the checks use?"""
    import inspect

    import nbformat

    from hml_grader.paths import SOLUTIONS

    nb = nbformat.read(SOLUTIONS / "06_optimizers.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "schedule")
    assert cell.source.startswith(inspect.getsource(warmup_cosine).rstrip() + "\n")
