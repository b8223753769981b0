"""Reference answers for lesson 05: a scalar autograd ``Value``, a linear layer and ReLU
forward and backward in NumPy, and centred-difference numerical gradients."""

from __future__ import annotations

import math

import numpy as np

from .gradcheck import centred_differences


class Value:
    """One number in a computation graph, remembering how it was made.

    ``data`` is the number, ``grad`` the derivative of the final output with
    respect to it (0 until ``backward`` runs). Every operation records its
    inputs (``_prev``) and a ``_backward`` function that adds this node's
    share of the gradient into its inputs' ``grad`` (the chain rule, one link).

    Supports ``+``, ``*``, ``-`` (binary and unary), ``/`` and ``**`` with a
    number exponent, with a plain number on either side of ``+ - * /``, and
    ``tanh`` and ``relu``: what micrograd's ``Value`` supports.
    """

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __repr__(self) -> str:
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        """``self ** exponent`` for a number exponent (an int or a float), as in micrograd and torch."""
        if isinstance(exponent, bool) or not isinstance(exponent, int | float):
            raise TypeError("a Value's exponent must be a number (an int or a float)")
        out = type(self)(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1

    def tanh(self):
        t = math.tanh(self.data)
        out = type(self)(t, (self,), "tanh")

        def _backward():
            self.grad += (1.0 - t * t) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = type(self)(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        """Fill in ``grad`` of every node this one depends on.

        Nodes are visited in reverse topological order (a node only after every
        node that uses it), so each node's ``grad`` is complete before it is
        passed on. Gradients are added, never overwritten: calling ``backward``
        again without zeroing the leaves' ``grad`` piles up gradients.
        """
        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def topological_order(root):
    """``root`` and every node it depends on, each one after all the nodes it was made from (``root`` last)."""
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for child in node._prev:
                visit(child)
            order.append(node)

    visit(root)
    return order


def _float_arrays(*arrays):
    return tuple(np.asarray(a, dtype=np.float64) for a in arrays)


def linear_forward(X, W, b) -> np.ndarray:
    """A linear layer: X (n, d) @ W (d, m) + b (m,), shape (n, m).

    Computed in float64. Float32 inputs may also give a float32 result (``X @ W + b`` as NumPy computes it):
    the check compares a float32 case with float32's absolute tolerance (``harness.FLOAT32_ATOL``).
    """
    X, W, b = _float_arrays(X, W, b)
    return X @ W + b


def linear_backward(dout, X, W):
    """Gradients of a linear layer, given dout = dL/d(out) of shape (n, m).

    Returns (dX, dW, db): dX = dout @ W.T (n, d), dW = X.T @ dout (d, m),
    db = dout summed over the batch (m,). Computed in float64; float32 inputs may also give float32
    results (the check compares a float32 case with float32's absolute tolerance).
    """
    dout, X, W = _float_arrays(dout, X, W)
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)


def relu(z) -> np.ndarray:
    """max(z, 0), element by element."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_backward(dout, z) -> np.ndarray:
    """Gradient through ReLU: dout where the pre-activation z > 0, else 0 (0 at z == 0, as in torch).

    Computed in float64; float32 inputs may also give a float32 result (masking is exact in any dtype, so
    float32's tolerance is not even needed).
    """
    dout, z = _float_arrays(dout, z)
    return dout * (z > 0)


def numerical_gradient(f, x, eps=1e-6) -> np.ndarray:
    """Centred differences: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i of x.

    Returns an array shaped like x; x is left exactly as it was.
    """
    x = np.array(x, dtype=np.float64)  # a copy: the caller's array is never touched
    return centred_differences(lambda: f(x), x, eps)


# --- the two-layer network of the notebook ------------------------------------------


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against integer labels y, and its gradient dL/dlogits."""
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y)
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits / n


def two_layer_loss(params, X, y):
    """linear -> relu -> linear -> softmax cross-entropy; the mean loss."""
    z1 = linear_forward(X, params["W1"], params["b1"])
    logits = linear_forward(relu(z1), params["W2"], params["b2"])
    return softmax_cross_entropy(logits, y)[0]


def two_layer_grads(params, X, y):
    """The loss and the gradient of every parameter of linear -> ReLU -> linear -> softmax cross-entropy, by
    backprop: ``(loss, grads)``.

    ``params`` holds W1 (d, hidden), b1 (hidden,), W2 (hidden, k) and b2 (k,); X is (n, d) and y holds n class
    indices in 0..k-1. ``loss`` is the mean cross-entropy over the n examples; ``grads`` has the keys of
    ``params``, each gradient the shape of its parameter. Computed in float64; nothing given is changed.
    """
    z1 = linear_forward(X, params["W1"], params["b1"])
    h = relu(z1)
    logits = linear_forward(h, params["W2"], params["b2"])
    loss, dlogits = softmax_cross_entropy(logits, y)
    dh, dW2, db2 = linear_backward(dlogits, h, params["W2"])
    dz1 = relu_backward(dh, z1)
    _, dW1, db1 = linear_backward(dz1, X, params["W1"])
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
