"""Tests of the lesson 07 checks: do they pass every correct split and stopper, name every known mistake,
and say the right sentence for everything else?"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import numpy as np
import pytest

from lesson_utils import check
from lesson_utils import messages as M
from lesson_utils.lesson07 import check as lesson07
from lesson_utils.lesson07 import messages as L
from lesson_utils.lesson07 import mistakes, reference

MAIN = "50 rows of 3 features, val_fraction 0.2: 40 training rows, 10 validation rows"
CHECKS = {"train_val_split": check.train_val_split, "EarlyStopping": check.EarlyStopping}
REFERENCES = {"train_val_split": reference.train_val_split, "EarlyStopping": reference.EarlyStopping}


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


# --- the reference ---------------------------------------------------------------------


def test_reference_split_sizes_and_rounding():
    """Does the reference give round(val_fraction * n) validation rows, aligned and disjoint?"""
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10) * 10
    X_train, X_val, y_train, y_val = reference.train_val_split(X, y, 0.29, np.random.default_rng(0))
    assert (len(X_train), len(X_val)) == (7, 3)
    assert np.array_equal(X_val[:, 0] * 5, y_val) and np.array_equal(X_train[:, 0] * 5, y_train)
    assert sorted(np.concatenate([y_train, y_val]).tolist()) == y.tolist()
    assert [reference.n_validation(10, f) for f in (0.0, 0.04, 0.29, 0.96, 1.0)] == [0, 0, 3, 10, 10]


def test_reference_stopper_on_the_overfitting_curve():
    """Does the reference stop 3 epochs after the minimum at 0.5 and hand back the params of that epoch?"""
    stopper = reference.EarlyStopping(patience=3)
    params = {"w": np.zeros(2)}
    stops = []
    for epoch, loss in enumerate([1.0, 0.8, 0.6, 0.5, 0.55, 0.6, 0.7, 0.8]):
        params["w"][...] = epoch
        stops.append(stopper.step(loss, params))
        if stops[-1]:
            break
    assert stops == [False] * 6 + [True]
    assert (stopper.best_epoch, stopper.best_loss) == (3, 0.5)
    assert np.array_equal(stopper.restore()["w"], [3.0, 3.0])


@pytest.mark.parametrize("case", lesson07.FIXED_STOP_CASES, ids=[c.label[:40] for c in lesson07.FIXED_STOP_CASES])
def test_scripted_cases_stop_where_their_labels_say(case):
    """Does the reference trace of every scripted case look as intended (spot checks of the edge cases)?"""
    trace = lesson07.run_stopper(reference.EarlyStopping, case, case.label)
    expected = {
        "the overfitting curve": (6, 3), "a plateau": (7, 4), "a loss equal": (4, 1),
        "min_delta 0.25: 2.0 -> 1.75": (2, 0), "min_delta 0.25: 2.0 -> 1.875": (2, 0),
        "min_delta 0.25: 1.0 -> 1.125": (2, 0),
        "min_delta 0.25: 2.0 -> 1.5": (2, 1), "patience 1": (1, 0), "patience 5": (None, 12), "a NaN": (3, 1),
    }
    key = next(k for k in expected if case.label.startswith(k))
    assert (trace.stop_at, trace.best_epoch) == expected[key]
    assert trace.best_params == trace.restored == trace.best_epoch


@pytest.mark.parametrize("seed", [None, 1, 2, 3])
def test_noisy_curves_stop_before_their_end(seed):
    """Do most random curves really make the reference stop (so the noisy probe tests stopping, not only best)?"""
    rng = np.random.default_rng(lesson07.STOP_SEED if seed is None else seed)
    traces = [lesson07.run_stopper(reference.EarlyStopping, c, c.label) for c in lesson07._random_stop_cases(rng)]
    assert sum(t.stop_at is not None for t in traces) >= 3


# --- correct implementations -------------------------------------------------------------


def split_choice(X, y, val_fraction, rng):
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_val = round(val_fraction * n)
    val = rng.choice(n, size=n_val, replace=False)
    train = np.setdiff1d(np.arange(n), val)
    return X[train], X[val], y[train], y[val]


def split_shuffle_indices(X, y, val_fraction, rng):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    idx = np.arange(len(X))
    rng.shuffle(idx)
    n_train = len(X) - int(np.round(val_fraction * len(X)))
    return X[idx[:n_train]], X[idx[n_train:]], y[idx[:n_train]], y[idx[n_train:]]


def split_lists(X, y, val_fraction, rng):
    X, y = list(np.asarray(X)), list(np.asarray(y))
    order = rng.permutation(len(X)).tolist()
    n_val = round(val_fraction * len(X))
    pick = lambda rows, part: np.array([rows[i] for i in part])  # noqa: E731
    return pick(X, order[n_val:]), pick(X, order[:n_val]), pick(y, order[n_val:]), pick(y, order[:n_val])


def split_float32(X, y, val_fraction, rng):
    X_train, X_val, y_train, y_val = reference.train_val_split(X, y, val_fraction, rng)
    return tuple(np.asarray(a, dtype=np.float32) for a in (X_train, X_val, y_train, y_val))


class StopperLoop:
    """Keeps the best params as copies of each array, and a countdown instead of a counter."""

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_params, self.best_epoch = np.inf, None, None
        self.left, self.calls = patience, 0

    def step(self, val_loss, params):
        epoch, self.calls = self.calls, self.calls + 1
        if self.best_loss - val_loss > self.min_delta:
            self.best_loss, self.best_epoch, self.left = val_loss, epoch, self.patience
            self.best_params = {k: np.array(v, copy=True) for k, v in params.items()}
            return False
        self.left -= 1
        return self.left <= 0

    def restore(self):
        return copy.deepcopy(self.best_params)


class StopperNoneStart:
    """Starts from best_loss = None and returns numpy booleans."""

    def __init__(self, patience, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss = None
        self.best_params = None
        self.best_epoch = None
        self.history = []
        self.wait = 0

    def step(self, val_loss, params):
        self.history.append(val_loss)
        if self.best_loss is None or val_loss < self.best_loss - self.min_delta:
            self.best_loss = np.float64(val_loss)
            self.best_epoch = np.int64(len(self.history) - 1)
            self.best_params = copy.deepcopy(params)
            self.wait = 0
        else:
            self.wait += 1
        return np.bool_(self.wait >= self.patience)

    def restore(self):
        return self.best_params


def split_index_lists(X, y, val_fraction, rng):
    """random_split-style: the index lists cut by lengths, every part a plain Python list of rows."""
    n = len(X)
    lengths = [n - round(val_fraction * n), round(val_fraction * n)]
    order = rng.permutation(n).tolist()
    train, val = order[:lengths[0]], order[lengths[0]:]
    return [X[i] for i in train], [X[i] for i in val], [y[i] for i in train], [y[i] for i in val]


@dataclass
class StopperDataclass:
    """A dataclass whose fields are the attributes; best_epoch counted from the number of calls."""

    patience: int
    min_delta: float = 0.0
    best_loss: float = math.inf
    best_params: dict | None = None
    best_epoch: int = -1
    counter: int = 0
    calls: int = 0

    def step(self, val_loss, params):
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.counter = val_loss, self.calls, 0
            self.best_params = copy.deepcopy(params)
        else:
            self.counter += 1
        self.calls += 1
        return self.counter >= self.patience

    def restore(self):
        return self.best_params


class StopperZeroDim:
    """Keeps best_loss and best_epoch as 0-d NumPy arrays."""

    def __init__(self, patience, min_delta=0.0):
        self.inner = reference.EarlyStopping(patience, min_delta)

    def step(self, val_loss, params):
        stop = self.inner.step(val_loss, params)
        self.best_loss, self.best_epoch = np.array(self.inner.best_loss), np.array(self.inner.best_epoch)
        self.best_params = self.inner.best_params
        return stop

    def restore(self):
        return self.inner.restore()


CORRECT = [
    ("train_val_split", reference.train_val_split), ("train_val_split", split_choice),
    ("train_val_split", split_shuffle_indices), ("train_val_split", split_lists), ("train_val_split", split_float32),
    ("train_val_split", split_index_lists),
    ("EarlyStopping", reference.EarlyStopping), ("EarlyStopping", StopperLoop), ("EarlyStopping", StopperNoneStart),
    ("EarlyStopping", StopperDataclass), ("EarlyStopping", StopperZeroDim),
]


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method pass, visibly and in hidden mode with other seeds?"""
    assert CHECKS[name](fn) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == M.SUMMARY_PASS.format(n=len(lines) - 2)
    assert not [line for line in lines if line.startswith("  ❌")]
    for seed in (5, 99):
        assert CHECKS[name](fn, hidden=True, seed=seed) is None


@pytest.mark.parametrize("seed", [159, 270])
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_split_passes_where_two_drawn_values_were_close(seed, hidden, capsys):
    """Does the reference pass on the draws where two y values once came within the matching tolerance?"""
    assert check.train_val_split(reference.train_val_split, seed=seed, hidden=hidden) is None


@pytest.mark.parametrize("kind", ["float64", "float32", "list", "int"])
def test_drawn_tables_keep_every_value_far_from_the_others(kind):
    """Are the drawn X and y values unique by construction, far apart by far more than the matching tolerance?"""
    for seed in range(20):
        X, y = lesson07._table(np.random.default_rng(seed), 101, (5,), (2,), kind)
        for values, span in ((np.asarray(X, dtype=float).ravel(), 10.0), (np.asarray(y, dtype=float).ravel(), 10.0)):
            gaps = np.diff(np.sort(values))
            assert gaps.min() >= min(1.0, span / (2 * values.size)) * (1 - 1e-3)
            assert gaps.min() > 100 * lesson07.MATCH_RTOL * np.abs(values).max()


def test_rows_are_traced_back_by_their_exact_values():
    """Are returned rows traced back exactly, so input values closer than the tolerance are never mixed up?"""
    y = np.array([10.0, 10.0 + 1e-9, 10.0 + 2e-9, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0])
    X = np.stack([y - 30.0, np.arange(12.0)], axis=1)
    assert lesson07._rows_of(y[::-1], y).tolist() == list(range(11, -1, -1))
    check.train_val_split(reference.train_val_split, hidden=True, cases=[(X, y, 0.25, 3), (X[:, 0], y, 0.5, 4)])


def test_rows_copied_through_float32_are_still_found():
    """Is a row that went through float32 (values off by a rounding error) found, and a scaled one not?"""
    source = np.array([[1.1, -2.3], [3.7, 4.9]])
    assert lesson07._rows_of(source[::-1].astype(np.float32).astype(np.float64), source).tolist() == [1, 0]
    assert lesson07._rows_of(source * (1 + 1e-5), source) is None


def test_split_through_torch_tensors_passes():
    """Does a split that indexes torch tensors inside, even float32 ones, and returns NumPy arrays pass?"""
    torch = pytest.importorskip("torch")

    def via_torch(X, y, val_fraction, rng):
        X, y = torch.tensor(np.asarray(X), dtype=torch.float32), torch.tensor(np.asarray(y), dtype=torch.float32)
        n_val = round(val_fraction * len(X))
        order = torch.from_numpy(rng.permutation(len(X)))
        return X[order[n_val:]].numpy(), X[order[:n_val]].numpy(), y[order[n_val:]].numpy(), y[order[:n_val]].numpy()

    assert check.train_val_split(via_torch) is None
    assert check.train_val_split(via_torch, hidden=True, seed=3) is None


def test_stopper_with_torch_scalars_passes():
    """Does a stopper keeping best_loss and best_epoch as 0-d tensors, and tensors in best_params, pass?"""
    torch = pytest.importorskip("torch")

    class TorchStopper(StopperZeroDim):
        def step(self, val_loss, params):
            stop = self.inner.step(val_loss, params)
            self.best_loss, self.best_epoch = torch.tensor(self.inner.best_loss), torch.tensor(self.inner.best_epoch)
            self.best_params = self.inner.best_params
            return stop

        def restore(self):
            return {k: torch.from_numpy(v) for k, v in self.inner.restore().items()}

    assert check.EarlyStopping(TorchStopper) is None
    assert check.EarlyStopping(TorchStopper, hidden=True, seed=3) is None


def test_stopper_with_a_best_epoch_of_two_numbers():
    """Does a best_epoch that is not one number get the best_epoch sentence, not a traceback?"""

    class Pair(StopperZeroDim):
        def step(self, val_loss, params):
            stop = super().step(val_loss, params)
            self.best_epoch = np.array([self.inner.best_epoch, 0])
            return stop

    error = failure(check.EarlyStopping, Pair)
    assert error.message == L.STOP_BEST_EPOCH.format(got="array([3, 0])", expected=3, label=lesson07.CURVE.label)


def test_stopper_with_a_best_loss_in_a_list():
    """Does a best_loss kept in a one-element list get the best_loss sentence, not a traceback?"""

    class Listed(StopperZeroDim):
        def step(self, val_loss, params):
            stop = super().step(val_loss, params)
            self.best_loss = [self.inner.best_loss]
            return stop

    error = failure(check.EarlyStopping, Listed)
    assert error.message == L.STOP_BEST_LOSS.format(got="[0.5]", expected="a number", label=lesson07.CURVE.label)


def test_probe_lines_are_printed(capsys):
    """Does each check print its header and one ✅ line per probe, with what the probe checks?"""
    check.train_val_split(reference.train_val_split)
    check.EarlyStopping(reference.EarlyStopping)
    lines = capsys.readouterr().out.splitlines()
    split, stop = lesson07.TRAIN_VAL_SPLIT.rows(), lesson07.EARLY_STOPPING.rows()
    assert lines[0] == M.PROBES_HEADER.format(signature="train_val_split(X, y, val_fraction, rng)", n=len(split))
    assert lines[1:len(split) + 1] == [M.CASE_PASS.format(label=p.label) for p in split]
    rest = lines[len(split) + 2:]
    assert rest[0] == M.PROBES_HEADER.format(signature="EarlyStopping(patience, min_delta=0.0)", n=len(stop))
    assert rest[1:-1] == [M.CASE_PASS.format(label=p.label) for p in stop]


def test_extra_cases_are_checked_too():
    """Are explicit extra cases run, and does a function wrong only there fail in hidden mode without inputs?"""
    X = np.arange(24.0).reshape(12, 2)
    y = 100.0 + np.arange(12.0)
    check.train_val_split(reference.train_val_split, hidden=True, cases=[(X, y, 0.25, 3)])
    check.EarlyStopping(reference.EarlyStopping, hidden=True, cases=[(2, 0.0, [3.0, 2.0, 2.5, 2.6, 1.0])])

    def wrong_on_twelve(X, y, val_fraction, rng):
        X_train, X_val, y_train, y_val = reference.train_val_split(X, y, val_fraction, rng)
        if len(X) == 12 and val_fraction == 0.25:
            y_train = np.repeat(y_train[:1], len(y_train))
        return X_train, X_val, y_train, y_val

    check.train_val_split(wrong_on_twelve, hidden=True)
    error = failure(check.train_val_split, wrong_on_twelve, hidden=True, cases=[(X, y, 0.25, 3)])
    assert error.message == L.SPLIT_MISALIGNED.format(label=M.HIDDEN_LABEL.format(index="2.7"))
    assert "[" not in error.message


def test_stub_class_with_unwritten_step():
    """Does a class whose step still raises NotImplementedError get the same sentence?"""

    class Stub:
        def __init__(self, patience, min_delta=0.0):
            pass

        def step(self, val_loss, params):
            raise NotImplementedError()

    assert failure(check.EarlyStopping, Stub).message == M.NOT_IMPLEMENTED.format(name="EarlyStopping")


# --- the banks of known mistakes -------------------------------------------------------------

BANK = [("train_val_split", m) for m in mistakes.SPLIT_BANK] + [("EarlyStopping", m) for m in mistakes.STOP_BANK]


def test_banks_hold_the_mistakes_the_lesson_teaches():
    """Do the banks know the leak, the two permutations, last-not-best, no reset, the min_delta comparison
    and storing a reference?"""
    assert {"val_in_train", "separate_permutations"} <= {m.id for m in mistakes.SPLIT_BANK}
    assert {"last_not_best", "counter_not_reset", "exact_min_delta_counts", "ignores_min_delta",
            "stores_reference"} <= {m.id for m in mistakes.STOP_BANK}


def test_split_bank_entries_are_told_apart():
    """Does every split bank entry differ from the reference and from every other entry on the main case?"""
    rng = np.random.default_rng(0)
    X, y = lesson07._table(rng, 29, (2,), (), "float64")

    def result(fn):
        return [np.asarray(a).round(9).tolist() for a in fn(X, y, 0.3, np.random.default_rng(4))]

    results = {m.id: result(m.fn) for m in mistakes.SPLIT_BANK}
    assert [i for i, r in results.items() if r == result(reference.train_val_split)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and results[a] == results[b]] == []


def test_stop_bank_entries_are_told_apart():
    """Does every stopper bank entry behave differently from the reference and every other entry somewhere?"""
    cases = list(lesson07.FIXED_STOP_CASES)

    def traces(cls):
        return [lesson07.run_stopper(cls, c, c.label) for c in cases]

    def same(a, b):
        return all(x.same_as(y) for x, y in zip(a, b, strict=True))

    results = {m.id: traces(m.fn) for m in mistakes.STOP_BANK}
    expected = traces(reference.EarlyStopping)
    assert [i for i, r in results.items() if same(r, expected)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and same(results[a], results[b])] == []


def test_global_random_is_named_ignores_rng():
    """Is a split drawn from np.random's global state (not reproducible from rng) named ignores_rng?"""

    def global_random(X, y, val_fraction, rng):
        X, y = np.asarray(X), np.asarray(y)
        order = np.random.permutation(len(X))
        n_val = round(val_fraction * len(X))
        return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]

    error = failure(check.train_val_split, global_random)
    assert error.mistake == "ignores_rng"


def test_shallow_copy_is_named_stores_reference():
    """Is a stopper that keeps dict(params) (the arrays still shared) told it keeps a reference?"""

    class Shallow(reference.EarlyStopping):
        def step(self, val_loss, params):
            stop = super().step(val_loss, params)
            if self.best_epoch == self.epoch:
                self.best_params = dict(params)
            return stop

    error = failure(check.EarlyStopping, Shallow)
    assert error.mistake == "stores_reference"
    assert error.message == M.KNOWN_MISTAKE.format(name="EarlyStopping", explanation=mistakes.STOP_STORES_REFERENCE)


def test_reference_with_another_flaw_gets_the_plain_reference_sentence():
    """Does a stopper that stores a reference and also stops late get the plain 'reference, not a copy' sentence?"""

    class TwoFlaws(reference.EarlyStopping):
        def step(self, val_loss, params):
            stop = super().step(val_loss, params)
            if self.best_epoch == self.epoch:
                self.best_params = params
            return stop

        def restore(self):
            return copy.deepcopy(self.best_params)

    class Late(TwoFlaws):
        def step(self, val_loss, params):
            super().step(val_loss, params)
            return self.counter >= self.patience + 2

    error = failure(check.EarlyStopping, TwoFlaws)
    assert error.mistake == "stores_reference"
    error = failure(check.EarlyStopping, Late)
    assert error.mistake is None
    assert error.message == L.STOP_WHEN.format(got=L.STOPPED_AT.format(epoch=8), expected=L.STOPPED_AT.format(epoch=6),
                                               label=lesson07.CURVE.label)


# --- bad output from the learner -----------------------------------------------------------------


def test_split_returning_none():
    """Does a split without `return` get the None sentence?"""
    error = failure(check.train_val_split, lambda X, y, f, rng: None)
    assert error.message == M.RETURNED_NONE.format(name="train_val_split", label=MAIN)


def test_split_returning_two_values():
    """Does a split returning (train, val) pairs get the 'four values' sentence?"""
    error = failure(check.train_val_split, lambda X, y, f, rng: reference.train_val_split(X, y, f, rng)[:2])
    assert error.message == M.RETURNED_WRONG_COUNT.format(name="train_val_split", label=MAIN, got="2 values", n=4,
                                                          names="X_train, X_val, y_train, y_val")


def test_split_with_changed_values():
    """Does a split that rescales X get told its rows are not rows of X?"""

    def scaled(X, y, f, rng):
        X_train, X_val, y_train, y_val = reference.train_val_split(X, y, f, rng)
        return X_train / 2, X_val / 2, y_train, y_val

    error = failure(check.train_val_split, scaled)
    assert error.message == L.SPLIT_FOREIGN_ROWS.format(part="X_train", source="X", label=MAIN)


def test_split_with_flattened_rows():
    """Does a split returning X_val flattened get the row-shape sentence?"""

    def flat(X, y, f, rng):
        X_train, X_val, y_train, y_val = reference.train_val_split(X, y, f, rng)
        return X_train, X_val.ravel(), y_train, y_val

    error = failure(check.train_val_split, flat)
    assert error.message == L.SPLIT_PART_SHAPE.format(part="X_val", got=(30,), label=MAIN, source="X", row=(3,))


def test_split_that_shuffles_in_place():
    """Is a split that shuffles the caller's X and y in place told it changed its input?"""

    def in_place(X, y, f, rng):
        order = rng.permutation(len(X))
        X[:] = X[order]
        y[:] = y[order]
        n_val = round(f * len(X))
        return X[n_val:], X[:n_val], y[n_val:], y[:n_val]

    error = failure(check.train_val_split, in_place)
    assert error.message == M.MUTATED.format(name="train_val_split", arg="X", label=MAIN)


def test_split_with_a_wrong_count():
    """Does a split with one validation row too many (no known mistake) get the size sentence?"""

    def one_more(X, y, f, rng):
        X, y = np.asarray(X), np.asarray(y)
        order = rng.permutation(len(X))
        n_val = round(f * len(X)) + 1
        return X[order[n_val:]], X[order[:n_val]], y[order[n_val:]], y[order[:n_val]]

    error = failure(check.train_val_split, one_more)
    assert error.mistake is None
    assert error.message == L.SPLIT_SIZES.format(got=11, n=50, val_fraction=0.2, expected=10, label=MAIN)


def test_split_with_repeated_rows():
    """Does a split that draws validation rows with replacement (but keeps them out of training) get the
    'exactly one part' sentence?"""

    def repeats(X, y, f, rng):
        X, y = np.asarray(X), np.asarray(y)
        n_val = round(f * len(X))
        order = rng.permutation(len(X))
        val = np.concatenate([order[:n_val - 1], order[:1]])
        train = order[n_val:]
        return X[train], X[val], y[train], y[val]

    error = failure(check.train_val_split, repeats)
    assert error.message == L.SPLIT_NOT_PARTITION.format(missing=1, n=50, repeated=1, label=MAIN)


def test_split_that_raises_and_never_returns():
    """Does a split that raises, or loops forever, get a plain sentence, not a traceback?"""

    def boom(X, y, f, rng):
        raise ValueError("bad split")

    error = failure(check.train_val_split, boom)
    assert error.message == M.RAISED.format(name="train_val_split", error="ValueError", label=MAIN,
                                            detail="bad split", first_arg="X")

    def forever(X, y, f, rng):
        while True:
            time.sleep(0.01)

    error = failure(check.train_val_split, forever, time_limit=0.2)
    assert error.message == M.TIMED_OUT.format(name="train_val_split", seconds=0.2, label=MAIN)


def test_split_given_an_instance_not_a_function():
    """Is calling the check with a result instead of the function explained?"""
    error = failure(check.train_val_split, (1, 2, 3, 4))
    assert error.message == M.NOT_CALLABLE.format(name="train_val_split", what="a tuple")


def test_step_returning_none():
    """Does a step that forgets `return False` get the bool sentence?"""

    class NoReturn(reference.EarlyStopping):
        def step(self, val_loss, params):
            if super().step(val_loss, params):
                return True

    error = failure(check.EarlyStopping, NoReturn)
    assert error.message == L.STEP_NOT_BOOL.format(what="None", epoch=0, label=lesson07.CURVE.label)


def test_stopper_without_attributes():
    """Does a stopper that keeps its best loss under another name get told which attribute is missing?"""

    class Renamed:
        def __init__(self, patience, min_delta=0.0):
            self.inner = reference.EarlyStopping(patience, min_delta)
            self.best_params = self.best_epoch = None

        def step(self, val_loss, params):
            stop = self.inner.step(val_loss, params)
            self.lowest, self.best_epoch, self.best_params = self.inner.best_loss, self.inner.best_epoch, \
                self.inner.best_params
            return stop

        def restore(self):
            return self.best_params

    error = failure(check.EarlyStopping, Renamed)
    assert error.message == L.STOP_MISSING.format(attr="`best_loss`", label=lesson07.CURVE.label)


def test_stopper_with_best_params_none():
    """Does a stopper that never stores its params get the 'are None' sentence?"""

    class Forgets(reference.EarlyStopping):
        def step(self, val_loss, params):
            stop = super().step(val_loss, params)
            self.best_params = None
            return stop

    error = failure(check.EarlyStopping, Forgets)
    assert error.message == L.STOP_PARAMS.format(what=L.BEST_PARAMS, got=L.PARAMS_NONE, expected=3,
                                                 label=lesson07.CURVE.label)


def test_stopper_that_never_stops():
    """Does a stopper that always returns False get told when it should have stopped?"""

    class Never(reference.EarlyStopping):
        def step(self, val_loss, params):
            super().step(val_loss, params)
            return False

    error = failure(check.EarlyStopping, Never)
    assert error.message == L.STOP_WHEN.format(got=L.NEVER_STOPPED, expected=L.STOPPED_AT.format(epoch=6),
                                               label=lesson07.CURVE.label)


def test_stopper_that_raises_or_hangs():
    """Does a step that raises or never returns get a plain sentence?"""

    class Boom(reference.EarlyStopping):
        def step(self, val_loss, params):
            raise KeyError("W")

    error = failure(check.EarlyStopping, Boom)
    assert error.message == M.RAISED.format(name="EarlyStopping", error="KeyError", label=lesson07.CURVE.label,
                                            detail="'W'", first_arg="x")

    class Hangs(reference.EarlyStopping):
        def step(self, val_loss, params):
            while True:
                time.sleep(0.01)

    error = failure(check.EarlyStopping, Hangs, time_limit=0.2)
    assert error.message == M.TIMED_OUT.format(name="EarlyStopping", seconds=0.2, label=lesson07.CURVE.label)


def test_stopper_given_an_instance():
    """Is an instance instead of the class explained?"""
    error = failure(check.EarlyStopping, reference.EarlyStopping(3))
    assert error.message == M.NOT_CALLABLE.format(name="EarlyStopping", what="a EarlyStopping")


def test_hidden_failure_names_only_the_hidden_case():
    """In hidden mode, does an unknown wrong stopper's sentence carry the hidden label, not the scripted one?"""

    class Never(reference.EarlyStopping):
        def step(self, val_loss, params):
            super().step(val_loss, params)
            return False

    error = failure(check.EarlyStopping, Never, hidden=True)
    assert "hidden case 1" in error.message and "overfitting" not in error.message
