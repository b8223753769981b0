"""The bank of known wrong implementations for lesson 05.

Each entry makes exactly one mistake. For ``Value`` the entries are classes
(the reference with one method changed); for the array exercises, functions.
"""

from __future__ import annotations

import numpy as np

from ..harness import Mistake
from . import reference
from .reference import _float_arrays

# --- Value ---------------------------------------------------------------------------

VALUE_ASSIGN = (
    "its backward steps set a child's gradient with `=` instead of adding to it with `+=`, so a node used "
    "twice (like a in a * a) keeps only the last contribution. Write `self.grad += ...` in every _backward."
)
VALUE_MUL_NO_FACTOR = (
    "the backward step of `*` passes out.grad on unchanged, without the local derivative. For out = a * b, "
    "d(out)/da = b: write `self.grad += other.data * out.grad` and `other.grad += self.data * out.grad`."
)
VALUE_MUL_OWN_FACTOR = (
    "the backward step of `*` multiplies each input's gradient by that input's own value. For out = a * b, "
    "d(out)/da is the *other* factor b: `self.grad += other.data * out.grad`, and the other way round."
)
VALUE_TANH_NO_FACTOR = (
    "the backward step of tanh passes out.grad on unchanged, without the local derivative. "
    "d tanh(x)/dx = 1 - tanh(x)**2: write `self.grad += (1 - t**2) * out.grad` with t = out.data."
)
VALUE_RELU_WRONG_SIDE = (
    "its ReLU passes the gradient on where the input is exactly 0 (it tests `>= 0`). The convention, as in "
    "torch, is a gradient of 0 at 0: pass out.grad on only where the input is > 0."
)
VALUE_POW_NO_EXPONENT = (
    "the backward step of `**` leaves out the exponent n in front: for out = a ** n, d(out)/da = "
    "n * a ** (n - 1), so write `self.grad += n * self.data ** (n - 1) * out.grad`."
)
VALUE_NOT_REVERSED = (
    "backward visits the nodes in topological order from the leaves up, so each node passes on its gradient "
    "before it has received it. Build the topological order, then walk it in reverse, from the output down."
)
VALUE_RECURSIVE = (
    "backward calls _backward recursively, node then children, without a topological order, so a node used "
    "by two others passes its gradient on before it is complete, and again later. Sort the nodes "
    "topologically first (a node after everything it depends on), then call _backward in reverse order."
)
VALUE_NO_SEED = (
    "backward never sets the output's own gradient to 1, so every gradient stays 0. "
    "Start with `self.grad = 1.0` (d out / d out = 1) before walking the graph."
)
VALUE_ZEROES = (
    "backward sets every gradient in the graph, the leaves' too, back to 0 before it starts, so gradients "
    "never pile up across backward passes. torch (and the check) add to the leaves' .grad on every backward; "
    "clearing them is the training loop's job (zero_grad), not backward's."
)


class AssignNotAccumulate(reference.Value):
    def __add__(self, other):
        other = other if isinstance(other, reference.Value) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = out.grad
            other.grad = out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, reference.Value) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = np.tanh(self.data)
        out = type(self)(t, (self,), "tanh")

        def _backward():
            self.grad = (1.0 - t * t) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = type(self)(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad = (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, int | float):
            raise TypeError("a Value's exponent must be a number (an int or a float)")
        out = type(self)(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward():
            self.grad = exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out


def _mul(factor_a, factor_b):
    """A Value class whose `*` backward multiplies by factor_a(self, other) and factor_b(self, other)."""

    def __mul__(self, other):
        other = other if isinstance(other, reference.Value) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += factor_a(self, other) * out.grad
            other.grad += factor_b(self, other) * out.grad

        out._backward = _backward
        return out

    return __mul__


class MulNoFactor(reference.Value):
    __mul__ = _mul(lambda s, o: 1.0, lambda s, o: 1.0)


class MulOwnFactor(reference.Value):
    __mul__ = _mul(lambda s, o: s.data, lambda s, o: o.data)


class TanhNoFactor(reference.Value):
    def tanh(self):
        out = type(self)(np.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += out.grad

        out._backward = _backward
        return out


class ReluWrongSide(reference.Value):
    def relu(self):
        out = type(self)(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += (self.data >= 0) * out.grad

        out._backward = _backward
        return out


class PowNoExponentFactor(reference.Value):
    def __pow__(self, exponent):
        out = type(self)(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward():
            self.grad += self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out


class NotReversed(reference.Value):
    def backward(self):
        self.grad = 1.0
        for node in reference.topological_order(self):
            node._backward()


class Recursive(reference.Value):
    def backward(self):
        self.grad = 1.0

        def walk(node):
            node._backward()
            for child in node._prev:
                walk(child)

        walk(self)


class NoSeed(reference.Value):
    def backward(self):
        for node in reversed(reference.topological_order(self)):
            node._backward()


class ZeroesInBackward(reference.Value):
    def backward(self):
        order = reference.topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


VALUE_BANK = (
    Mistake("no_seed", NoSeed, VALUE_NO_SEED),
    Mistake("assign_not_accumulate", AssignNotAccumulate, VALUE_ASSIGN),
    Mistake("mul_missing_factor", MulNoFactor, VALUE_MUL_NO_FACTOR),
    Mistake("mul_own_factor", MulOwnFactor, VALUE_MUL_OWN_FACTOR),
    Mistake("tanh_missing_factor", TanhNoFactor, VALUE_TANH_NO_FACTOR),
    Mistake("relu_wrong_side", ReluWrongSide, VALUE_RELU_WRONG_SIDE),
    Mistake("pow_missing_exponent", PowNoExponentFactor, VALUE_POW_NO_EXPONENT),
    Mistake("topo_not_reversed", NotReversed, VALUE_NOT_REVERSED),
    Mistake("no_topological_order", Recursive, VALUE_RECURSIVE),
    Mistake("backward_zeroes_grads", ZeroesInBackward, VALUE_ZEROES),
)

# --- linear_forward ------------------------------------------------------------------

FORWARD_NO_BIAS = "it leaves out the bias. Add b after the matrix product: X @ W + b."
FORWARD_BIAS_SUMMED = (
    "it adds the sum of b to every output instead of b itself. Add the vector b, one entry per output "
    "column: `X @ W + b` (broadcasting adds it to every row)."
)

FORWARD_BANK = (
    Mistake("no_bias", lambda X, W, b: np.asarray(X, float) @ np.asarray(W, float), FORWARD_NO_BIAS),
    Mistake("bias_summed",
            lambda X, W, b: np.asarray(X, float) @ np.asarray(W, float) + np.sum(np.asarray(b, float)),
            FORWARD_BIAS_SUMMED),
)

# --- linear_backward -----------------------------------------------------------------

BACKWARD_DW_TRANSPOSED = (
    "its dW is transposed: dout.T @ X has shape (m, d), but W has shape (d, m) and its gradient must too. "
    "Use dW = X.T @ dout."
)
BACKWARD_DW_NO_X = (
    "its dW leaves out the local derivative X: it is dout summed over the batch, like db. Each weight "
    "W[i, j] multiplies X[:, i], so dW = X.T @ dout (shape (d, m), like W)."
)
BACKWARD_DB_MEAN = (
    "its db averages dout over the batch instead of summing. b is added to every row, so each row's "
    "gradient adds up: db = dout.sum(axis=0). (dout already carries the 1/n of a mean loss.)"
)
BACKWARD_DB_NOT_SUMMED = (
    "its db keeps one row per example (shape (n, m)) instead of summing over the batch. "
    "b has shape (m,): db = dout.sum(axis=0)."
)
BACKWARD_DX_DW_SWAPPED = (
    "it returns the gradients in the wrong order. Return them as (dX, dW, db)."
)


def _backward_parts(dout, X, W):
    return _float_arrays(dout, X, W)


def _dw_transposed(dout, X, W):
    dout, X, W = _backward_parts(dout, X, W)
    return dout @ W.T, dout.T @ X, dout.sum(axis=0)


def _dw_no_x(dout, X, W):
    dout, X, W = _backward_parts(dout, X, W)
    return dout @ W.T, dout.sum(axis=0), dout.sum(axis=0)


def _db_mean(dout, X, W):
    dout, X, W = _backward_parts(dout, X, W)
    return dout @ W.T, X.T @ dout, dout.mean(axis=0)


def _db_not_summed(dout, X, W):
    dout, X, W = _backward_parts(dout, X, W)
    return dout @ W.T, X.T @ dout, dout.copy()


def _swapped(dout, X, W):
    dX, dW, db = reference.linear_backward(dout, X, W)
    return dW, dX, db


BACKWARD_BANK = (
    Mistake("dW_transposed", _dw_transposed, BACKWARD_DW_TRANSPOSED),
    Mistake("dW_missing_X", _dw_no_x, BACKWARD_DW_NO_X),
    Mistake("db_mean_not_sum", _db_mean, BACKWARD_DB_MEAN),
    Mistake("db_not_summed", _db_not_summed, BACKWARD_DB_NOT_SUMMED),
    Mistake("dX_dW_swapped", _swapped, BACKWARD_DX_DW_SWAPPED),
)

# --- relu_backward -------------------------------------------------------------------

RELU_GE_ZERO = (
    "it passes the gradient on where z is exactly 0 (it tests z >= 0). The convention, as in torch, "
    "is a gradient of 0 at z == 0: use dout * (z > 0)."
)
RELU_MASK_ONLY = (
    "it returns the mask (z > 0) without multiplying by dout. The chain rule multiplies the incoming "
    "gradient by the local derivative: dout * (z > 0)."
)
RELU_MASK_FROM_DOUT = (
    "it masks by the sign of dout instead of z. ReLU's local derivative depends on its input z: "
    "dout * (z > 0)."
)
RELU_OF_DOUT_TIMES_Z = (
    "it multiplies dout by relu(z) (the output) instead of by the 0/1 derivative. "
    "The derivative of max(z, 0) is 1 where z > 0 and 0 elsewhere: dout * (z > 0)."
)

RELU_BANK = (
    Mistake("relu_grad_at_zero", lambda dout, z: np.asarray(dout, float) * (np.asarray(z, float) >= 0), RELU_GE_ZERO),
    Mistake("mask_without_dout", lambda dout, z: (np.asarray(z, float) > 0) * np.ones_like(np.asarray(dout, float)),
            RELU_MASK_ONLY),
    Mistake("mask_from_dout", lambda dout, z: np.asarray(dout, float) * (np.asarray(dout, float) > 0),
            RELU_MASK_FROM_DOUT),
    Mistake("times_relu_output", lambda dout, z: np.asarray(dout, float) * reference.relu(z), RELU_OF_DOUT_TIMES_Z),
)

# --- numerical_gradient --------------------------------------------------------------

NUMGRAD_FORWARD = (
    "it uses a forward difference (f(x + eps) - f(x)) / eps, whose error shrinks only like eps. "
    "Use centred differences, (f(x + eps) - f(x - eps)) / (2 * eps): the error shrinks like eps**2."
)
NUMGRAD_NO_2 = (
    "it divides the centred difference by eps instead of 2 * eps, so every entry is twice too large. "
    "The two points are 2 * eps apart: divide by 2 * eps."
)
NUMGRAD_ALL_AT_ONCE = (
    "it nudges every entry of x at once, so each entry gets the same number (the slope along the diagonal). "
    "Nudge one entry at a time, keep the others fixed, and fill in one entry of the gradient per nudge."
)
NUMGRAD_IGNORES_EPS = (
    "it ignores the eps it is given and uses its own step size. Use the eps argument (default 1e-6)."
)


def _f(f, x):
    return float(f(x))


def _numgrad_forward(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    base = _f(f, x.copy())
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = x.copy()
        step[i] += eps
        grad[i] = (_f(f, step) - base) / eps
    return grad


def _numgrad_no_2(f, x, eps=1e-6):
    return 2 * reference.numerical_gradient(f, x, eps)


def _numgrad_all_at_once(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    slope = (_f(f, x + eps) - _f(f, x - eps)) / (2 * eps)
    return np.full_like(x, slope)


def _numgrad_fixed_eps(f, x, eps=1e-6):
    return reference.numerical_gradient(f, x, 1e-5)


NUMGRAD_BANK = (
    Mistake("forward_difference", _numgrad_forward, NUMGRAD_FORWARD),
    Mistake("no_factor_2", _numgrad_no_2, NUMGRAD_NO_2),
    Mistake("all_entries_at_once", _numgrad_all_at_once, NUMGRAD_ALL_AT_ONCE),
    Mistake("ignores_eps", _numgrad_fixed_eps, NUMGRAD_IGNORES_EPS),
)

# --- two_layer_grads -----------------------------------------------------------------

TWO_LAYER_NO_RELU_BACKWARD = (
    "its backward pass leaves ReLU out: the gradient dh of the second layer's input goes straight into the first "
    "layer's backward, also where z1 <= 0, where ReLU's output does not move with z1 at all. Pass it through "
    "relu_backward(dh, z1) first, and give the first layer's backward what that returns."
)
TWO_LAYER_DW2_FROM_Z1 = (
    "its second layer's backward is given the pre-activation z1 instead of that layer's real input h = relu(z1), "
    "so dW2 is wrong wherever z1 < 0. Each layer's backward takes the input its forward pass was given: h for "
    "the second layer."
)
TWO_LAYER_DW2_FROM_X = (
    "its second layer's backward is given X, the network's input, instead of that layer's own input "
    "h = relu(z1), so its dW2 is X.T @ dlogits, with a row per input where W2 has a row per hidden unit. Each "
    "layer's backward takes the input its forward pass was given: X for the first layer, h for the second."
)
TWO_LAYER_BIAS_MEAN = (
    "its bias gradients average over the batch instead of summing, so db1 and db2 are n times too small. Each "
    "bias is added to every example's row, so the rows' shares add up, and dlogits already carries the 1/n of "
    "the mean loss: use the db that linear_backward returns for each layer."
)
TWO_LAYER_SWAPPED = (
    "it files the two weight gradients under each other's names: grads['W1'] holds the second layer's dW and "
    "grads['W2'] the first layer's. Key each gradient by the parameter it belongs to: the first layer's "
    "backward (the one given X) gives the gradient of W1."
)
TWO_LAYER_ONE_OVER_N_TWICE = (
    "every gradient is n times too small: it divides by n again, but softmax_cross_entropy_grad already returns "
    "the gradient of the mean loss, (probs - onehot(y)) / n. Pass dlogits on as it comes."
)


def _two_layer(params, X, y, *, skip_relu=False, second_input="h", bias_mean=False, swap=False,
               extra_n=False):
    """The network's loss and gradients, with the one slip the keywords name."""
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
    X = np.asarray(X, dtype=np.float64)
    z1 = X @ W1 + b1
    h = reference.relu(z1)
    loss, dlogits = reference.softmax_cross_entropy(h @ W2 + b2, y)
    if extra_n:
        dlogits = dlogits / X.shape[0]
    dh, dW2, db2 = reference.linear_backward(dlogits, {"h": h, "z1": z1, "X": X}[second_input], W2)
    dz1 = dh if skip_relu else reference.relu_backward(dh, z1)
    _, dW1, db1 = reference.linear_backward(dz1, X, W1)
    if bias_mean:
        db1, db2 = dz1.mean(axis=0), dlogits.mean(axis=0)
    if swap:
        dW1, dW2 = dW2, dW1
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _no_relu_backward(params, X, y):
    return _two_layer(params, X, y, skip_relu=True)


def _dw2_from_z1(params, X, y):
    return _two_layer(params, X, y, second_input="z1")


def _dw2_from_x(params, X, y):
    return _two_layer(params, X, y, second_input="X")


def _bias_mean(params, X, y):
    return _two_layer(params, X, y, bias_mean=True)


def _swapped_weights(params, X, y):
    return _two_layer(params, X, y, swap=True)


def _one_over_n_twice(params, X, y):
    return _two_layer(params, X, y, extra_n=True)


TWO_LAYER_BANK = (
    Mistake("relu_backward_left_out", _no_relu_backward, TWO_LAYER_NO_RELU_BACKWARD),
    Mistake("dW2_from_z1", _dw2_from_z1, TWO_LAYER_DW2_FROM_Z1),
    Mistake("dW2_from_X", _dw2_from_x, TWO_LAYER_DW2_FROM_X),
    Mistake("bias_grads_averaged", _bias_mean, TWO_LAYER_BIAS_MEAN),
    Mistake("dW1_dW2_swapped", _swapped_weights, TWO_LAYER_SWAPPED),
    Mistake("one_over_n_twice", _one_over_n_twice, TWO_LAYER_ONE_OVER_N_TWICE),
)


BANKS = {
    "Value": VALUE_BANK,
    "linear_forward": FORWARD_BANK,
    "linear_backward": BACKWARD_BANK,
    "relu_backward": RELU_BANK,
    "two_layer_grads": TWO_LAYER_BANK,
    "numerical_gradient": NUMGRAD_BANK,
}
"""Every known mistake a check of each exercise can name."""
