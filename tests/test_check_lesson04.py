"""Tests of the lesson 04 checks: do they pass every correct method, fail
every wrong one, and say the right sentence?"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from lesson_utils import check
from lesson_utils import messages as M
from lesson_utils.lesson04 import check as lesson04
from lesson_utils.lesson04 import messages as L
from lesson_utils.lesson04 import mistakes, reference

CHECKS = {
    "iterate_minibatches": check.iterate_minibatches,
    "steps_per_epoch": check.steps_per_epoch,
    "sgd_fit": check.sgd_fit,
}
FIRST_ITER = "n = 10, batch_size = 3"
FIRST_SGD = "8 examples, 2 features, batch_size = 8 (one batch), lr = 0.1, 3 epochs"
FIRST_STEPS = "the worked example: n = 1,000,000, batch_size = 256"


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


def known(name: str, mistake) -> str:
    return M.KNOWN_MISTAKE.format(name=name, explanation=mistake.explanation)


# --- the seeds' numbers ------------------------------------------------------------


def test_three_epochs_of_a_million_examples_at_batch_size_256():
    """Is '3 epochs, batch size 256, 1,000,000 examples' 3 x 3907 = 11,721 updates, about 11,700?"""
    per_epoch = reference.steps_per_epoch(1_000_000, 256)
    assert per_epoch == 3907 and type(per_epoch) is int
    assert 3 * per_epoch == 11_721 and round(3 * per_epoch, -2) == 11_700
    assert 1_000_000 / 256 == 3906.25


def test_three_epochs_with_batch_size_8_on_a_small_set():
    """Do 20 examples at batch size 8 give batches of 8, 8, 4, each example once per epoch, 9 updates in all?"""
    ids = np.arange(20)
    rng = np.random.default_rng(0)
    orders = []
    for _ in range(3):
        batches = list(reference.iterate_minibatches(ids[:, None], ids, 8, rng))
        assert [len(y_batch) for _, y_batch in batches] == [8, 8, 4]
        order = np.concatenate([y_batch for _, y_batch in batches])
        assert sorted(order) == list(ids)
        orders.append(order)
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[1], orders[2])
    X, y = lesson04.noisy_problem(np.random.default_rng(1), 20, 1)
    _, step_losses, epoch_losses = reference.sgd_fit(X, y, 0.05, 8, 3, np.random.default_rng(0))
    assert len(step_losses) == 3 * reference.steps_per_epoch(20, 8) == 9 and len(epoch_losses) == 3


def test_full_batch_sgd_is_gradient_descent():
    """With one batch holding all the data, is each step the full-data gradient step, and the epoch loss the
    loss after it?"""
    X, y = lesson04.noisy_problem(np.random.default_rng(2), 30, 2)
    params, step_losses, epoch_losses = reference.sgd_fit(X, y, 0.1, 30, 5, np.random.default_rng(0))
    w, b = np.zeros(2), 0.0
    for k in range(5):
        assert step_losses[k] == pytest.approx(np.mean((X @ w + b - y) ** 2))
        err = X @ w + b - y
        w, b = w - 0.1 * 2 * X.T @ err / 30, b - 0.1 * 2 * err.mean()
        assert epoch_losses[k] == pytest.approx(np.mean((X @ w + b - y) ** 2))
    assert params["w"] == pytest.approx(w) and params["b"] == pytest.approx(b)
    assert isinstance(params["b"], float) and params["w"].shape == (2,)


def test_sgd_lands_near_least_squares_for_every_hidden_seed():
    """Is the learnable probe fair: does the reference end within the tolerance for many seeds?"""
    for seed in range(12):
        rng = np.random.default_rng(seed)
        X, y = lesson04.noisy_problem(rng, 200, 3)
        for run_seed in range(3):
            params, _, _ = reference.sgd_fit(X, y, 0.02, 16, 20, np.random.default_rng(run_seed))
            w_best, b_best = reference.least_squares(X, y)
            assert np.max(np.abs(params["w"] - w_best)) < lesson04.CLOSE_TOL / 3
            assert abs(params["b"] - b_best) < lesson04.CLOSE_TOL / 3


# --- correct implementations -------------------------------------------------------


def iter_shuffle_index(X, y, batch_size, rng):
    idx = np.arange(len(X))
    rng.shuffle(idx)
    for start in range(0, len(idx), batch_size):
        chosen = idx[start:start + batch_size]
        yield X[chosen], y[chosen]


def iter_argsort_list(X, y, batch_size, rng):
    order = np.argsort(rng.random(len(X)))
    batches = []
    for k in range(math.ceil(len(X) / batch_size)):
        chosen = order[k * batch_size:(k + 1) * batch_size]
        batches.append([X[chosen], y[chosen]])
    return batches


def iter_permuted_split(X, y, batch_size, rng):
    order = rng.permuted(np.arange(len(X)))
    cuts = np.arange(batch_size, len(X), batch_size)
    return zip(np.split(X[order], cuts), np.split(y[order], cuts), strict=True)


def iter_while(X, y, batch_size, rng):
    perm = rng.choice(len(X), size=len(X), replace=False)
    start = 0
    while start < len(perm):
        yield np.take(X, perm[start:start + batch_size], axis=0), np.take(y, perm[start:start + batch_size])
        start += batch_size


def steps_math_ceil(n, batch_size):
    return math.ceil(n / batch_size)


def steps_int_ceil(n, batch_size):
    return int(np.ceil(n / batch_size))


def steps_plus(n, batch_size):
    return (n + batch_size - 1) // batch_size


def steps_count(n, batch_size):
    steps, seen = 0, 0
    while seen < n:
        seen += batch_size
        steps += 1
    return steps


def steps_numpy_int(n, batch_size):
    return np.int64(-(-n // batch_size))


def sgd_loops(X, y, lr, batch_size, num_epochs, rng):
    X, y = np.asarray(X, float), np.asarray(y, float)
    n, d = X.shape
    w, b = [0.0] * d, 0.0
    step_losses, epoch_losses = [], []

    def predict(row):
        return sum(wj * xj for wj, xj in zip(w, row, strict=True)) + b

    for _ in range(num_epochs):
        for X_batch, y_batch in iter_shuffle_index(X, y, batch_size, rng):
            errs = [predict(row) - t for row, t in zip(X_batch, y_batch, strict=True)]
            m = len(errs)
            step_losses.append(sum(e * e for e in errs) / m)
            dw = [sum(2 * e * row[j] for e, row in zip(errs, X_batch, strict=True)) / m for j in range(d)]
            db = sum(2 * e for e in errs) / m
            w = [wj - lr * g for wj, g in zip(w, dw, strict=True)]
            b = b - lr * db
        epoch_losses.append(sum((predict(row) - t) ** 2 for row, t in zip(X, y, strict=True)) / n)
    return {"w": np.array(w), "b": b}, step_losses, epoch_losses


def sgd_float32(X, y, lr, batch_size, num_epochs, rng):
    X, y = np.asarray(X, np.float32), np.asarray(y, np.float32)
    w, b = np.zeros(X.shape[1], np.float32), np.float32(0)
    step_losses, epoch_losses = [], []
    for _ in range(num_epochs):
        for X_batch, y_batch in iter_argsort_list(X, y, batch_size, rng):
            err = X_batch @ w + b - y_batch
            step_losses.append(float(np.mean(err**2)))
            w = w - np.float32(lr) * 2 * X_batch.T @ err / len(err)
            b = b - np.float32(lr) * 2 * np.mean(err)
        epoch_losses.append(float(np.mean((X @ w + b - y) ** 2)))
    return {"w": w, "b": b}, np.array(step_losses), tuple(epoch_losses)


def sgd_design_matrix(X, y, lr, batch_size, num_epochs, rng):
    X, y = np.asarray(X, float), np.asarray(y, float)
    A = np.hstack([X, np.ones((len(X), 1))])
    theta = np.zeros(A.shape[1])
    step_losses, epoch_losses = [], []
    for _ in range(num_epochs):
        for A_batch, y_batch in iter_while(A, y, batch_size, rng):
            err = A_batch @ theta - y_batch
            step_losses.append(err @ err / len(err))
            theta -= lr * 2 * A_batch.T @ err / len(err)
        epoch_losses.append(float(np.mean((A @ theta - y) ** 2)))
    return {"b": theta[-1], "w": theta[:-1]}, step_losses, epoch_losses


CORRECT = [
    ("iterate_minibatches", reference.iterate_minibatches),
    ("iterate_minibatches", iter_shuffle_index),
    ("iterate_minibatches", iter_argsort_list),
    ("iterate_minibatches", iter_permuted_split),
    ("iterate_minibatches", iter_while),
    ("steps_per_epoch", reference.steps_per_epoch),
    ("steps_per_epoch", steps_math_ceil),
    ("steps_per_epoch", steps_int_ceil),
    ("steps_per_epoch", steps_plus),
    ("steps_per_epoch", steps_count),
    ("steps_per_epoch", steps_numpy_int),
    ("sgd_fit", reference.sgd_fit),
    ("sgd_fit", sgd_loops),
    ("sgd_fit", sgd_float32),
    ("sgd_fit", sgd_design_matrix),
]


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method pass, visibly and in hidden mode with several seeds, and is the learner told
    hidden checks run later?"""
    assert CHECKS[name](fn) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("All ") and "Hidden checks" in lines[-1]
    assert not [line for line in lines if line.startswith("  ❌")]
    for seed in (None, 1, 2, 3):
        assert CHECKS[name](fn, hidden=True, seed=seed) is None


def test_steps_check_prints_a_line_per_case_and_the_int_line(capsys):
    """Does the steps_per_epoch check print its header, one ✅ per case, the int line and the summary?"""
    check.steps_per_epoch(reference.steps_per_epoch)
    lines = capsys.readouterr().out.splitlines()
    ex = lesson04.STEPS_PER_EPOCH
    n = len(ex.battery())
    assert lines[0] == M.HEADER.format(signature=ex.signature, n=n, rtol=ex.rtol, atol=ex.atol)
    assert lines[1:-2] == [M.CASE_PASS.format(label=c.label) for c in ex.battery()]
    assert lines[-2] == M.CASE_PASS.format(label=L.COUNT_INT_LINE)
    assert lines[-1] == M.SUMMARY_PASS.format(n=n)


@pytest.mark.parametrize(("name", "probes", "signature"), [
    ("iterate_minibatches", lesson04.ITERATE_MINIBATCHES.rows, "iterate_minibatches(X, y, batch_size, rng)"),
    ("sgd_fit", lesson04.SGD_FIT.rows, "sgd_fit(X, y, lr, batch_size, num_epochs, rng)"),
])
def test_probe_checks_print_a_line_per_probe(name, probes, signature, capsys):
    """Does a behaviour check print its header, one ✅ per probe (saying what it checks) and the summary?"""
    CHECKS[name](getattr(reference, name))
    lines = capsys.readouterr().out.splitlines()
    found = probes()
    assert lines[0] == M.PROBES_HEADER.format(signature=signature, n=len(found))
    assert lines[1:-1] == [M.CASE_PASS.format(label=p.label) for p in found]
    assert lines[-1] == M.SUMMARY_PASS.format(n=len(found))


def test_steps_extra_cases_are_checked_too():
    """Are explicit extra cases of steps_per_epoch run, so a wrong answer there fails?"""
    check.steps_per_epoch(reference.steps_per_epoch, hidden=True, cases=[(10**9, 3), (1, 1)])

    def wrong_for_one(n, batch_size):
        return 0 if n == 1 else reference.steps_per_epoch(n, batch_size)

    check.steps_per_epoch(wrong_for_one, hidden=True)
    error = failure(check.steps_per_epoch, wrong_for_one, hidden=True, cases=[(1, 1)])
    assert error.message == M.WRONG_VALUE_HIDDEN.format(name="steps_per_epoch", what=M.ANSWER,
                                                        label=M.HIDDEN_LABEL.format(index=5))


def test_generator_stub_is_told_to_write_the_function():
    """Is a generator that raises NotImplementedError when looped over told the same thing?"""

    def stub(X, y, batch_size, rng):
        raise NotImplementedError()
        yield  # pragma: no cover

    error = failure(check.iterate_minibatches, stub)
    assert error.message == M.NOT_IMPLEMENTED.format(name="iterate_minibatches")


# --- the banks of known mistakes ------------------------------------------------------


def test_banks_hold_the_mistakes_the_lesson_teaches():
    """Do the banks know no shuffling, a dropped last batch, broken pairs, the same order every epoch,
    floor and n * batch_size?"""
    assert {"no_shuffle", "drop_last", "pairs_broken", "same_order_every_epoch"} <= {m.id for m in mistakes.ITER_BANK}
    assert {"floor", "product"} <= {m.id for m in mistakes.STEPS_BANK}
    sgd_ids = [m.id for m in mistakes.SGD_BANK + mistakes.SGD_BEHAVIOUR_BANK]
    assert {"no_shuffle", "drop_last", "sum_not_mean"} <= set(sgd_ids) and len(sgd_ids) == len(set(sgd_ids))


BANK = ([("iterate_minibatches", m) for m in mistakes.ITER_BANK]
        + [("steps_per_epoch", m) for m in mistakes.STEPS_BANK]
        + [("sgd_fit", m) for m in mistakes.SGD_BANK + mistakes.SGD_BEHAVIOUR_BANK])


def epoch_signature(fn, seed=0):
    """Two epochs of ``fn`` on row-coded data: the order of rows and labels and the batch sizes."""
    X, y = lesson04.row_coded(11, 2)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(2):
        batches = list(fn(X, y, 3, rng))
        out.append((tuple(int(v) for _, yb in batches for v in yb),
                    tuple(int(v) for xb, _ in batches for v in xb[:, 0]),
                    tuple(len(yb) for _, yb in batches)))
    again = list(fn(X, y, 3, np.random.default_rng(seed)))
    out.append(tuple(int(v) for _, yb in again for v in yb))
    return tuple(out)


def test_iterate_bank_entries_are_told_apart():
    """Does every iterate_minibatches bank entry behave differently from the reference and from each other?"""
    np.random.seed(0)  # ignores_rng draws from the global state
    results = {m.id: epoch_signature(m.fn) for m in mistakes.ITER_BANK}
    expected = epoch_signature(reference.iterate_minibatches)
    assert [i for i, r in results.items() if r == expected] == []
    assert len(set(results.values())) == len(results)


def test_steps_bank_entries_are_told_apart():
    """Does every steps_per_epoch bank entry differ from the reference and from every other entry on some case?"""
    battery = lesson04.STEPS_PER_EPOCH.battery()

    def outputs(fn):
        return tuple(float(fn(*c.args)) for c in battery)

    results = {m.id: outputs(m.fn) for m in mistakes.STEPS_BANK}
    assert [i for i, r in results.items() if r == outputs(reference.steps_per_epoch)] == []
    assert len(set(results.values())) == len(results)


def test_sgd_bank_entries_are_told_apart():
    """Does every sgd_fit bank entry give other runs than the reference and than every other entry?"""
    X, y = lesson04.noisy_problem(np.random.default_rng(3), 10, 2)
    cases = [lesson04.SgdCase("full", X, y, 0.1, 10, 2), lesson04.SgdCase("mini", X, y, 0.1, 4, 2)]

    def runs(fn):
        return [lesson04.reference_sgd(fn, case) for case in cases] + [lesson04.reference_sgd(fn, cases[1], seed=9)]

    def same(a, b):
        return all(x.same_as(y) for x, y in zip(a, b, strict=True))

    np.random.seed(0)  # bank entries that ignore rng draw from the global state
    bank = mistakes.SGD_BANK + mistakes.SGD_BEHAVIOUR_BANK
    results = {m.id: runs(m.fn) for m in bank}
    expected = runs(reference.sgd_fit)
    assert [i for i, r in results.items() if same(r, expected)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and same(results[a], results[b])] == []


def test_shuffling_inside_batches_only_is_caught():
    """Is shuffling only inside stored-order batches (neighbours always together) told to shuffle all n?"""

    def inside_only(X, y, batch_size, rng):
        for start in range(0, len(X), batch_size):
            chosen = start + rng.permutation(min(batch_size, len(X) - start))
            yield X[chosen], y[chosen]

    error = failure(check.iterate_minibatches, inside_only)
    assert error.mistake is None
    assert error.message == L.ITER_NOT_MIXED.format(label="n = 60, batch_size = 8, 3 features")


def test_float_step_count_is_named():
    """Does np.ceil(n / batch_size), right but a float, get the int sentence, after every value passed?"""
    error = failure(check.steps_per_epoch, lambda n, batch_size: np.ceil(n / batch_size))
    assert error.mistake == mistakes.STEPS_FLOAT
    assert error.message == L.COUNT_NOT_INT.format(value=3907.0, type="float64", n=1_000_000, batch_size=256)
    hidden = failure(check.steps_per_epoch, lambda n, batch_size: float(-(-n // batch_size)), hidden=True)
    assert hidden.message == L.COUNT_NOT_INT_HIDDEN.format(type="float")


def test_float_without_rounding_is_named_by_its_value_first(capsys):
    """Is n / batch_size named as 'no rounding' (not as a float problem), with the failing lines printed?"""
    error = failure(check.steps_per_epoch, lambda n, batch_size: n / batch_size)
    assert error.mistake == "no_rounding"
    out = capsys.readouterr().out
    assert M.CASE_FAIL.format(label=FIRST_STEPS) in out and L.COUNT_INT_LINE not in out


def test_sgd_drop_last_named_on_the_counts_too():
    """On minibatches, does a run with one step too few per epoch (the last batch skipped) get drop_last?"""
    case = lesson04.SgdCase("n = 10", *lesson04.noisy_problem(np.random.default_rng(0), 10, 1), 0.05, 3, 2)
    got = lesson04.reference_sgd(mistakes.SGD_BEHAVIOUR_BANK[1].fn, case)
    with pytest.raises(lesson04.Problem) as info:
        lesson04._check_counts(case, "n = 10", got)
    assert info.value.mistake == "drop_last"


# --- bad output from the learner -------------------------------------------------------


def never_returns(*args):
    while True:
        pass


def endless_batches(X, y, batch_size, rng):
    while True:
        yield X[:batch_size], y[:batch_size]


def test_an_endless_iterator_is_stopped_by_its_count():
    """Is a generator that never stops yielding stopped after a bounded number of batches (never left to fill the
    memory), with the sentence saying one epoch never ends?"""
    error = failure(check.iterate_minibatches, endless_batches)
    limit = lesson04.BATCHES_PER_EXAMPLE * 10 + 1
    assert error.message == L.ITER_ENDLESS.format(label=FIRST_ITER, limit=limit, n=10)


@pytest.mark.parametrize(("name", "fn", "label"), [
    ("iterate_minibatches", never_returns, FIRST_ITER),
    ("steps_per_epoch", never_returns, FIRST_STEPS),
    ("sgd_fit", never_returns, FIRST_SGD),
])
def test_never_returning(name, fn, label):
    """Is a function (or a generator) that never ends stopped after its time limit with a plain sentence?"""
    error = failure(CHECKS[name], fn, time_limit=0.2)
    assert error.message == M.TIMED_OUT.format(name=name, seconds=0.2, label=label)


@pytest.mark.parametrize("name", CHECKS)
def test_raising(name):
    """Does a function that raises get the sentence naming the error and the case?"""

    def broken(*args):
        raise ValueError("shapes do not match")

    error = failure(CHECKS[name], broken)
    label = {"iterate_minibatches": FIRST_ITER, "steps_per_epoch": FIRST_STEPS, "sgd_fit": FIRST_SGD}[name]
    assert error.message == M.RAISED.format(name=name, error="ValueError", label=label, detail="shapes do not match",
                                            first_arg="x")


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize(("given", "what"), [(3, "a int"), (None, "a NoneType")])
def test_not_passing_a_function(name, given, what):
    """Does passing a value instead of the function get told how to call the check?"""
    error = failure(CHECKS[name], given)
    assert error.message == M.NOT_CALLABLE.format(name=name, what=what)


def test_iterate_returning_none_or_a_number():
    """Does iterate_minibatches returning None, or something that cannot be looped over, get a plain sentence?"""
    error = failure(check.iterate_minibatches, lambda X, y, batch_size, rng: None)
    assert error.message == M.RETURNED_NONE.format(name="iterate_minibatches", label=FIRST_ITER)
    error = failure(check.iterate_minibatches, lambda X, y, batch_size, rng: 4)
    assert error.message == L.ITER_NOT_ITERABLE.format(type="int", label=FIRST_ITER)


def test_iterate_yielding_single_arrays():
    """Does a generator that yields only the indices, or triples, get the pairs sentence?"""

    def indices(X, y, batch_size, rng):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            yield order[start:start + batch_size]

    error = failure(check.iterate_minibatches, indices)
    assert error.message == L.ITER_NOT_PAIRS.format(type="ndarray", index=1, label=FIRST_ITER)
    error = failure(check.iterate_minibatches,
                    lambda X, y, batch_size, rng: [(xb, yb, 0) for xb, yb in
                                                   reference.iterate_minibatches(X, y, batch_size, rng)])
    assert error.message == L.ITER_NOT_PAIRS.format(type="tuple of 3 values", index=1, label=FIRST_ITER)


def test_iterate_with_column_labels():
    """Does a y_batch of shape (m, 1) get the shape sentence?"""

    def column(X, y, batch_size, rng):
        for X_batch, y_batch in reference.iterate_minibatches(X, y, batch_size, rng):
            yield X_batch, y_batch[:, None]

    error = failure(check.iterate_minibatches, column)
    assert error.message == L.ITER_BATCH_SHAPE.format(index=1, label=FIRST_ITER, x_shape=(3, 2), y_shape=(3, 1),
                                                      shape=(10, 2), n=10, rest=2)


def test_iterate_changing_the_values():
    """Does a generator that scales the rows it hands out get the 'not rows of X' sentence?"""

    def scaled(X, y, batch_size, rng):
        for X_batch, y_batch in reference.iterate_minibatches(X, y, batch_size, rng):
            yield X_batch / 2, y_batch

    error = failure(check.iterate_minibatches, scaled)
    assert error.message == L.ITER_NOT_ROWS.format(index=1, label=FIRST_ITER)


def test_iterate_sampling_with_replacement():
    """Does drawing batches with replacement (repeats, gaps) get the exactly-once sentence with both counts?"""

    def with_replacement(X, y, batch_size, rng):
        for start in range(0, len(X), batch_size):
            chosen = rng.integers(0, len(X), size=min(batch_size, len(X) - start))
            yield X[chosen], y[chosen]

    error = failure(check.iterate_minibatches, with_replacement)
    assert error.mistake is None
    assert error.message.startswith("iterate_minibatches did not hand out every example exactly once on the case "
                                    f"'{FIRST_ITER}' (n = 10, batch_size = 3): ")
    assert "of the examples never appear; " in error.message and "appear more than once." in error.message


def test_iterate_putting_the_small_batch_first():
    """Does an epoch whose smaller batch comes first (from a shuffled order) get the batch sizes sentence?"""

    def small_first(X, y, batch_size, rng):
        order = rng.permutation(len(X))
        rest = len(X) % batch_size
        cuts = [0, rest] if rest else [0]
        cuts += list(range(rest + batch_size, len(X) + 1, batch_size))
        for a, b in itertools.pairwise(cuts):
            yield X[order[a:b]], y[order[a:b]]

    error = failure(check.iterate_minibatches, small_first)
    assert error.message == L.ITER_BATCH_SIZES.format(got=[1, 3, 3, 3], expected=[3, 3, 3, 1], label=FIRST_ITER,
                                                      n=10, batch_size=3)


def test_iterate_shuffling_in_place():
    """Does rng.shuffle(X) (which changes the caller's X) get the in-place sentence, even if y is shuffled alike?"""

    def in_place(X, y, batch_size, rng):
        state = rng.bit_generator.state
        rng.shuffle(X)
        rng.bit_generator.state = state
        rng.shuffle(y)
        for start in range(0, len(X), batch_size):
            yield X[start:start + batch_size], y[start:start + batch_size]

    error = failure(check.iterate_minibatches, in_place)
    assert error.message == L.ITER_IN_PLACE.format(arg="X", label=FIRST_ITER)


def test_iterate_hidden_failure_shows_no_input():
    """Does a hidden failure name only 'hidden case 1.k', never n or batch_size in the label?"""
    error = failure(check.iterate_minibatches, lambda X, y, batch_size, rng: 4, hidden=True)
    assert error.message == L.ITER_NOT_ITERABLE.format(type="int", label=M.HIDDEN_LABEL.format(index="1.1"))


def test_steps_returning_none_or_a_list():
    """Does steps_per_epoch returning None or a list get the generic sentences?"""
    error = failure(check.steps_per_epoch, lambda n, batch_size: None)
    assert error.message == M.RETURNED_NONE.format(name="steps_per_epoch", label=FIRST_STEPS)
    error = failure(check.steps_per_epoch, lambda n, batch_size: [3907])
    assert error.message == M.RETURNED_SEQUENCE.format(name="steps_per_epoch", label=FIRST_STEPS, type="list")


def test_steps_unknown_wrong_value():
    """Does a wrong count that no bank entry explains show both values?"""
    error = failure(check.steps_per_epoch, lambda n, batch_size: reference.steps_per_epoch(n, batch_size) + 2)
    assert error.mistake is None
    assert error.message == M.WRONG_VALUE.format(name="steps_per_epoch", part="", got="3909", expected="3907",
                                                 label=FIRST_STEPS)


def sgd_variant(change):
    def fit(X, y, lr, batch_size, num_epochs, rng):
        params, step_losses, epoch_losses = reference.sgd_fit(X, y, lr, batch_size, num_epochs, rng)
        return change(params, step_losses, epoch_losses)

    return fit


def test_sgd_returning_none_or_two_values():
    """Does sgd_fit returning None, or only params and step losses, get a plain sentence?"""
    error = failure(check.sgd_fit, lambda *args: None)
    assert error.message == M.RETURNED_NONE.format(name="sgd_fit", label=FIRST_SGD)
    error = failure(check.sgd_fit, sgd_variant(lambda p, s, e: (p, s)))
    assert error.message == L.SGD_NOT_THREE.format(got="2 values", label=FIRST_SGD)


def test_sgd_params_in_the_wrong_form():
    """Do params with other keys, a column w, or an array b get their sentences?"""
    error = failure(check.sgd_fit, sgd_variant(lambda p, s, e: ({"weights": p["w"], "bias": p["b"]}, s, e)))
    assert error.message == M.RETURNED_WRONG_KEYS.format(name="sgd_fit (params)", label=FIRST_SGD,
                                                         got="weights, bias", names="w, b")
    error = failure(check.sgd_fit, sgd_variant(lambda p, s, e: ({"w": p["w"][:, None], "b": p["b"]}, s, e)))
    assert error.message == L.SGD_W_SHAPE.format(got=(2, 1), d=2, label=FIRST_SGD)
    error = failure(check.sgd_fit, sgd_variant(lambda p, s, e: ({"w": p["w"], "b": np.full(3, p["b"])}, s, e)))
    assert error.message == L.SGD_B_SIZE.format(size=3, label=FIRST_SGD)


def test_sgd_losses_in_the_wrong_form():
    """Does a step-loss history of (step, loss) pairs get the flat-list sentence?"""
    error = failure(check.sgd_fit, sgd_variant(lambda p, s, e: (p, [(i, v) for i, v in enumerate(s)], e)))
    assert error.message == L.SGD_LOSSES_NOT_1D.format(part="step_losses", shape=(3, 2), per="update",
                                                       label=FIRST_SGD)


def test_sgd_counts():
    """Does one step loss too many, or an extra epoch loss, get the counting sentences?"""
    error = failure(check.sgd_fit, sgd_variant(lambda p, s, e: (p, [s[0], *s], e)))
    assert error.mistake is None
    assert error.message == L.SGD_STEP_COUNT.format(got=4, label=FIRST_SGD, n=8, batch_size=8, num_epochs=3,
                                                    expected=3)
    error = failure(check.sgd_fit, sgd_variant(lambda p, s, e: (p, s, [e[0], *e])))
    assert error.message == L.SGD_EPOCH_COUNT.format(got=4, num_epochs=3, label=FIRST_SGD)


def test_sgd_unknown_wrong_value():
    """Does a run with a doubled learning rate show the first wrong part and both values, and hidden neither?"""

    def lr_doubled(X, y, lr, batch_size, num_epochs, rng):
        return reference.sgd_fit(X, y, 2 * lr, batch_size, num_epochs, rng)

    error = failure(check.sgd_fit, lr_doubled)
    assert error.mistake is None
    X, y = lesson04.noisy_problem(np.random.default_rng(4), 8, 2)
    case = lesson04.SgdCase(FIRST_SGD, X, y, 0.1, 8, 3)
    got, expected = lesson04.reference_sgd(lr_doubled, case), lesson04.reference_sgd(reference.sgd_fit, case)
    assert error.message == L.SGD_WRONG_VALUE.format(part="w", got=lesson04.format_number(got.w),
                                                     expected=lesson04.format_number(expected.w), label=FIRST_SGD)
    hidden = failure(check.sgd_fit, lr_doubled, hidden=True)
    assert hidden.message == M.WRONG_VALUE_HIDDEN.format(name="sgd_fit", what=M.PART_ANSWER.format(part="w"),
                                                         label=M.HIDDEN_LABEL.format(index="1.1"))


def test_sgd_wrong_epoch_loss():
    """Does an epoch loss that is not the whole data set's loss (and matches no mistake) get its sentence?"""

    def off_by_batches(X, y, lr, batch_size, num_epochs, rng):
        params, step_losses, epoch_losses = reference.sgd_fit(X, y, lr, batch_size, num_epochs, rng)
        if batch_size >= len(X) or np.all(X[0] == X):
            return params, step_losses, epoch_losses
        return params, step_losses, [2 * e for e in epoch_losses]

    error = failure(check.sgd_fit, off_by_batches)
    assert error.mistake is None
    assert error.message.startswith("sgd_fit's last epoch loss is ")
    assert "on the case '200 noisy examples, batch_size = 32, 3 epochs'" in error.message


def test_sgd_that_does_not_learn():
    """Does a run stuck at the start (right counts, right epoch loss) get the loss-must-fall sentence?"""

    def stuck(X, y, lr, batch_size, num_epochs, rng):
        X, y = np.asarray(X, float), np.asarray(y, float)
        if batch_size >= len(X) or np.all(X[0] == X):
            return reference.sgd_fit(X, y, lr, batch_size, num_epochs, rng)
        steps = num_epochs * reference.steps_per_epoch(len(X), batch_size)
        start = float(np.mean(y**2)) + rng.random() * 1e-3
        return {"w": np.zeros(X.shape[1]), "b": 0.0}, [start] * steps, [float(np.mean(y**2))] * num_epochs

    error = failure(check.sgd_fit, stuck)
    assert error.mistake is None
    assert error.message.startswith("sgd_fit's epoch loss went from ")
    hidden = failure(check.sgd_fit, stuck, hidden=True)
    assert hidden.message == L.SGD_NOT_FALLING_HIDDEN.format(label=M.HIDDEN_LABEL.format(index=4))


def test_sgd_that_stops_short_of_least_squares():
    """Does a run that learns w but never moves b get the least-squares sentence?"""

    def frozen_b(X, y, lr, batch_size, num_epochs, rng):
        X, y = np.asarray(X, float), np.asarray(y, float)
        if batch_size >= len(X) or np.all(X[0] == X):
            return reference.sgd_fit(X, y, lr, batch_size, num_epochs, rng)
        params, steps, _ = reference.sgd_fit(X, y, lr, batch_size, num_epochs, rng)
        w = params["w"]
        return {"w": w, "b": 0.0}, steps, [reference.linear_mse(w, 0.0, X, y)] * num_epochs

    error = failure(check.sgd_fit, frozen_b)
    assert error.mistake is None
    assert error.message.startswith("sgd_fit ended at w = [")
    assert "the least-squares solution is w = " in error.message


def test_sgd_mutating_x():
    """Does an sgd_fit that standardises X in place get the mutation sentence?"""

    def in_place(X, y, lr, batch_size, num_epochs, rng):
        result = reference.sgd_fit(X, y, lr, batch_size, num_epochs, rng)
        X *= 1.0 + 1e-9
        return result

    error = failure(check.sgd_fit, in_place)
    assert error.message == M.MUTATED.format(name="sgd_fit", arg="X", label=FIRST_SGD)


def test_plots_draw_without_warnings(monkeypatch):
    """Do the step/epoch plot, one batch size and the small multiples draw (warnings are errors here)?"""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lesson_utils.lesson04 import plots

    monkeypatch.setattr(plt, "show", lambda: None)
    plots.plot_batch_size(1)
    assert plt.gcf().axes[1].get_title().startswith("512 updates per epoch")
    plt.close("all")
    plots.plot_batch_sizes()
    titles = [ax.get_title() for ax in plt.gcf().axes]
    assert titles[3].startswith("full batch (512)") and "1 update per epoch" in titles[7]
    plt.gcf().canvas.draw()
    plt.close("all")


def test_gradient_noise_shrinks_with_batch_size():
    """Does the spread of minibatch gradients fall roughly as 1 / sqrt(batch size), and vanish for the full batch?"""
    from lesson_utils.lesson04 import plots

    X, y = plots.demo_data()
    spreads = [np.std(plots.minibatch_gradients(X, y, 1.0, 0.0, b, 300, np.random.default_rng(0))[:, 0])
               for b in (1, 16, 512)]
    assert spreads[0] > 2.5 * spreads[1] and spreads[2] < 1e-12
