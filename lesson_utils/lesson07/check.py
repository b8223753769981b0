"""Checks for lesson 07: ``train_val_split`` and ``EarlyStopping``, both by behaviour.

A split is correct whatever permutation it draws, so the check does not compare
values with the reference: it finds every returned row among the input rows and
checks sizes, alignment, disjointness, shuffling and the use of ``rng``.
EarlyStopping is driven through scripted validation-loss sequences while its
params change in place after every step, like a real training loop's.

Every row's call part makes all the calls of the learner's code its conclusion may need, in turn, up to the first
that has a problem (:func:`~lesson_utils.harness.gather_in_turn`); the conclusion then judges those results with
the reference and the bank of known mistakes, meeting that problem where it would have met it calling the
learner's code there and then.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np

from .. import messages as M
from ..harness import (
    Behaviour,
    Comparison,
    Probe,
    Problem,
    Trial,
    extra_cases,
    gather_in_turn,
    make_behaviour_check,
    named_mistake,
    quietly,
    reached,
)
from ..outputs import format_number, is_torch_tensor, several
from ..withheld import withheld
from . import messages as L
from .data import noisy_curve

mistakes, reference = withheld(__package__, "mistakes", "reference")


# --- train_val_split --------------------------------------------------------------

SPLIT_NAME = "train_val_split"
SPLIT_ARGS = ("X", "y", "val_fraction", "rng")
SPLIT_PARTS = ("X_train", "X_val", "y_train", "y_val")
SPLIT_SEED = 701
SHUFFLE_MIN_ROWS = 10
"""Below this many rows a random split may come out in order by chance, so shuffling is not judged."""


@dataclass(frozen=True)
class SplitCase:
    """X and y (every row unique, no X value equal to a y value), the fraction and the rng's seed."""

    label: str
    X: Any
    y: Any
    val_fraction: float
    seed: int

    @property
    def n(self) -> int:
        return len(self.X)

    @property
    def n_val(self) -> int:
        return reference.n_validation(self.n, self.val_fraction)


def _split_mistake(mistake_id: str) -> Problem:
    return named_mistake(SPLIT_NAME, mistakes.SPLIT_BANK, mistake_id)


def _read_split(value: Any, label: str) -> list[np.ndarray]:
    """The four returned parts as arrays, or a Problem saying what is wrong with them."""
    if value is None:
        raise Problem(M.RETURNED_NONE.format(name=SPLIT_NAME, label=label))
    value = several(value, SPLIT_PARTS, SPLIT_NAME, label)
    parts = []
    for part_name, part in zip(SPLIT_PARTS, value, strict=True):
        name = f"{SPLIT_NAME} ({part_name})"
        if part is None:
            raise Problem(M.RETURNED_NONE.format(name=name, label=label))
        if is_torch_tensor(part):
            raise Problem(M.RETURNED_TENSOR.format(name=name, label=label))
        try:
            array = np.asarray(part)
        except ValueError:
            array = np.asarray(part, dtype=object)
        if array.dtype == bool or not np.issubdtype(array.dtype, np.number) or array.ndim == 0:
            raise Problem(M.RETURNED_WRONG_TYPE.format(name=name, label=label, type=type(part).__name__,
                                                       what="an array with one row per example"))
        parts.append(array.astype(np.float64))
    return parts


MATCH_RTOL = 1e-6
"""How far (relatively) a returned value may be from the input value it copies: float32 rounding, not more."""


def _rows_of(part: np.ndarray, source: np.ndarray) -> np.ndarray | None:
    """The index in ``source`` of every row of ``part``, or None if a row is not one of source's rows.

    A returned row is the source row equal to it, or else the nearest source row within ``MATCH_RTOL`` (a copy
    made in float32, say). The check's own inputs hold values far apart by construction (see :func:`_spread`),
    so the row found is the one copied, whatever was drawn. An empty part may have any shape with no elements
    (``np.array([])`` is a fine empty part).
    """
    if part.size == 0 and len(part) == 0:
        return np.empty(0, dtype=int)
    if part.shape[1:] != source.shape[1:] or len(source) == 0:
        return None
    width = int(np.prod(source.shape[1:], dtype=int))
    flat_source = np.ascontiguousarray(source.reshape(len(source), width))
    first = {row.tobytes(): i for i, row in reversed(list(enumerate(flat_source)))}
    index = np.empty(len(part), dtype=int)
    for i, row in enumerate(np.ascontiguousarray(part.reshape(len(part), width))):
        hit = first.get(row.tobytes())
        if hit is None:
            with np.errstate(invalid="ignore"):
                gaps = np.abs(flat_source - row)
                fits = np.all(gaps <= MATCH_RTOL * np.abs(flat_source), axis=1)
            if not fits.any():
                return None
            hit = int(np.argmin(np.where(fits, np.max(gaps, axis=1), np.inf)))
        index[i] = hit
    return index


def _is_partition(a: np.ndarray, b: np.ndarray, n: int) -> bool:
    return np.array_equal(np.sort(np.concatenate([a, b])), np.arange(n))


def _in_order(train: np.ndarray, val: np.ndarray, n: int) -> bool:
    return np.array_equal(np.concatenate([train, val]), np.arange(n)) or np.array_equal(
        np.concatenate([val, train]), np.arange(n))


def analyse_split(case: SplitCase, parts: Sequence[np.ndarray], label: str) -> tuple[np.ndarray, np.ndarray]:
    """Where every returned X row came from, as (train rows, val rows); a Problem at the first thing wrong."""
    X = np.asarray(case.X, dtype=np.float64)
    y = np.asarray(case.y, dtype=np.float64)
    sources = (X, X, y, y)
    source_names = ("X", "X", "y", "y")
    rows = [_rows_of(p, s) for p, s in zip(parts, sources, strict=True)]
    if any(r is None for r in rows):
        if _rows_of(parts[1], y) is not None and _rows_of(parts[2], X) is not None:
            raise _split_mistake("wrong_order")
        i = next(i for i, r in enumerate(rows) if r is None)
        if parts[i].shape[1:] != sources[i].shape[1:]:
            raise Problem(L.SPLIT_PART_SHAPE.format(part=SPLIT_PARTS[i], got=parts[i].shape, label=label,
                                                    source=source_names[i], row=sources[i].shape[1:]))
        raise Problem(L.SPLIT_FOREIGN_ROWS.format(part=SPLIT_PARTS[i], source=source_names[i], label=label))
    x_train, x_val, y_train, y_val = rows
    for x_rows, y_rows, x_part, y_part in ((x_train, y_train, "X_train", "y_train"),
                                           (x_val, y_val, "X_val", "y_val")):
        if len(x_rows) != len(y_rows):
            raise Problem(L.SPLIT_LENGTHS_DIFFER.format(x_part=x_part, x_rows=len(x_rows), y_part=y_part,
                                                        y_rows=len(y_rows), label=label))
    n, n_val = case.n, case.n_val
    if np.intersect1d(x_train, x_val).size or (len(x_train) == n and n_val > 0):
        raise _split_mistake("val_in_train")
    if len(x_val) != n_val:
        if len(x_val) == n - n_val:
            raise _split_mistake("fraction_for_train")
        if len(x_val) == int(case.val_fraction * n):
            raise _split_mistake("floor_not_round")
        raise Problem(L.SPLIT_SIZES.format(got=len(x_val), n=n, val_fraction=case.val_fraction, expected=n_val,
                                           label=label))
    if not _is_partition(x_train, x_val, n):
        everything = np.concatenate([x_train, x_val])
        missing = n - np.unique(everything).size
        repeated = int(np.sum(np.bincount(everything, minlength=n) > 1))
        raise Problem(L.SPLIT_NOT_PARTITION.format(missing=missing, n=n, repeated=repeated, label=label))
    if not (np.array_equal(x_train, y_train) and np.array_equal(x_val, y_val)):
        if _is_partition(y_train, y_val, n):
            raise _split_mistake("separate_permutations")
        raise Problem(L.SPLIT_MISALIGNED.format(label=label))
    if n >= SHUFFLE_MIN_ROWS and 0 < n_val < n and _in_order(x_train, x_val, n):
        raise _split_mistake("no_shuffle")
    return x_train, x_val


def _learner_split(fn: Any, case: SplitCase, label: str, trial: Trial, seed: int) -> list[np.ndarray]:
    """The learner's split of ``case`` with an rng seeded by ``seed``, as four arrays (a Problem if it is not)."""
    rng = np.random.default_rng(seed)
    return _read_split(trial.call(fn, (case.X, case.y, case.val_fraction, rng), label), label)


def _same_split(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _split_row(label: str, cases: Sequence[SplitCase]) -> Probe:
    """Each case split with its own seed, then judged in turn."""

    def call(fn: Any, trial: Trial) -> list[tuple[SplitCase, str, Any]]:
        labels = trial.labels([case.label for case in cases])
        splits = gather_in_turn(partial(_learner_split, fn, case, lab, trial, case.seed)
                                for case, lab in zip(cases, labels, strict=True))
        return list(zip(cases, labels, splits, strict=False))

    def conclude(splits: list[tuple[SplitCase, str, Any]], trial: Trial) -> None:
        for case, lab, parts in splits:
            analyse_split(case, reached(parts), lab)

    return Probe(label, call, conclude)


def _rng_row(label: str, case: SplitCase, other_seeds: Sequence[int]) -> Probe:
    """Same seed, same split; other seeds, other splits."""
    seeds = [case.seed, case.seed, *other_seeds]

    def call(fn: Any, trial: Trial) -> list[Any]:
        return gather_in_turn(partial(_learner_split, fn, case, trial.label(case.label), trial, seed)
                              for seed in seeds)

    def conclude(splits: list[Any], trial: Trial) -> None:
        lab = trial.label(case.label)

        def rows(i: int) -> tuple[np.ndarray, np.ndarray]:
            return analyse_split(case, reached(splits[i]), lab)

        first, again = rows(0), rows(1)
        if not _same_split(first, again):
            if case.n >= SHUFFLE_MIN_ROWS:
                raise _split_mistake("ignores_rng")
            raise Problem(L.SPLIT_NOT_REPRODUCIBLE.format(label=lab))
        others = [rows(i) for i in range(2, len(seeds))]
        if all(_same_split(first, o) for o in others):
            raise _split_mistake("ignores_rng")

    return Probe(label, call, conclude)


def _spread(rng: np.random.Generator, size: int, low: float, high: float) -> np.ndarray:
    """``size`` values in [low, high] in a random order, any two at least (high - low) / (2 * size) apart.

    Each value sits in its own slot of width (high - low) / size, in the middle half of it: unique by a margin far
    above float32 rounding and the matching tolerance, so every returned row is traced back to its input row.
    """
    slots = rng.permutation(size) + rng.uniform(0.25, 0.75, size=size)
    return low + (high - low) * slots / size


def _table(rng: np.random.Generator, n: int, shape_x: tuple, shape_y: tuple, kind: str) -> tuple[Any, Any]:
    """Rows unique by construction: every X value in [-5, 5] (or 0 ... n*d - 1 for integers) and every y value in
    [10, 20] (or from 1000) differs from all the others (see :func:`_spread`)."""
    size_x, size_y = n * int(np.prod(shape_x, dtype=int)), n * int(np.prod(shape_y, dtype=int))
    if kind == "int":
        X = rng.permutation(size_x).reshape((n, *shape_x))
        y = (1000 + rng.permutation(size_y)).reshape((n, *shape_y))
        return X, y
    X = _spread(rng, size_x, -5.0, 5.0).reshape((n, *shape_x))
    y = _spread(rng, size_y, 10.0, 20.0).reshape((n, *shape_y))
    if kind == "float32":
        return X.astype(np.float32), y.astype(np.float32)
    if kind == "list":
        return X.tolist(), y.tolist()
    return X, y


def _fraction(rng: np.random.Generator, n: int) -> float:
    """A validation fraction in [0.1, 0.5] whose val_fraction * n is not a tie (x.5) for round()."""
    while True:
        fraction = round(float(rng.uniform(0.1, 0.5)), 2)
        if abs((fraction * n) % 1 - 0.5) > 0.05:
            return fraction


def _random_split_cases(rng: np.random.Generator) -> list[SplitCase]:
    cases = []
    for n, shape_x, shape_y, kind in [(40, (3,), (), "float64"), (23, (), (), "float64"), (60, (2, 2), (3,), "float32"),
                                      (17, (4,), (), "int"), (30, (2,), (), "list"), (101, (5,), (2,), "float64")]:
        X, y = _table(rng, n, shape_x, shape_y, kind)
        fraction = _fraction(rng, n)
        x_shape = f"X of shape {(n, *shape_x)}"
        cases.append(SplitCase(f"random {kind} {x_shape}, y of shape {(n, *shape_y)}, val_fraction {fraction:g}",
                               X, y, fraction, int(rng.integers(1_000_000))))
    return cases


def _edge_cases(rng: np.random.Generator) -> list[SplitCase]:
    def case(label, n, fraction, shape_x=(2,)):
        X, y = _table(rng, n, shape_x, (), "float64")
        return SplitCase(label, X, y, fraction, int(rng.integers(1_000_000)))

    return [
        case("10 rows, val_fraction 0.29: round(2.9) = 3 validation rows", 10, 0.29),
        case("10 rows, val_fraction 0.04: round(0.4) = 0, an empty validation part", 10, 0.04),
        case("12 rows, val_fraction 0: everything is training", 12, 0.0),
        case("25 rows, val_fraction 0.96: 24 validation rows, 1 training row", 25, 0.96),
        case("a single row, val_fraction 0.3: it goes to training", 1, 0.3),
        case("7 rows of one feature (X is 1-D), val_fraction 0.3: 2 validation rows", 7, 0.3, ()),
    ]


def split_probes(rng: np.random.Generator, hidden: bool, cases: Sequence[tuple]) -> list[Probe]:
    """The rows of ``train_val_split``'s check. Extra cases are (X, y, val_fraction, rng_seed) tuples."""
    extra = [SplitCase(label, *args) for label, args in extra_cases(cases)]
    X, y = _table(rng, 50, (3,), (), "float64")
    main = SplitCase("50 rows of 3 features, val_fraction 0.2: 40 training rows, 10 validation rows", X, y, 0.2,
                     int(rng.integers(1_000_000)))
    sorted_x = np.sort(_spread(rng, 30, -5.0, 5.0))
    ordered = SplitCase("30 rows sorted by x, val_fraction 0.3", sorted_x, 10.0 + sorted_x + 5.0, 0.3,
                        int(rng.integers(1_000_000)))
    other_seeds = [int(s) for s in rng.integers(1_000_000, size=3)]
    random_cases = _random_split_cases(rng) + extra
    edges = _edge_cases(rng)
    return [
        _split_row(main.label, [main]),
        _split_row("every row in exactly one part, next to its own y (random shapes, float32, integers, lists)",
                   random_cases),
        _split_row("the rows are shuffled before the cut (30 rows sorted by x)", [ordered]),
        _rng_row("the shuffle comes from rng: the same seed gives the same split, other seeds other splits",
                 main, other_seeds),
        _split_row("n_val = round(val_fraction * n) at the edges (0 rows, all but one row, a single row, 1-D X)",
                   edges),
    ]


TRAIN_VAL_SPLIT = Behaviour(name=SPLIT_NAME, arg_names=SPLIT_ARGS, seed=SPLIT_SEED, probes=split_probes)

train_val_split = make_behaviour_check(TRAIN_VAL_SPLIT, (
    "Check ``fn(X, y, val_fraction, rng)``: returns (X_train, X_val, y_train, y_val), shuffled with rng, "
    "round(val_fraction * n) validation rows, X and y aligned, every row in exactly one part.\n\nAny "
    "permutation passes. Extra ``cases`` are (X, y, val_fraction, rng_seed) tuples with unique rows."))

# --- EarlyStopping ----------------------------------------------------------------

STOP_NAME = "EarlyStopping"
STOP_ARGS = ("patience", "min_delta")
STOP_SIGNATURE = "EarlyStopping(patience, min_delta=0.0)"
STOP_SEED = 702
AFTER = -2
"""The 'epoch' of the params as the training loop leaves them after the last step (changed once more)."""
NONE = -3
"""The 'epoch' of params that are None."""
_MISSING = object()

Call = Callable[[Callable[..., Any], tuple], Any]
"""How :func:`run_stopper` makes each use of the class and its object: ``call(fn, args)`` gives ``fn(*args)``."""


@dataclass(frozen=True)
class StopCase:
    """A scripted run: patience, min_delta (None: use the default), the validation losses, the params' shapes."""

    label: str
    patience: int
    min_delta: float | None
    losses: tuple[float, ...]
    shapes: tuple[tuple[int, ...], ...] = ((2, 3), (3,))

    @property
    def args(self) -> tuple:
        return (self.patience,) if self.min_delta is None else (self.patience, self.min_delta)


def params_at(epoch: int, shapes: Sequence[tuple[int, ...]]) -> dict[str, np.ndarray]:
    """The params of a given epoch: arrays whose values say which epoch they belong to."""
    names = ["W", "b", "W2", "b2"]
    return {names[i]: np.full(shape, float(epoch) * (i + 1)) + np.arange(int(np.prod(shape))).reshape(shape) / 64
            for i, shape in enumerate(shapes)}


def _set_params(params: dict[str, np.ndarray], epoch: int, shapes) -> None:
    """Change every array of ``params`` in place to the values of ``epoch``, as an optimizer step does."""
    for name, value in params_at(epoch, shapes).items():
        params[name][...] = value


def _epoch_of(value: Any, case: StopCase) -> int | None:
    """Which epoch's params ``value`` holds (``AFTER`` for the params after the last step), or None."""
    if value is None:
        return NONE
    if not isinstance(value, dict):
        return None
    after = len(case.losses) + 3
    try:  # the first value of W is the epoch itself (see params_at): only that epoch can match
        first = float(np.asarray(value["W"], dtype=float).flat[0])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    guess = round(first) if np.isfinite(first) else -1
    candidates = [AFTER] if guess == after else [guess] if 0 <= guess < len(case.losses) else []
    for epoch in candidates:
        expected = params_at(len(case.losses) + 3 if epoch == AFTER else epoch, case.shapes)
        try:
            if sorted(map(str, value)) == sorted(expected) and all(
                np.shape(value[k]) == e.shape and np.array_equal(np.asarray(value[k], dtype=float), e)
                for k, e in expected.items()
            ):
                return epoch
        except (TypeError, ValueError, KeyError, IndexError):
            return None
    return None


@dataclass(frozen=True)
class StopTrace:
    """What a stopper did on one case."""

    stop_at: int | None
    best_epoch: int | str
    best_loss: float
    best_params: int | None
    restored: int | None

    def same_as(self, other: StopTrace) -> bool:
        return (self.stop_at == other.stop_at and self.best_epoch == other.best_epoch
                and self.best_params == other.best_params and self.restored == other.restored
                and bool(np.isclose(self.best_loss, other.best_loss, rtol=1e-6, atol=1e-12, equal_nan=True)))


def _as_epoch(value: Any) -> int | str:
    """A best_epoch as an int when it holds a whole number (an int, a NumPy integer, 3.0, a 0-d array or tensor),
    else its repr (shortened for a sentence), which equals no epoch."""
    item = value
    if (is_torch_tensor(value) or isinstance(value, np.ndarray)) and getattr(value, "ndim", None) == 0:
        item = value.item()
    if isinstance(item, numbers.Integral) and not isinstance(item, bool | np.bool_):
        return int(item)
    if isinstance(item, numbers.Real) and not isinstance(item, bool | np.bool_) and float(item).is_integer():
        return int(item)
    return repr(value)[:40]


def _as_loss(value: Any) -> float | None:
    """A best_loss as a float when it is one number (a float, a NumPy scalar, a 0-d array or tensor), else None."""
    if (is_torch_tensor(value) or isinstance(value, np.ndarray)) and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return float(value)
    return None


def _look_up(obj: Any, attr: str) -> tuple[bool, Any]:
    """``(True, obj.attr)``, or ``(False, None)`` when ``obj`` has no such attribute: a pair a record can hold."""
    try:
        return True, getattr(obj, attr)
    except AttributeError:
        return False, None


def _attribute(stopper: Any, attr: str, label: str, call: Call) -> Any:
    """The stopper's ``attr``, read through ``call``; a Problem if it has none."""
    found, value = call(partial(_look_up, stopper, attr), ())
    if not found:
        raise Problem(L.STOP_MISSING.format(attr=f"`{attr}`", label=label))
    return value


def run_stopper(cls: Any, case: StopCase, label: str, call: Call = quietly) -> StopTrace:
    """Drive ``cls`` through ``case`` like a training loop: change the params in place, call step, stop when told.

    After the loop the params change once more (training code often goes on using them), then the stopper's
    best_loss, best_epoch, best_params and restore() are read. Every use of the class and its object goes through
    ``call``: the trial's for the learner's class (:func:`_learner_trace`), :func:`quietly` (the default) for the
    reference and bank entries.
    """
    stopper = call(cls, case.args)
    if not callable(getattr(stopper, "step", None)):
        args = ", ".join(map(str, case.args))
        raise Problem(L.STOP_NOT_A_CLASS.format(args=args, what="None" if stopper is None else
                                                f"a {type(stopper).__name__}", label=label))
    params = params_at(0, case.shapes)
    stop_at = None
    for epoch, loss in enumerate(case.losses):
        _set_params(params, epoch, case.shapes)
        answer = call(lambda loss=loss: stopper.step(loss, params), ())
        if not isinstance(answer, bool | np.bool_):
            what = "None" if answer is None else f"a {type(answer).__name__}"
            raise Problem(L.STEP_NOT_BOOL.format(what=what, epoch=epoch, label=label))
        if answer:
            stop_at = epoch
            break
    _set_params(params, len(case.losses) + 3, case.shapes)
    best_loss = _attribute(stopper, "best_loss", label, call)
    best_epoch = _attribute(stopper, "best_epoch", label, call)
    best_params = _attribute(stopper, "best_params", label, call)
    restore = _attribute(stopper, "restore", label, call)
    restored = call(restore, ()) if callable(restore) else _MISSING
    if restored is _MISSING:
        raise Problem(L.STOP_MISSING.format(attr="`restore()` method", label=label))
    loss = _as_loss(best_loss)
    if loss is None:
        raise Problem(L.STOP_BEST_LOSS.format(got=repr(best_loss)[:40], expected="a number", label=label))
    best_loss = loss
    return StopTrace(stop_at, _as_epoch(best_epoch), best_loss, _epoch_of(best_params, case),
                     _epoch_of(restored, case))


def _learner_trace(fn: Any, case: StopCase, label: str, trial: Trial) -> StopTrace:
    """The learner's class driven through ``case``, every use of it and its object made through ``trial.call``."""
    return run_stopper(fn, case, label, lambda use, args: trial.call(use, args, label, arg_names=()))


def _trusted_trace(fn: Callable[..., Any], case: StopCase) -> StopTrace:
    """The reference's or a bank entry's trace on ``case``, called directly."""
    return run_stopper(fn, case, case.label)


def _same_trace(got: StopTrace, expected: StopTrace, case: StopCase) -> bool:
    return got.same_as(expected)


def _when(stop_at: int | None, expected: bool) -> str:
    if stop_at is not None:
        return L.STOPPED_AT.format(epoch=stop_at)
    return L.SHOULD_NOT_STOP if expected else L.NEVER_STOPPED


def _params_sentence(what: str, got: int | None, expected: int | None, label: str) -> Problem:
    if got == AFTER:
        return Problem(L.STOP_PARAMS_REFERENCE.format(what=what, label=label))
    if got == NONE:
        description = L.PARAMS_NONE
    elif got is None:
        description = L.PARAMS_OF_NO_EPOCH
    else:
        description = L.PARAMS_OF_EPOCH.format(epoch=got)
    return Problem(L.STOP_PARAMS.format(what=what, got=description, expected=expected, label=label))


def _explain_stop(case: StopCase, label: str, got: StopTrace, expected: StopTrace, trial: Trial) -> Problem:
    """The sentence for the first way ``got`` differs from ``expected``, when no bank entry explains it."""
    if got.stop_at != expected.stop_at:
        return Problem(L.STOP_WHEN.format(got=_when(got.stop_at, False), expected=_when(expected.stop_at, True),
                                          label=label))
    if got.best_epoch != expected.best_epoch:
        return Problem(L.STOP_BEST_EPOCH.format(got=got.best_epoch, expected=expected.best_epoch,
                                                label=label))
    if not np.isclose(got.best_loss, expected.best_loss, rtol=1e-6, atol=1e-12, equal_nan=True):
        return Problem(L.STOP_BEST_LOSS.format(got=format_number(np.asarray(got.best_loss)),
                                               expected=format_number(np.asarray(expected.best_loss)), label=label))
    if got.best_params != expected.best_params:
        return _params_sentence(L.BEST_PARAMS, got.best_params, expected.best_params, label)
    return _params_sentence(L.RESTORED, got.restored, expected.restored, label)


STOP = Comparison(name=STOP_NAME, reference=reference.EarlyStopping, bank=mistakes.STOP_BANK, run=_learner_trace,
                  trusted=_trusted_trace, same=_same_trace, explain=_explain_stop)


@dataclass(frozen=True)
class StopRuns:
    """The learner's class driven through every case of the check: each row's cases with the labels that row shows,
    and the traces of all of them in that order, up to the first run with a problem (kept in its place, see
    :func:`~lesson_utils.harness.gather_in_turn`)."""

    rows: list[list[tuple[StopCase, str]]]
    traces: list[Any]

    def row(self, number: int) -> list[tuple[int, StopCase, str]]:
        """Row ``number``'s cases (counted from 1), each with where its trace is among the traces."""
        start = sum(len(row) for row in self.rows[:number - 1])
        return [(start + i, case, label) for i, (case, label) in enumerate(self.rows[number - 1])]

    def known_problem(self) -> Problem | None:
        """The bank entry that behaves like the learner's class on every case of the check (None if a run had a
        problem)."""
        if any(isinstance(trace, Problem) for trace in self.traces):
            return None
        cases = [case for row in self.rows for case, _ in row]
        return STOP.known_problem(list(zip(cases, self.traces, strict=True)))


@dataclass
class StopBattery:
    """Every case of the check, one group of cases per row, in the order of the rows.

    The first row's call drives the learner's class through every case, each under the label its own row shows
    (row ``i`` is the ``i``-th group), so that a row that finds a difference names a known mistake from the
    learner's traces on the whole battery without calling its code again.
    """

    groups: list[list[StopCase]]
    _seen: tuple[Any, StopRuns] | None = field(default=None, repr=False)

    def runs(self, fn: Any, trial: Trial) -> StopRuns:
        """The runs of ``fn`` on every case, made the first time they are asked for."""
        if self._seen is None or self._seen[0] is not fn:
            rows = [list(zip(group, replace(trial, index=number).labels([c.label for c in group]), strict=True))
                    for number, group in enumerate(self.groups, 1)]
            traces = gather_in_turn(partial(_learner_trace, fn, case, label, trial)
                                    for row in rows for case, label in row)
            self._seen = fn, StopRuns(rows, traces)
        return self._seen[1]


def _judge_stop_row(runs: StopRuns, trial: Trial) -> None:
    """This row's runs against the reference's; at the first difference, the known mistake it shows, or else what
    differs."""
    for i, case, label in runs.row(trial.index):
        got = reached(runs.traces[i])
        expected = STOP.trusted(STOP.reference, case)
        if not STOP.same(got, expected, case):
            raise runs.known_problem() or STOP.explain(case, label, got, expected, trial)


def _stop_row(label: str, battery: StopBattery) -> Probe:
    return Probe(label, battery.runs, _judge_stop_row)


NAN = float("nan")
CURVE = StopCase("the overfitting curve, patience 3 (default min_delta): best at epoch 3, stop at epoch 6", 3, None,
                 (1.0, 0.8, 0.6, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9))
LATE = StopCase("a plateau, then a late improvement at epoch 4, patience 3: the counter starts again", 3, 0.0,
                (1.0, 0.9, 0.95, 0.92, 0.85, 0.9, 0.91, 0.93, 0.8), ((4,), (1,)))
EQUAL = StopCase("a loss equal to the best is no improvement (min_delta 0, patience 3)", 3, 0.0,
                 (1.0, 0.5, 0.5, 0.5, 0.5, 0.25))
EXACT = StopCase("min_delta 0.25: 2.0 -> 1.75 improves by exactly min_delta, which does not count", 2, 0.25,
                 (2.0, 1.75, 1.8125, 1.0))
SMALL = StopCase("min_delta 0.25: 2.0 -> 1.875 improves by less than min_delta, which does not count", 2, 0.25,
                 (2.0, 1.875, 1.9375, 1.0), ((3, 3),))
WORSE = StopCase("min_delta 0.25: 1.0 -> 1.125 is worse, not an improvement", 2, 0.25, (1.0, 1.125, 1.0625, 0.5))
BIG_STEP = StopCase("min_delta 0.25: 2.0 -> 1.5 improves by more than min_delta", 1, 0.25,
                    (2.0, 1.5, 1.375, 1.0), ((2,), (2,), (1,)))
PATIENCE_1 = StopCase("patience 1: stop at the first epoch without improvement", 1, 0.0, (1.0, 2.0, 0.5))
PATIENCE_5 = StopCase("patience 5 on a slow, bumpy descent that never stops", 5, 0.0,
                      (1.0, 0.9, 0.95, 0.97, 0.99, 0.98, 0.8, 0.85, 0.7, 0.75, 0.72, 0.71, 0.6))
NAN_CASE = StopCase("a NaN validation loss is not an improvement (patience 2)", 2, 0.0, (1.0, 0.5, NAN, 0.75, 0.25))
FIXED_STOP_CASES = (CURVE, LATE, EQUAL, EXACT, SMALL, WORSE, BIG_STEP, PATIENCE_1, PATIENCE_5, NAN_CASE)


def _random_stop_cases(rng: np.random.Generator) -> list[StopCase]:
    cases = []
    for patience, min_delta, num_epochs, shapes in [(3, 0.0, 30, ((5,), (1,))), (5, 0.01, 50, ((2, 2),)),
                                                    (2, 0.001, 25, ((3, 4), (4,))), (8, 0.0, 60, ((6,),)),
                                                    (4, 0.02, 40, ((1,), (1,), (2,)))]:
        losses = noisy_curve(rng, num_epochs)
        cases.append(StopCase(f"a noisy curve of {num_epochs} epochs, patience {patience}, min_delta {min_delta:g}",
                              patience, min_delta, losses, shapes))
    return cases


def stop_probes(rng: np.random.Generator, hidden: bool, cases: Sequence[tuple]) -> list[Probe]:
    """The rows of ``EarlyStopping``'s check. Extra cases are (patience, min_delta, losses) tuples."""
    extra = [StopCase(label, int(p), float(d), tuple(float(v) for v in losses))
             for label, (p, d, losses) in extra_cases(cases)]
    random_cases = _random_stop_cases(rng) + extra
    groups = [
        ("the overfitting curve: stops 3 epochs after the validation minimum, keeps a copy of the best params "
         "while the loop changes them in place, and restore() returns them", [CURVE]),
        ("a late improvement resets the counter", [LATE]),
        ("an equal loss is no improvement when min_delta is 0", [EQUAL]),
        ("min_delta: an improvement of exactly min_delta, or less, does not count; more does",
         [EXACT, SMALL, WORSE, BIG_STEP]),
        ("patience 1 stops at the first bad epoch; patience 5 waits through bumps", [PATIENCE_1, PATIENCE_5]),
        ("a NaN validation loss is not an improvement", [NAN_CASE]),
        ("noisy validation curves with several patience and min_delta values", random_cases),
    ]
    battery = StopBattery([group for _, group in groups])
    return [_stop_row(label, battery) for label, _ in groups]


EARLY_STOPPING = Behaviour(name=STOP_NAME, arg_names=STOP_ARGS, seed=STOP_SEED, probes=stop_probes,
                           shown_signature=STOP_SIGNATURE)

EarlyStopping = make_behaviour_check(EARLY_STOPPING, (
    "Check the class ``EarlyStopping(patience, min_delta=0.0)`` by its behaviour on scripted validation "
    "losses.\n\n``step(val_loss, params)`` must return True exactly when the epochs without improvement reach "
    "patience (improvement: val_loss < best_loss - min_delta); best_loss, best_epoch (0-based), a deep copy "
    "in best_params and restore() must match the best epoch even though the params change in place after "
    "every step. Extra ``cases`` are (patience, min_delta, losses) tuples."))

__all__ = ["EarlyStopping", "train_val_split"]

