"""Checks for lesson 06: ``sgd_momentum_step``, ``adam_step`` and ``adamw_step``.

A check calls the learner's step on inputs it draws itself, one call at a time: parameters, gradients, a
learning rate and a *state* part-way through a run (a step count, moments, a velocity), each drawn
independently and at random, and compares the new parameters and the new state with what
``torch.optim`` computes from that same input (the reference is torch's arithmetic, tested against it).
No call's input depends on an earlier output, so rounding cannot compound from step to step and the
comparison can ask for float64 precision on every call. Two short runs close the loop: the worked bowl for
three steps (compared step by step) and a longer run whose end must be near the bowl's minimum. One more
probe steps two problems in turn to catch state kept outside the ``state`` dict.

Each probe's ``call`` gathers everything it asks of the learner's step (every call goes through the trial's
:func:`call_learner`) and its ``conclude`` judges it with what is withheld at grading -- the reference and the
bank of mistakes -- so in the grading kernel a probe stops at its judging (``Withheld``) with all its calls
recorded, and the grader judges them from the record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from .. import messages as M
from ..harness import (
    ARRAY,
    Behaviour,
    Mistake,
    Probe,
    Problem,
    Trial,
    ValueDict,
    first_like,
    low_precision,
    make_behaviour_check,
    quietly,
    value_dicts,
)
from ..outputs import format_number, is_torch_tensor, several
from ..schedules import warmup_cosine
from ..withheld import withheld
from . import messages as L

mistakes, reference = withheld(__package__, "mistakes", "reference")

RTOL = 1e-10
ATOL = 1e-12
"""Learner against torch on one call (or one of the worked bowl's three steps): float64 precision."""
BANK_RTOL = 1e-8
BANK_ATOL = 1e-10
"""Learner against a bank entry (the bank's own arithmetic may round differently)."""
LOW_PRECISION_BELOW = 1e-4
"""A step whose arrays are of a lower precision and that differs by less than this (relative) is told about
float64."""
NEAR_MINIMUM = 0.1
"""How far from the bowl's minimum (in any coordinate) the closed-loop run may end: the reference ends within
0.012 of it on every one of 300 batteries (AdamW's weight decay keeps it off the exact minimum), from starts
up to 4 away."""


# --- what one call is given, and what it gives back ------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One call of an optimizer step: everything it is given."""

    label: str
    params: dict
    grads: dict
    state: dict
    lr: float
    hyper: tuple = ()

    @property
    def args(self) -> tuple:
        return (ValueDict(self.params), ValueDict(self.grads), value_dicts(self.state), self.lr, *self.hyper)


@dataclass(frozen=True)
class Step:
    """What one call gave back, in canonical form: the new parameters and the new state (float64 arrays, the
    step count as a float), and whether its arrays were of a lower precision than float64."""

    params: dict
    state: dict
    low_precision: bool = False

    def values(self) -> dict[str, np.ndarray]:
        """Every returned number by the name a learner reads it under: ``new_params['W']``, ``new_state['m']['W']``."""
        out = {f"new_params['{k}']": v for k, v in self.params.items()}
        for key, value in self.state.items():
            if isinstance(value, dict):
                out.update({f"new_state['{key}']['{k}']": v for k, v in value.items()})
            else:
                out[f"new_state['{key}']"] = value
        return out


def _array(value: Any, what: str, label: str) -> np.ndarray:
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=what, label=label))
    if is_torch_tensor(value):
        value = value.detach().cpu().numpy()
    (array,) = ARRAY.convert(value, what, label)
    return array


# --- the problems ----------------------------------------------------------------------------------


def _regression_grads(params: dict, data: dict) -> dict:
    X, Y = data["X"], data["Y"]
    n, k = Y.shape
    error = X @ params["W"] + params["b"] - Y
    return {"W": 2.0 * X.T @ error / (n * k), "b": 2.0 * error.mean(axis=0) / k,
            "s": data["curvature"] * (params["s"] - data["target"])}


@dataclass(frozen=True)
class Landscape:
    """A loss over named parameters: where to start, the data it is computed from, and its gradient."""

    description: str
    start: dict
    data: dict
    gradient: Callable[[dict, dict], dict]

    def grads(self, params: dict) -> dict:
        return self.gradient(params, self.data)


def regression(rng: np.random.Generator, n: int, d: int, k: int) -> Landscape:
    """Linear regression y_hat = X @ W + b (MSE) plus a scalar s in a bowl: parameters of three shapes."""
    X = rng.normal(size=(n, d))
    Y = X @ rng.normal(size=(d, k)) + rng.normal(size=k) + 0.1 * rng.normal(size=(n, k))
    curvature, target = float(rng.uniform(1.0, 4.0)), float(rng.normal())
    start = {"W": rng.normal(size=(d, k)), "b": np.zeros(k), "s": np.array(float(rng.normal()))}
    data = {"X": X, "Y": Y, "curvature": np.array(curvature), "target": np.array(target)}
    return Landscape(f"linear regression with W {d}×{k}, b ({k},) and a scalar s", start, data, _regression_grads)


def _bowl_grads(params: dict, data: dict) -> dict:
    return {"w": np.array(params["w"], dtype=np.float64) - data["centre"]}


def bowl(start: Sequence[float] = (1.0, -2.0, 0.5), centre: float = 1.0) -> Landscape:
    """The bowl L = sum((w - centre)**2) / 2 from ``start``, whose gradient is w - centre (the worked problem
    by default)."""
    shown = ", ".join(f"{x:g}" for x in start)
    return Landscape(f"the bowl L = sum((w - {centre:g})**2) / 2 from w = [{shown}]",
                     {"w": np.array(start, dtype=np.float64)}, {"centre": np.array(centre)}, _bowl_grads)


@dataclass(frozen=True)
class Run:
    """A closed loop: a problem, a learning rate per step, and the hyperparameters after lr."""

    label: str
    landscape: Landscape
    lrs: tuple[float, ...]
    hyper: tuple = ()

    @property
    def steps(self) -> int:
        return len(self.lrs)


@dataclass(frozen=True)
class Spec:
    """What the checks need to know about one optimizer exercise."""

    name: str
    hyper_names: tuple[str, ...]
    torch_name: str
    bank_name: str
    """The name of this exercise's bank in :mod:`.mistakes`, read only when judging (:attr:`bank`)."""
    seed: int
    hint: str
    state_example: str
    state_keys: tuple[str, ...]
    """The state's entries that hold one array per parameter (``velocity``; ``m`` and ``v``)."""
    counts_steps: bool
    main_hyper: tuple
    variants: tuple[tuple, ...]

    @property
    def bank(self) -> tuple[Mistake, ...]:
        """The known mistakes of this exercise (withheld at grading: judging only)."""
        return getattr(mistakes, self.bank_name)

    @property
    def reference(self) -> Callable[..., Any]:
        """torch.optim's step in NumPy (withheld at grading: judging only)."""
        return getattr(reference, self.name)

    @property
    def arg_names(self) -> tuple[str, ...]:
        return ("params", "grads", "state", "lr", *self.hyper_names)

    @property
    def signature(self) -> str:
        names = list(self.arg_names)
        if self.name != "sgd_momentum_step":
            names[4:] = ["betas=(0.9, 0.999)", "eps=1e-8"] + (["weight_decay=0.01"] if "weight_decay" in names
                                                               else [])
        return f"{self.name}({', '.join(names)})"

    @property
    def behaviour(self) -> Behaviour:
        return Behaviour(name=self.name, arg_names=self.arg_names, seed=self.seed, probes=partial(probes, self),
                         shown_signature=self.signature)


# --- drawing single calls ----------------------------------------------------------------------------


def _describe(spec: Spec, hyper: tuple) -> str:
    if not hyper:
        return "default " + ", ".join(spec.hyper_names)
    return ", ".join(f"{n} = {v}" for n, v in zip(spec.hyper_names, hyper, strict=False))


def _shapes(params: dict) -> str:
    return ", ".join(f"{k} {'×'.join(map(str, np.shape(v))) or 'scalar'}" for k, v in params.items())


def draw_call(spec: Spec, rng: np.random.Generator, shape: tuple[int, int], lr: float, hyper: tuple,
              first: bool = False) -> Call:
    """One call's input, drawn as a real run would have it part-way through (or at its first step).

    Every parameter entry has its own gradient size (from 1e-6 to 3), and the state's moments match it: a
    velocity of a few gradients, ``m`` of about a gradient and ``v`` of about its square, as after ``t`` steps.
    """
    d, k = shape
    params = {"W": rng.normal(size=(d, k)), "b": rng.normal(size=k), "s": np.array(rng.normal())}
    sizes = {name: 10.0 ** rng.uniform(-6.0, 0.5, size=np.shape(p)) for name, p in params.items()}
    grads = {name: sizes[name] * rng.normal(size=np.shape(p)) for name, p in params.items()}
    state: dict = {}
    if not first:
        if spec.counts_steps:
            t = int(np.round(10.0 ** rng.uniform(0.0, 3.3)))
            m = {name: 0.5 * s * rng.normal(size=s.shape) for name, s in sizes.items()}
            v = {name: m[name] ** 2 + (s * rng.normal(size=s.shape)) ** 2 for name, s in sizes.items()}
            state = {"step": t, "m": m, "v": v}
        else:
            state = {"velocity": {name: 3.0 * s * rng.normal(size=s.shape) for name, s in sizes.items()}}
    where = "from state {} (the first step)" if first else (
        f"from a state after {state['step']} steps" if spec.counts_steps else "from a state with a velocity")
    label = f"{where}, {_shapes(params)}, lr = {lr:g}, {_describe(spec, hyper)}"
    return Call(label, params, grads, state, lr, hyper)


# --- calling the learner's step ------------------------------------------------------------------------


def _read_step(spec: Spec, value: Any, call_params: dict, label: str) -> Step:
    """The learner's ``(new_params, new_state)`` in canonical form, or a :class:`Problem`."""
    name = spec.name
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=name, label=label))
    if is_torch_tensor(value):
        raise Problem(M.RETURNED_TENSOR.format(name=name, label=label))
    new_params, new_state = several(value, ("new_params", "new_state"), name, label)
    names = ", ".join(call_params)
    if not isinstance(new_params, dict):
        raise Problem(L.PARAMS_NOT_DICT.format(name=name, type=type(new_params).__name__, label=label, names=names))
    if sorted(map(str, new_params)) != sorted(call_params):
        raise Problem(L.PARAMS_WRONG_KEYS.format(name=name, got=", ".join(map(str, new_params)) or "none",
                                                 label=label, names=names))
    low = False
    params = {}
    for key, old in call_params.items():
        array = _array(new_params[key], f"{name} (new_params['{key}'])", label)
        if array.shape != np.shape(old):
            raise Problem(L.PARAM_WRONG_SHAPE.format(name=name, param=key, got_shape=array.shape, label=label,
                                                     expected_shape=np.shape(old)))
        low = low or low_precision(new_params[key])
        params[key] = array
    if not isinstance(new_state, dict):
        raise Problem(L.STATE_NOT_DICT.format(name=name, type=type(new_state).__name__, label=label,
                                              example=spec.state_example))
    state: dict = {}
    for key in (("step",) if spec.counts_steps else ()) + spec.state_keys:
        if key not in new_state:
            raise Problem(L.STATE_MISSING.format(name=name, key=f"'{key}'", label=label, example=spec.state_example))
    if spec.counts_steps:
        state["step"] = _array(new_state["step"], f"{name} (new_state['step'])", label)
    for key in spec.state_keys:
        inner = new_state[key]
        if not isinstance(inner, dict) or sorted(map(str, inner)) != sorted(call_params):
            raise Problem(L.STATE_MISSING.format(name=name, key=f"one entry of '{key}' per parameter ({names})",
                                                 label=label, example=spec.state_example))
        state[key] = {k: _array(inner[k], f"{name} (new_state['{key}']['{k}'])", label)
                      for k, old in call_params.items()}
        low = low or low_precision([inner[k] for k in call_params])
    return Step(params, state, low)


def learner_step(spec: Spec, fn: Any, call: Call, trial: Trial) -> Step:
    """One call of the learner's step, read into canonical form."""
    return _read_step(spec, _call(spec, fn, call, trial), call.params, call.label)


def _call(spec: Spec, fn: Any, call: Call, trial: Trial) -> Any:
    """The learner's step on ``call``, as it returned it."""
    try:
        return trial.call(fn, call.args, call.label)
    except Problem as problem:
        if problem.message == M.MUTATED.format(name=spec.name, arg="state", label=call.label):
            raise Problem(L.STATE_MUTATED.format(name=spec.name, label=call.label,
                                                 example=spec.state_example)) from None
        raise


def trusted_step(spec: Spec, fn: Callable[..., Any], call: Call) -> Step:
    """A reference or bank entry's answer to ``call`` (quietly: some bank entries divide by zero on purpose)."""
    return _read_step(spec, quietly(fn, call.args), call.params, call.label)


def gather(spec: Spec, fn: Any, calls: Sequence[Call], trial: Trial) -> tuple[list[Step], Problem | None]:
    """The learner's answer to each call in turn, up to the first call with a problem.

    That problem is returned beside the answers before it (and no later call is made), so that the judging
    can first judge those answers and then raise it, as a check judging call by call would.
    """
    steps = []
    for call in calls:
        try:
            steps.append(learner_step(spec, fn, call, trial))
        except Problem as problem:
            return steps, problem
    return steps, None


def _finite(params: dict) -> bool:
    return all(np.all(np.isfinite(v)) for v in params.values())


# --- judging ---------------------------------------------------------------------------------------------


def _same(a: Step, b: Step, rtol: float, atol: float) -> bool:
    x, y = a.values(), b.values()
    return list(x) == list(y) and all(
        v.shape == y[k].shape and np.allclose(v, y[k], rtol=rtol, atol=atol, equal_nan=True) for k, v in x.items())


def _first_difference(got: Step, expected: Step) -> str | None:
    """The first returned value (``new_params['W']``, ``new_state['m']['b']``, ...) where ``got`` differs."""
    x, y = got.values(), expected.values()
    for key, value in y.items():
        if not np.allclose(x[key], value, rtol=RTOL, atol=ATOL, equal_nan=True):
            return key
    return None


def known_mistake(spec: Spec, calls: Sequence[Call], got: Sequence[Step]) -> Mistake | None:
    """The first bank entry whose answers to ``calls`` equal the learner's."""
    return first_like(spec.bank, lambda fn: all(_same(g, trusted_step(spec, fn, c), BANK_RTOL, BANK_ATOL)
                                                for c, g in zip(calls, got, strict=False)))


def _relative_error(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(got - expected) / (np.abs(expected) + 1e-8), initial=0.0))


def _explain(spec: Spec, calls: Sequence[Call], got: Sequence[Step], index: int, expected: Step, label: str,
             hidden: bool) -> Problem:
    mistake = known_mistake(spec, calls, got)
    if mistake is not None:
        return Problem(M.KNOWN_MISTAKE.format(name=spec.name, explanation=mistake.explanation), mistake=mistake.id)
    what = _first_difference(got[index], expected)
    if hidden:
        return Problem(L.DIFFERS_HIDDEN.format(name=spec.name, torch=spec.torch_name, label=label, what=what))
    mine, theirs = got[index].values(), expected.values()
    g, e = mine[what], theirs[what]
    fields = dict(name=spec.name, torch=spec.torch_name, label=label, what=what, got=format_number(g),
                  expected=format_number(e))
    if not np.all(np.isfinite(g)):
        return Problem(L.NOT_FINITE_STEP.format(**fields))
    error = max(_relative_error(mine[k], v) for k, v in theirs.items())
    if got[index].low_precision and error < LOW_PRECISION_BELOW:
        return Problem(L.LOW_PRECISION.format(name=spec.name, torch=spec.torch_name, error=error, label=label))
    return Problem(L.DIFFERS.format(**fields, hint=spec.hint))


def _judge(spec: Spec, calls: Sequence[Call], got: Sequence[Step], labels: Sequence[str], stopped: Problem | None,
           hidden: bool) -> None:
    """Each gathered answer against the reference's answer to the same call; then the problem that stopped the
    gathering, if any."""
    for i, (call, step, label) in enumerate(zip(calls, got, labels, strict=False)):
        expected = trusted_step(spec, spec.reference, call)
        if _first_difference(step, expected) is not None:
            raise _explain(spec, calls[: len(got)], got, i, expected, label, hidden)
    if stopped is not None:
        raise stopped


# --- probes --------------------------------------------------------------------------------------------

Gathered = tuple[list[Call], list[Step], "Problem | None"]
"""What a probe's calls gave: the calls made, the learner's answers to them, and the problem that stopped them
(judged after the answers before it, as a check judging call by call would)."""


def _judge_gathered(spec: Spec, gathered: Gathered, trial: Trial) -> None:
    calls, got, stopped = gathered
    _judge(spec, calls, got, [c.label for c in calls], stopped, trial.hidden)


def calls_probe(spec: Spec, label: str, calls: Sequence[Call]) -> Probe:
    """Each call's new parameters and new state equal torch.optim's from the same input."""

    def call(fn: Any, trial: Trial) -> Gathered:
        labels = trial.labels([c.label for c in calls])
        named = [Call(lab, c.params, c.grads, c.state, c.lr, c.hyper) for c, lab in zip(calls, labels, strict=True)]
        got, stopped = gather(spec, fn, named, trial)
        return named, got, stopped

    return Probe(label, call, partial(_judge_gathered, spec))


def _learner_loop(spec: Spec, fn: Any, run: Run, label: str, trial: Trial) -> Gathered:
    """The learner's step in a closed loop on ``run``: each call is given the parameters it returned (in
    canonical form) and the state it returned (as it returned it, whatever it holds)."""
    params = {k: np.array(v, dtype=np.float64) for k, v in run.landscape.start.items()}
    state: Any = {}
    calls: list[Call] = []
    steps: list[Step] = []
    for i, lr in enumerate(run.lrs, 1):
        grads = run.landscape.grads(params) if _finite(params) else {k: np.full_like(v, np.nan)
                                                                       for k, v in params.items()}
        call = Call(f"{label}, step {i}", params, grads, state, lr, run.hyper)
        try:
            value = _call(spec, fn, call, trial)
            step = _read_step(spec, value, params, call.label)
        except Problem as problem:
            return calls, steps, problem
        calls.append(call)
        steps.append(step)
        params, state = step.params, value[1]
    return calls, steps, None


def _finished_loop(spec: Spec, fn: Any, run: Run, label: str, trial: Trial) -> list[Step]:
    """The learner's answers in a closed loop on ``run`` that must run to its end (its problem raised, if any)."""
    _, steps, stopped = _learner_loop(spec, fn, run, label, trial)
    if stopped is not None:
        raise stopped
    return steps


def worked_probe(spec: Spec, label: str, run: Run) -> Probe:
    """The worked bowl for three steps from ``{}``, each step equal to torch's (three steps of a bowl cannot
    compound rounding); shown only."""
    return Probe(label, lambda fn, trial: _learner_loop(spec, fn, run, run.label, trial),
                 partial(_judge_gathered, spec))


def minimum_probe(spec: Spec, label: str, run: Run) -> Probe:
    """A longer closed loop on a bowl ends near its minimum, as torch.optim's does; judged by that property
    only, with a tolerance no rounding reaches (the bank and the reference are not needed)."""

    def conclude(got: list[Step], trial: Trial) -> None:
        w, centre = got[-1].params["w"], run.landscape.data["centre"]
        distance = float(np.max(np.abs(w - centre)))
        if not distance <= NEAR_MINIMUM:
            raise Problem((L.FAR_FROM_MINIMUM_HIDDEN if trial.hidden else L.FAR_FROM_MINIMUM).format(
                name=spec.name, label=trial.label(run.label), steps=run.steps, distance=f"{distance:.3g}",
                torch=spec.torch_name, tolerance=f"{NEAR_MINIMUM:g}"))

    return Probe(label, lambda fn, trial: _finished_loop(spec, fn, run, trial.label(run.label), trial), conclude)


def _stepped_in_turn(spec: Spec, fn: Any, runs: tuple[Run, Run], label: str, trial: Trial) -> list[list[Step]]:
    """The learner's answers when the two ``runs`` are stepped in turn, each with its own parameters and state."""
    params = [{k: np.array(v, dtype=np.float64) for k, v in run.landscape.start.items()} for run in runs]
    states: list[Any] = [{}, {}]
    together: list[list[Step]] = [[], []]
    for step in range(runs[0].steps):
        for i, run in enumerate(runs):
            grads = run.landscape.grads(params[i]) if _finite(params[i]) else {
                k: np.full_like(v, np.nan) for k, v in params[i].items()}
            call = Call(f"{label}, step {step + 1}", params[i], grads, states[i], run.lrs[step], run.hyper)
            value = _call(spec, fn, call, trial)
            out = _read_step(spec, value, params[i], call.label)
            together[i].append(out)
            params[i], states[i] = out.params, value[1]
    return together


def globals_probe(spec: Spec, label: str, first: Run, second: Run) -> Probe:
    """Two problems stepped in turn, each with its own state, give what each gives alone.

    It compares the learner's answers with one another only, so it reads nothing withheld at grading.
    """

    def call(fn: Any, trial: Trial) -> tuple[list[list[Step]], list[list[Step]]]:
        lab = trial.label(label)
        alone = [_finished_loop(spec, fn, run, lab, trial) for run in (first, second)]
        try:
            together = _stepped_in_turn(spec, fn, (first, second), lab, trial)
        except Problem:  # it ran alone, so failing now means the two runs share something
            raise Problem(L.HIDDEN_GLOBAL.format(name=spec.name, label=lab), mistake="hidden_global") from None
        return alone, together

    def conclude(seen: tuple[list[list[Step]], list[list[Step]]], trial: Trial) -> None:
        alone, together = seen
        if not all(_same(a, t, 1e-12, 1e-14) for steps_a, steps_t in zip(alone, together, strict=True)
                   for a, t in zip(steps_a, steps_t, strict=True)):
            raise Problem(L.HIDDEN_GLOBAL.format(name=spec.name, label=trial.label(label)), mistake="hidden_global")

    return Probe(label, call, conclude)


def _schedule(steps: int, base_lr: float) -> tuple[float, ...]:
    warmup = steps // 10
    return tuple(warmup_cosine(np.arange(steps), base_lr, warmup, steps, 0.1, 0.0).tolist())


LR_CHOICES = (0.001, 0.01, 0.03, 0.05, 0.1, 0.3)
MINIMUM_STEPS = 200
"""Steps of the closed loop that must end near the bowl's minimum."""


@dataclass(frozen=True)
class Battery:
    """The calls and runs of one check."""

    worked: Run
    first: tuple[Call, ...]
    main: tuple[Call, ...]
    variants: tuple[Call, ...]
    minimum: Run
    pair: tuple[Run, Run]

    def calls(self) -> list[Call]:
        """Every single call of the battery (the closed loops aside)."""
        return [*self.first, *self.main, *self.variants]


def battery(spec: Spec, rng: np.random.Generator, hidden: bool, cases: Sequence[tuple]) -> Battery:
    """The calls and runs for one optimizer exercise, drawn with ``rng``."""
    shapes = [(3, 2), (5, 1), (2, 4)]
    if hidden:
        shapes = [(int(rng.integers(1, 6)), int(rng.integers(1, 5))) for _ in range(3)]
    first = tuple(draw_call(spec, rng, shape, float(rng.choice(LR_CHOICES)), spec.main_hyper, first=True)
                  for shape in shapes)
    main = tuple(draw_call(spec, rng, shapes[i % 3], float(rng.choice(LR_CHOICES)), spec.main_hyper)
                 for i in range(6))
    variants = [draw_call(spec, rng, shapes[i % 3], float(rng.choice(LR_CHOICES)), hyper, first=i % 3 == 0)
                for hyper in spec.variants for i in range(3)]
    for args in cases:
        variants += [draw_call(spec, rng, shapes[i], float(args[0]), tuple(args[1:]), first=i == 0) for i in range(3)]
    start = np.round(rng.uniform(-3.0, 3.0, size=3), 2) if hidden else (1.0, -2.0, 0.5)
    centre = round(float(rng.uniform(-1.0, 1.0)), 2) if hidden else 1.0
    minimum = Run(f"{MINIMUM_STEPS} steps on {bowl(start, centre).description}, lr warming up to 0.1 then cosine "
                  f"decay, {_describe(spec, spec.main_hyper)}", bowl(start, centre), _schedule(MINIMUM_STEPS, 0.1),
                  spec.main_hyper)
    pair = (Run("first", regression(rng, 12, *shapes[0]), (0.05,) * 10, spec.main_hyper),
            Run("second", regression(rng, 20, *shapes[1]), (0.05,) * 10, spec.main_hyper))
    worked = Run(f"three steps from state {{}} on {bowl().description}, lr = 0.1, {_describe(spec, spec.main_hyper)}",
                 bowl(), (0.1,) * 3, spec.main_hyper)
    return Battery(worked, first, main, tuple(variants), minimum, pair)


def probes(spec: Spec, rng: np.random.Generator, hidden: bool, cases: Sequence[tuple]) -> list[Probe]:
    """The rows of one optimizer exercise's check."""
    b = battery(spec, rng, hidden, cases)
    torch = f"torch.optim.{spec.torch_name}"
    main = (f"one step from states part-way through a run (a step count and moments drawn at random), "
            f"{_describe(spec, spec.main_hyper)}: as {torch}" if spec.counts_steps else
            f"one step from states part-way through a run (velocities drawn at random), "
            f"{_describe(spec, spec.main_hyper)}: as {torch}")
    worked = [] if hidden else [worked_probe(spec, f"{b.worked.label}: same as {torch} at every step", b.worked)]
    return [
        *worked,
        calls_probe(spec, f"the first step from state {{}}, on parameters of three shapes: new parameters and new "
                          f"state as {torch}", b.first),
        globals_probe(spec, "two problems stepped in turn, each with its own state, give what each gives alone "
                            "(no hidden globals)", *b.pair),
        calls_probe(spec, main, b.main),
        calls_probe(spec, f"other hyperparameters ({'; '.join(_describe(spec, h) for h in spec.variants)}): as "
                          f"{torch}", b.variants),
        minimum_probe(spec, f"{b.minimum.label}: ends near the minimum, as {torch} does", b.minimum),
    ]


# --- the three exercises -----------------------------------------------------------------------------------

SGD = Spec(
    name="sgd_momentum_step", hyper_names=("momentum",), torch_name="SGD", bank_name="SGD_BANK", seed=601,
    hint=L.HINT_SGD, state_example='{"velocity": {name: v}}', state_keys=("velocity",), counts_steps=False,
    main_hyper=(0.9,), variants=((0.5,), (0.0,), (0.99,)),
)
ADAM = Spec(
    name="adam_step", hyper_names=("betas", "eps"), torch_name="Adam", bank_name="ADAM_BANK", seed=602,
    hint=L.HINT_ADAM, state_example='{"step": t, "m": {name: m}, "v": {name: v}}', state_keys=("m", "v"),
    counts_steps=True, main_hyper=(), variants=(((0.8, 0.99), 1e-3), ((0.9, 0.999), 0.1), ((0.7, 0.995), 1e-4)),
)
ADAMW = Spec(
    name="adamw_step", hyper_names=("betas", "eps", "weight_decay"), torch_name="AdamW", bank_name="ADAMW_BANK",
    seed=603, hint=L.HINT_ADAMW, state_example='{"step": t, "m": {name: m}, "v": {name: v}}', state_keys=("m", "v"),
    counts_steps=True, main_hyper=(),
    variants=(((0.9, 0.999), 1e-8, 0.1), ((0.8, 0.99), 1e-3, 0.0), ((0.9, 0.99), 0.1, 1.0)),
)
SPECS = {spec.name: spec for spec in (SGD, ADAM, ADAMW)}


def _make(spec: Spec, doc: str) -> Callable[..., None]:
    return make_behaviour_check(spec.behaviour, doc)


sgd_momentum_step = _make(SGD, (
    "Check ``fn(params, grads, state, lr, momentum)`` against torch.optim.SGD(momentum=...), one step at a time "
    "from drawn states.\n\n``cases``: extra ``(lr, momentum)`` tuples, each tried on three calls."))
adam_step = _make(ADAM, (
    "Check ``fn(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8)`` against torch.optim.Adam, one step at "
    "a time from drawn states.\n\n``cases``: extra ``(lr,)``, ``(lr, betas)`` or ``(lr, betas, eps)`` tuples, each "
    "tried on three calls."))
adamw_step = _make(ADAMW, (
    "Check ``fn(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)`` against "
    "torch.optim.AdamW, one step at a time from drawn states.\n\n``cases``: extra ``(lr, betas, eps, "
    "weight_decay)`` tuples (shorter ones keep the defaults), each tried on three calls."))
