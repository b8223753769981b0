"""Tests of the lesson 02 checks: do they pass every correct method, fail
every wrong one, and say the right sentence? And does the reference gradient
agree with PyTorch's autograd?"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lesson_utils import check, harness
from lesson_utils import messages as M
from lesson_utils.harness import Exercise, bank_overlaps
from lesson_utils.lesson02 import check as lesson02
from lesson_utils.lesson02 import mistakes, reference
from lesson_utils.outputs import format_number

EXERCISES = {
    "softmax": (lesson02.SOFTMAX, check.softmax),
    "log_softmax": (lesson02.LOG_SOFTMAX, check.log_softmax),
    "cross_entropy_from_logits": (lesson02.CROSS_ENTROPY_FROM_LOGITS, check.cross_entropy_from_logits),
    "softmax_cross_entropy_grad": (lesson02.SOFTMAX_CROSS_ENTROPY_GRAD, check.softmax_cross_entropy_grad),
}


def first_case(ex: Exercise):
    return ex.battery()[0]


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


# --- correct implementations -------------------------------------------------


def _float_array(x):
    """An array that keeps a float32 input in float32 (as a learner's code would)."""
    a = np.asarray(x)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(float)


def softmax_loop(logits):
    z = np.asarray(logits, dtype=float)
    rows = np.atleast_2d(z)
    out = []
    for row in rows:
        m = max(row)
        exps = [math.exp(v - m) for v in row]
        total = sum(exps)
        out.append([e / total for e in exps])
    return np.array(out).reshape(z.shape)


def softmax_keep_dtype(logits):
    z = _float_array(logits)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_via_log_softmax(logits):
    z = np.asarray(logits, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return np.exp(z - lse)


def softmax_torch(logits):
    torch = pytest.importorskip("torch")
    return torch.softmax(torch.tensor(np.asarray(logits, dtype=float)), dim=-1).numpy()


def log_softmax_shifted(logits):
    z = np.asarray(logits, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def log_softmax_loop(logits):
    z = np.asarray(logits, dtype=float)
    rows = np.atleast_2d(z)
    out = []
    for row in rows:
        m = max(row)
        lse = m + math.log(sum(math.exp(v - m) for v in row))
        out.append([v - lse for v in row])
    return np.array(out).reshape(z.shape)


def log_softmax_keep_dtype(logits):
    z = _float_array(logits)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def log_softmax_torch(logits):
    torch = pytest.importorskip("torch")
    return torch.log_softmax(torch.tensor(np.asarray(logits, dtype=float)), dim=-1).numpy()


def ce_logsumexp_minus_target(logits, targets):
    z = np.atleast_2d(np.asarray(logits, dtype=float))
    t = np.atleast_1d(targets)
    m = z.max(axis=1)
    lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(t)), t]))


def ce_loop(logits, targets):
    z = np.atleast_2d(np.asarray(logits, dtype=float))
    t = np.atleast_1d(targets)
    losses = []
    for row, target in zip(z, t, strict=True):
        m = max(row)
        lse = m + math.log(sum(math.exp(v - m) for v in row))
        losses.append(lse - row[target])
    return sum(losses) / len(losses)


def ce_one_hot_keep_dtype(logits, targets):
    z = np.atleast_2d(_float_array(logits))
    one_hot = np.eye(z.shape[1], dtype=z.dtype)[np.atleast_1d(targets)]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.sum(one_hot * log_probs) / z.shape[0]


def ce_torch(logits, targets):
    torch = pytest.importorskip("torch")
    z = torch.tensor(np.atleast_2d(np.asarray(logits, dtype=float)))
    t = torch.tensor(np.atleast_1d(targets).astype(np.int64))
    return torch.nn.functional.cross_entropy(z, t).item()


def grad_in_place_on_copy(logits, targets):
    z = np.asarray(logits, dtype=float)
    rows = np.atleast_2d(z)
    e = np.exp(rows - rows.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    n = rows.shape[0]
    probs[np.arange(n), np.atleast_1d(targets)] -= 1.0
    return (probs / n).reshape(z.shape)


def grad_loop(logits, targets):
    z = np.asarray(logits, dtype=float)
    rows = np.atleast_2d(z)
    t = np.atleast_1d(targets)
    n = len(rows)
    out = np.empty_like(rows)
    for i, row in enumerate(rows):
        m = max(row)
        exps = [math.exp(v - m) for v in row]
        total = sum(exps)
        for j, e in enumerate(exps):
            out[i, j] = (e / total - (1.0 if j == t[i] else 0.0)) / n
    return out if z.ndim == 2 else out[0]


def grad_keep_dtype(logits, targets):
    z = _float_array(logits)
    if z.ndim == 1:
        e = np.exp(z - z.max())
        return e / e.sum() - np.eye(len(z), dtype=z.dtype)[targets]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return (probs - np.eye(z.shape[1], dtype=z.dtype)[targets]) / len(z)


def grad_torch_autograd(logits, targets):
    torch = pytest.importorskip("torch")
    z = torch.tensor(np.asarray(logits, dtype=float), requires_grad=True)
    t = torch.tensor(np.asarray(targets).astype(np.int64))
    torch.nn.functional.cross_entropy(z, t).backward()
    return z.grad.numpy()


def import_torch_first(fn):
    """Import torch before a torch-based method runs, so its first (slow) import is not timed as the learner's call."""
    if "torch" in fn.__name__:
        pytest.importorskip("torch")


CORRECT = [
    ("softmax", reference.softmax),
    ("softmax", softmax_loop),
    ("softmax", softmax_keep_dtype),
    ("softmax", softmax_via_log_softmax),
    ("softmax", softmax_torch),
    ("log_softmax", reference.log_softmax),
    ("log_softmax", log_softmax_shifted),
    ("log_softmax", log_softmax_loop),
    ("log_softmax", log_softmax_keep_dtype),
    ("log_softmax", log_softmax_torch),
    ("cross_entropy_from_logits", reference.cross_entropy_from_logits),
    ("cross_entropy_from_logits", ce_logsumexp_minus_target),
    ("cross_entropy_from_logits", ce_loop),
    ("cross_entropy_from_logits", ce_one_hot_keep_dtype),
    ("cross_entropy_from_logits", ce_torch),
    ("softmax_cross_entropy_grad", reference.softmax_cross_entropy_grad),
    ("softmax_cross_entropy_grad", grad_in_place_on_copy),
    ("softmax_cross_entropy_grad", grad_loop),
    ("softmax_cross_entropy_grad", grad_keep_dtype),
    ("softmax_cross_entropy_grad", grad_torch_autograd),
]


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method pass (loops, float32, via log-softmax, torch), with one line per case?"""
    ex, check_fn = EXERCISES[name]
    import_torch_first(fn)
    assert check_fn(fn) is None
    lines = capsys.readouterr().out.splitlines()
    n = len(ex.battery())
    assert lines[0] == harness.header(ex, ex.battery()) and len(ex.battery()) == n
    assert lines[1:-1] == [M.CASE_PASS.format(label=c.label) for c in ex.battery()]
    assert lines[-1] == M.SUMMARY_PASS.format(n=n)


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass_other_seeds_and_hidden_mode(name, fn):
    """Do correct methods also pass the hidden battery and other random draws?"""
    _, check_fn = EXERCISES[name]
    import_torch_first(fn)
    for seed in (1, 2, 3):
        check_fn(fn, seed=seed)
    check_fn(fn, hidden=True, seed=9)


@pytest.mark.parametrize("name", EXERCISES)
def test_hidden_mode_passes_reference_without_showing_inputs(name, capsys):
    """In a grading cell, does the reference pass and is no input printed?"""
    ex, check_fn = EXERCISES[name]
    check_fn(ex.reference, hidden=True, seed=5, cases=[first_case(ex).args])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Hidden checks:")
    n = int(re.search(r" (\d+) more ", lines[0])[1])
    assert lines[1] == M.SUMMARY_PASS_HIDDEN.format(n=n)


@pytest.mark.parametrize("name", EXERCISES)
def test_random_cases_use_several_shapes_and_both_float_dtypes(name):
    """Would a hard-coded answer fail: do the random cases come in several shapes, 1-D and 2-D, float32 and float64?"""
    ex, _ = EXERCISES[name]
    logits = [c.args[0] for c in ex.random_cases(np.random.default_rng(0))]
    assert len({z.shape for z in logits}) >= 5
    assert {z.ndim for z in logits} == {1, 2}
    assert {z.dtype.name for z in logits} == {"float32", "float64"}
    again = [c.args[0] for c in ex.random_cases(np.random.default_rng(1))]
    assert not all(np.array_equal(a, b) for a, b in zip(logits, again, strict=True))


# --- the reference against PyTorch autograd ------------------------------------


def _random_problem(rng, shape):
    logits = rng.normal(scale=3.0, size=shape)
    k = shape[-1]
    targets = int(rng.integers(k)) if len(shape) == 1 else rng.integers(0, k, size=shape[0])
    return logits, targets


SHAPES = [(3,), (7,), (1, 4), (5, 3), (16, 10), (2, 50)]


@pytest.mark.parametrize("shape", SHAPES, ids=[str(s) for s in SHAPES])
def test_reference_gradient_equals_torch_autograd(shape):
    """Is the reference gradient what torch autograd gives for F.cross_entropy (mean), in float64?"""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    for _ in range(5):
        logits, targets = _random_problem(rng, shape)
        z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(z, torch.tensor(targets, dtype=torch.int64))
        loss.backward()
        np.testing.assert_allclose(reference.softmax_cross_entropy_grad(logits, targets), z.grad.numpy(),
                                   rtol=1e-12, atol=1e-14)
        assert reference.cross_entropy_from_logits(logits, targets) == pytest.approx(loss.item(), rel=1e-12)


def test_reference_gradient_equals_torch_on_huge_logits():
    """Does the reference stay finite and agree with torch where a naive softmax overflows?"""
    torch = pytest.importorskip("torch")
    logits = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1003.0, -1001.0]])
    targets = np.array([2, 0])
    z = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.cross_entropy(z, torch.tensor(targets)).backward()
    np.testing.assert_allclose(reference.softmax_cross_entropy_grad(logits, targets), z.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(reference.log_softmax(logits), torch.log_softmax(torch.tensor(logits), -1).numpy(),
                               rtol=1e-12)


def test_reference_reproduces_the_worked_numbers():
    """Do logits [2.0, 1.0, 0.1] give probabilities [0.66, 0.24, 0.10] and losses 0.42 and 2.3?"""
    probs = reference.softmax([2.0, 1.0, 0.1])
    assert np.round(probs, 2).tolist() == [0.66, 0.24, 0.10]
    assert round(reference.cross_entropy_from_logits([2.0, 1.0, 0.1], 0), 2) == 0.42
    assert round(reference.cross_entropy_from_logits([2.0, 1.0, 0.1], 2), 1) == 2.3
    assert np.round(reference.softmax([1000.0, 1001.0]), 2).tolist() == [0.27, 0.73]


# --- the bank of known mistakes ----------------------------------------------

BANK = [(name, m) for name, (ex, _) in EXERCISES.items() for m in ex.mistakes]
BANK_IDS = [f"{n}-{m.id}" for n, m in BANK]

REQUIRED = {
    "softmax": {"no_max_shift", "wrong_axis"},
    "log_softmax": {"log_of_softmax", "no_max_shift"},
    "cross_entropy_from_logits": {"no_max_shift", "sum_not_mean", "most_likely_class"},
    "softmax_cross_entropy_grad": {"no_one_over_n", "wrong_sign", "no_max_shift"},
}


def test_banks_hold_the_required_mistakes():
    """Does every exercise know at least the mistakes its lesson promises, and at least five?"""
    ids = {name: {m.id for m in ex.mistakes} for name, (ex, _) in EXERCISES.items()}
    assert {name: REQUIRED[name] - ids[name] for name in EXERCISES} == {name: set() for name in EXERCISES}
    assert {name: len(ids[name]) >= 5 for name in EXERCISES} == dict.fromkeys(EXERCISES, True)


@pytest.mark.parametrize(("name", "mistake"), BANK, ids=BANK_IDS)
def test_every_known_mistake_is_named_in_hidden_mode(name, mistake):
    """At grading (random cases only), is every bank mistake still caught and named?"""
    _, check_fn = EXERCISES[name]
    for seed in (11, 12):
        error = failure(check_fn, mistake.fn, hidden=True, seed=seed)
        assert error.mistake == mistake.id


@pytest.mark.parametrize("name", EXERCISES)
def test_bank_entries_are_told_apart(name):
    """Does every bank entry differ from the reference and from every other entry on some case?"""
    ex, _ = EXERCISES[name]
    assert bank_overlaps(ex) == ([], [])


def test_naive_softmax_really_overflows():
    """Is the no-max-shift entry NaN on [1000, 1001], where the reference gives [0.27, 0.73]?"""
    with np.errstate(all="ignore"):
        naive = mistakes.SOFTMAX_BANK[0].fn(np.array([1000.0, 1001.0]))
    assert np.isnan(naive).all()
    assert np.isfinite(reference.softmax([1000.0, 1001.0])).all()


def test_log_of_softmax_really_underflows():
    """Is np.log(softmax) -inf on very negative logits, where log_softmax is exact?"""
    logits = np.array([0.0, -800.0])
    with np.errstate(all="ignore"):
        assert np.log(reference.softmax(logits))[1] == -np.inf
    assert reference.log_softmax(logits).tolist() == [0.0, -800.0]


def test_a_softmax_that_forgets_keepdims_is_told_the_broadcast_error():
    """Does e / e.sum(axis=-1) (no keepdims) get the 'stopped with ValueError' sentence on the first batch?"""

    def no_keepdims(logits):
        z = np.asarray(logits, dtype=float)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1)

    error = failure(check.softmax, no_keepdims)
    batch = lesson02.SOFTMAX.battery()[1]
    with pytest.raises(ValueError) as raised:
        no_keepdims(*batch.args)
    assert error.message == M.RAISED.format(name="softmax", error="ValueError", label=batch.label,
                                            detail=str(raised.value))


# --- bad output from the learner ---------------------------------------------


def test_returning_none():
    """Does a function without `return` get the None sentence?"""
    error = failure(check.softmax, lambda logits: None)
    assert error.message == M.RETURNED_NONE.format(name="softmax", label=first_case(lesson02.SOFTMAX).label)


def test_returning_a_string():
    """Does a function that returns text get the wrong-type sentence?"""
    error = failure(check.log_softmax, lambda logits: "log-probabilities")
    assert error.message == M.RETURNED_WRONG_TYPE.format(
        name="log_softmax", label=first_case(lesson02.LOG_SOFTMAX).label, type="str", what="an array of numbers"
    )


def test_returning_a_torch_tensor():
    """Does a softmax that returns a torch tensor get the tensor sentence?"""
    torch = pytest.importorskip("torch")
    error = failure(check.softmax, lambda logits: torch.softmax(torch.tensor(np.asarray(logits, float)), -1))
    assert error.message == M.RETURNED_TENSOR.format(name="softmax", label=first_case(lesson02.SOFTMAX).label)


def test_softmax_returning_the_sum_gets_the_shape_sentence():
    """Does a softmax that returns one number get the shape sentence with the array hint?"""
    error = failure(check.softmax, lambda logits: float(np.sum(np.exp(np.asarray(logits, float)))))
    assert error.message == M.WRONG_SHAPE.format(
        name="softmax", part="", got_shape=(), label=first_case(lesson02.SOFTMAX).label,
        expected_shape=(3,), hint=M.SHAPE_HINT_ARRAY,
    )


def test_loss_returning_per_example_losses_gets_the_shape_sentence():
    """Does a loss that forgets to average over the batch get the scalar shape sentence?"""

    def per_example(logits, targets):
        z = np.atleast_2d(np.asarray(logits, dtype=float))
        return reference.logsumexp(z)[:, 0] - z[np.arange(len(z)), np.atleast_1d(targets)]

    error = failure(check.cross_entropy_from_logits, per_example)
    assert error.message == M.WRONG_SHAPE.format(
        name="cross_entropy_from_logits", part="", got_shape=(1,),
        label=first_case(lesson02.CROSS_ENTROPY_FROM_LOGITS).label, expected_shape=(), hint=M.SHAPE_HINT_SCALAR,
    )


def test_grad_always_returning_a_batch_gets_the_shape_sentence():
    """Does a gradient of shape (1, k) for a single vector get told the shape it should have?"""

    def always_2d(logits, targets):
        return reference.softmax_cross_entropy_grad(np.atleast_2d(logits), np.atleast_1d(targets))

    error = failure(check.softmax_cross_entropy_grad, always_2d)
    assert error.message == M.WRONG_SHAPE.format(
        name="softmax_cross_entropy_grad", part="", got_shape=(1, 3),
        label=first_case(lesson02.SOFTMAX_CROSS_ENTROPY_GRAD).label, expected_shape=(3,), hint=M.SHAPE_HINT_ARRAY,
    )


def test_returning_nan():
    """Does a NaN result get the not-finite sentence with the expected probabilities?"""
    error = failure(check.softmax, lambda logits: np.full(np.shape(logits), np.nan))
    case = first_case(lesson02.SOFTMAX)
    assert error.message == M.NOT_FINITE.format(
        name="softmax", part="", got=format_number(np.full(3, np.nan)),
        expected=format_number(reference.softmax(*case.args)), label=case.label,
    )


def test_unknown_wrong_value():
    """Does a wrong answer that matches no known mistake show the case and both values?"""
    error = failure(check.cross_entropy_from_logits, lambda logits, targets: 0.5)
    case = first_case(lesson02.CROSS_ENTROPY_FROM_LOGITS)
    assert error.mistake is None
    assert error.message == M.WRONG_VALUE.format(
        name="cross_entropy_from_logits", part="", got="0.5",
        expected=format_number(np.asarray(reference.cross_entropy_from_logits(*case.args))), label=case.label,
    )


def test_unknown_wrong_value_in_hidden_mode_shows_no_values():
    """At grading, does a wrong answer name the hidden case but not its inputs or values?"""
    error = failure(check.softmax_cross_entropy_grad, lambda logits, targets: np.zeros(np.shape(logits)), hidden=True)
    assert error.message == M.WRONG_VALUE_HIDDEN.format(
        name="softmax_cross_entropy_grad", what=M.ANSWER, label=M.HIDDEN_LABEL.format(index=1)
    )


def test_raising_an_error():
    """Does a function that raises get one sentence naming the error and the case?"""

    def broken(logits, targets):
        raise IndexError("index 3 is out of bounds")

    error = failure(check.softmax_cross_entropy_grad, broken)
    assert error.message == M.RAISED.format(
        name="softmax_cross_entropy_grad", error="IndexError",
        label=first_case(lesson02.SOFTMAX_CROSS_ENTROPY_GRAD).label, detail="index 3 is out of bounds",
    )


def test_failing_on_lists_suggests_arrays():
    """Does a function that only works on arrays get told to convert lists?"""

    def arrays_only(logits):
        z = logits * 1.0
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    error = failure(check.softmax, arrays_only)
    assert error.message == M.RAISED_ON_LIST.format(
        name="softmax", error="TypeError", label="plain Python lists",
        detail="can't multiply sequence by non-int of type 'float'", first_arg="logits",
    )


def test_mutating_the_input():
    """Does a softmax that shifts the logits in place get the mutation sentence?"""

    def in_place(logits):
        logits -= np.max(logits, axis=-1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=-1, keepdims=True)

    error = failure(check.softmax, in_place)
    assert error.message == M.MUTATED.format(name="softmax", arg="logits", label=first_case(lesson02.SOFTMAX).label)


def test_never_returning():
    """Is a function that never returns stopped after its time limit with a plain sentence?"""

    def never_returns(logits, targets):
        while True:
            pass

    error = failure(check.cross_entropy_from_logits, never_returns, time_limit=0.2)
    assert error.message == M.TIMED_OUT.format(
        name="cross_entropy_from_logits", seconds=0.2, label=first_case(lesson02.CROSS_ENTROPY_FROM_LOGITS).label
    )


@pytest.mark.parametrize("name", EXERCISES)
def test_not_passing_a_function(name):
    """Does calling the check on a value instead of the function say how to call it?"""
    _, check_fn = EXERCISES[name]
    error = failure(check_fn, np.array([0.66, 0.24, 0.10]))
    assert error.message == M.NOT_CALLABLE.format(name=name, what="a ndarray")
