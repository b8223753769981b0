"""Tests of the lesson 05 checks: do they pass every correct method, fail
every wrong one, and say the right sentence?"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from lesson_utils import check, harness
from lesson_utils import messages as M
from lesson_utils.lesson02 import reference as softmax_reference
from lesson_utils.lesson05 import check as lesson05
from lesson_utils.lesson05 import gradcheck, mistakes, reference
from lesson_utils.lesson05 import messages as L
from lesson_utils.outputs import format_number

VALUE_EXERCISES = {
    "linear_forward": (lesson05.LINEAR_FORWARD, check.linear_forward),
    "linear_backward": (lesson05.LINEAR_BACKWARD, check.linear_backward),
    "relu_backward": (lesson05.RELU_BACKWARD, check.relu_backward),
    "two_layer_grads": (lesson05.TWO_LAYER_GRADS, check.two_layer_grads),
    "numerical_gradient": (lesson05.NUMERICAL_GRADIENT, check.numerical_gradient),
}
CHECKS = {"Value": check.Value, **{name: fn for name, (_, fn) in VALUE_EXERCISES.items()}}
REFERENCES = {"Value": reference.Value, **{name: getattr(reference, name) for name in VALUE_EXERCISES}}


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


def first_label(name: str) -> str:
    return VALUE_EXERCISES[name][0].battery()[0].label


# --- the seeds' numbers and the lesson's facts ----------------------------------------------


def test_value_reproduces_the_worked_gradient():
    """Does backprop through Value give the hand-derived dL/dw = -18.67, dL/db = -8 at w = b = 0 on
    (1,2), (2,4), (3,6)?"""
    w, b = reference.Value(0.0), reference.Value(0.0)
    loss = reference.Value(0.0)
    for x, y in [(1, 2), (2, 4), (3, 6)]:
        error = w * x + b - y
        loss = loss + error * error * (1 / 3)
    loss.backward()
    assert (round(w.grad, 2), round(b.grad, 10), round(loss.data, 4)) == (-18.67, -8.0, round(56 / 3, 4))


def test_value_gradients_pile_up_like_torch():
    """Do two forward and backward passes without zeroing give twice the gradient, and zeroing reset it?"""
    a = reference.Value(1.5)
    (a * a).backward()
    (a * a).backward()
    assert a.grad == 6.0
    a.grad = 0.0
    (a * a).backward()
    assert a.grad == 3.0


def test_two_layer_backprop_agrees_with_torch_and_numerical_gradients():
    """Do the reference layers, chained into a two-layer network, give torch's gradients and pass the
    gradient check on every parameter?"""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    params = {"W1": rng.normal(size=(4, 5)), "b1": rng.normal(size=5), "W2": rng.normal(size=(5, 3)),
              "b2": rng.normal(size=3)}
    loss, grads = reference.two_layer_grads(params, X, y)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    logits = torch.relu(torch.tensor(X) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    t_loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-12)
    errors = gradcheck.gradient_check(lambda p: reference.two_layer_loss(p, X, y), params, grads, verbose=False)
    assert sorted(errors) == sorted(params) and max(errors.values()) < 1e-7


# --- gradient_check --------------------------------------------------------------------------


def _net():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4), "W2": rng.normal(size=(4, 2)),
              "b2": rng.normal(size=2)}
    _, grads = reference.two_layer_grads(params, X, y)
    return (lambda p: reference.two_layer_loss(p, X, y)), params, grads


@pytest.mark.parametrize(("change", "note"), [
    (lambda g: 2 * g, gradcheck.NOTE_RATIO.format(ratio="2")),
    (lambda g: 0.5 * g, gradcheck.NOTE_RATIO.format(ratio="0.5")),
    (lambda g: g / 5, gradcheck.NOTE_RATIO.format(ratio="0.2")),
    (lambda g: -g, gradcheck.NOTE_SIGN),
    (lambda g: 0 * g, gradcheck.NOTE_ZERO),
    (lambda g: g.T, gradcheck.NOTE_TRANSPOSED.format(got=(2, 4), expected=(4, 2))),
    (lambda g: g[:, 0], gradcheck.NOTE_SHAPE.format(got=(4,), expected=(4, 2), name="W2")),
])
def test_gradient_check_names_simple_slips(change, note, capsys):
    """Is a dW2 that is k times, minus, zero, transposed or misshapen reported on dW2's line alone, by name?"""
    f, params, grads = _net()
    errors = gradcheck.gradient_check(f, params, {**grads, "W2": change(grads["W2"])})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[2].startswith("dW2") and lines[2].endswith(f"{gradcheck.MISMATCH}: dW2 {note}")
    assert [line.endswith(gradcheck.OK) for line in lines] == [True, True, False, True]
    assert errors["W2"] > 1e-3 and max(errors["W1"], errors["b1"], errors["b2"]) < 1e-7


def test_gradient_check_shows_round_off_as_a_bound(capsys):
    """Does a correct gradient, whose relative error is only float64 round-off (digits that differ from processor
    to processor), print as "< 1e-8" on every line, while a real error prints its value?"""
    f, params, grads = _net()
    gradcheck.gradient_check(f, params, grads)
    lines = capsys.readouterr().out.splitlines()
    width = len("dW1")
    assert lines == [f"{f'd{name}'.ljust(width)}  relative error {gradcheck.BELOW_ROUND_OFF}  {gradcheck.OK}"
                     for name in params]
    gradcheck.gradient_check(f, params, {**grads, "b2": grads["b2"] * (1 + 1e-7)})
    assert capsys.readouterr().out.splitlines()[3] == f"db2  relative error 5.0e-08  {gradcheck.OK}"


def test_gradient_check_transposed_square_and_missing(capsys):
    """Is a square gradient's transpose recognised, and a missing gradient reported as inf?"""
    rng = np.random.default_rng(2)
    A, x = rng.normal(size=(3, 3)), rng.normal(size=3)
    params = {"W": rng.normal(size=(3, 3)), "v": rng.normal(size=3)}

    def f(p):
        return float(x @ p["W"] @ A @ x + p["v"] @ x)

    grads = {"W": np.outer(x, A @ x)}
    errors = gradcheck.gradient_check(f, params, {"W": grads["W"].T})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(gradcheck.NOTE_TRANSPOSED_SQUARE)
    assert lines[1] == f"dv  {gradcheck.MISMATCH}: dv {gradcheck.NOTE_MISSING}"
    assert errors["v"] == float("inf")


def test_gradient_check_leaves_params_alone_and_an_unknown_slip_unnamed(capsys):
    """Are the caller's arrays unchanged, and is a gradient off by noise reported without a guess?"""
    f, params, grads = _net()
    before = {k: v.copy() for k, v in params.items()}
    noisy = {**grads, "b1": grads["b1"] + np.array([0.3, 0.0, -0.1, 0.2])}
    gradcheck.gradient_check(f, params, noisy)
    line = capsys.readouterr().out.splitlines()[1]
    assert line.startswith("db1") and line.endswith(gradcheck.MISMATCH)
    assert all(np.array_equal(before[k], params[k]) for k in params)


def test_simple_ratios():
    """Are small fractions written plainly and other ratios left to the number?"""
    assert [gradcheck._simple_ratio(r) for r in (2.0, 0.25, 1 / 3, -1.0, 1 / 64)] == ["2", "0.25", "1/3", "-1",
                                                                                      "1/64"]
    assert gradcheck._simple_ratio(math.pi) is None


# --- correct implementations ------------------------------------------------------------------


class MicrogradStyle:
    """A from-scratch class: _prev as a set, an explicit stack for the topological sort, tanh from exp."""

    def __init__(self, data, children=()):
        self.data = data
        self.grad = 0
        self._prev = set(children)
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, MicrogradStyle) else MicrogradStyle(other)
        out = MicrogradStyle(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, MicrogradStyle) else MicrogradStyle(other)
        out = MicrogradStyle(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    __rmul__ = __mul__

    def __pow__(self, n):
        out = MicrogradStyle(self.data**n, (self,))

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def tanh(self):
        e = math.exp(2 * self.data)
        t = (e - 1) / (e + 1)
        out = MicrogradStyle(t, (self,))

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1
        for node in reversed(order):
            node._backward()


class ReluOnly(reference.Value):
    tanh = None


class Float32Data(reference.Value):
    """Keeps data as NumPy float64 scalars and grads as NumPy numbers."""

    def __init__(self, data, _children=(), _op=""):
        super().__init__(data, _children, _op)
        self.data = np.float64(data)
        self.grad = np.float64(0.0)


def forward_einsum(X, W, b):
    return np.einsum("nd,dm->nm", np.asarray(X, float), np.asarray(W, float)) + np.asarray(b, float)


def forward_loops(X, W, b):
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    out = np.zeros((X.shape[0], W.shape[1]))
    for i in range(X.shape[0]):
        for j in range(W.shape[1]):
            out[i, j] = sum(X[i, k] * W[k, j] for k in range(X.shape[1])) + b[j]
    return out.tolist()


def forward_float32(X, W, b):
    """X @ W + b in the inputs' own dtype: float32 in, float32 out (the contract allows it)."""
    return np.asarray(X) @ np.asarray(W) + np.asarray(b)


def backward_einsum(dout, X, W):
    dout, X, W = (np.asarray(a, dtype=float) for a in (dout, X, W))
    return np.einsum("nm,dm->nd", dout, W), np.einsum("nd,nm->dm", X, dout), np.einsum("nm->m", dout)


def backward_list(dout, X, W):
    dout, X, W = (np.asarray(a, dtype=float) for a in (dout, X, W))
    return [np.dot(dout, W.T), np.dot(X.T, dout), np.sum(dout, axis=0, keepdims=False)]


def relu_where(dout, z):
    return np.where(np.asarray(z) > 0, dout, 0.0)


def relu_from_output(dout, z):
    out = np.maximum(np.asarray(z, dtype=float), 0)
    return np.asarray(dout, dtype=float) * (out > 0)


def relu_float32(dout, z):
    return np.asarray(dout, np.float32) * (np.asarray(z, np.float32) > 0).astype(np.float32)


def numgrad_copies(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    for i in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.flat[i] += eps
        minus.flat[i] -= eps
        grad.flat[i] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def numgrad_in_place_restored(f, x, eps=1e-6):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
        it.iternext()
    return grad


def numgrad_basis(f, x, eps=1e-6):
    flat = x.ravel()
    rows = []
    for e in np.eye(flat.size):
        rows.append((f((flat + eps * e).reshape(x.shape)) - f((flat - eps * e).reshape(x.shape))) / (2 * eps))
    return np.array(rows).reshape(x.shape)


def two_layer_from_pieces(params, X, y):
    """The notebook's way: the layers of this lesson and the two functions of lesson 02, composed."""
    z1 = reference.linear_forward(X, params["W1"], params["b1"])
    h = np.maximum(z1, 0)
    logits = reference.linear_forward(h, params["W2"], params["b2"])
    dlogits = softmax_reference.softmax_cross_entropy_grad(logits, y)
    dh, dW2, db2 = reference.linear_backward(dlogits, h, params["W2"])
    _, dW1, db1 = reference.linear_backward(reference.relu_backward(dh, z1), X, params["W1"])
    return softmax_reference.cross_entropy_from_logits(logits, y), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def two_layer_by_hand(params, X, y):
    """Everything written out: einsum, a one-hot from np.eye, ReLU's mask from h, the loss a 0-d array, a list
    returned and the gradients in another order."""
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    h = np.maximum(np.einsum("nd,dh->nh", X, W1) + b1, 0)
    logits = h @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    loss = np.mean(np.log(e.sum(axis=1)) - shifted[np.arange(len(y)), y])
    dlogits = (e / e.sum(axis=1, keepdims=True) - np.eye(W2.shape[1])[y]) / len(y)
    dz1 = dlogits @ W2.T * (h > 0)
    return [np.asarray(loss), {"b2": dlogits.sum(axis=0), "W2": h.T @ dlogits, "b1": dz1.sum(axis=0),
                               "W1": X.T @ dz1}]


def two_layer_in_their_dtype(params, X, y):
    """In the inputs' own dtype all the way (float32 in, float32 out), as layers that keep their dtype give it."""
    W1, b1, W2, b2 = (np.asarray(params[k]) for k in ("W1", "b1", "W2", "b2"))
    X, y = np.asarray(X), np.asarray(y)
    n = len(y)
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0)
    logits = h @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    loss = -(shifted - np.log(e.sum(axis=1, keepdims=True)))[np.arange(n), y].mean()
    dlogits = e / e.sum(axis=1, keepdims=True)
    dlogits[np.arange(n), y] -= 1
    dlogits /= n
    dz1 = dlogits @ W2.T * (z1 > 0)
    return loss, {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": h.T @ dlogits, "b2": dlogits.sum(axis=0)}


def two_layer_torch(params, X, y):
    """torch.autograd does the backward pass, in float64, and the results come back as NumPy."""
    import torch

    t = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for k, v in params.items()}
    logits = torch.relu(torch.tensor(np.asarray(X, dtype=np.float64)) @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"]
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(np.asarray(y, dtype=np.int64)))
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in t.items()}


CORRECT = [
    ("Value", reference.Value), ("Value", MicrogradStyle), ("Value", ReluOnly), ("Value", Float32Data),
    ("linear_forward", reference.linear_forward), ("linear_forward", forward_einsum),
    ("linear_forward", forward_loops), ("linear_forward", forward_float32),
    ("linear_backward", reference.linear_backward), ("linear_backward", backward_einsum),
    ("linear_backward", backward_list),
    ("relu_backward", reference.relu_backward), ("relu_backward", relu_where),
    ("relu_backward", relu_from_output), ("relu_backward", relu_float32),
    ("two_layer_grads", reference.two_layer_grads), ("two_layer_grads", two_layer_from_pieces),
    ("two_layer_grads", two_layer_by_hand), ("two_layer_grads", two_layer_in_their_dtype),
    ("numerical_gradient", reference.numerical_gradient), ("numerical_gradient", numgrad_copies),
    ("numerical_gradient", numgrad_in_place_restored), ("numerical_gradient", numgrad_basis),
]


NEEDS_TORCH = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")


@pytest.mark.parametrize(("name", "fn"), [
    *(pytest.param(name, fn, id=f"{name}-{fn.__name__}") for name, fn in CORRECT),
    pytest.param("two_layer_grads", two_layer_torch, marks=NEEDS_TORCH, id="two_layer_grads-two_layer_torch"),
])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method pass, visibly and in hidden mode, and is the learner told hidden checks run later?"""
    assert CHECKS[name](fn) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == M.SUMMARY_PASS.format(n=len(lines) - 2)
    assert not [line for line in lines if line.startswith("  ❌")]
    assert CHECKS[name](fn, hidden=True, seed=99) is None


def test_value_check_tests_whichever_activation_exists(capsys):
    """Does a class with both tanh and relu get both tested, and one with only tanh or only relu just that one?"""
    check.Value(reference.Value)
    both = capsys.readouterr().out
    check.Value(MicrogradStyle)
    tanh_only = capsys.readouterr().out
    check.Value(ReluOnly)
    relu_only = capsys.readouterr().out
    assert "tanh: forward" in both and "relu at exactly 0" in both
    assert "tanh: forward" in tanh_only and "relu" not in tanh_only
    assert "relu at exactly 0" in relu_only and "tanh" not in relu_only


def test_value_check_prints_a_line_per_probe(capsys):
    """Does the Value check print its header, one ✅ per probe and the summary?"""
    check.Value(reference.Value)
    lines = capsys.readouterr().out.splitlines()
    probes = lesson05.value_behaviour(lesson05.activations(reference.Value, None), []).rows()
    assert lines[0] == M.PROBES_HEADER.format(signature="Value(data)", n=len(probes))
    assert lines[1:-1] == [M.CASE_PASS.format(label=p.label) for p in probes]
    assert any("used twice" in p.label for p in probes) and any("pile up" in p.label for p in probes)


@pytest.mark.parametrize("name", VALUE_EXERCISES)
def test_value_checks_print_a_line_per_case(name, capsys):
    """Does a value check print its header, one ✅ per case and the summary?"""
    ex, check_fn = VALUE_EXERCISES[name]
    check_fn(ex.reference)
    lines = capsys.readouterr().out.splitlines()
    n = len(ex.battery())
    assert lines[0] == harness.header(ex, ex.battery()) and len(ex.battery()) == n
    assert lines[1:-1] == [M.CASE_PASS.format(label=c.label) for c in ex.battery()]


def test_extra_cases_are_checked_too():
    """Are explicit extra cases run for the array exercises?"""
    check.linear_forward(reference.linear_forward, hidden=True, cases=[(np.ones((2, 2)), np.eye(2), np.zeros(2))])
    check.numerical_gradient(reference.numerical_gradient, hidden=True,
                             cases=[(lambda x: float(np.prod(x)), np.array([1.0, 2.0, 3.0]), 1e-3)])
    def wrong_on_two(dout, z):
        return np.zeros(2) if np.size(z) == 2 else reference.relu_backward(dout, z)

    check.relu_backward(wrong_on_two, hidden=True)
    error = failure(check.relu_backward, wrong_on_two, hidden=True, cases=[(np.ones(2), np.array([-0.5, 1.0]))])
    assert error.message == M.WRONG_VALUE_HIDDEN.format(name="relu_backward", what=M.ANSWER,
                                                        label=M.HIDDEN_LABEL.format(index=5))


# --- the stubs ----------------------------------------------------------------------------------


def test_value_without_any_activation():
    """Is a class with + and * written but neither tanh nor relu told to write one of them?"""

    class NoActivation(reference.Value):
        def tanh(self):
            raise NotImplementedError()

        def relu(self):
            raise NotImplementedError()

    error = failure(check.Value, NoActivation)
    assert error.message == L.VALUE_NO_ACTIVATION and error.case == "tanh or relu"


# --- the banks of known mistakes ------------------------------------------------------------------


def test_banks_hold_the_mistakes_the_lesson_teaches():
    """Do the banks know = for +=, a missing local factor, a transposed dW, ReLU at 0, and a wrong order?"""
    assert {"assign_not_accumulate", "mul_missing_factor", "relu_wrong_side", "topo_not_reversed",
            "no_topological_order"} <= {m.id for m in mistakes.VALUE_BANK}
    assert "dW_transposed" in {m.id for m in mistakes.BACKWARD_BANK}
    assert "relu_grad_at_zero" in {m.id for m in mistakes.RELU_BANK}
    assert {"relu_backward_left_out", "dW2_from_z1", "bias_grads_averaged", "dW1_dW2_swapped"} <= {
        m.id for m in mistakes.TWO_LAYER_BANK}
    assert {"forward_difference", "no_factor_2"} <= {m.id for m in mistakes.NUMGRAD_BANK}


@pytest.mark.parametrize("mistake", mistakes.VALUE_BANK, ids=[m.id for m in mistakes.VALUE_BANK])
def test_every_value_mistake_is_named(mistake):
    """Is a Value class that makes a bank mistake told exactly that mistake, visibly and at grading?"""
    for hidden in (False, True):
        error = failure(check.Value, mistake.fn, hidden=hidden)
        assert error.mistake == mistake.id
        assert error.message == M.KNOWN_MISTAKE.format(name="Value", explanation=mistake.explanation)


def test_value_bank_entries_are_told_apart():
    """Does every Value bank class differ from the reference and from every other entry on the probes' runs?"""
    history = []
    harness.run_behaviour(lesson05.value_behaviour(lesson05.activations(reference.Value, None), history),
                          reference.Value)
    runs = [run for run, _ in history]
    assert len(runs) > 20

    def results(cls):
        with np.errstate(all="ignore"):
            return [lesson05._quiet_run(cls, run) for run in runs]

    def same(a, b):
        return all(x.shape == y.shape and np.allclose(x, y) for x, y in zip(a, b, strict=True))

    expected = [lesson05.expected(run) for run in runs]
    assert same(results(reference.Value), expected)
    got = {m.id: results(m.fn) for m in mistakes.VALUE_BANK}
    assert [i for i, r in got.items() if same(r, expected)] == []
    ids = list(got)
    assert [(a, b) for a in ids for b in ids if a < b and same(got[a], got[b])] == []


def test_assign_not_accumulate_is_caught_on_a_node_used_twice():
    """Is `=` for `+=` caught by the probe of a node used twice, showing a * a's gradient halved?"""
    error = failure(check.Value, mistakes.AssignNotAccumulate)
    assert error.case == "a node used twice: a * a, a + a, a * b + a (gradients add up)"
    a = mistakes.AssignNotAccumulate(3.0)
    (a * a).backward()
    assert a.grad == 3.0


def test_wrong_order_is_caught_on_shared_nodes():
    """Is backward without a topological sort caught where a node feeds two others?"""
    error = failure(check.Value, mistakes.Recursive)
    assert error.case == "shared inner nodes and a chain: backward in topological order"


VALUE_BANK = [(name, m) for name, (ex, _) in VALUE_EXERCISES.items() for m in ex.mistakes]


@pytest.mark.parametrize("name", VALUE_EXERCISES)
def test_value_bank_entries_differ(name):
    """Does every bank entry differ from the reference and from every other entry on some case?"""
    ex, _ = VALUE_EXERCISES[name]
    battery = ex.battery()

    def outputs(fn):
        return [ex.output.convert(fn(*c.args), name, c.label) for c in battery]

    def same(a, b):
        return all(x.shape == y.shape and np.allclose(x, y) for pa, pb in zip(a, b, strict=True)
                   for x, y in zip(pa, pb, strict=True))

    results = {m.id: outputs(m.fn) for m in ex.mistakes}
    expected = outputs(ex.reference)
    assert [i for i, r in results.items() if same(r, expected)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and same(results[a], results[b])] == []


# --- bad output from the learner ---------------------------------------------------------------------


def test_value_given_an_instance_or_function():
    """Is check.Value given an object instead of the class told to pass the class itself?"""
    error = failure(check.Value, reference.Value(1.0))
    assert error.message == L.VALUE_NOT_A_CLASS.format(what="a Value")
    error = failure(check.Value, lambda data: reference.Value(data))
    assert error.message == L.VALUE_NOT_A_CLASS.format(what="a function")


def test_value_missing_grad_attribute():
    """Is a class without .grad told to start it at 0 in __init__?"""

    class NoGrad(reference.Value):
        def __init__(self, data, _children=(), _op=""):
            super().__init__(data, _children, _op)
            del self.grad

    error = failure(check.Value, NoGrad)
    assert error.message == L.VALUE_NO_ATTRIBUTE.format(attr="grad", label="Value(2.0)")


def test_value_grad_starting_at_one():
    """Is a class whose .grad starts at 1 told its start value?"""

    class GradOne(reference.Value):
        def __init__(self, data, _children=(), _op=""):
            super().__init__(data, _children, _op)
            self.grad = 1.0

    error = failure(check.Value, GradOne)
    assert error.message == L.VALUE_WRONG_START.format(attr="grad", got=1.0, expected=0.0, label="Value(2.0)")


def test_value_operation_returning_a_float():
    """Is an operation that returns a plain float, not a Value, told so?"""

    class PlainAdd(reference.Value):
        def __add__(self, other):
            return self.data + (other.data if isinstance(other, reference.Value) else other)

        def backward(self):
            pass

    error = failure(check.Value, PlainAdd)
    assert error.message == L.VALUE_NOT_A_VALUE.format(expr="a + b", type="float", expected="PlainAdd",
                                                       label="a + b, a * b, a * b + c: .data and every leaf's .grad")


def test_value_grad_of_wrong_type():
    """Is a .grad that is not a number told so, naming which .grad?"""

    class ListGrad(reference.Value):
        def __init__(self, data, _children=(), _op=""):
            super().__init__(data, _children, _op)

        def backward(self):
            super().backward()
            for node in reference.topological_order(self):
                if not node._prev:
                    node.grad = [node.grad]

    label = "a + b, a * b, a * b + c: .data and every leaf's .grad"
    assert failure(check.Value, ListGrad).message == L.VALUE_NOT_A_NUMBER.format(what="a.grad", type="list",
                                                                                  label=label)


def test_value_unknown_wrong_gradient_visible_and_hidden():
    """Does a wrong gradient that matches no mistake show the expression and both numbers, and hidden, neither?"""

    class TanhOff(reference.Value):
        tanh = None

        def relu(self):
            out = type(self)(max(self.data, 0.0), (self,), "relu")

            def _backward():
                self.grad += (0.5 if self.data > 0 else 0.0) * out.grad

            out._backward = _backward
            return out

    error = failure(check.Value, TanhOff)
    assert error.mistake is None
    run = lesson05.GradRun(lesson05.ACT, (0.5, -1.0, 0.8), "relu", L.HINT_RELU)
    assert error.message == L.VALUE_WRONG.format(what="a.grad", got="-0.5", expr=run.describe(),
                                                 label="relu: forward and gradient", expected="-1", hint=L.HINT_RELU)
    assert error.message.startswith("a.grad is -0.5 for relu(a * b + c) with a = 0.5, b = -1, c = 0.8")
    hidden = failure(check.Value, TanhOff, hidden=True)
    assert hidden.message == L.VALUE_WRONG_HIDDEN.format(what="a.grad", label=M.HIDDEN_LABEL.format(index=7))


def test_value_wrong_forward_value():
    """Is a wrong .data reported as the output's .data with the forward hint?"""

    class AddsOne(reference.Value):
        def __add__(self, other):
            out = super().__add__(other)
            out.data += 1.0
            return out

    error = failure(check.Value, AddsOne)
    assert error.message.startswith("the output's .data is 0 for a + b with a = 2, b = -3")
    assert error.message.endswith(L.HINT_DATA)


def test_value_raising_and_never_returning():
    """Does an exception inside backward, or a backward that never ends, get a plain sentence?"""

    class Raises(reference.Value):
        def backward(self):
            raise KeyError("node")

    class Loops(reference.Value):
        def backward(self):
            while True:
                pass

    label = "a + b, a * b, a * b + c: .data and every leaf's .grad"
    assert failure(check.Value, Raises).message == M.RAISED.format(name="Value", error="KeyError", label=label,
                                                                   detail="'node'")
    assert failure(check.Value, Loops, time_limit=0.2).message == M.TIMED_OUT.format(name="Value", seconds=0.2,
                                                                                     label=label)


def test_backward_returning_none():
    """Does a linear_backward without `return` get the None sentence?"""
    error = failure(check.linear_backward, lambda dout, X, W: None)
    assert error.message == M.RETURNED_NONE.format(name="linear_backward", label=first_label("linear_backward"))


def test_backward_returning_two_values():
    """Does a linear_backward returning (dW, db) get the 'three values' sentence?"""
    error = failure(check.linear_backward, lambda dout, X, W: reference.linear_backward(dout, X, W)[1:])
    assert error.message == M.RETURNED_WRONG_COUNT.format(name="linear_backward",
                                                          label=first_label("linear_backward"), got="2 values", n=3,
                                                          names="dX, dW, db")


def test_forward_wrong_shape_and_type():
    """Does a forward pass of the wrong shape, or a string, get its sentence?"""
    error = failure(check.linear_forward, lambda X, W, b: reference.linear_forward(X, W, b).T)
    assert error.message == M.WRONG_SHAPE.format(name="linear_forward", part="", got_shape=(3, 1),
                                                 label=first_label("linear_forward"), expected_shape=(1, 3),
                                                 hint=M.SHAPE_HINT_ARRAY)
    error = failure(check.linear_forward, lambda X, W, b: "out")
    assert error.message == M.RETURNED_WRONG_TYPE.format(name="linear_forward", label=first_label("linear_forward"),
                                                         type="str", what="an array of numbers")


def test_relu_backward_nan_and_mutation():
    """Does a NaN gradient get the not-finite sentence, and a relu_backward writing into dout the mutation one?"""
    error = failure(check.relu_backward, lambda dout, z: np.full(np.shape(dout), np.nan))
    assert error.message.startswith("relu_backward returned [nan nan nan nan nan] on the case")

    def in_place(dout, z):
        dout[np.asarray(z) <= 0] = 0
        return dout

    error = failure(check.relu_backward, in_place)
    assert error.message == M.MUTATED.format(name="relu_backward", arg="dout", label=first_label("relu_backward"))


def test_numerical_gradient_leaving_x_changed():
    """Does a numerical_gradient that leaves x nudged get the mutation sentence about x?"""

    def leaves_x_changed(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in range(x.size):
            x.flat[i] += eps
            fp = f(x)
            x.flat[i] -= 2 * eps
            fm = f(x)
            grad.flat[i] = (fp - fm) / (2 * eps)
        return grad

    error = failure(check.numerical_gradient, leaves_x_changed)
    assert error.message == M.MUTATED.format(name="numerical_gradient", arg="x",
                                             label=first_label("numerical_gradient"))


# --- two_layer_grads ----------------------------------------------------------------------------------


def test_the_network_agrees_with_torch_and_numerical_gradients_on_every_case():
    """On every case of the visible and the hidden battery, do the reference's loss and every gradient agree with
    torch.autograd (float64), and every gradient with the centred differences of the loss (gradient_check), except
    where a pre-activation sits exactly on ReLU's kink, whose nudges straddle it?"""
    pytest.importorskip("torch")
    ex = lesson05.TWO_LAYER_GRADS
    cases = ex.battery() + ex.random_cases(np.random.default_rng(ex.seed + 1))
    for case in cases:
        params, X, y = case.args
        loss, grads = reference.two_layer_grads(params, X, y)
        torch_loss, torch_grads = two_layer_torch(params, X, y)
        assert loss == pytest.approx(torch_loss, rel=1e-12), case.label
        for k in params:
            np.testing.assert_allclose(grads[k], torch_grads[k], rtol=1e-10, atol=1e-15, err_msg=case.label)
        if "exactly 0" in case.label:
            continue
        wide = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
        errors = gradcheck.gradient_check(lambda p, X=X, y=y: reference.two_layer_loss(p, X, y), wide, grads,
                                          verbose=False)
        assert max(errors.values()) < 1e-7, case.label
    assert len(cases) == 21 and sum("exactly 0" in case.label for case in cases) == 1


def test_the_battery_holds_the_sizes_the_exercise_names():
    """Do the visible battery and the hidden one each hold one example, one hidden unit and two classes, float32
    and float64, and a network with d = hidden = k (where gradients filed under each other's names fit)?"""
    ex = lesson05.TWO_LAYER_GRADS
    for cases in (ex.battery(), ex.random_cases(np.random.default_rng(ex.seed + 1))):
        sizes = [(X.shape[0], *params["W1"].shape, params["W2"].shape[1]) for params, X, _ in (c.args for c in cases)]
        assert min(n for n, _, _, _ in sizes) == 1 and min(h for _, _, h, _ in sizes) == 1
        assert min(k for _, _, _, k in sizes) == 2 and any(d == h == k for _, d, h, k in sizes)
        assert {c.args[1].dtype for c in cases} == {np.dtype(np.float64), np.dtype(np.float32)}


SLIPS = {
    "relu_backward_left_out": "dz1 = dh",
    "dW2_from_z1": "second layer given z1",
    "dW2_from_X": "second layer given X",
    "bias_grads_averaged": "db = mean",
    "dW1_dW2_swapped": "W1 and W2 swapped",
    "one_over_n_twice": "dlogits / n",
}
"""Each known mistake, as a learner would make it in the notebook's composition of the lesson's pieces."""


def two_layer_with(slip: str):
    """The notebook's composition of the lesson's pieces, with one slip of :data:`SLIPS`."""

    def fn(params, X, y):
        z1 = reference.linear_forward(X, params["W1"], params["b1"])
        h = np.maximum(z1, 0)
        logits = reference.linear_forward(h, params["W2"], params["b2"])
        dlogits = softmax_reference.softmax_cross_entropy_grad(logits, y)
        if slip == "dlogits / n":
            dlogits = dlogits / len(y)
        second = {"second layer given z1": z1, "second layer given X": X}.get(slip, h)
        dh, dW2, db2 = reference.linear_backward(dlogits, second, params["W2"])
        dz1 = dh if slip == "dz1 = dh" else reference.relu_backward(dh, z1)
        _, dW1, db1 = reference.linear_backward(dz1, X, params["W1"])
        if slip == "db = mean":
            db1, db2 = dz1.mean(axis=0), dlogits.mean(axis=0)
        if slip == "W1 and W2 swapped":
            dW1, dW2 = dW2, dW1
        return softmax_reference.cross_entropy_from_logits(logits, y), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    return fn


@pytest.mark.parametrize("mistake", mistakes.TWO_LAYER_BANK, ids=[m.id for m in mistakes.TWO_LAYER_BANK])
def test_every_two_layer_mistake_is_named_also_as_a_learner_writes_it(mistake):
    """Is each known mistake named, visibly and at grading, both as the bank writes it and as a learner would,
    composing the lesson's pieces with that one slip (recognised by value, not by code)?"""
    for fn in (mistake.fn, two_layer_with(SLIPS[mistake.id])):
        for hidden in (False, True):
            error = failure(check.two_layer_grads, fn, hidden=hidden)
            assert error.mistake == mistake.id
            assert error.message == M.KNOWN_MISTAKE.format(name="two_layer_grads", explanation=mistake.explanation)
    assert set(SLIPS) == {m.id for m in mistakes.TWO_LAYER_BANK}


def _changed(change):
    """The reference, with ``change(loss, grads, params)`` made to what it returns."""

    def fn(params, X, y):
        loss, grads = reference.two_layer_grads(params, X, y)
        return change(loss, grads, params)

    return fn


def _first_case():
    case = lesson05.TWO_LAYER_GRADS.battery()[0]
    return case.label, reference.two_layer_grads(*case.args)


def test_two_layer_results_that_cannot_be_read_get_their_sentences():
    """Is a result that is not a pair, a pair the wrong way round, grads that are not a dict or have other keys, and
    a None anywhere told so in one sentence naming the part?"""
    label, _ = _first_case()
    name = "two_layer_grads"
    told = {
        "grads only": (_changed(lambda loss, g, p: g), M.RETURNED_WRONG_COUNT.format(
            name=name, label=label, got="one dict", n=2, names="loss, grads")),
        "three values": (_changed(lambda loss, g, p: (loss, g, p)), M.RETURNED_WRONG_COUNT.format(
            name=name, label=label, got="3 values", n=2, names="loss, grads")),
        "grads, loss": (_changed(lambda loss, g, p: (g, loss)), M.RETURNED_WRONG_TYPE.format(
            name=f"{name} (loss)", label=label, type="dict", what="one number")),
        "a list of gradients": (_changed(lambda loss, g, p: (loss, list(g.values()))), M.RETURNED_WRONG_TYPE.format(
            name=f"{name} (grads)", label=label, type="list", what=L.TWO_LAYER_NOT_A_DICT)),
        "keys dW1, ...": (_changed(lambda loss, g, p: (loss, {f"d{k}": v for k, v in g.items()})),
                          M.RETURNED_WRONG_KEYS.format(name=f"{name} (grads)", label=label,
                                                       got="dW1, db1, dW2, db2", names="W1, b1, W2, b2")),
        "b2 missing": (_changed(lambda loss, g, p: (loss, {k: g[k] for k in ("W1", "b1", "W2")})),
                       M.RETURNED_WRONG_KEYS.format(name=f"{name} (grads)", label=label, got="W1, b1, W2",
                                                    names="W1, b1, W2, b2")),
        "None": (_changed(lambda loss, g, p: None), M.RETURNED_NONE.format(name=name, label=label)),
        "a None loss": (_changed(lambda loss, g, p: (None, g)), M.RETURNED_NONE.format(name=f"{name} (loss)",
                                                                                       label=label)),
        "a None gradient": (_changed(lambda loss, g, p: (loss, {**g, "b1": None})), M.RETURNED_NONE.format(
            name=f"{name} (grads['b1'])", label=label)),
        "a string gradient": (_changed(lambda loss, g, p: (loss, {**g, "W2": "dW2"})), M.RETURNED_WRONG_TYPE.format(
            name=f"{name} (grads['W2'])", label=label, type="str", what="an array of numbers")),
    }
    for why, (fn, sentence) in told.items():
        assert failure(check.two_layer_grads, fn).message == sentence, why


def test_two_layer_wrong_shapes_values_and_nan_name_the_part():
    """Is a gradient of the wrong shape, a wrong value, a NaN and a loss that is an array named by the part it is in,
    with the values shown only outside a grade cell?"""
    label, (loss, grads) = _first_case()
    name = "two_layer_grads"

    def part(key):
        return M.PART.format(part=f"grads['{key}']")

    error = failure(check.two_layer_grads, _changed(lambda loss, g, p: (loss, {**g, "W1": g["W1"].T})))
    assert error.message == M.WRONG_SHAPE.format(name=name, part=part("W1"), got_shape=(3, 2), label=label,
                                                 expected_shape=(2, 3), hint=L.TWO_LAYER_SHAPE_HINT)
    error = failure(check.two_layer_grads, _changed(lambda loss, g, p: (np.array([loss]), g)))
    assert error.message == M.WRONG_SHAPE.format(name=name, part=M.PART.format(part="loss"), got_shape=(1,),
                                                 label=label, expected_shape=(), hint=L.TWO_LAYER_SHAPE_HINT)
    off = _changed(lambda loss, g, p: (loss, {**g, "b2": g["b2"] + 0.1}))
    assert failure(check.two_layer_grads, off).message == M.WRONG_VALUE.format(
        name=name, part=part("b2"), got=format_number(grads["b2"] + 0.1), expected=format_number(grads["b2"]),
        label=label)
    assert failure(check.two_layer_grads, off, hidden=True).message == M.WRONG_VALUE_HIDDEN.format(
        name=name, what=M.PART_ANSWER.format(part="grads['b2']"), label=M.HIDDEN_LABEL.format(index=1))
    nan = np.full_like(grads["W2"], np.nan)
    error = failure(check.two_layer_grads, _changed(lambda loss, g, p: (loss, {**g, "W2": nan})))
    assert error.message == M.NOT_FINITE.format(name=name, part=part("W2"), got=format_number(nan),
                                                expected=format_number(grads["W2"]), label=label)
    error = failure(check.two_layer_grads, _changed(lambda loss, g, p: (loss + 0.5, g)))
    assert error.message == M.WRONG_VALUE.format(name=name, part=M.PART.format(part="loss"),
                                                 got=format_number(np.asarray(loss + 0.5)),
                                                 expected=format_number(np.asarray(loss)), label=label)
    assert error.mistake is None


def test_two_layer_changing_params_raising_and_tensors():
    """Does a function that updates params in place, raises, or returns torch tensors get the plain sentence?"""
    torch = pytest.importorskip("torch")
    label, _ = _first_case()
    name = "two_layer_grads"

    def steps(loss, g, p):
        p["W1"] -= 0.1 * g["W1"]
        return loss, g

    def adds_a_key(loss, g, p):
        p["dW1"] = g["W1"]
        return loss, g

    for changes in (steps, adds_a_key):
        error = failure(check.two_layer_grads, _changed(changes))
        assert error.message == M.MUTATED.format(name=name, arg="params", label=label)
    assert failure(check.two_layer_grads, lambda params, X, y: params["W3"]).message == M.RAISED.format(
        name=name, error="KeyError", label=label, detail="'W3'")
    tensors = _changed(lambda loss, g, p: (torch.tensor(loss), g))
    assert failure(check.two_layer_grads, tensors).message == M.RETURNED_TENSOR.format(name=f"{name} (loss)",
                                                                                       label=label)
    tensors = _changed(lambda loss, g, p: (loss, {**g, "W1": torch.tensor(g["W1"])}))
    assert failure(check.two_layer_grads, tensors).message == M.RETURNED_TENSOR.format(
        name=f"{name} (grads['W1'])", label=label)


def test_a_float32_network_stays_far_inside_float32s_tolerance():
    """On the float32 cases of 300 batteries, shown and hidden, does a network computed in float32 all the way stay
    within a third of the tolerance those cases get, so that no correct float32 answer is near rejection?"""
    ex = lesson05.TWO_LAYER_GRADS
    worst, count = 0.0, 0
    for seed in range(300):
        for case in ex.battery(seed) + ex.random_cases(np.random.default_rng(seed)):
            if not harness.low_precision(case.args):
                continue
            count += 1
            rtol, atol = ex.tolerance(case)
            assert (rtol, atol) == (harness.RTOL, harness.FLOAT32_ATOL)
            got = ex.output.convert(two_layer_in_their_dtype(*case.args), "two_layer_grads", "")
            for g, w in zip(got, ex.expected(case), strict=True):
                worst = max(worst, float(np.max(np.abs(g - w) / (atol + rtol * np.abs(w)))))
    assert count == 900 and worst < 1 / 3


def never_returns(*args):
    while True:
        pass


@pytest.mark.parametrize("name", VALUE_EXERCISES)
def test_never_returning(name):
    """Is a function that never returns stopped after its time limit with a plain sentence?"""
    error = failure(CHECKS[name], never_returns, time_limit=0.2)
    assert error.message == M.TIMED_OUT.format(name=name, seconds=0.2, label=first_label(name))


# --- the operations micrograd's Value supports -------------------------------------------------


class MicrogradValue:
    """micrograd's own ``Value`` (micrograd/engine.py, relu only), as a learner may bring it from there."""

    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, MicrogradValue) else MicrogradValue(other)
        out = MicrogradValue(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, MicrogradValue) else MicrogradValue(other)
        out = MicrogradValue(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, int | float), "only supporting int/float powers for now"
        out = MicrogradValue(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = MicrogradValue(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1


MicrogradValue.__name__ = MicrogradValue.__qualname__ = "Value"
MicrogradValue.__module__ = "micrograd.engine"

POW_LABEL = "powers with a number exponent: a ** 2, a ** 3, a ** -1, a ** -2, a ** 0.5, a ** 1.5"
DIV_LABEL = "division: a / b, a / 4, 2 / a"
MIXED_LABEL = "long expressions mixing every operation: .data and every .grad within 1e-9 of torch"


def test_reference_value_supports_what_micrograd_tests():
    """Does the reference Value give micrograd's test_more_ops numbers (with -, /, ** and numbers on the left)
    and the hand-derived gradients of -a, 2 - a, a / b, 2 / a and a ** 0.5?"""
    V = reference.Value
    a, b = V(-4.0), V(2.0)
    g = lesson05._more_ops(lambda v: v.relu(), a, b)
    g.backward()
    assert (round(g.data, 10), round(a.grad, 10), round(b.grad, 10)) == (
        round(24.70408163265306, 10), round(138.83381924198252, 10), round(645.5772594752186, 10))
    cases = [(lambda a, b: -a, (-1.0, 0.0)), (lambda a, b: 2 - a, (-1.0, 0.0)), (lambda a, b: a / b, (-2.0, -6.0)),
             (lambda a, b: 2 / a, (-8 / 9, 0.0)), (lambda a, b: a**0.5, (1 / (2 * 1.5**0.5), 0.0))]
    for build, grads in cases:
        a, b = V(1.5), V(-0.5)
        build(a, b).backward()
        assert (a.grad, b.grad) == pytest.approx(grads, rel=1e-12)
    with pytest.raises(TypeError):
        V(2.0) ** V(3.0)


@pytest.mark.parametrize("cls", [MicrogradValue, MicrogradStyle], ids=["micrograd", "from-scratch"])
def test_micrograd_own_value_passes(cls, capsys):
    """Does micrograd's own Value (ints for data and grad, relu only), and a from-scratch class written in its
    style, pass the check on several batteries, shown and hidden?"""
    for seed in (None, 1, 2, 3):
        check.Value(cls, seed=seed)
        check.Value(cls, seed=seed, hidden=True)
    assert "❌" not in capsys.readouterr().out


def without(*names: str) -> type:
    """The reference Value without the methods ``names`` (set to None, as Python reads a missing operator)."""
    return type("Value", (reference.Value,), dict.fromkeys(names))


@pytest.mark.parametrize(("method", "label", "index"), [
    ("__neg__", "negation and subtraction: -a, a - b, a - 2, 2 - a", 4),
    ("__rsub__", "negation and subtraction: -a, a - b, a - 2, 2 - a", 4),
    ("__pow__", POW_LABEL, 5),
    ("__rtruediv__", DIV_LABEL, 6),
    ("__radd__", "plain numbers on either side: a + 2, 2 + a, a * 3, 3 * a", 3),
])
def test_a_missing_operation_is_named(method, label, index):
    """Is a class without one of the operations told which method is missing, what it is for, and on which
    case, shown and hidden (and not that it raised a TypeError)?"""
    cls = without(method)
    error = failure(check.Value, cls)
    assert error.message == L.VALUE_NO_OPERATION.format(method=method, what=L.OPERATIONS[method], label=label)
    assert error.mistake is None
    hidden = failure(check.Value, cls, hidden=True)
    assert hidden.message == L.VALUE_NO_OPERATION.format(method=method, what=L.OPERATIONS[method],
                                                         label=M.HIDDEN_LABEL.format(index=index))


def test_every_needed_method_has_words():
    """Does every method an expression of the check needs have its description for the missing-method sentence?"""
    needs = {m for e in (lesson05.ADD, lesson05.MUL, lesson05.AFFINE, *lesson05.NUMBER_EXPRS, *lesson05.SUB_EXPRS,
                         *lesson05.POW_EXPRS, *lesson05.DIV_EXPRS, lesson05.SANITY, lesson05.MORE_OPS)
             for m in e.needs}
    needs |= {op.method for op in lesson05.MIXED_OPS if op.method}
    assert needs == set(L.OPERATIONS)


def test_a_wrong_power_gradient_gets_the_power_hint():
    """Is a ** n whose backward uses n * a ** n (no bank mistake) shown with both numbers and the hint on **?"""

    class PowTimesN(reference.Value):
        def __pow__(self, n):
            out = type(self)(self.data**n, (self,), "**")

            def _backward():
                self.grad += n * self.data**n * out.grad

            out._backward = _backward
            return out

    error = failure(check.Value, PowTimesN)
    assert error.mistake is None
    assert error.message == L.VALUE_WRONG.format(what="a.grad", got="4.5", expr="a ** 2 with a = 1.5", label=POW_LABEL,
                                                 expected="3", hint=L.HINT_POW)


def test_a_wrong_division_gradient_gets_the_division_hint():
    """Is a / b written directly, with the wrong sign on b's gradient, shown b.grad and the hint on /?"""

    class DivSign(reference.Value):
        def __truediv__(self, other):
            other = other if isinstance(other, reference.Value) else type(self)(other)
            out = type(self)(self.data / other.data, (self, other), "/")

            def _backward():
                self.grad += out.grad / other.data
                other.grad += self.data / other.data**2 * out.grad

            out._backward = _backward
            return out

    error = failure(check.Value, DivSign)
    assert error.message == L.VALUE_WRONG.format(what="b.grad", got="6", expr="a / b with a = 1.5, b = -0.5",
                                                 label=DIV_LABEL, expected="-6", hint=L.HINT_DIV)


def test_the_bank_names_a_power_without_its_exponent():
    """Is a ** n whose backward leaves out the factor n named as that mistake, on the powers' case?"""
    error = failure(check.Value, mistakes.PowNoExponentFactor)
    assert (error.mistake, error.case) == ("pow_missing_exponent", POW_LABEL)


def test_an_approximate_derivative_is_caught_only_by_the_long_expressions():
    """Does a tanh whose backward is a forward difference (right to about 1e-7) pass every case compared to 1e-5,
    and fail the long expressions, compared to 1e-9, with the hint that says so?"""

    class NumericalTanh(reference.Value):
        relu = None

        def tanh(self):
            out = type(self)(math.tanh(self.data), (self,), "tanh")

            def _backward():
                self.grad += (math.tanh(self.data + 1e-7) - math.tanh(self.data)) / 1e-7 * out.grad

            out._backward = _backward
            return out

    error = failure(check.Value, NumericalTanh)
    assert error.case == MIXED_LABEL and error.mistake is None
    assert error.message.endswith(L.HINT_MIXED)


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_mixed_expressions_stay_finite_and_away_from_singular_points(act):
    """On 300 batteries, does every random mixed expression use every leaf, keep every intermediate number within
    the bound, never divide by nearly 0, take a negative or fractional power only of a safe base or relu near its
    kink, and agree with torch far inside the tolerance (round-off cannot reach 1e-9)? And do the expressions,
    taken together, use every operation?"""
    seen, worst = set(), 0.0
    for seed in range(300):
        expr, values = lesson05.mixed_expr(np.random.default_rng(seed), act)
        numbers, g = list(values), lesson05._float_act(act)
        steps = expr.build.args[0]
        used = set()
        for op, i, j, c in steps:
            x, y = numbers[i], numbers[j]
            assert lesson05._allowed(op, act, x, y, c)
            used.update((i, j) if op.binary else (i,))
            numbers.append(op.fn(g, x, y, c))
            assert abs(numbers[-1]) <= lesson05.MIXED_BOUND
            seen.add(op.text)
        assert set(range(len(values))) <= used
        run = lesson05.GradRun(expr, values, act)
        want = lesson05.expected(run)
        got = lesson05._quiet_run(reference.Value, run)
        assert np.all(np.isfinite(want))
        worst = max(worst, float(np.max(np.abs(got - want) / (1 + np.abs(want)))))
    assert seen == {op.text for op in lesson05.MIXED_OPS}
    assert worst < 1e-12


# --- names of types -------------------------------------------------------------------------------


def test_a_value_built_on_micrograds_is_told_with_modules():
    """Is a class named Value built on micrograd's Value (whose operations return micrograd's Value) told the
    two classes with their modules, not "a Value, not a Value"?"""

    class Value(MicrogradValue):
        pass

    Value.__module__, Value.__qualname__ = "__main__", "Value"
    error = failure(check.Value, Value)
    assert error.message == L.VALUE_NOT_A_VALUE.format(
        expr="a + b", type="micrograd.engine.Value", expected="__main__.Value",
        label="a + b, a * b, a * b + c: .data and every leaf's .grad")


def test_type_names():
    """Are two classes named by name when their names differ, with their modules when not, and marked as another
    class when even those are equal?"""

    class Other:
        pass

    twin = type("Value", (), {"__module__": "__main__"})
    same = type("Value", (), {"__module__": "__main__"})
    assert lesson05.type_names(float, reference.Value) == ("float", "Value")
    assert lesson05.type_names(MicrogradValue, twin) == ("micrograd.engine.Value", "__main__.Value")
    assert lesson05.type_names(same, twin) == (L.VALUE_SAME_NAME.format(name="__main__.Value"), "__main__.Value")
    assert lesson05.type_names(Other, twin)[0] == "Other"


# --- float32 in the layer exercises -------------------------------------------------------------------


def backward_float32(dout, X, W):
    dout, X, W = (np.asarray(a) for a in (dout, X, W))
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)


def forward_float32_einsum(X, W, b):
    return np.einsum("nd,dm->nm", np.asarray(X), np.asarray(W)) + np.asarray(b)


FLOAT32 = [("linear_forward", forward_float32), ("linear_forward", forward_float32_einsum),
           ("linear_backward", backward_float32), ("relu_backward", relu_float32)]


@pytest.mark.parametrize(("name", "fn"), FLOAT32, ids=[f"{n}-{f.__name__}" for n, f in FLOAT32])
def test_float32_in_float32_out_passes_on_every_battery(name, fn, capsys):
    """Does a layer function that keeps float32 inputs in float32 pass on 60 batteries, shown and hidden?"""
    for seed in range(60):
        CHECKS[name](fn, seed=seed)
        CHECKS[name](fn, seed=seed, hidden=True)
    assert "❌" not in capsys.readouterr().out


@pytest.mark.parametrize("name", ["linear_forward", "linear_backward"])
def test_float32_round_off_stays_far_inside_float32s_tolerance(name):
    """On the float32 cases of 300 batteries, shown and hidden, does a float32 computation stay within a third of
    the tolerance those cases get (float32's absolute one), so that no correct float32 answer is near rejection?"""
    ex, _ = VALUE_EXERCISES[name]
    fn = forward_float32 if name == "linear_forward" else backward_float32
    worst, count = 0.0, 0
    for seed in range(300):
        for case in ex.battery(seed) + ex.random_cases(np.random.default_rng(seed)):
            if not harness.low_precision(case.args):
                continue
            count += 1
            rtol, atol = ex.tolerance(case)
            assert (rtol, atol) == (harness.RTOL, harness.FLOAT32_ATOL)
            for g, w in zip(ex.output.convert(fn(*case.args), name, ""), ex.expected(case), strict=True):
                worst = max(worst, float(np.max(np.abs(g - w) / (atol + rtol * np.abs(w)))))
    assert count == 900 and worst < 1 / 3
