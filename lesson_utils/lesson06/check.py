"""Checks for lesson 06: ``sgd_momentum_step``, ``adam_step`` and ``adamw_step``.

Each check runs the learner's step in a loop on small problems, side by side
with ``torch.optim`` (SGD with momentum, Adam, AdamW in float64), and asks for
the same parameters after every step to float64 precision. A trajectory that
parts from torch is compared with the bank's trajectories to name the
mistake. One more probe steps two problems in turn to catch state kept
outside the ``state`` dict. ``torch`` is imported inside the checks only.

Each probe first gathers everything it asks of the learner's step (every call goes through
:func:`call_learner`, with inputs the check draws itself) and only then judges it with what is withheld at
grading -- torch's trajectories (stored or computed) and the bank of mistakes. In the grading
kernel a probe therefore stops at its judging (``Withheld``) with all its calls recorded, and the grader
judges them from the record.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import messages as M
from ..harness import ARRAY, DEFAULT_TIME_LIMIT, Mistake, Probe, Problem, call_learner, copy_args, run_probes
from ..outputs import format_number, is_torch_tensor
from ..withheld import withheld
from . import messages as L

mistakes, stored = withheld(__package__, "mistakes", "stored")

RTOL = 1e-10
ATOL = 1e-12
"""Learner against torch, at every step: float64 precision."""
BANK_RTOL = 1e-8
BANK_ATOL = 1e-10
"""Learner against a bank entry (the bank's own arithmetic may round differently)."""
LOW_PRECISION_BELOW = 1e-4
"""A trajectory that parts from torch by less than this (relative) is told about float64."""


# --- equality of nested inputs, so that call_learner can see a state changed in place ------------------


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and sorted(map(str, a)) == sorted(map(str, b))
                and all(_equal(a[k], b[k]) for k in a))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a2, b2 = np.asarray(a), np.asarray(b)
        return (a2.shape == b2.shape and a2.dtype == b2.dtype
                and bool(np.array_equal(a2, b2, equal_nan=a2.dtype.kind in "fc")))
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_equal(x, y) for x, y in zip(a, b, strict=True)))
    try:
        return bool(a == b) or (a != a and b != b)
    except Exception:  # objects whose comparison is not a truth value
        return a is b


class Tree(dict):
    """A dict (of arrays, numbers and more dicts) whose ``==`` compares the values all the way down.

    The checks hand these to the learner, so that a ``params``, ``grads`` or
    ``state`` changed in place is caught, while a plain dict of arrays could
    not even be compared.
    """

    def __eq__(self, other: object) -> bool:
        return _equal(self, other)

    def __ne__(self, other: object) -> bool:
        return not _equal(self, other)

    __hash__ = None  # type: ignore[assignment]


def tree(value: Any) -> Any:
    """``value`` with every dict inside it turned into a :class:`Tree`."""
    if isinstance(value, dict):
        return Tree({k: tree(v) for k, v in value.items()})
    return value


# --- the problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Landscape:
    """A loss over named parameters: where to start, the data it is computed from, and its gradient in NumPy.

    ``data`` holds every array the gradient reads, so that a run is wholly given by ``start``, ``data`` and
    ``gradient`` (the tests nudge both by a few ulps to stand for another processor's arithmetic).
    """

    description: str
    start: dict
    data: dict
    gradient: Callable[[dict, dict], dict]

    def grads(self, params: dict) -> dict:
        return self.gradient(params, self.data)


def _regression_grads(params: dict, data: dict) -> dict:
    X, Y = data["X"], data["Y"]
    n, k = Y.shape
    error = X @ params["W"] + params["b"] - Y
    return {"W": 2.0 * X.T @ error / (n * k), "b": 2.0 * error.mean(axis=0) / k,
            "s": data["curvature"] * (params["s"] - data["target"])}


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


def bowl() -> Landscape:
    """The worked problem: w = [1, -2, 0.5] in the bowl L = sum((w - 1)**2) / 2, whose gradient is w - 1."""
    return Landscape("the bowl L = sum((w - 1)**2) / 2 from w = [1, -2, 0.5]", {"w": np.array([1.0, -2.0, 0.5])},
                     {"centre": np.array(1.0)}, _bowl_grads)


@dataclass(frozen=True)
class Run:
    """One trajectory: a problem, a learning rate per step, and the hyperparameters after lr."""

    label: str
    landscape: Landscape
    lrs: tuple[float, ...]
    hyper: tuple = ()

    @property
    def steps(self) -> int:
        return len(self.lrs)


Trajectory = list[dict]
"""The parameters after each step: one dict name -> float64 array per step."""


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
    main_hyper: tuple
    variants: tuple[tuple, ...]

    @property
    def bank(self) -> tuple[Mistake, ...]:
        """The known mistakes of this exercise (withheld at grading: judging only)."""
        return getattr(mistakes, self.bank_name)

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


# --- running trajectories ----------------------------------------------------------------------------


_TORCH_TRAJECTORIES: dict[tuple, tuple[stored.StoredRun, Trajectory]] = {}
"""torch.optim's trajectories of the batteries run so far, with what defines each run (what :mod:`.stored`
keeps beside it), kept between calls of a check: a battery is the same every time for the same seed and
cases, and computing it is most of a check's own cost."""
USE_STORED = True
"""Take the batteries' trajectories from :mod:`.stored` when their runs match (the tests turn it off)."""


KEPT_AT_MOST = 512
"""Trajectories kept in one process (a learner looping over seeds would otherwise keep them all)."""


def battery_id(seed: int | None, cases: Sequence[Sequence[Any]] | None) -> str:
    """A short name for the battery drawn with ``seed`` and ``cases``: ``default`` for the default one."""
    if seed is None and not cases:
        return "default"
    return f"seed{seed}-cases{hashlib.sha256(repr(cases).encode()).hexdigest()[:12]}"


def stored_run(spec: Spec, run: Run) -> stored.StoredRun:
    """What defines ``run`` for :mod:`.stored`: its optimizer and hyperparameters exactly, and the numbers it
    starts from (start, first gradients, learning rates), which :func:`.stored.lookup` compares within a
    tolerance, since their last bits depend on the processor."""
    start = {k: np.array(v, dtype=np.float64) for k, v in run.landscape.start.items()}
    return stored.StoredRun(spec.torch_name, repr(run.hyper), run.landscape.description, start,
                            run.landscape.grads(start), np.array(run.lrs, dtype=np.float64))


def torch_trajectory(spec: Spec, run: Run, key: tuple | None = None) -> Trajectory:
    """The parameters of ``torch.optim.<spec.torch_name>`` (float64) after every step of ``run``.

    ``key`` names a run of a battery; its trajectory is read from :mod:`.stored` (or computed, when none
    is stored for that very run) once, and then reused.

    It is the expected answer, so it is for judging only: it reads :mod:`.stored` before anything else, which
    in the grading kernel stops the probe (``Withheld``) before torch is ever run.
    """
    defined = stored_run(spec, run)
    if key is None:
        return _torch_trajectory(spec, run)
    if key not in _TORCH_TRAJECTORIES:
        if len(_TORCH_TRAJECTORIES) >= KEPT_AT_MOST:
            _TORCH_TRAJECTORIES.clear()
        found = stored.lookup(key, defined) if USE_STORED else None
        _TORCH_TRAJECTORIES[key] = (defined, found if found is not None else _torch_trajectory(spec, run))
    return _TORCH_TRAJECTORIES[key][1]


def _torch_trajectory(spec: Spec, run: Run) -> Trajectory:
    import torch

    tensors = {k: torch.tensor(np.array(v, dtype=np.float64)) for k, v in run.landscape.start.items()}
    kwargs = dict(zip(spec.hyper_names, run.hyper, strict=False))
    optimizer = getattr(torch.optim, spec.torch_name)(list(tensors.values()), lr=run.lrs[0], **kwargs)
    trajectory = []
    with torch.no_grad():
        for lr in run.lrs:
            grads = run.landscape.grads({k: t.numpy().copy() for k, t in tensors.items()})
            for k, t in tensors.items():
                t.grad = torch.tensor(np.array(grads[k], dtype=np.float64))
            optimizer.param_groups[0]["lr"] = lr
            optimizer.step()
            trajectory.append({k: t.numpy().copy() for k, t in tensors.items()})
    return trajectory


def bank_trajectory(fn: Callable[..., Any], run: Run) -> Trajectory:
    """A reference or bank entry's trajectory (quietly: some bank entries divide by zero on purpose)."""
    params, state = {k: np.array(v, dtype=np.float64) for k, v in run.landscape.start.items()}, {}
    trajectory = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for lr in run.lrs:
            grads = run.landscape.grads(params)
            params, state = fn(copy_args(params), grads, state, lr, *copy_args(run.hyper))
            params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
            trajectory.append(params)
    return trajectory


def _read_step(spec: Spec, value: Any, start: dict, label: str) -> tuple[dict, Any]:
    """The learner's ``(new_params, new_state)`` in canonical form, or a :class:`Problem`."""
    name = spec.name
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=name, label=label))
    if is_torch_tensor(value):
        raise Problem(M.RETURNED_TENSOR.format(name=name, label=label))
    if not isinstance(value, tuple | list) or len(value) != 2:
        got = f"{len(value)} values" if isinstance(value, tuple | list) else f"one {type(value).__name__}"
        raise Problem(M.RETURNED_WRONG_COUNT.format(name=name, label=label, got=got, n=2,
                                                    names="new_params, new_state"))
    new_params, new_state = value
    names = ", ".join(start)
    if not isinstance(new_params, dict):
        raise Problem(L.PARAMS_NOT_DICT.format(name=name, type=type(new_params).__name__, label=label, names=names))
    if sorted(map(str, new_params)) != sorted(start):
        raise Problem(L.PARAMS_WRONG_KEYS.format(name=name, got=", ".join(map(str, new_params)) or "none",
                                                 label=label, names=names))
    params = {}
    for key, old in start.items():
        if new_params[key] is None:
            raise Problem(M.RETURNED_NONE.format(name=f"{name} (new_params['{key}'])", label=label))
        (array,) = ARRAY.convert(new_params[key], f"{name} (new_params['{key}'])", label)
        if array.shape != np.shape(old):
            raise Problem(L.PARAM_WRONG_SHAPE.format(name=name, param=key, got_shape=array.shape, label=label,
                                                     expected_shape=np.shape(old)))
        params[key] = array
    if not isinstance(new_state, dict):
        raise Problem(L.STATE_NOT_DICT.format(name=name, type=type(new_state).__name__, label=label,
                                              example=spec.state_example))
    return params, new_state


def learner_step(spec: Spec, fn: Any, params: dict, grads: dict, state: Any, lr: float, hyper: tuple,
                 label: str, time_limit: float | None) -> tuple[dict, Any]:
    """One call of the learner's step through :func:`call_learner`, read into canonical form."""
    args = (Tree(params), Tree(grads), tree(state), lr, *hyper)
    try:
        value = call_learner(spec.name, fn, args, label, spec.arg_names, time_limit)
    except Problem as problem:
        if problem.message == M.MUTATED.format(name=spec.name, arg="state", label=label):
            raise Problem(L.STATE_MUTATED.format(name=spec.name, label=label, example=spec.state_example)) from None
        raise
    return _read_step(spec, value, params, label)


def learner_trajectory(spec: Spec, fn: Any, run: Run, label: str, time_limit: float | None) -> Trajectory:
    """The learner's parameters after every step of ``run``, starting from ``state = {}``."""
    params = {k: np.array(v, dtype=np.float64) for k, v in run.landscape.start.items()}
    state: Any = {}
    trajectory = []
    for step, lr in enumerate(run.lrs, 1):
        grads = run.landscape.grads(params) if _finite(params) else {k: np.full_like(v, np.nan)
                                                                       for k, v in params.items()}
        params, state = learner_step(spec, fn, params, grads, state, lr, run.hyper, f"{label}, step {step}",
                                     time_limit)
        trajectory.append(params)
    return trajectory


def learner_trajectories(spec: Spec, fn: Any, runs: Sequence[Run], labels: Sequence[str],
                         time_limit: float | None) -> tuple[list[Trajectory], Problem | None]:
    """The learner's trajectory on each run in turn, up to the first run on which its step has a problem.

    That problem is returned beside the trajectories of the runs before it (and no later run is stepped), so
    that the judging can first judge those runs and then raise it, as a check judging run by run would.
    """
    trajectories = []
    for run, label in zip(runs, labels, strict=True):
        try:
            trajectories.append(learner_trajectory(spec, fn, run, label, time_limit))
        except Problem as problem:
            return trajectories, problem
    return trajectories, None


def _finite(params: dict) -> bool:
    return all(np.all(np.isfinite(v)) for v in params.values())


def _same(a: Trajectory, b: Trajectory, rtol: float, atol: float) -> bool:
    return len(a) == len(b) and all(
        np.allclose(x[k], y[k], rtol=rtol, atol=atol, equal_nan=True) for x, y in zip(a, b, strict=True) for k in y
    )


def _first_parting(got: Trajectory, expected: Trajectory) -> tuple[int, str] | None:
    """The first step (1-based) and parameter where ``got`` leaves ``expected``."""
    if not expected:
        return None
    first: tuple[int, str] | None = None
    for key in expected[0]:
        close = np.isclose(np.stack([g[key] for g in got]), np.stack([e[key] for e in expected]),
                           rtol=RTOL, atol=ATOL, equal_nan=True)
        parted = np.flatnonzero(~close.reshape(len(expected), -1).all(axis=1))
        if parted.size and (first is None or parted[0] + 1 < first[0]):
            first = (int(parted[0]) + 1, key)
    return first


def known_mistake(spec: Spec, run: Run, got: Trajectory) -> Mistake | None:
    """The first bank entry whose trajectory on ``run`` equals the learner's."""
    for mistake in spec.bank:
        try:
            if _same(got, bank_trajectory(mistake.fn, run), BANK_RTOL, BANK_ATOL):
                return mistake
        except Exception:  # a bank entry that cannot run on a case does not match
            continue
    return None


def _explain(spec: Spec, run: Run, label: str, got: Trajectory, expected: Trajectory, hidden: bool) -> Problem:
    mistake = known_mistake(spec, run, got)
    if mistake is not None:
        return Problem(M.KNOWN_MISTAKE.format(name=spec.name, explanation=mistake.explanation), mistake=mistake.id)
    step, key = _first_parting(got, expected)  # type: ignore[misc]
    g, e = got[step - 1][key], expected[step - 1][key]
    if hidden:
        return Problem(L.PARTS_FROM_TORCH_HIDDEN.format(name=spec.name, torch=spec.torch_name, step=step,
                                                        label=label, param=key))
    fields = dict(name=spec.name, torch=spec.torch_name, step=step, steps=run.steps, label=label,
                  param=f"{key}", got=format_number(g), expected=format_number(e))
    if not np.all(np.isfinite(g)):
        return Problem(L.NOT_FINITE_STEP.format(**fields))
    error = max(float(np.max(np.abs(x[k] - y[k]) / (np.abs(y[k]) + 1e-8))) for x, y in zip(got, expected,
                                                                                             strict=True) for k in y)
    if error < LOW_PRECISION_BELOW:
        return Problem(L.LOW_PRECISION.format(name=spec.name, torch=spec.torch_name, error=error, step=step,
                                              label=label))
    return Problem(L.PARTS_FROM_TORCH.format(**fields, hint=spec.hint))


# --- probes --------------------------------------------------------------------------------------------


def _labels(runs: Sequence[Run], hidden: bool, index: int) -> list[str]:
    """The runs' labels; in hidden mode 'hidden case 3.2' (probe 3, its second run), never the inputs."""
    if not hidden:
        return [r.label for r in runs]
    if len(runs) == 1:
        return [M.HIDDEN_LABEL.format(index=index)]
    return [M.HIDDEN_LABEL.format(index=f"{index}.{i}") for i in range(1, len(runs) + 1)]


def torch_probe(spec: Spec, label: str, runs: Sequence[Run], hidden: bool, time_limit: float | None,
                index: int, cache: tuple | None = None) -> Probe:
    """The learner's parameters equal torch.optim's after every step of every run.

    The learner's trajectories are gathered first, then judged run by run against torch's. ``cache`` (set for a
    default battery) lets torch's trajectories be reused by the next call.
    """

    def test(fn: Any) -> None:
        labels = _labels(runs, hidden, index)
        gathered, stopped = learner_trajectories(spec, fn, runs, labels, time_limit)
        for i, (run, lab, got) in enumerate(zip(runs, labels, gathered, strict=False)):  # the runs gathered
            expected = torch_trajectory(spec, run, None if cache is None else (*cache, index, i))
            if _first_parting(got, expected) is not None:
                raise _explain(spec, run, lab, got, expected, hidden)
        if stopped is not None:
            raise stopped

    return Probe(label, test)


def globals_probe(spec: Spec, label: str, first: Run, second: Run, hidden: bool, time_limit: float | None,
                  index: int) -> Probe:
    """Two problems stepped in turn, each with its own state, give what each gives alone.

    It compares the learner's trajectories with one another only, so it reads nothing withheld at grading.
    """

    def test(fn: Any) -> None:
        lab = M.HIDDEN_LABEL.format(index=index) if hidden else label
        alone = [learner_trajectory(spec, fn, run, lab, time_limit) for run in (first, second)]
        params = [{k: np.array(v, dtype=np.float64) for k, v in run.landscape.start.items()} for run in (first, second)]
        states: list[Any] = [{}, {}]
        together: list[Trajectory] = [[], []]
        try:
            for step in range(first.steps):
                for i, run in enumerate((first, second)):
                    grads = run.landscape.grads(params[i]) if _finite(params[i]) else {
                        k: np.full_like(v, np.nan) for k, v in params[i].items()}
                    params[i], states[i] = learner_step(spec, fn, params[i], grads, states[i], run.lrs[step],
                                                        run.hyper, f"{lab}, step {step + 1}", time_limit)
                    together[i].append(params[i])
        except Problem:  # it ran alone, so failing now means the two runs share something
            raise Problem(L.HIDDEN_GLOBAL.format(name=spec.name, label=lab), mistake="hidden_global") from None
        if not all(_same(a, t, 1e-12, 1e-14) for a, t in zip(alone, together, strict=True)):
            raise Problem(L.HIDDEN_GLOBAL.format(name=spec.name, label=lab), mistake="hidden_global")

    return Probe(label, test)


def _describe(spec: Spec, hyper: tuple) -> str:
    if not hyper:
        return "default " + ", ".join(spec.hyper_names)
    return ", ".join(f"{n} = {v}" for n, v in zip(spec.hyper_names, hyper, strict=False))


def _warmup_cosine(step: int, base_lr: float, warmup_steps: int, total_steps: int, start_factor: float = 0.1,
                   min_lr: float = 0.0) -> float:
    """Learning rate at ``step`` (0, 1, ...): linear warm-up from ``start_factor * base_lr`` to ``base_lr``
    over ``warmup_steps`` steps, then cosine decay to ``min_lr`` at ``total_steps``.

    The lesson's worked schedule (not an exercise), the same as ``reference.warmup_cosine``: kept here so that
    drawing a battery's learning rates needs nothing withheld at grading.
    """
    if step < warmup_steps:
        return base_lr * (start_factor + (1 - start_factor) * step / warmup_steps)
    progress = min(step - warmup_steps, total_steps - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (base_lr - min_lr) * (1 + np.cos(np.pi * progress)) / 2


def _schedule(steps: int, base_lr: float) -> tuple[float, ...]:
    warmup = steps // 10
    return tuple(float(_warmup_cosine(s, base_lr, warmup, steps, 0.1, 0.0)) for s in range(steps))


@dataclass(frozen=True)
class Battery:
    """The runs of one check: the worked bowl, the main run, other hyperparameters, a schedule, a pair."""

    worked: Run
    main: Run
    variants: tuple[Run, ...]
    schedule: Run
    pair: tuple[Run, Run]

    def all_runs(self) -> list[Run]:
        return [self.worked, self.main, *self.variants, self.schedule]


def battery(spec: Spec, *, seed: int | None = None, cases: Sequence[Sequence[Any]] | None = None,
            hidden: bool = False) -> Battery:
    """The runs for one optimizer exercise, drawn with ``seed`` (another default seed when hidden)."""
    rng = np.random.default_rng((spec.seed + 1 if hidden else spec.seed) if seed is None else seed)
    shapes = [(20, 3, 2), (12, 5, 1), (30, 2, 4)]
    if hidden:
        shapes = [(int(rng.integers(5, 40)), int(rng.integers(1, 6)), int(rng.integers(1, 5))) for _ in range(3)]
    main = regression(rng, *shapes[0])
    lr = 0.05
    main_run = Run(f"{main.description}, lr = {lr}, {_describe(spec, spec.main_hyper)}, 150 steps", main,
                   (lr,) * 150, spec.main_hyper)
    variant_runs = []
    for hyper, shape in zip(spec.variants, shapes[1:] + shapes[1:], strict=False):
        landscape = regression(rng, *shape)
        variant_lr = float(rng.choice([0.01, 0.03, 0.1]))
        variant_runs.append(Run(f"{landscape.description}, lr = {variant_lr}, {_describe(spec, hyper)}, 120 steps",
                                landscape, (variant_lr,) * 120, hyper))
    scheduled = regression(rng, *shapes[2])
    schedule_run = Run(f"{scheduled.description}, lr warming up to 0.1 then cosine decay, "
                       f"{_describe(spec, spec.main_hyper)}, 120 steps", scheduled, _schedule(120, 0.1),
                       spec.main_hyper)
    extra = []
    for i, args in enumerate(cases or (), 1):
        landscape = regression(rng, *shapes[i % 3])
        extra.append(Run(f"extra case {i}", landscape, (float(args[0]),) * 100, tuple(args[1:])))
    other = regression(rng, *shapes[1])
    pair = (Run("first", main, (lr,) * 30, spec.main_hyper), Run("second", other, (lr,) * 30, spec.main_hyper))
    worked = Run(f"three steps from state {{}} on {bowl().description}, lr = 0.1, {_describe(spec, spec.main_hyper)}",
                 bowl(), (0.1,) * 3, spec.main_hyper)
    return Battery(worked, main_run, tuple(variant_runs + extra), schedule_run, pair)


def probes(spec: Spec, *, seed: int | None = None, cases: Sequence[Sequence[Any]] | None = None,
           hidden: bool = False, time_limit: float | None = DEFAULT_TIME_LIMIT) -> list[Probe]:
    """The probes for one optimizer exercise: torch side by side on several runs, and no hidden globals."""
    b = battery(spec, seed=seed, cases=cases, hidden=hidden)
    main_run, variant_runs, schedule_run, pair, worked = b.main, list(b.variants), b.schedule, b.pair, b.worked
    # A battery is the same on every call with the same seed and cases, so torch's side of it is computed once.
    cache = (spec.name, hidden, battery_id(seed, cases))
    if hidden:
        return [
            torch_probe(spec, "same as torch", [main_run], hidden, time_limit, 1, cache),
            torch_probe(spec, "other hyperparameters", variant_runs, hidden, time_limit, 2, cache),
            torch_probe(spec, "a schedule", [schedule_run], hidden, time_limit, 3, cache),
            globals_probe(spec, "no hidden globals", *pair, hidden, time_limit, 4),
        ]
    return [
        torch_probe(spec, f"{worked.label}: same as torch.optim.{spec.torch_name}", [worked], hidden, time_limit, 1,
                    cache),
        torch_probe(spec, f"{main_run.label}: same as torch.optim.{spec.torch_name} at every step", [main_run],
                    hidden, time_limit, 2, cache),
        torch_probe(spec, f"other hyperparameters ({'; '.join(_describe(spec, h) for h in spec.variants)}), "
                    "120 steps each", variant_runs, hidden, time_limit, 3, cache),
        torch_probe(spec, "a learning rate that changes every step (warm-up then cosine decay), 120 steps",
                    [schedule_run], hidden, time_limit, 4, cache),
        globals_probe(spec, "two problems stepped in turn, each with its own state, give what each gives alone "
                      "(no hidden globals)", *pair, hidden, time_limit, 5),
    ]


# --- the three exercises -----------------------------------------------------------------------------------

SGD = Spec(
    name="sgd_momentum_step", hyper_names=("momentum",), torch_name="SGD", bank_name="SGD_BANK", seed=601,
    hint=L.HINT_SGD, state_example='{"velocity": {name: v}}', main_hyper=(0.9,),
    variants=((0.5,), (0.0,), (0.99,)),
)
ADAM = Spec(
    name="adam_step", hyper_names=("betas", "eps"), torch_name="Adam", bank_name="ADAM_BANK", seed=602,
    hint=L.HINT_ADAM, state_example='{"step": t, "m": {name: m}, "v": {name: v}}', main_hyper=(),
    variants=(((0.8, 0.99), 1e-3), ((0.9, 0.999), 0.1), ((0.7, 0.995), 1e-4)),
)
ADAMW = Spec(
    name="adamw_step", hyper_names=("betas", "eps", "weight_decay"), torch_name="AdamW", bank_name="ADAMW_BANK",
    seed=603, hint=L.HINT_ADAMW, state_example='{"step": t, "m": {name: m}, "v": {name: v}}', main_hyper=(),
    variants=(((0.9, 0.999), 1e-8, 0.1), ((0.8, 0.99), 1e-3, 0.0), ((0.9, 0.99), 0.1, 1.0)),
)
SPECS = {spec.name: spec for spec in (SGD, ADAM, ADAMW)}


def _make(spec: Spec, doc: str) -> Callable[..., None]:
    def check(
        fn: Any,
        *,
        seed: int | None = None,
        cases: Sequence[Sequence[Any]] | None = None,
        hidden: bool = False,
        time_limit: float | None = DEFAULT_TIME_LIMIT,
    ) -> None:
        run_probes(spec.name, spec.signature, fn,
                   probes(spec, seed=seed, cases=cases, hidden=hidden, time_limit=time_limit), hidden=hidden)

    check.__name__ = check.__qualname__ = spec.name
    check.__doc__ = doc
    return check


sgd_momentum_step = _make(SGD, (
    "Check ``fn(params, grads, state, lr, momentum)`` against torch.optim.SGD(momentum=...) step for step.\n\n"
    "``cases``: extra ``(lr, momentum)`` tuples, each run for 100 steps."))
adam_step = _make(ADAM, (
    "Check ``fn(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8)`` against torch.optim.Adam step for "
    "step.\n\n``cases``: extra ``(lr,)``, ``(lr, betas)`` or ``(lr, betas, eps)`` tuples, each run for 100 steps."))
adamw_step = _make(ADAMW, (
    "Check ``fn(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)`` against "
    "torch.optim.AdamW step for step.\n\n``cases``: extra ``(lr, betas, eps, weight_decay)`` tuples (shorter "
    "ones keep the defaults), each run for 100 steps."))
