"""The check for lesson 09: ``train_from_scratch``, the training loop built from the learner's earlier pieces.

The loop calls the learner's own ``iterate_minibatches``, ``two_layer_grads``, ``adamw_step`` and
``EarlyStopping``, and any correct way of shuffling is allowed, so the check compares a run with the course's
step by step only where every correct method draws the same batches (one batch holding all the data, or copies
of one example). There a run that differs is matched against the bank, which holds wrong loops and the course's
loop with one earlier piece wrong, so that the sentence names the piece and its lesson. Everywhere else it checks
what any correct run does: one loss per update, stopping when patience runs out, handing back the best
weights, the loss falling, and batches drawn from ``rng``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from .. import messages as M
from ..harness import (
    ARRAY,
    Behaviour,
    Comparison,
    Probe,
    Problem,
    Trial,
    first_part_differing,
    gather_in_turn,
    make_behaviour_check,
    named_mistake,
    quietly,
    reached,
)
from ..outputs import format_number, several
from ..withheld import withheld
from . import messages as L

reference, mistakes = withheld(__package__, "reference", "mistakes")

NAME = "train_from_scratch"
ARGS = ("params", "X_train", "y_train", "X_val", "y_val", "lr", "weight_decay", "batch_size", "num_epochs",
        "patience", "rng")
RETURNS = ("best_params", "step_losses", "val_losses")
PARAM_NAMES = ("W1", "b1", "W2", "b2")
SEED = 901
RTOL = 1e-5
ATOL = 1e-7
"""A run is tens of AdamW steps, each dividing by a root of the gradients' squares: a little looser than 1e-8."""
LEARNED = 0.5
"""On the learnable problem, the last epoch's mean step loss must be below this fraction of the starting weights'
loss on the training data."""


@dataclass(frozen=True)
class LoopCase:
    """One call of train_from_scratch: the starting params, the data and the hyperparameters."""

    label: str
    params: dict
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    lr: float
    weight_decay: float
    batch_size: int
    num_epochs: int
    patience: int
    seed: int = 0

    def args(self, seed: int | None = None) -> tuple:
        rng = np.random.default_rng(self.seed if seed is None else seed)
        return (self.params, self.X_train, self.y_train, self.X_val, self.y_val, self.lr, self.weight_decay,
                self.batch_size, self.num_epochs, self.patience, rng)

    @property
    def n(self) -> int:
        return len(self.X_train)

    @property
    def per_epoch(self) -> int:
        return -(-self.n // self.batch_size)


@dataclass(frozen=True)
class Run:
    """What train_from_scratch returned, in canonical form."""

    params: dict[str, np.ndarray]
    step_losses: np.ndarray
    val_losses: np.ndarray

    def parts(self) -> list[tuple[str, np.ndarray]]:
        return [*((f"best_params['{k}']", self.params[k]) for k in PARAM_NAMES),
                ("step_losses", self.step_losses), ("val_losses", self.val_losses)]

    def same_as(self, other: Run) -> bool:
        return all(a.shape == e.shape and np.allclose(a, e, rtol=RTOL, atol=ATOL, equal_nan=True)
                   for (_, a), (_, e) in zip(self.parts(), other.parts(), strict=True))


def read_run(value: Any, label: str, case: LoopCase) -> Run:
    """Canonical form of train_from_scratch's ``(best_params, step_losses, val_losses)``, or a :class:`Problem`."""
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=NAME, label=label))
    best, steps, vals = several(value, RETURNS, NAME, label)
    keys = sorted(map(str, best)) if isinstance(best, dict) else None
    if keys != sorted(PARAM_NAMES):
        got = keys if keys is not None else f"none (it is a {type(best).__name__})"
        raise Problem(L.PARAMS_KEYS.format(label=label, got=got, expected=", ".join(PARAM_NAMES)))
    params = {}
    for key in PARAM_NAMES:
        (array,) = ARRAY.convert(best[key], f"{NAME} (best_params['{key}'])", label)
        expected = np.shape(case.params[key])
        if array.shape != expected:
            raise Problem(L.PARAM_SHAPE.format(param=f"best_params['{key}']", got=array.shape, expected=expected,
                                               label=label))
        params[key] = array
    losses = []
    for part, per, item in (("step_losses", "update", steps), ("val_losses", "epoch", vals)):
        (array,) = ARRAY.convert(item, f"{NAME} ({part})", label)
        if array.ndim != 1:
            raise Problem(L.LOSSES_NOT_1D.format(part=part, shape=array.shape, per=per, label=label))
        losses.append(array)
    return Run(params=params, step_losses=losses[0], val_losses=losses[1])


def run_case(fn: Any, case: LoopCase, label: str, trial: Trial, seed: int | None = None) -> Run:
    """The learner's run on ``case`` (inputs copied; they must come back unchanged)."""
    return read_run(trial.call(fn, case.args(seed), label), label, case)


def trusted_run(fn: Any, case: LoopCase, seed: int | None = None) -> Run:
    """The course's loop's run (or a bank entry's) on ``case``."""
    return read_run(quietly(fn, case.args(seed)), "", case)


def expected_epochs(val_losses: np.ndarray, patience: int, num_epochs: int) -> tuple[int, int]:
    """From the validation losses a run recorded: how many epochs it should have run, and its best epoch (both
    counted from 1), by the rule of lesson 07 with ``min_delta`` 0 (a NaN is never a new best)."""
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(val_losses, 1):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            return epoch, best_epoch
    return num_epochs, best_epoch


def _check_epochs(case: LoopCase, label: str, got: Run) -> None:
    """One loss per update, and as many epochs as its own validation losses allow."""
    epochs = len(got.val_losses)
    stop, best = expected_epochs(got.val_losses, case.patience, case.num_epochs)
    if epochs > stop:
        if epochs == case.num_epochs:
            raise named_mistake(NAME, mistakes.BANK, "ignores_stop")
        raise Problem(L.STOP_EPOCH.format(got=epochs, expected=stop, best=best, patience=case.patience,
                                          label=label))
    if epochs < stop:
        if stop < case.num_epochs:
            raise Problem(L.STOP_EPOCH.format(got=epochs, expected=stop, best=best, patience=case.patience,
                                              label=label))
        raise Problem(L.RAN_TOO_FEW.format(got=epochs, num_epochs=case.num_epochs, patience=case.patience,
                                           label=label))
    expected_steps = epochs * case.per_epoch
    if len(got.step_losses) != expected_steps:
        raise Problem(L.STEP_COUNT.format(got=len(got.step_losses), epochs=epochs, n=case.n,
                                          batch_size=case.batch_size, per_epoch=case.per_epoch,
                                          expected=expected_steps, label=label))


def _explain(case: LoopCase, label: str, got: Run, expected: Run, trial: Trial) -> Problem:
    """The sentence for a run that differs from the course's, when no bank entry explains it."""
    _check_epochs(case, label, got)
    parts = [(part, g, e) for (part, g), (_, e) in zip(got.parts(), expected.parts(), strict=True)]
    return first_part_differing(NAME, label, parts, RTOL, ATOL, trial.hidden, L.LOOP_WRONG_VALUE)


LOOP = Comparison(name=NAME, reference=reference.train_from_scratch, bank=mistakes.BANK, run=run_case,
                  trusted=trusted_run, same=lambda got, expected, case: got.same_as(expected), explain=_explain)
"""Runs whose batches every correct method draws alike equal the course's loop's, step by step."""


def _one_run(case: LoopCase):
    return lambda fn, trial: run_case(fn, case, trial.label(case.label), trial)


def _epochs_probe(label: str, cases: list[LoopCase]) -> Probe:
    def call(fn: Any, trial: Trial) -> list[tuple[LoopCase, str, Any]]:
        labels = trial.labels([case.label for case in cases])
        runs = gather_in_turn(partial(run_case, fn, case, lab, trial) for case, lab in zip(cases, labels, strict=True))
        return list(zip(cases, labels, runs, strict=False))

    def conclude(runs: list[tuple[LoopCase, str, Any]], trial: Trial) -> None:
        for case, lab, outcome in runs:
            _check_epochs(case, lab, reached(outcome))

    return Probe(label, call, conclude)


def _restores_probe(label: str, case: LoopCase) -> Probe:
    """It stops when patience runs out and hands back the weights of its best epoch."""

    def conclude(got: Run, trial: Trial) -> None:
        lab = trial.label(case.label)
        _check_epochs(case, lab, got)
        best_epoch = int(np.argmin(got.val_losses)) + 1
        best = float(got.val_losses[best_epoch - 1])
        returned = reference.val_loss(got.params, case.X_val, case.y_val)
        if np.isclose(returned, best, rtol=RTOL, atol=ATOL):
            return
        if best_epoch != len(got.val_losses) and np.isclose(returned, got.val_losses[-1], rtol=RTOL, atol=ATOL):
            raise named_mistake(NAME, mistakes.BANK, "last_weights")
        raise Problem(L.NOT_RESTORED.format(got=format_number(np.asarray(returned)), best=best_epoch,
                                            expected=format_number(np.asarray(best)), label=lab))

    return Probe(label, _one_run(case), conclude)


def _learns_probe(label: str, case: LoopCase) -> Probe:
    def conclude(got: Run, trial: Trial) -> None:
        lab = trial.label(case.label)
        _check_epochs(case, lab, got)
        first = reference.val_loss(case.params, case.X_train, case.y_train)
        last = float(np.mean(got.step_losses[-case.per_epoch:]))
        if np.isfinite(last) and last < LEARNED * first:
            return
        if trial.hidden:
            raise Problem(L.NOT_LEARNING_HIDDEN.format(label=lab))
        raise Problem(L.NOT_LEARNING.format(first=format_number(np.asarray(first)),
                                            last=format_number(np.asarray(last)), label=lab))

    return Probe(label, _one_run(case), conclude)


def _seeds_probe(label: str, case: LoopCase, seeds: tuple[int, int]) -> Probe:
    def call(fn: Any, trial: Trial) -> list[Any]:
        lab = trial.label(case.label)
        return gather_in_turn(partial(run_case, fn, case, lab, trial, seed) for seed in (seeds[0], seeds[1], seeds[0]))

    def conclude(runs: list[Any], trial: Trial) -> None:
        lab = trial.label(case.label)
        a, b = reached(runs[0]), reached(runs[1])
        _check_epochs(case, lab, a)
        if a.step_losses.shape == b.step_losses.shape and np.array_equal(a.step_losses, b.step_losses):
            raise Problem(L.SAME_RUN_OTHER_SEED.format(label=lab))
        again = reached(runs[2])
        if not (a.step_losses.shape == again.step_losses.shape
                and np.allclose(a.step_losses, again.step_losses, rtol=1e-9, atol=0.0)):
            raise Problem(L.OTHER_RUN_SAME_SEED.format(label=lab))

    return Probe(label, call, conclude)


# --- the battery ---------------------------------------------------------------------


def start_params(rng: np.random.Generator, d: int, hidden: int, k: int) -> dict[str, np.ndarray]:
    """Small random starting weights (biases too, so that a bias mistake shows)."""
    return {"W1": rng.normal(0.0, 0.8, size=(d, hidden)), "b1": rng.normal(0.0, 0.1, size=hidden),
            "W2": rng.normal(0.0, 0.8, size=(hidden, k)), "b2": rng.normal(0.0, 0.1, size=k)}


def random_labels(rng: np.random.Generator, n: int, d: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """n examples with random labels: a network can only memorise them, so the validation loss soon turns up."""
    return rng.normal(size=(n, d)), rng.integers(0, k, size=n)


def blobs(rng: np.random.Generator, n_per_class: int, k: int, spread: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """k clusters of points in the plane, around centres spread evenly on a circle of radius 3 (turned by a random
    angle): a problem a small network learns in a few epochs."""
    angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(k) / k
    centres = 3.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    y = np.repeat(np.arange(k), n_per_class)
    X = centres[y] + spread * rng.normal(size=(len(y), 2))
    order = rng.permutation(len(y))
    return X[order], y[order]


def copies(rng: np.random.Generator, n: int, d: int, label: int) -> tuple[np.ndarray, np.ndarray]:
    """n copies of one example: every batch gives the same mean loss and gradient, however it is drawn."""
    return np.tile(rng.normal(size=(1, d)), (n, 1)), np.full(n, label)


def probes(rng: np.random.Generator, hidden: bool, cases: list[tuple]) -> list[Probe]:
    """The rows of the check: step by step where the batches are alike, then what any correct run does."""
    X, y = random_labels(rng, 12, 3, 3)
    Xv, yv = random_labels(rng, 6, 3, 3)
    one_batch = LoopCase("12 examples in one batch (batch_size = 16), 3 inputs, 4 hidden units, 3 classes, "
                         "lr = 0.05, weight_decay = 0.1, 5 epochs", start_params(rng, 3, 4, 3), X, y, Xv, yv,
                         0.05, 0.1, 16, 5, 10, 1)
    Xc, yc = copies(rng, 10, 2, 1)
    Xcv, ycv = random_labels(rng, 5, 2, 2)
    alike = LoopCase("10 copies of one example in batches of 4, 4 and 2, 2 classes, lr = 0.02, weight_decay = 0.05, "
                     "4 epochs", start_params(rng, 2, 3, 2), Xc, yc, Xcv, ycv, 0.02, 0.05, 4, 4, 10, 2)
    Xo, yo = random_labels(rng, 8, 2, 2)
    Xov, yov = random_labels(rng, 8, 2, 2)
    stops = LoopCase("8 examples with random labels in one batch, lr = 0.1, 40 epochs, patience = 3 (it stops "
                     "early)", start_params(rng, 2, 6, 2), Xo, yo, Xov, yov, 0.1, 0.01, 8, 40, 3, 3)
    count_cases = []
    for n, batch_size, epochs in [(10, 3, 3), (9, 3, 2), (7, 8, 2)]:
        Xn, yn = random_labels(rng, n, 2, 2)
        Xnv, ynv = random_labels(rng, 4, 2, 2)
        count_cases.append(LoopCase(f"n = {n}, batch_size = {batch_size}, num_epochs = {epochs}",
                                    start_params(rng, 2, 3, 2), Xn, yn, Xnv, ynv, 0.01, 0.01, batch_size, epochs,
                                    10, n))
    Xr, yr = random_labels(rng, 24, 2, 2)
    Xrv, yrv = random_labels(rng, 12, 2, 2)
    restores = LoopCase("24 examples with random labels in batches of 5, lr = 0.05, 60 epochs, patience = 4",
                        start_params(rng, 2, 8, 2), Xr, yr, Xrv, yrv, 0.05, 0.01, 5, 60, 4, 4)
    Xb, yb = blobs(rng, 20, 3)
    Xbv, ybv = blobs(np.random.default_rng(int(rng.integers(1000))), 5, 3)
    learns = LoopCase("60 points in 3 clusters, batch_size = 10, lr = 0.05, 15 epochs", start_params(rng, 2, 8, 3),
                      Xb, yb, Xbv, ybv, 0.05, 0.01, 10, 15, 20, 5)
    Xs, ys = random_labels(rng, 20, 2, 2)
    Xsv, ysv = random_labels(rng, 6, 2, 2)
    seeds_case = LoopCase("20 examples in batches of 4, 2 epochs", start_params(rng, 2, 3, 2), Xs, ys, Xsv, ysv,
                          0.05, 0.01, 4, 2, 10)
    if hidden:
        return [
            LOOP.probe("runs on batches every method draws alike", [one_batch, alike, stops]),
            _epochs_probe("one loss per update, the right number of epochs", count_cases),
            _restores_probe("stops and restores", restores),
            _learns_probe("learns", learns),
            _seeds_probe("shuffled by rng", seeds_case, (11, 12)),
        ]
    return [
        LOOP.probe("batches every method draws alike (all the data in one batch; copies of one example in batches "
                   "of 4, 4, 2; a run that stops early): matches the course's loop step by step",
                   [one_batch, alike, stops]),
        _epochs_probe("one step loss per update and one validation loss per epoch", count_cases),
        _restores_probe("stops when patience runs out and hands back the best epoch's weights", restores),
        _learns_probe("the training loss falls on a problem a small network can learn", learns),
        _seeds_probe("shuffled by rng: another seed, another run; the same seed, the same run", seeds_case,
                     (11, 12)),
    ]


TRAIN_FROM_SCRATCH = Behaviour(name=NAME, arg_names=ARGS, seed=SEED, probes=probes, takes_cases=False)

train_from_scratch = make_behaviour_check(TRAIN_FROM_SCRATCH, (
    "Check ``fn(params, X_train, y_train, X_val, y_val, lr, weight_decay, batch_size, num_epochs, patience, rng)``: "
    "the training loop returning (best_params, step_losses, val_losses), step by step against the course's loop "
    "where the batches are alike, and by behaviour (counts, stopping, restoring the best weights, learning, "
    "shuffling by rng)."))
