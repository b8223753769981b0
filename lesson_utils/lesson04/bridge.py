"""Lesson 04, section 5: from a line to a network.

The data (a noisy curve and three spiral arms), the best straight line in closed form, small networks built and
trained with PyTorch, and the pictures that set them side by side.

The networks are trained by minibatch SGD, the loop of the lesson's ``sgd_fit``, with one difference: the
gradients come from PyTorch's autograd (``loss.backward()``), not from a formula written by hand. Lesson 05 shows
how those gradients are computed.

NumPy only at import time: torch and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from ..lesson08.data import make_spirals

CURVE_N = 80
CURVE_RANGE = (-3.0, 3.0)
CURVE_NOISE = 0.1
"""The curve: CURVE_N samples of sin(x), x uniform in CURVE_RANGE, plus Gaussian noise of this standard deviation."""

SPIRAL = {"n_per_class": 100, "classes": 3, "noise": 0.2}
"""The spirals: lesson 08's three arms, 100 points each, with less noise than there."""

HINGES = ((1.0, -2.0), (-2.0, 0.0), (1.5, 1.0))
"""The hand-made hinges of the picture: (scale, kink), each one scale * max(0, x - kink)."""

CLASS_COLOURS = ("tab:blue", "tab:orange", "tab:green")


# --- the data and the best line ---------------------------------------------------------------------------------


def curve_data(n: int = CURVE_N, noise: float = CURVE_NOISE, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n noisy samples of sin(x), sorted by x: X of shape (n, 1) and y of shape (n,)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(*CURVE_RANGE, size=n))
    return x[:, None], np.sin(x) + noise * rng.normal(size=n)


def spiral_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three interleaved spiral arms in the plane: X of shape (300, 2) and y of classes 0, 1, 2, shape (300,)."""
    return make_spirals(**SPIRAL, seed=seed)


def best_line(X, y) -> tuple[np.ndarray, float]:
    """The least-squares line y_hat = X @ w + b, in closed form: (w of shape (d,), b)."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    design = np.hstack([X, np.ones((len(X), 1))])
    solution = np.linalg.lstsq(design, y, rcond=None)[0]
    return solution[:-1], float(solution[-1])


def mse(y_hat, y) -> float:
    """The mean squared error."""
    return float(np.mean((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2))


def accuracy(logits, y) -> float:
    """The fraction of examples whose largest logit is their class."""
    return float(np.mean(np.argmax(np.asarray(logits), axis=1) == np.asarray(y)))


# --- networks in PyTorch -----------------------------------------------------------------------------------------


def mlp(sizes, seed: int = 0):
    """A network of linear layers of the given sizes with a ReLU between each two, in float64.

    ``mlp([1, 16, 1])`` is linear (1 -> 16), ReLU, linear (16 -> 1): one hidden layer of 16 units.
    ``mlp([2, 3])`` is a single linear layer, with no hidden layer at all. The starting weights are random, drawn
    after ``torch.manual_seed(seed)``, so the same seed gives the same network.
    """
    import torch

    torch.manual_seed(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(pairwise(sizes)):
        if i > 0:
            layers.append(torch.nn.ReLU())
        layers.append(torch.nn.Linear(n_in, n_out, dtype=torch.float64))
    return torch.nn.Sequential(*layers)


LOSSES = ("mse", "cross_entropy")


def _loss(name: str, out, y):
    """The mean loss of a batch: squared error of the one output per example, or softmax cross-entropy of the
    logits (lesson 02)."""
    import torch.nn.functional as F

    return F.mse_loss(out[:, 0], y) if name == "mse" else F.cross_entropy(out, y)


def train(net, X, y, loss: str, lr: float, batch_size: int, num_epochs: int, seed: int = 0) -> list[float]:
    """Train ``net`` in place by minibatch SGD; return the loss on all of X after each epoch.

    ``loss`` is ``"mse"`` (y holds numbers) or ``"cross_entropy"`` (y holds classes 0, 1, ...). Every epoch
    shuffles with ``np.random.default_rng(seed)``, as ``iterate_minibatches`` does; every step is
    ``param -= lr * gradient`` for each parameter, as in ``sgd_fit``, with the gradients from torch's autograd.
    """
    import torch

    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, not {loss!r}")
    X = torch.as_tensor(np.asarray(X, dtype=np.float64))
    y = torch.as_tensor(np.asarray(y, dtype=np.int64 if loss == "cross_entropy" else np.float64))
    params = list(net.parameters())
    rng = np.random.default_rng(seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # for tensors this small, more threads only wait on each other
    try:
        epoch_losses = []
        for _ in range(num_epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X), batch_size):
                idx = torch.as_tensor(order[start:start + batch_size])
                batch_loss = _loss(loss, net(X[idx]), y[idx])
                for p in params:
                    p.grad = None  # forget the last step's gradients
                batch_loss.backward()  # autograd fills in p.grad for every parameter p
                with torch.no_grad():
                    for p in params:
                        p -= lr * p.grad
            with torch.no_grad():
                epoch_losses.append(float(_loss(loss, net(X), y)))
        return epoch_losses
    finally:
        torch.set_num_threads(threads)


def predict(net, X) -> np.ndarray:
    """The network's outputs for X, shape (n, outputs), as a NumPy array (a forward pass, no gradients)."""
    import torch

    with torch.no_grad():
        return net(torch.as_tensor(np.asarray(X, float))).numpy()


def numpy_params(net) -> dict[str, np.ndarray]:
    """The weights of a network of linear layers as NumPy arrays, named as in lesson 05: W1, b1, W2, b2, ...

    torch keeps a linear layer's weight as (outputs, inputs) and computes ``X @ weight.T + bias``; the course
    writes ``X @ W + b`` with W of shape (inputs, outputs), so each W here is torch's weight transposed.
    """
    import torch

    linear = [layer for layer in net if isinstance(layer, torch.nn.Linear)]
    params = {}
    for i, layer in enumerate(linear, start=1):
        params[f"W{i}"] = layer.weight.detach().numpy().T.copy()
        params[f"b{i}"] = layer.bias.detach().numpy().copy()
    return params


def hinges(params, x) -> np.ndarray:
    """Each hidden unit's part of a one-input, one-output network's output at the points x: shape (len(x), hidden).

    Unit j gives W2[j] * max(0, x * W1[0, j] + b1[j]); the output is b2 plus the sum of the parts.
    """
    x = np.asarray(x, float)
    z1 = x[:, None] * params["W1"][0] + params["b1"]
    return np.maximum(z1, 0) * params["W2"][:, 0]


def kinks(params) -> np.ndarray:
    """Where each hidden unit of a one-input network bends: x = -b1[j] / W1[0, j], sorted."""
    return np.sort(-params["b1"] / params["W1"][0])


def hinge_formula(scale: float, kink: float) -> str:
    """``"1.5 max(0, x - 1)"`` for the hinge scale * max(0, x - kink)."""
    shift = "x" if kink == 0 else f"x {'-' if kink > 0 else '+'} {abs(kink):g}"
    factor = {1.0: "", -1.0: "-"}.get(scale, f"{scale:g} ")
    return f"{factor}max(0, {shift})"


# --- pictures ----------------------------------------------------------------------------------------------------


def plot_curve_fits(X, y, line, net):
    """The noisy curve, the best line ``line = (w, b)`` and the network's fit, each labelled with its MSE."""
    import matplotlib.pyplot as plt

    w, b = line
    fig, ax = plt.subplots(figsize=(8, 4.2))
    grid = np.linspace(CURVE_RANGE[0] - 0.2, CURVE_RANGE[1] + 0.2, 400)[:, None]
    hidden = net[0].out_features
    ax.scatter(X[:, 0], y, s=14, color="0.45", label="data: sin(x) plus noise", zorder=2)
    ax.plot(grid[:, 0], grid @ w + b, color="tab:red", linewidth=2,
            label=f"best straight line, MSE {mse(X @ w + b, y):#.2g}")
    ax.plot(grid[:, 0], predict(net, grid)[:, 0], color="tab:blue", linewidth=2,
            label=f"network, one hidden layer of {hidden} ReLUs, MSE {mse(predict(net, X)[:, 0], y):#.2g}")
    ax.set_title("A curve: the best straight line against a small network")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


def _regions(ax, net, X, y, title: str) -> None:
    from matplotlib.colors import ListedColormap

    lo, hi = X.min(axis=0) - 0.15, X.max(axis=0) + 0.15
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 300), np.linspace(lo[1], hi[1], 300))
    predicted = np.argmax(predict(net, np.column_stack([g1.ravel(), g2.ravel()])), axis=1).reshape(g1.shape)
    ax.pcolormesh(g1, g2, predicted, cmap=ListedColormap(CLASS_COLOURS), alpha=0.25, shading="auto",
                  vmin=0, vmax=len(CLASS_COLOURS) - 1)
    for k, colour in enumerate(CLASS_COLOURS):
        ax.scatter(*X[y == k].T, s=12, color=colour, edgecolor="black", linewidth=0.3, label=f"class {k}")
    ax.set_title(f"{title}: {accuracy(predict(net, X), y):.0%} of the points right", fontsize=10)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")


def plot_decision_regions(X, y, models: dict):
    """For each ``{title: net}``, the plane coloured by the class the net predicts, with the points on top."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(models), figsize=(5.4 * len(models), 5.2), squeeze=False)
    for ax, (title, net) in zip(axes[0], models.items(), strict=True):
        _regions(ax, net, np.asarray(X, float), np.asarray(y), title)
    axes[0, 0].legend(loc="lower left", fontsize=8)
    fig.suptitle("Three spiral arms: the class each model predicts, across the plane (shaded)")
    fig.tight_layout()
    return fig


def plot_hinges(net, X=None, y=None):
    """Left: the hand-made HINGES and their sum. Right: the hidden units of a one-input network as hinges, adding
    up (with b2) to its output; the data, if given, in grey."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11.5, 4.2))
    x = np.linspace(-3.2, 3.2, 641)
    total = np.zeros_like(x)
    for scale, kink in HINGES:
        part = scale * np.maximum(0.0, x - kink)
        total += part
        left.plot(x, part, linestyle="--", linewidth=1.2, label=hinge_formula(scale, kink))
    left.plot(x, total, color="black", linewidth=2.2, label="their sum")
    for _, kink in HINGES:
        left.axvline(kink, color="0.6", linewidth=0.8, linestyle=":")
    left.set_title("Three hinges add up to a bent line", fontsize=10)
    left.set_xlabel("x")
    left.set_ylabel("output")
    left.grid(alpha=0.3)
    left.legend(loc="upper left", fontsize=8)

    params = numpy_params(net)
    parts = hinges(params, x)
    for j in range(parts.shape[1]):
        right.plot(x, parts[:, j], linewidth=0.9, alpha=0.7)
    right.plot(x, parts.sum(axis=1) + params["b2"][0], color="black", linewidth=2.2, label="b2 + the sum: the fit")
    if X is not None:
        right.scatter(np.asarray(X)[:, 0], y, s=8, color="0.6", zorder=0, label="data")
    right.set_title(f"The curve network's {parts.shape[1]} hidden units, each a hinge", fontsize=10)
    right.set_xlabel("x")
    right.set_ylabel("output, and each hidden unit's part")
    right.set_xlim(x[0], x[-1])
    right.grid(alpha=0.3)
    right.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
