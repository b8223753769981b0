"""Checks for lesson 03: ``linear_mse_grads``, ``gd_step`` and ``fit_linear``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import messages as M
from ..harness import (
    ARRAY,
    Behaviour,
    Case,
    Comparison,
    Exercise,
    Probe,
    Problem,
    Several,
    Trial,
    ValueDict,
    extra_cases,
    first_part_differing,
    make_behaviour_check,
    make_check,
    quietly,
)
from ..outputs import format_number, several
from ..withheld import withheld
from . import messages as L

mistakes, reference = withheld(__package__, "mistakes", "reference")

# --- linear_mse_grads -------------------------------------------------------------

WORKED_X = np.array([1.0, 2.0, 3.0])
WORKED_Y = np.array([2.0, 4.0, 6.0])
FOUR_X = np.array([1.0, 2.0, 3.0, 4.0])
FOUR_Y = np.array([2.0, 4.0, 6.0, 8.0])


def _grads_fixed() -> list[Case]:
    return [
        Case("the worked example: w = b = 0 on (1,2), (2,4), (3,6)", (0.0, 0.0, WORKED_X, WORKED_Y)),
        Case("at the best line w = 2, b = 0: both gradients are 0", (2.0, 0.0, FOUR_X, FOUR_Y)),
        Case("the four points from w = 1, b = 1", (1.0, 1.0, FOUR_X, FOUR_Y)),
        Case("a single point", (0.5, -1.0, np.array([3.0]), np.array([2.0]))),
        Case("plain Python lists", (1.5, 0.5, [1, 2, 3], [2, 4, 6])),
        Case("integer arrays, integer w and b", (1, 2, np.array([0, 1, 2, 5]), np.array([1, 3, 2, 4]))),
        Case("float32 arrays and NumPy float32 w, b",
             (np.float32(-0.5), np.float32(0.25), np.array([0.5, -1.0, 2.0], np.float32),
              np.array([1.0, 0.0, -3.0], np.float32))),
    ]


def _grads_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, dtype, scale in [(5, np.float64, 1.0), (17, np.float32, 1.0), (2, np.float64, 10.0), (60, np.float64, 3.0)]:
        x = (scale * rng.normal(size=n)).astype(dtype)
        y = (rng.normal() * x + rng.normal() + rng.normal(size=n)).astype(dtype)
        w, b = float(rng.normal()), float(rng.normal())
        cases.append(Case(f"random {np.dtype(dtype).name}, {n} points, scale {scale:g}", (w, b, x, y)))
    return cases


LINEAR_MSE_GRADS = Exercise(
    name="linear_mse_grads",
    arg_names=("w", "b", "x", "y"),
    reference=reference.linear_mse_grads,
    fixed_cases=_grads_fixed,
    random_cases=_grads_random,
    mistakes=mistakes.GRADS_BANK,
    output=Several(names=("dw", "db")),
    seed=301,
)

linear_mse_grads = make_check(
    LINEAR_MSE_GRADS,
    "Check ``fn(w, b, x, y)``: returns (dw, db), the gradient of mean((w * x + b - y) ** 2).",
)

# --- gd_step ----------------------------------------------------------------------


def _as_params(args: tuple) -> tuple:
    """A learner's extra case with its dicts made :class:`ValueDict` s, as the check's own cases are."""
    return tuple(ValueDict(a) if isinstance(a, dict) and not isinstance(a, ValueDict) else a for a in args)


def _step_case(label: str, params: dict, grads: dict, lr: Any) -> Case:
    return Case(label, (ValueDict(params), ValueDict(grads), lr))


def _step_fixed() -> list[Case]:
    return [
        _step_case("the worked example: w = b = 0, dw = -18.67, db = -8, lr = 0.1",
                   {"w": 0.0, "b": 0.0}, {"w": -56.0 / 3.0, "b": -8.0}, 0.1),
        _step_case("the one-knob examples: theta = 5.0 with gradient 0.8 (w) and -2.0 (b), lr = 0.1",
                   {"w": 5.0, "b": 5.0}, {"w": 0.8, "b": -2.0}, 0.1),
        _step_case("learning rate 0: nothing moves", {"w": 1.5, "b": -0.5}, {"w": 3.0, "b": 4.0}, 0.0),
        _step_case("integer parameters and gradients", {"w": 1, "b": 2}, {"w": 2, "b": -4}, 0.25),
        _step_case("w is an array of 3 weights", {"w": np.array([1.0, -2.0, 0.5]), "b": 0.5},
                   {"w": np.array([0.2, 0.0, -1.0]), "b": 1.5}, 0.5),
        _step_case("float32 arrays", {"w": np.array([[0.5, 1.0]], np.float32), "b": np.float32(0.0)},
                   {"w": np.array([[1.0, -1.0]], np.float32), "b": np.float32(2.0)}, 0.01),
    ]


def _step_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for shape, dtype in [((), np.float64), ((4,), np.float64), ((2, 3), np.float32), ((7,), np.float64)]:
        w = rng.normal(size=shape).astype(dtype)
        gw = rng.normal(size=shape).astype(dtype)
        b, gb = dtype(rng.normal()), dtype(rng.normal())
        lr = float(rng.choice([0.3, 0.05, 0.001, 2.0]))
        if shape == ():
            w, gw = float(w), float(gw)
        label = f"random {np.dtype(dtype).name} w of shape {shape}, lr = {lr:g}"
        cases.append(_step_case(label, {"w": w, "b": b}, {"w": gw, "b": gb}, lr))
    return cases


GD_STEP = Exercise(
    name="gd_step",
    arg_names=("params", "grads", "lr"),
    reference=reference.gd_step,
    fixed_cases=_step_fixed,
    random_cases=_step_random,
    mistakes=mistakes.STEP_BANK,
    output=Several(names=("w", "b"), keyed=True),
    seed=302,
    prepare=_as_params,
)


gd_step = make_check(
    GD_STEP, "Check ``fn(params, grads, lr)``: a new dict {\"w\": w - lr * dw, \"b\": b - lr * db}, inputs unchanged.")


# --- fit_linear -------------------------------------------------------------------

FIT_NAME = "fit_linear"
FIT_ARGS = ("x", "y", "lr", "steps")
FIT_SIGNATURE = f"{FIT_NAME}({', '.join(FIT_ARGS)})"
FIT_RTOL = 1e-4
"""Trajectories run for many steps, and a learner may compute in float32: a looser tolerance than 1e-5."""
FIT_ATOL = 1e-6
FIT_SEED = 303
DIVERGED = 1e100
"""A loss above this counts as blown up, like inf or NaN."""

_PARAMS = Several(names=("w", "b"), keyed=True)


@dataclass(frozen=True)
class FitRun:
    """What fit_linear returned, in canonical form."""

    w: np.ndarray
    b: np.ndarray
    losses: np.ndarray

    def same_as(self, other: FitRun) -> bool:
        return self.losses.shape == other.losses.shape and all(
            np.allclose(a, e, rtol=FIT_RTOL, atol=FIT_ATOL, equal_nan=True)
            for a, e in ((self.w, other.w), (self.b, other.b), (self.losses, other.losses))
        )

    def diverged(self) -> bool:
        values = np.concatenate([self.losses, np.ravel(self.w), np.ravel(self.b)])
        return bool(np.any(~np.isfinite(values)) or np.any(np.abs(values) > DIVERGED))


def read_fit(value: Any, label: str) -> FitRun:
    """Canonical form of fit_linear's ``(params, losses)``, or a :class:`Problem` saying what is wrong."""
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=FIT_NAME, label=label))
    value = several(value, ("params", "losses"), FIT_NAME, label)
    w, b = (np.reshape(p, ()) if p.size == 1 else p for p in _PARAMS.convert(value[0], f"{FIT_NAME} (params)", label))
    (losses,) = ARRAY.convert(value[1], f"{FIT_NAME} (losses)", label)
    if losses.ndim != 1:
        raise Problem(L.FIT_LOSSES_NOT_1D.format(shape=losses.shape, label=label))
    return FitRun(w=w, b=b, losses=losses)


def _trusted_fit(fn: Callable[..., Any], case: _FitCase) -> FitRun:
    """The reference's or a bank entry's run, without warnings (the divergent cases overflow on purpose)."""
    return read_fit(quietly(fn, case.args), "")


@dataclass(frozen=True)
class _FitCase:
    label: str
    args: tuple

    @property
    def steps(self) -> int:
        return int(self.args[3])


def _learner_fit(fn: Any, case: _FitCase, label: str, trial: Trial) -> FitRun:
    return read_fit(trial.call(fn, case.args, label), label)


def _same_fit(got: FitRun, expected: FitRun, case: _FitCase) -> bool:
    return got.same_as(expected)


def _explain_fit(case: _FitCase, label: str, got: FitRun, expected: FitRun, trial: Trial) -> Problem:
    """The sentence for a run that differs from the reference's, when no bank entry explains it."""
    if got.losses.shape != expected.losses.shape:
        return Problem(L.FIT_HISTORY_LENGTH.format(got=len(got.losses), steps=case.steps, label=label))
    parts = [(part, getattr(got, part), getattr(expected, part)) for part in ("w", "b", "losses")]
    return first_part_differing(FIT_NAME, label, parts, FIT_RTOL, FIT_ATOL, trial.hidden, L.FIT_WRONG_VALUE)


FIT = Comparison(name=FIT_NAME, reference=reference.fit_linear, bank=mistakes.FIT_BANK, run=_learner_fit,
                 trusted=_trusted_fit, same=_same_fit, explain=_explain_fit)


def _one_loss_per_step(runs: Sequence[tuple[_FitCase, str, FitRun]], trial: Trial) -> None:
    for case, label, got in runs:
        if len(got.losses) != case.steps:
            raise Problem(L.FIT_HISTORY_LENGTH.format(got=len(got.losses), steps=case.steps, label=label))


def _loss_falls(runs: Sequence[tuple[_FitCase, str, FitRun]], trial: Trial) -> None:
    """On a learnable problem at a small learning rate, the last loss is well below the first."""
    _one_loss_per_step(runs, trial)
    for case, label, got in runs:
        losses = got.losses
        if not (np.all(np.isfinite(losses)) and losses[-1] < 0.5 * losses[0]):
            raise FIT.known_problem([(case, got)]) or Problem(L.FIT_LOSS_NOT_FALLING.format(
                first=format_number(losses[0]), last=format_number(losses[-1]), steps=case.steps, label=label))


def _diverges(runs: Sequence[tuple[_FitCase, str, FitRun]], trial: Trial) -> None:
    """With a learning rate far too large the run blows up, and the history says so."""
    for case, label, got in runs:
        if len(got.losses) != case.steps:
            raise Problem(L.FIT_STOPPED_EARLY.format(got=len(got.losses), steps=case.steps, label=label),
                          mistake="stops_early")
        if not got.diverged():
            largest = format_number(np.asarray(np.max(got.losses))) if len(got.losses) else "nothing"
            raise Problem(L.FIT_HIDES_DIVERGENCE.format(label=label, largest=largest), mistake="hides_divergence")


def _fit_row(label: str, cases: Sequence[_FitCase], conclude: Callable[..., None]) -> Probe:
    """A row that runs the learner's fit_linear on ``cases`` and judges the runs with ``conclude``."""
    return Probe(label, lambda fn, trial: FIT.gather(fn, cases, trial), conclude)


def _problem(rng: np.random.Generator, n: int, dtype: Any, as_list: bool = False,
             steep: bool = False) -> tuple[Any, Any]:
    """A learnable line with noise: x in [-2, 2], y = w x + b + noise.

    ``steep``: a slope of 1.5 to 3 in size, so that the loss at the start (w = b = 0, at least about 3) is far
    above the noise's floor (about 0.09) and a run that learns at all ends well below half of it.
    """
    x = rng.uniform(-2.0, 2.0, size=n)
    slope = rng.choice([-1.0, 1.0]) * rng.uniform(1.5, 3.0) if steep else rng.uniform(-3.0, 3.0)
    y = slope * x + rng.uniform(-2.0, 2.0) + 0.3 * rng.normal(size=n)
    x, y = x.astype(dtype), y.astype(dtype)
    return (x.tolist(), y.tolist()) if as_list else (x, y)


def _random_fit_cases(rng: np.random.Generator) -> list[_FitCase]:
    cases = []
    for n, dtype, as_list, lr, steps in [(5, np.float64, False, 0.1, 30), (40, np.float32, False, 0.05, 60),
                                         (12, np.float64, True, 0.2, 25), (200, np.float64, False, 0.02, 80)]:
        x, y = _problem(rng, n, dtype, as_list)
        kind = "lists" if as_list else np.dtype(dtype).name
        cases.append(_FitCase(f"random {kind}, {n} points, lr = {lr:g}, {steps} steps", (x, y, lr, steps)))
    return cases


def _divergent_case(rng: np.random.Generator) -> _FitCase:
    x = rng.uniform(1.0, 5.0, size=int(rng.integers(4, 30)))
    y = rng.uniform(-3.0, 3.0) * x + rng.uniform(-2.0, 2.0)
    return _FitCase("random points, lr far too large", (x, y, 1.0, 300))


def fit_probes(rng: np.random.Generator, hidden: bool, cases: Sequence[tuple]) -> list[Probe]:
    """The rows of ``fit_linear``'s check."""
    extra = [_FitCase(label, args) for label, args in extra_cases(cases)]
    x, y = _problem(rng, 30, np.float64, steep=True)
    falls = _FitCase("noisy points, lr = 0.05, 100 steps", (x, y, 0.05, 100))
    random_cases = _random_fit_cases(rng)
    lengths = [_FitCase(f"steps = {s}", (x, y, 0.05, s)) for s in (1, 7, 40)]
    if hidden:
        lengths = [_FitCase(f"steps = {s}", (x, y, 0.05, int(s))) for s in rng.integers(2, 50, size=3)]
        return [
            _fit_row("one loss per step", lengths, _one_loss_per_step),
            _fit_row("the loss falls on a learnable problem", [falls], _loss_falls),
            FIT.probe("params and losses match, step by step", random_cases + extra),
            _fit_row("too large a learning rate diverges", [_divergent_case(rng)], _diverges),
        ]
    worked = _FitCase("the worked example: one step at lr 0.1 on (1,2), (2,4), (3,6)", (WORKED_X, WORKED_Y, 0.1, 1))
    four = _FitCase("the four points (1,2) ... (4,8), lr 0.01, 1000 steps", (FOUR_X, FOUR_Y, 0.01, 1000))
    blow_up = _FitCase("the four points at lr 1.0, 300 steps", (FOUR_X, FOUR_Y, 1.0, 300))
    return [
        FIT.probe("one step on the worked example: w = 1.87, b = 0.8", [worked]),
        _fit_row("one loss per step: steps = 1, 7 and 40", lengths, _one_loss_per_step),
        _fit_row("the loss falls on a learnable problem (30 noisy points, lr 0.05)", [falls], _loss_falls),
        FIT.probe("params and losses match the reference step by step (random problems, float32, lists)",
                  random_cases + extra),
        FIT.probe("the four-point loop (lr 0.01, 1000 steps) ends near w = 2, b = 0", [four]),
        _fit_row("lr 1.0 on the four points diverges to inf/NaN, not clipped", [blow_up], _diverges),
    ]


FIT_LINEAR = Behaviour(name=FIT_NAME, arg_names=FIT_ARGS, seed=FIT_SEED, probes=fit_probes)

fit_linear = make_behaviour_check(FIT_LINEAR, (
    "Check ``fn(x, y, lr, steps)``: returns (params, losses), compared with the reference step by step, and "
    "behaves like gradient descent: one loss per step, the loss falls on a learnable problem, and a learning "
    "rate far too large diverges to inf/NaN instead of being tamed."))
