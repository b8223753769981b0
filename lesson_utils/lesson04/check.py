"""Checks for lesson 04: ``iterate_minibatches``, ``steps_per_epoch`` and ``sgd_fit``.

``steps_per_epoch`` is a value check. The other two are checked by behaviour:
a learner may shuffle with ``rng.permutation``, ``rng.shuffle`` or anything
else drawn from ``rng``, so their batches differ from the reference's, and the
probes test what every correct method shares (every example once per epoch,
pairs aligned, a new order each epoch, the loss falling, ...). Where every
correct method builds the same batches (one batch holding all the data, or
rows that are all alike), ``sgd_fit`` is compared with the reference step by
step.

Each probe's ``call`` makes every call of the learner's code that its judging
may need, and its ``conclude`` judges them with what is withheld in the grading
kernel (the reference, the banks of mistakes). A probe with several calls
judged one after the other gathers them with :func:`~lesson_utils.harness.gather_in_turn`, so that
the first problem met is still the one a learner is told.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from .. import messages as M
from ..errors import CheckFailed
from ..harness import (
    ARRAY,
    SCALAR,
    Behaviour,
    Case,
    Comparison,
    Exercise,
    Mistake,
    Probe,
    Problem,
    Several,
    Trial,
    first_part_differing,
    gather_in_turn,
    make_behaviour_check,
    named_check,
    named_mistake,
    quietly,
    reached,
    run,
)
from ..outputs import format_number, returned_count
from ..withheld import withheld
from . import messages as L

mistakes, reference = withheld(__package__, "mistakes", "reference")


# --- iterate_minibatches ----------------------------------------------------------

ITER_NAME = "iterate_minibatches"
ITER_ARGS = ("X", "y", "batch_size", "rng")
ITER_SEED = 401


def _iter_mistake(mistake_id: str) -> Problem:
    return named_mistake(ITER_NAME, mistakes.ITER_BANK, mistake_id)


def row_coded(n: int, d: int, x_dtype: Any = np.float64, y_dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """X and y whose values say which example they are: row i of X is [100 i, 100 i + 1, ...] and y[i] = 3 i + 1."""
    X = (100 * np.arange(n)[:, None] + np.arange(d)).astype(x_dtype)
    y = (3 * np.arange(n) + 1).astype(y_dtype)
    return X, y


@dataclass(frozen=True)
class IterCase:
    label: str
    n: int
    batch_size: int
    d: int = 2
    x_dtype: Any = np.float64
    y_dtype: Any = np.float64

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return row_coded(self.n, self.d, self.x_dtype, self.y_dtype)

    @property
    def expected_sizes(self) -> list[int]:
        full, rest = divmod(self.n, self.batch_size)
        return [self.batch_size] * full + ([rest] if rest else [])


@dataclass(frozen=True)
class _Epoch:
    """The batches of one epoch, as example positions: ``rows[k]`` from X_batch k, ``labels[k]`` from y_batch k."""

    rows: list[np.ndarray]
    labels: list[np.ndarray]

    @property
    def order(self) -> np.ndarray:
        return np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=int)

    @property
    def sizes(self) -> list[int]:
        return [len(r) for r in self.rows]


_NONE = object()


def _decode(values: np.ndarray, scale: float, offset: np.ndarray | float, n: int) -> np.ndarray | None:
    """Positions i with values == scale * i + offset, or None when some value is no such thing."""
    if not np.issubdtype(values.dtype, np.number) or np.iscomplexobj(values) or values.dtype == bool:
        return None
    values = values.astype(np.float64)
    first = values[:, 0] if values.ndim == 2 else values
    positions = np.rint((first - (offset if np.ndim(offset) == 0 else offset[0])) / scale)
    ok = np.all(np.isfinite(positions)) and np.all((positions >= 0) & (positions < n))
    if not ok:
        return None
    positions = positions.astype(int)
    expected = scale * positions[:, None] + offset if values.ndim == 2 else scale * positions + offset
    return positions if np.array_equal(values, expected) else None


BATCHES_PER_EXAMPLE = 10
"""An epoch hands out at most one batch per example; an iterator that yields more than ten times that (and one)
never ends, and is stopped there rather than left to fill the memory until its time limit."""


def one_epoch(fn: Any, case: IterCase, rng: np.random.Generator, label: str, trial: Trial) -> _Epoch:
    """Run the learner's ``fn`` for one epoch on ``case`` with ``rng`` (not copied: it moves on, as in training).

    Consumes what ``fn`` returns within the time limit, and turns every problem with the form of the
    batches, or with X and y changed in place, into a :class:`Problem`.
    """
    X, y = case.data()
    limit = BATCHES_PER_EXAMPLE * len(y) + 1

    def consume(X_copy, y_copy, batch_size):
        value = fn(X_copy, y_copy, batch_size, rng)
        if value is None:
            return _NONE, None
        try:
            items = list(itertools.islice(iter(value), limit + 1))
        except TypeError:
            return type(value).__name__, None
        if len(items) > limit:
            return "endless", None
        for arg, before, after in (("X", X, X_copy), ("y", y, y_copy)):
            if not (isinstance(after, np.ndarray) and after.shape == before.shape
                    and np.array_equal(after, before)):
                return "mutated", arg
        return "ok", items

    kind, items = trial.call(consume, (X, y, case.batch_size), label, arg_names=())
    if kind is _NONE:
        raise Problem(M.RETURNED_NONE.format(name=ITER_NAME, label=label))
    if kind == "mutated":
        raise Problem(L.ITER_IN_PLACE.format(arg=items, label=label))
    if kind == "endless":
        raise Problem(L.ITER_ENDLESS.format(label=label, limit=limit, n=len(y)))
    if kind != "ok":
        raise Problem(L.ITER_NOT_ITERABLE.format(type=kind, label=label))
    rows, labels = [], []
    for index, item in enumerate(items, 1):
        if not isinstance(item, tuple | list) or len(item) != 2:
            what = f"{type(item).__name__} of {len(item)} values" if isinstance(item, tuple | list) \
                else type(item).__name__
            raise Problem(L.ITER_NOT_PAIRS.format(type=what, index=index, label=label))
        try:
            X_batch, y_batch = np.asarray(item[0]), np.asarray(item[1])
        except ValueError:
            raise Problem(L.ITER_NOT_ROWS.format(index=index, label=label)) from None
        if X_batch.ndim != X.ndim or X_batch.shape[1:] != X.shape[1:] or y_batch.shape != (len(X_batch),):
            raise Problem(L.ITER_BATCH_SHAPE.format(index=index, label=label, x_shape=X_batch.shape,
                                                    y_shape=y_batch.shape, shape=X.shape, n=case.n, rest=case.d))
        row_pos = _decode(X_batch, 100.0, np.arange(case.d, dtype=np.float64), case.n)
        label_pos = _decode(y_batch, 3.0, 1.0, case.n)
        if row_pos is None or label_pos is None:
            raise Problem(L.ITER_NOT_ROWS.format(index=index, label=label))
        rows.append(row_pos)
        labels.append(label_pos)
    return _Epoch(rows, labels)


def _runs_of_neighbours(epoch: _Epoch, case: IterCase) -> bool:
    """Is every batch a run of neighbours as stored, cut where the stored order would cut it?"""
    return all(len(r) > 0 and r[0] % case.batch_size == 0 and np.array_equal(r, np.arange(r[0], r[0] + len(r)))
               for r in epoch.rows)


def validate_epoch(epoch: _Epoch, case: IterCase, label: str) -> None:
    """Pairs aligned, every example exactly once, batches of batch_size and one smaller last one."""
    if any(not np.array_equal(r, t) for r, t in zip(epoch.rows, epoch.labels, strict=True)):
        raise _iter_mistake("pairs_broken")
    order, n, bs = epoch.order, case.n, case.batch_size
    counts = np.bincount(order, minlength=n)
    if np.any(counts != 1):
        missing, repeated = int(np.sum(counts == 0)), int(np.sum(counts > 1))
        if (n % bs and not repeated and missing == n % bs
                and epoch.sizes == [bs] * (n // bs)):
            raise _iter_mistake("drop_last")
        detail = "; ".join(part for part, count in ((L.ITER_MISSING.format(count=missing), missing),
                                                      (L.ITER_REPEATED.format(count=repeated), repeated)) if count)
        raise Problem(L.ITER_NOT_ONCE.format(label=label, n=n, batch_size=bs, detail=detail))
    if epoch.sizes != case.expected_sizes:
        if _runs_of_neighbours(epoch, case):
            raise _iter_mistake("shuffles_batches_only")
        raise Problem(L.ITER_BATCH_SIZES.format(got=epoch.sizes, expected=case.expected_sizes, label=label, n=n,
                                                batch_size=bs))


def _epoch_probe(label: str, cases: Sequence[IterCase], seeds: Sequence[int]) -> Probe:
    """One epoch of each case, each with a generator of its own seed, is valid (:func:`validate_epoch`)."""

    def call(fn: Any, trial: Trial) -> list[tuple[IterCase, str, Any]]:
        labels = trial.labels([case.label for case in cases])
        epochs = gather_in_turn(partial(one_epoch, fn, case, np.random.default_rng(seed), lab, trial)
                                 for case, seed, lab in zip(cases, seeds, labels, strict=True))
        return list(zip(cases, labels, epochs, strict=False))

    def conclude(epochs: list[tuple[IterCase, str, Any]], trial: Trial) -> None:
        for case, lab, epoch in epochs:
            validate_epoch(reached(epoch), case, lab)

    return Probe(label, call, conclude)


def _shuffled_probe(label: str, case: IterCase, seed: int) -> Probe:
    """The order is not the stored one, and the batches are not runs of neighbours."""

    def call(fn: Any, trial: Trial) -> _Epoch:
        return one_epoch(fn, case, np.random.default_rng(seed), trial.label(case.label), trial)

    def conclude(epoch: _Epoch, trial: Trial) -> None:
        lab = trial.label(case.label)
        validate_epoch(epoch, case, lab)
        if np.array_equal(epoch.order, np.arange(case.n)):
            raise _iter_mistake("no_shuffle")
        if _runs_of_neighbours(epoch, case):
            raise _iter_mistake("shuffles_batches_only")
        neighbours = [np.array_equal(np.sort(r), np.arange(r.min(), r.min() + len(r))) for r in epoch.rows]
        if all(neighbours):
            raise Problem(L.ITER_NOT_MIXED.format(label=lab))

    return Probe(label, call, conclude)


def _new_order_probe(label: str, case: IterCase, seed: int) -> Probe:
    """Two epochs drawn with the same generator, one after the other, come in different orders."""

    def call(fn: Any, trial: Trial) -> list[Any]:
        rng = np.random.default_rng(seed)
        return gather_in_turn(partial(one_epoch, fn, case, rng, trial.label(case.label), trial) for _ in range(2))

    def conclude(epochs: list[Any], trial: Trial) -> None:
        for epoch in epochs:
            validate_epoch(reached(epoch), case, trial.label(case.label))
        first, second = epochs
        if np.array_equal(first.order, second.order):
            raise _iter_mistake("same_order_every_epoch")

    return Probe(label, call, conclude)


def _same_seed_probe(label: str, case: IterCase, seed: int) -> Probe:
    """Two generators made with the same seed give the same batches: the order comes from rng."""

    def call(fn: Any, trial: Trial) -> tuple[_Epoch, _Epoch]:
        lab = trial.label(case.label)
        return (one_epoch(fn, case, np.random.default_rng(seed), lab, trial),
                one_epoch(fn, case, np.random.default_rng(seed), lab, trial))

    def conclude(epochs: tuple[_Epoch, _Epoch], trial: Trial) -> None:
        first, second = epochs
        lab = trial.label(case.label)
        validate_epoch(first, case, lab)
        validate_epoch(second, case, lab)
        if first.sizes != second.sizes or not np.array_equal(first.order, second.order):
            raise _iter_mistake("ignores_rng")

    return Probe(label, call, conclude)


def _random_iter_cases(rng: np.random.Generator) -> list[IterCase]:
    cases = []
    for low, high, x_dtype, y_dtype in [(2, 9, np.float64, np.float64), (10, 40, np.float32, np.int64),
                                        (41, 120, np.float64, np.float32)]:
        n = int(rng.integers(low, high))
        batch_size = int(rng.integers(2, max(3, n // 2)))
        if n % batch_size == 0:
            n += 1
        d = int(rng.integers(1, 5))
        cases.append(IterCase(f"n = {n}, batch_size = {batch_size}, {d} features", n, batch_size, d, x_dtype,
                              y_dtype))
    k = int(rng.integers(2, 6))
    b = int(rng.integers(2, 9))
    cases.append(IterCase(f"n = {k * b}, batch_size = {b}: divides n", k * b, b))
    n = int(rng.integers(1, 9))
    cases.append(IterCase(f"n = {n}, batch_size = {n + 3}: larger than n", n, n + 3))
    return cases


def iter_probes(rng: np.random.Generator, hidden: bool, cases: Sequence[tuple]) -> list[Probe]:
    """The rows of ``iterate_minibatches``'s check."""
    seeds = [int(s) for s in rng.integers(0, 2**31, size=16)]
    big = IterCase("n = 60, batch_size = 8, 3 features", 60, 8, 3)
    if hidden:
        random_cases = _random_iter_cases(rng)
        n = int(rng.integers(40, 90))
        big = IterCase(f"n = {n}, batch_size = 7", n, 7, 2)
        return [
            _epoch_probe("one epoch", random_cases, seeds[:len(random_cases)]),
            _shuffled_probe("shuffled", big, seeds[8]),
            _new_order_probe("a new order each epoch", big, seeds[9]),
            _same_seed_probe("the same seed, the same batches", big, seeds[10]),
        ]
    first = IterCase("n = 10, batch_size = 3", 10, 3)
    shapes = [
        IterCase("n = 12, batch_size = 4: batch_size divides n", 12, 4),
        IterCase("n = 7, batch_size = 1", 7, 1, 1),
        IterCase("n = 5, batch_size = 8: larger than n", 5, 8),
        IterCase("n = 6, batch_size = 6: equal to n", 6, 6),
        IterCase("n = 23, batch_size = 5, float32 X with 4 features, integer y", 23, 5, 4, np.float32, np.int64),
        IterCase("n = 1, batch_size = 2", 1, 2, 3),
    ]
    return [
        _epoch_probe("one epoch of n = 10, batch_size = 3: every example exactly once, X and y rows still paired, "
                     "batches of 3, 3, 3, 1", [first], seeds[:1]),
        _epoch_probe("other sizes: batch_size divides n, batch_size 1, batch_size >= n, float32 X, integer y",
                     shapes, seeds[1:1 + len(shapes)]),
        _shuffled_probe("the order is shuffled (n = 60, batch_size = 8)", big, seeds[8]),
        _new_order_probe("a new order each epoch: two calls with the same rng differ", big, seeds[9]),
        _same_seed_probe("the order comes from rng: two generators with the same seed give the same batches",
                         big, seeds[10]),
    ]


ITERATE_MINIBATCHES = Behaviour(name=ITER_NAME, arg_names=ITER_ARGS, seed=ITER_SEED, probes=iter_probes,
                                takes_cases=False)

iterate_minibatches = make_behaviour_check(ITERATE_MINIBATCHES, (
    "Check ``fn(X, y, batch_size, rng)``: one epoch of (X_batch, y_batch) pairs, shuffled with rng, every "
    "example exactly once, pairs aligned, the last smaller batch kept, a new order each epoch, X and y "
    "unchanged."))

# --- steps_per_epoch --------------------------------------------------------------


def _steps_fixed() -> list[Case]:
    return [
        Case("the worked example: n = 1,000,000, batch_size = 256", (1_000_000, 256)),
        Case("the small set: n = 20, batch_size = 8", (20, 8)),
        Case("batch_size divides n: n = 12, batch_size = 4", (12, 4)),
        Case("a last batch of 1: n = 9, batch_size = 4", (9, 4)),
        Case("batch_size = 1: n = 7", (7, 1)),
        Case("batch_size larger than n: n = 5, batch_size = 8", (5, 8)),
        Case("batch_size equal to n: n = 8, batch_size = 8", (8, 8)),
        Case("NumPy integers: n = np.int64(1000), batch_size = np.int64(64)", (np.int64(1000), np.int64(64))),
    ]


def _steps_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for steps, batch_size, rest in [(int(rng.integers(1, 30)), int(rng.integers(4, 64)), "over half"),
                                    (int(rng.integers(30, 2000)), int(rng.integers(8, 512)), "under half"),
                                    (int(rng.integers(1000, 100_000)), int(rng.integers(3, 1024)), "any")]:
        if rest == "over half":
            left = int(rng.integers(batch_size // 2 + 1, batch_size))
        elif rest == "under half":
            left = int(rng.integers(1, batch_size // 2))
        else:
            left = int(rng.integers(1, batch_size))
        n = steps * batch_size + left
        cases.append(Case(f"random n = {n:,}, batch_size = {batch_size}", (n, batch_size)))
    batch_size = int(rng.integers(2, 600))
    n = batch_size * int(rng.integers(2, 5000))
    cases.append(Case(f"random n = {n:,}, batch_size = {batch_size}: divides n", (n, batch_size)))
    return cases


STEPS_PER_EPOCH = Exercise(
    name="steps_per_epoch",
    arg_names=("n", "batch_size"),
    reference=reference.steps_per_epoch,
    fixed_cases=_steps_fixed,
    random_cases=_steps_random,
    mistakes=mistakes.STEPS_BANK,
    output=SCALAR,
    seed=402,
)


class _FirstFloat:
    """Sees what the learner's function returned on each case and keeps the first answer that is a float."""

    def __init__(self) -> None:
        self.found: tuple[Any, tuple] | None = None

    def __call__(self, case: Case, value: Any) -> None:
        integer = isinstance(value, int | np.integer) and not isinstance(value, bool)
        if not integer and isinstance(value, float | np.floating) and self.found is None:
            self.found = (value, case.args)


def _steps_per_epoch(fn: Any, *, seed: int | None, cases: Sequence[Sequence[Any]] | None, hidden: bool,
                     time_limit: float | None) -> None:
    """The value check of STEPS_PER_EPOCH, then the rule that every answer is an int."""
    first_float = _FirstFloat()
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            run(STEPS_PER_EPOCH, fn, seed=seed, cases=cases, hidden=hidden, time_limit=time_limit,
                returned=first_float)
    except CheckFailed:
        print(out.getvalue(), end="")
        raise
    lines = out.getvalue().splitlines()
    summary = lines.pop()
    if first_float.found is None:
        print("\n".join([*lines, *([] if hidden else [M.CASE_PASS.format(label=L.COUNT_INT_LINE)]), summary]))
        return
    print("\n".join([*lines, *([] if hidden else [M.CASE_FAIL.format(label=L.COUNT_INT_LINE)])]))
    value, (n, batch_size) = first_float.found
    kind = type(value).__name__
    message = (L.COUNT_NOT_INT_HIDDEN.format(type=kind) if hidden
               else L.COUNT_NOT_INT.format(value=value, type=kind, n=n, batch_size=batch_size))
    raise CheckFailed(message, case=(n, batch_size), mistake=mistakes.STEPS_FLOAT)


steps_per_epoch = named_check(
    "steps_per_epoch",
    "Check ``fn(n, batch_size)``: the number of updates in one epoch, as an int.",
    _steps_per_epoch,
)


# --- sgd_fit ------------------------------------------------------------------------

SGD_NAME = "sgd_fit"
SGD_ARGS = ("X", "y", "lr", "batch_size", "num_epochs", "rng")
SGD_SEED = 403
SGD_RTOL = 1e-4
"""Runs take many steps and a learner may compute in float32: a looser tolerance than 1e-5."""
SGD_ATOL = 1e-6
CLOSE_TOL = 0.05
"""How near the least-squares w and b a run on the 'learnable problem' must end (it lands within about 0.005)."""

_PARAMS = Several(names=("w", "b"), parts=(ARRAY, SCALAR), keyed=True)


@dataclass(frozen=True)
class SgdRun:
    """What sgd_fit returned, in canonical form."""

    w: np.ndarray
    b: np.ndarray
    step_losses: np.ndarray
    epoch_losses: np.ndarray

    def parts(self) -> list[tuple[str, np.ndarray]]:
        return [("w", self.w), ("b", self.b), ("step_losses", self.step_losses), ("epoch_losses", self.epoch_losses)]

    def same_as(self, other: SgdRun) -> bool:
        return all(a.shape == e.shape and np.allclose(a, e, rtol=SGD_RTOL, atol=SGD_ATOL, equal_nan=True)
                   for (_, a), (_, e) in zip(self.parts(), other.parts(), strict=True))


def read_sgd(value: Any, label: str, d: int) -> SgdRun:
    """Canonical form of sgd_fit's ``(params, step_losses, epoch_losses)``, or a :class:`Problem`."""
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=SGD_NAME, label=label))
    if not isinstance(value, tuple | list) or len(value) != 3:
        raise Problem(L.SGD_NOT_THREE.format(got=returned_count(value), label=label))
    w, b = _PARAMS.convert(value[0], f"{SGD_NAME} (params)", label)
    if w.shape != (d,):
        raise Problem(L.SGD_W_SHAPE.format(got=w.shape, d=d, label=label))
    if b.size != 1:
        raise Problem(L.SGD_B_SIZE.format(size=b.size, label=label))
    losses = []
    for part, per, item in (("step_losses", "update", value[1]), ("epoch_losses", "epoch", value[2])):
        (array,) = ARRAY.convert(item, f"{SGD_NAME} ({part})", label)
        if array.ndim != 1:
            raise Problem(L.SGD_LOSSES_NOT_1D.format(part=part, shape=array.shape, per=per, label=label))
        losses.append(array)
    return SgdRun(w=w, b=b.reshape(()), step_losses=losses[0], epoch_losses=losses[1])


@dataclass(frozen=True)
class SgdCase:
    label: str
    X: np.ndarray
    y: np.ndarray
    lr: float
    batch_size: int
    num_epochs: int
    seed: int = 0

    def args(self, seed: int | None = None) -> tuple:
        rng = np.random.default_rng(self.seed if seed is None else seed)
        return (self.X, self.y, self.lr, self.batch_size, self.num_epochs, rng)

    @property
    def n(self) -> int:
        return len(self.X)

    @property
    def d(self) -> int:
        return self.X.shape[1]


def run_sgd(fn: Any, case: SgdCase, label: str, trial: Trial, seed: int | None = None) -> SgdRun:
    """The learner's run on ``case`` (inputs copied; X and y must come back unchanged)."""
    return read_sgd(trial.call(fn, case.args(seed), label), label, case.d)


def reference_sgd(fn: Callable[..., Any], case: SgdCase, seed: int | None = None) -> SgdRun:
    """A reference or bank entry's run, without warnings (plus_not_minus overflows on purpose)."""
    return read_sgd(quietly(fn, case.args(seed)), "", case.d)


def _sgd_mistake(bank: Sequence[Mistake], mistake_id: str) -> Problem:
    return named_mistake(SGD_NAME, bank, mistake_id)


def _check_counts(case: SgdCase, label: str, got: SgdRun) -> None:
    per_epoch = reference.steps_per_epoch(case.n, case.batch_size)
    expected = case.num_epochs * per_epoch
    if len(got.step_losses) != expected:
        if case.n % case.batch_size and len(got.step_losses) == case.num_epochs * (case.n // case.batch_size):
            raise _sgd_mistake(mistakes.SGD_BEHAVIOUR_BANK, "drop_last")
        raise Problem(L.SGD_STEP_COUNT.format(got=len(got.step_losses), label=label, n=case.n,
                                              batch_size=case.batch_size, num_epochs=case.num_epochs,
                                              expected=expected))
    if len(got.epoch_losses) != case.num_epochs:
        raise Problem(L.SGD_EPOCH_COUNT.format(got=len(got.epoch_losses), num_epochs=case.num_epochs, label=label))


def _same_sgd(got: SgdRun, expected: SgdRun, case: SgdCase) -> bool:
    return got.same_as(expected)


def _explain_sgd(case: SgdCase, label: str, got: SgdRun, expected: SgdRun, trial: Trial) -> Problem:
    """The sentence for a run that differs from the reference's, when no bank entry explains it: its counts'
    (raised by :func:`_check_counts`), or else its first part that differs."""
    _check_counts(case, label, got)
    parts = [(part, g, e) for (part, g), (_, e) in zip(got.parts(), expected.parts(), strict=True)]
    return first_part_differing(SGD_NAME, label, parts, SGD_RTOL, SGD_ATOL, trial.hidden, L.SGD_WRONG_VALUE)


SGD = Comparison(name=SGD_NAME, reference=reference.sgd_fit, bank=mistakes.SGD_BANK, run=run_sgd,
                 trusted=reference_sgd, same=_same_sgd, explain=_explain_sgd)
"""Runs whose batches every correct method builds alike equal the reference's, step by step."""

def _counts_probe(label: str, cases: Sequence[SgdCase]) -> Probe:
    """One step loss per update and one epoch loss per epoch, case by case."""

    def call(fn: Any, trial: Trial) -> list[tuple[SgdCase, str, Any]]:
        labels = trial.labels([case.label for case in cases])
        runs = gather_in_turn(partial(run_sgd, fn, case, lab, trial) for case, lab in zip(cases, labels, strict=True))
        return list(zip(cases, labels, runs, strict=False))

    def conclude(runs: list[tuple[SgdCase, str, Any]], trial: Trial) -> None:
        for case, lab, outcome in runs:
            _check_counts(case, lab, reached(outcome))

    return Probe(label, call, conclude)


def _one_run(case: SgdCase) -> Callable[[Any, Trial], SgdRun]:
    """The ``call`` of a probe that judges one run of the learner's sgd_fit on ``case``."""
    return lambda fn, trial: run_sgd(fn, case, trial.label(case.label), trial)


def _epoch_loss_probe(label: str, case: SgdCase) -> Probe:
    """The last epoch loss is the whole data set's loss with the returned parameters."""

    def conclude(got: SgdRun, trial: Trial) -> None:
        lab = trial.label(case.label)
        _check_counts(case, lab, got)
        full = reference.linear_mse(got.w, float(got.b), case.X, case.y)
        last = float(got.epoch_losses[-1])
        if not np.isclose(last, full, rtol=SGD_RTOL, atol=SGD_ATOL):
            per_epoch = reference.steps_per_epoch(case.n, case.batch_size)
            if np.isclose(last, np.mean(got.step_losses[-per_epoch:]), rtol=SGD_RTOL, atol=SGD_ATOL):
                raise _sgd_mistake(mistakes.SGD_BANK, "epoch_loss_mean_of_steps")
            raise Problem(L.SGD_EPOCH_LOSS.format(got=format_number(np.asarray(last)),
                                                  expected=format_number(np.asarray(full)), label=lab))

    return Probe(label, _one_run(case), conclude)


def _learns_probe(label: str, case: SgdCase) -> Probe:
    """On a learnable problem the epoch loss falls well below the untrained loss, and the run ends
    near the least-squares solution."""

    def conclude(got: SgdRun, trial: Trial) -> None:
        lab = trial.label(case.label)
        _check_counts(case, lab, got)
        start = float(np.mean(np.asarray(case.y, dtype=float) ** 2))
        losses = got.epoch_losses
        if not (np.all(np.isfinite(losses)) and losses[-1] < 0.5 * start and losses[-1] <= losses[0]):
            if trial.hidden:
                raise Problem(L.SGD_NOT_FALLING_HIDDEN.format(label=lab))
            raise Problem(L.SGD_NOT_FALLING.format(first=format_number(losses[:1].reshape(())),
                                                   last=format_number(losses[-1:].reshape(())),
                                                   start=format_number(np.asarray(start)), label=lab))
        w_best, b_best = reference.least_squares(case.X, case.y)
        if not (np.all(np.abs(got.w - w_best) <= CLOSE_TOL) and abs(float(got.b) - b_best) <= CLOSE_TOL):
            if trial.hidden:
                raise Problem(L.SGD_NOT_CLOSE_HIDDEN.format(label=lab))
            raise Problem(L.SGD_NOT_CLOSE.format(w=format_number(got.w), b=format_number(got.b),
                                                 w_best=format_number(w_best),
                                                 b_best=format_number(np.asarray(b_best)), epochs=case.num_epochs,
                                                 tol=CLOSE_TOL, label=lab))

    return Probe(label, _one_run(case), conclude)


def _seeds_probe(label: str, case: SgdCase, seeds: tuple[int, int]) -> Probe:
    """Different seeds give different runs (the batches are shuffled by rng); the same seed, the same run."""

    def call(fn: Any, trial: Trial) -> list[Any]:
        lab = trial.label(case.label)
        return gather_in_turn(partial(run_sgd, fn, case, lab, trial, seed) for seed in (seeds[0], seeds[1], seeds[0]))

    def conclude(runs: list[Any], trial: Trial) -> None:
        a, b = reached(runs[0]), reached(runs[1])
        _check_counts(case, trial.label(case.label), a)
        if a.same_as(b):
            raise _sgd_mistake(mistakes.SGD_BEHAVIOUR_BANK, "no_shuffle")
        again = reached(runs[2])
        if not (a.step_losses.shape == again.step_losses.shape
                and np.allclose(a.step_losses, again.step_losses, rtol=1e-9, atol=0.0)):
            raise _sgd_mistake(mistakes.SGD_BEHAVIOUR_BANK, "ignores_rng")

    return Probe(label, call, conclude)


def noisy_problem(rng: np.random.Generator, n: int, d: int, dtype: Any = np.float64,
                  noise: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    """A learnable problem: X uniform in [-2, 2], y = X @ w + b + noise, for a random w and b."""
    X = rng.uniform(-2.0, 2.0, size=(n, d))
    y = X @ rng.uniform(-2.0, 2.0, size=d) + rng.uniform(-1.0, 1.0) + noise * rng.normal(size=n)
    return X.astype(dtype), y.astype(dtype)


def alike_rows(n: int, row: Sequence[float], target: float, dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """n copies of one example: every batch of m rows has the same loss and gradient, however it is drawn."""
    return np.tile(np.asarray(row, dtype=dtype), (n, 1)), np.full(n, target, dtype=dtype)


def _random_value_cases(rng: np.random.Generator) -> list[SgdCase]:
    cases = []
    for n, d, dtype, extra in [(6, 1, np.float64, 0), (15, 3, np.float32, 4), (9, 2, np.float64, 0)]:
        X, y = noisy_problem(rng, n, d, dtype)
        lr = float(rng.choice([0.02, 0.05, 0.1]))
        epochs = int(rng.integers(1, 5))
        cases.append(SgdCase(f"one batch holding all {n} examples ({d} features, {np.dtype(dtype).name}, "
                             f"batch_size = {n + extra}), lr = {lr:g}, {epochs} epochs", X, y, lr, n + extra, epochs,
                             int(rng.integers(1000))))
    for n, batch_size in [(int(rng.integers(7, 14)), 4), (int(rng.integers(15, 30)), 6)]:
        if n % batch_size == 0:
            n += 1
        d = int(rng.integers(1, 4))
        X, y = alike_rows(n, rng.uniform(-1.5, 1.5, size=d), float(rng.uniform(-3, 3)))
        cases.append(SgdCase(f"{n} copies of one example, batch_size = {batch_size}, lr = 0.05, 3 epochs", X, y, 0.05,
                             batch_size, 3, int(rng.integers(1000))))
    return cases


def sgd_probes(rng: np.random.Generator, hidden: bool, cases: Sequence[tuple]) -> list[Probe]:
    """The rows of ``sgd_fit``'s check: its behaviour, and its values where every method builds the batches alike."""
    X, y = noisy_problem(rng, 200, 3)
    learnable = SgdCase("200 noisy examples, 3 features, lr = 0.02, batch_size = 16, 20 epochs", X, y, 0.02, 16, 20, 7)
    epoch_case = SgdCase("200 noisy examples, batch_size = 32, 3 epochs", X, y, 0.05, 32, 3, 8)
    Xs, ys = noisy_problem(rng, 40, 2)
    seeds_case = SgdCase("40 noisy examples, batch_size = 8, 2 epochs", Xs, ys, 0.05, 8, 2)
    count_cases = []
    for n, batch_size, epochs, d in [(10, 3, 2, 1), (12, 4, 3, 2), (5, 8, 2, 3), (9, 1, 1, 2)]:
        Xc, yc = noisy_problem(rng, n, d)
        count_cases.append(SgdCase(f"n = {n}, batch_size = {batch_size}, num_epochs = {epochs}", Xc, yc, 0.05,
                                   batch_size, epochs, n))
    random_cases = _random_value_cases(rng)
    if hidden:
        return [
            SGD.probe("runs on batches every method builds alike", random_cases),
            _counts_probe("one loss per update and per epoch", count_cases),
            _epoch_loss_probe("the epoch loss", epoch_case),
            _learns_probe("learns", learnable),
            _seeds_probe("shuffled by rng", seeds_case, (11, 12)),
        ]
    Xw, yw = noisy_problem(np.random.default_rng(4), 8, 2)
    full = [
        SgdCase("8 examples, 2 features, batch_size = 8 (one batch), lr = 0.1, 3 epochs", Xw, yw, 0.1, 8, 3),
        SgdCase("the same 8 examples, batch_size = 20 (larger than n), lr = 0.1, 2 epochs", Xw, yw, 0.1, 20, 2),
        SgdCase("float32 X and y, batch_size = 8, lr = 0.05, 4 epochs", Xw.astype(np.float32), yw.astype(np.float32),
                0.05, 8, 4),
    ]
    Xa, ya = alike_rows(10, [1.0, -0.5, 2.0], 3.0)
    alike = [SgdCase("10 copies of one example, batch_size = 4 (batches of 4, 4, 2), lr = 0.05, 2 epochs", Xa, ya,
                     0.05, 4, 2)]
    return [
        SGD.probe("one batch holding all the data is plain gradient descent: matches the reference step by step",
                  full),
        SGD.probe("10 copies of one example in batches of 4, 4, 2: matches the reference step by step", alike),
        _counts_probe("one step loss per update (num_epochs * steps_per_epoch) and one epoch loss per epoch",
                      count_cases),
        _epoch_loss_probe("each epoch loss is the whole data set's loss at the end of the epoch", epoch_case),
        SGD.probe("random problems whose batches every method builds alike, float32 included", random_cases),
        _learns_probe("the epoch loss falls and the run ends near the least-squares solution", learnable),
        _seeds_probe("shuffled by rng: other seeds, other runs; the same seed, the same run", seeds_case, (11, 12)),
    ]


SGD_FIT = Behaviour(name=SGD_NAME, arg_names=SGD_ARGS, seed=SGD_SEED, probes=sgd_probes, takes_cases=False)

sgd_fit = make_behaviour_check(SGD_FIT, (
    "Check ``fn(X, y, lr, batch_size, num_epochs, rng)``: minibatch SGD from zeros returning (params, "
    "step_losses, epoch_losses), by behaviour (counts, the loss falling, ending near least squares, shuffling "
    "by rng) and, on batches every method builds alike, step by step against the reference."))
