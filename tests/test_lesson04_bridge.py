"""Lesson 04's bridge from a line to a network: is the line the least-squares one, does the small network beat it
by a clear margin on the curve and on the spirals, do two linear layers with nothing between them make one, do the
shapes flow as the lesson's table says, are the fits the same every time, and are the gradients torch's autograd,
not a backward pass written by hand?"""

from __future__ import annotations

import ast
import inspect
import time

import matplotlib
import nbformat
import numpy as np
import pytest

from hml_grader.paths import SOLUTIONS
from lesson_utils.lesson04 import bridge

torch = pytest.importorskip("torch", reason="the bridge's networks need torch")
matplotlib.use("Agg")

CURVE_FIT = {"lr": 0.05, "batch_size": 16, "num_epochs": 300}
SPIRAL_FIT = {"lr": 0.5, "batch_size": 32, "num_epochs": 300}
"""The settings the notebook trains with (see test_the_notebook_trains_with_these_settings)."""


def timed_fit(sizes, X, y, loss, settings, seed=0):
    """A network of ``sizes`` trained as the notebook trains it, its epoch losses and the CPU seconds it took."""
    net = bridge.mlp(sizes, seed=seed)
    start = time.process_time()
    losses = bridge.train(net, X, y, loss, **settings, seed=seed)
    return net, losses, time.process_time() - start


@pytest.fixture(scope="module")
def curve():
    X, y = bridge.curve_data()
    return X, y, *timed_fit([1, 16, 1], X, y, "mse", CURVE_FIT)


@pytest.fixture(scope="module")
def spirals():
    X, y = bridge.spiral_data()
    return X, y, timed_fit([2, 3], X, y, "cross_entropy", SPIRAL_FIT), \
        timed_fit([2, 64, 3], X, y, "cross_entropy", SPIRAL_FIT)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_the_notebook_trains_with_these_settings():
    """Do the notebook's curve and spiral cells train with the settings these tests check?"""
    cells = {c.get("id"): c.source for c in nbformat.read(SOLUTIONS / "04_minibatches.ipynb", as_version=4).cells}
    for cell_id, settings in [("bridge-curve", CURVE_FIT), ("bridge-spiral", SPIRAL_FIT)]:
        written = ", ".join(f"{name}={value}" for name, value in settings.items())
        assert written in cells[cell_id], cell_id
    assert "bridge.mlp([1, 16, 1], seed=0)" in cells["bridge-curve"]
    assert "bridge.mlp([2, 3], seed=0)" in cells["bridge-spiral"]
    assert "bridge.mlp([2, 64, 3], seed=0)" in cells["bridge-spiral"]


# --- the data and the best line ---------------------------------------------------------------------------------


def test_the_data_have_the_shapes_the_lesson_names():
    """Is the curve 80 samples of sin(x) in [-3, 3] sorted by x, with noise of about 0.1, and the spirals 300
    points in the plane with 100 of each of the classes 0, 1 and 2?"""
    X, y = bridge.curve_data()
    assert X.shape == (80, 1) and y.shape == (80,)
    assert np.all(np.diff(X[:, 0]) >= 0) and X.min() >= -3 and X.max() <= 3
    assert 0.07 < np.std(y - np.sin(X[:, 0])) < 0.13
    X, y = bridge.spiral_data()
    assert X.shape == (300, 2) and y.shape == (300,)
    assert np.bincount(y).tolist() == [100, 100, 100]


@pytest.mark.parametrize("d", [1, 3])
def test_the_line_is_the_least_squares_one(d):
    """Is best_line's (w, b) where the gradient of the mean squared error is zero (the normal equations), and does
    moving any parameter away from it make the error larger?"""
    rng = np.random.default_rng(d)
    X = rng.uniform(-2, 2, size=(50, d))
    y = X @ rng.normal(size=d) + 0.5 + np.sin(3 * X[:, 0]) + 0.1 * rng.normal(size=50)
    w, b = bridge.best_line(X, y)
    assert w.shape == (d,) and isinstance(b, float)
    error = X @ w + b - y
    np.testing.assert_allclose(2 * X.T @ error / len(y), 0, atol=1e-12)
    assert abs(2 * np.mean(error)) < 1e-12
    best = bridge.mse(X @ w + b, y)
    for i in range(d + 1):
        for step in (-1e-3, 1e-3):
            w2, b2 = w.copy(), b
            if i < d:
                w2[i] += step
            else:
                b2 += step
            assert bridge.mse(X @ w2 + b2, y) > best


def test_the_curve_line_is_the_one_the_notebook_prints():
    """Is the curve's best line the one lstsq gives on [x, 1], with the error the notebook prints?"""
    X, y = bridge.curve_data()
    w, b = bridge.best_line(X, y)
    np.testing.assert_allclose([w[0], b], np.polyfit(X[:, 0], y, 1), atol=1e-12)
    assert f"{bridge.mse(X @ w + b, y):#.2g}" == "0.20"


# --- the network against the line -------------------------------------------------------------------------------


def test_the_network_beats_the_line_on_the_curve(curve):
    """Does the network's fit of the curve have a mean squared error under a tenth of the best line's, near the
    noise's own, and is the fit quick?"""
    X, y, net, losses, seconds = curve
    w, b = bridge.best_line(X, y)
    line, network = bridge.mse(X @ w + b, y), bridge.mse(bridge.predict(net, X)[:, 0], y)
    assert network < line / 10
    assert 0.5 * bridge.mse(np.sin(X[:, 0]), y) < network < 2 * bridge.mse(np.sin(X[:, 0]), y)
    assert len(losses) == CURVE_FIT["num_epochs"] and losses[-1] == pytest.approx(network, rel=1e-12)
    assert losses[-1] < losses[0]
    assert seconds < 5


def test_the_network_beats_the_linear_classifier_on_the_spirals(spirals):
    """On the spirals, does the network put at least 95 % of the points in their class and the linear classifier
    at most 60 %, and is each fit quick?"""
    X, y, (linear, linear_losses, linear_seconds), (network, network_losses, network_seconds) = spirals
    linear_accuracy = bridge.accuracy(bridge.predict(linear, X), y)
    network_accuracy = bridge.accuracy(bridge.predict(network, X), y)
    assert network_accuracy >= 0.95 and linear_accuracy <= 0.6
    assert network_losses[-1] < linear_losses[-1] / 10
    assert linear_seconds < 5 and network_seconds < 5


def test_the_printed_numbers_are_far_from_a_rounding_edge(curve, spirals):
    """Are the numbers the notebook prints, rounded as it rounds them, what the fits give, with every one at least
    a tenth of a unit of its last digit from where its rounding would change (so another machine prints the
    same)?"""
    X, y, net, _, _ = curve
    Xs, ys, (linear, linear_losses, _), (network, network_losses, _) = spirals

    def steady(value: float, shown: str, unit: float) -> None:
        assert f"{value:#.2g}" == shown or f"{value:.0%}" == shown
        assert abs((value / unit) % 1 - 0.5) > 0.1, (value, shown)

    steady(bridge.mse(bridge.predict(net, X)[:, 0], y), "0.0093", 1e-4)
    steady(bridge.mse(np.sin(X[:, 0]), y), "0.0088", 1e-4)
    steady(linear_losses[-1], "0.91", 1e-2)
    steady(network_losses[-1], "0.012", 1e-3)
    steady(bridge.accuracy(bridge.predict(linear, Xs), ys), "45%", 1e-2)
    assert bridge.accuracy(bridge.predict(network, Xs), ys) == 1.0


# --- the same fit every time ------------------------------------------------------------------------------------


def test_the_fits_are_the_same_every_time(curve):
    """Does fitting the curve again, after torch's and NumPy's global generators have moved on, give the same
    losses and weights to the last bit, and does another seed give another network?"""
    X, y, net, losses, _ = curve
    torch.rand(5)
    np.random.default_rng().normal()
    again, again_losses, _ = timed_fit([1, 16, 1], X, y, "mse", CURVE_FIT)
    assert again_losses == losses
    for p, q in zip(net.parameters(), again.parameters(), strict=True):
        assert torch.equal(p, q)
    other, _, _ = timed_fit([1, 16, 1], X, y, "mse", {**CURVE_FIT, "num_epochs": 2}, seed=1)
    assert not torch.equal(next(other.parameters()), next(net.parameters()))


def test_the_spiral_fits_are_the_same_every_time():
    """Do two short spiral fits from the same seed give the same losses and predictions to the last bit?"""
    X, y = bridge.spiral_data()
    runs = [timed_fit([2, 64, 3], X, y, "cross_entropy", {**SPIRAL_FIT, "num_epochs": 5}) for _ in range(2)]
    assert runs[0][1] == runs[1][1]
    np.testing.assert_array_equal(bridge.predict(runs[0][0], X), bridge.predict(runs[1][0], X))


def test_training_leaves_torch_s_threads_as_they_were():
    """Does train run on one thread and give torch back the number of threads it had?"""
    before = torch.get_num_threads()
    X, y = bridge.curve_data()
    bridge.train(bridge.mlp([1, 4, 1]), X, y, "mse", 0.05, 16, 1)
    assert torch.get_num_threads() == before


# --- stacking linear layers, hinges and shapes ------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_two_stacked_linear_layers_are_one(seed):
    """With no ReLU between them, are two linear layers X W1 + b1, then W2 and b2, the one layer W = W1 W2,
    b = b1 W2 + b2, to 1e-12, and with the ReLU does no single linear layer come close?"""
    rng = np.random.default_rng(seed)
    n, d, hidden, k = 300, 2, 64, 3
    X = rng.normal(size=(n, d))
    W1, b1 = rng.normal(0, 0.5, size=(d, hidden)), rng.normal(0, 0.5, size=hidden)
    W2, b2 = rng.normal(0, 0.5, size=(hidden, k)), rng.normal(0, 0.5, size=k)
    two_layers = (X @ W1 + b1) @ W2 + b2
    np.testing.assert_allclose(two_layers, X @ (W1 @ W2) + (b1 @ W2 + b2), rtol=0, atol=1e-12)
    design = np.hstack([X, np.ones((n, 1))])
    for outputs, near in [(two_layers, True), (np.maximum(X @ W1 + b1, 0) @ W2 + b2, False)]:
        best = np.linalg.lstsq(design, outputs, rcond=None)[0]
        assert bool(np.max(np.abs(design @ best - outputs)) < 1e-12) is near


def test_a_trained_network_without_its_relu_is_one_linear_layer(spirals):
    """Do the trained spiral network's two layers, with the ReLU taken out, equal the one layer they make, to
    1e-12?"""
    X = spirals[0]
    p = bridge.numpy_params(spirals[3][0])
    np.testing.assert_allclose((X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"],
                               X @ (p["W1"] @ p["W2"]) + (p["b1"] @ p["W2"] + p["b2"]), rtol=0, atol=1e-12)


def test_the_networks_are_linear_relu_linear_in_float64():
    """Is mlp([2, 64, 3]) linear (2 -> 64), ReLU, linear (64 -> 3) in float64, mlp([2, 3]) one linear layer, and
    mlp([1, 8, 8, 1]) a ReLU between each two of its three linear layers?"""
    net = bridge.mlp([2, 64, 3])
    assert [type(layer).__name__ for layer in net] == ["Linear", "ReLU", "Linear"]
    assert (net[0].in_features, net[0].out_features, net[2].in_features, net[2].out_features) == (2, 64, 64, 3)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert [type(layer).__name__ for layer in bridge.mlp([2, 3])] == ["Linear"]
    assert [type(layer).__name__ for layer in bridge.mlp([1, 8, 8, 1])] == ["Linear", "ReLU", "Linear", "ReLU",
                                                                            "Linear"]


def test_the_shapes_flow_as_the_table_says(spirals):
    """For a batch of 32 through the trained spiral network, are W1 (2, 64), b1 (64,), W2 (64, 3), b2 (3,), z1 and
    h (32, 64), logits (32, 3), and are the NumPy logits torch's, to 1e-12?"""
    X = spirals[0][:32]
    network = spirals[3][0]
    p = bridge.numpy_params(network)
    assert {name: value.shape for name, value in p.items()} == {"W1": (2, 64), "b1": (64,), "W2": (64, 3),
                                                                "b2": (3,)}
    z1 = X @ p["W1"] + p["b1"]
    h = np.maximum(z1, 0)
    logits = h @ p["W2"] + p["b2"]
    assert z1.shape == h.shape == (32, 64) and logits.shape == (32, 3)
    np.testing.assert_allclose(logits, bridge.predict(network, X), rtol=0, atol=1e-12)
    assert sum(value.size for value in p.values()) == 387


def test_numpy_params_are_copies():
    """Does changing the arrays numpy_params returns leave the network alone?"""
    net = bridge.mlp([2, 4, 3])
    p = bridge.numpy_params(net)
    before = net[0].weight.detach().clone()
    p["W1"][:] = 0
    assert torch.equal(net[0].weight.detach(), before)


def test_the_hinges_add_up_to_the_network(curve):
    """Are b2 plus the curve network's hinges its output, to 1e-12, each hinge zero on one side of its kink?"""
    net = curve[2]
    p = bridge.numpy_params(net)
    x = np.linspace(-3, 3, 601)
    parts = bridge.hinges(p, x)
    assert parts.shape == (601, 16)
    np.testing.assert_allclose(parts.sum(axis=1) + p["b2"], bridge.predict(net, x[:, None])[:, 0], atol=1e-12)
    kinks = -p["b1"] / p["W1"][0]
    for j in range(16):
        off = (x * p["W1"][0, j] + p["b1"][j]) <= 0
        assert np.all(parts[off, j] == 0)
    np.testing.assert_array_equal(bridge.kinks(p), np.sort(kinks))


@pytest.mark.parametrize(("scale", "kink", "formula"), [
    (1.0, -2.0, "max(0, x + 2)"), (-2.0, 0.0, "-2 max(0, x)"), (1.5, 1.0, "1.5 max(0, x - 1)"),
    (-1.0, 0.5, "-max(0, x - 0.5)"),
])
def test_a_hinge_is_written_as_it_is_computed(scale, kink, formula):
    """Is each hand-made hinge labelled with its formula?"""
    assert bridge.hinge_formula(scale, kink) == formula


# --- torch's autograd, not a backward pass written by hand ------------------------------------------------------


def test_one_step_is_lr_times_autograd_s_gradient():
    """Is one full-batch step of train exactly param - lr * the gradient torch.autograd.grad gives at the start?"""
    X, y = bridge.spiral_data()
    net = bridge.mlp([2, 8, 3], seed=3)
    start = [p.detach().clone() for p in net.parameters()]
    loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(X)), torch.from_numpy(y))
    grads = torch.autograd.grad(loss, list(net.parameters()))
    bridge.train(net, X, y, "cross_entropy", lr=0.3, batch_size=len(X), num_epochs=1)
    for p, p0, g in zip(net.parameters(), start, grads, strict=True):
        torch.testing.assert_close(p.detach(), p0 - 0.3 * g, rtol=0, atol=1e-12)


def test_every_step_calls_backward_once(monkeypatch):
    """Does train call torch's backward once per minibatch, 3 steps an epoch for 20 examples in batches of 8?"""
    calls = []
    backward = torch.Tensor.backward

    def counted(self, *args, **kwargs):
        calls.append(self.shape)
        return backward(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "backward", counted)
    X, y = bridge.curve_data(n=20)
    bridge.train(bridge.mlp([1, 4, 1]), X, y, "mse", lr=0.05, batch_size=8, num_epochs=2)
    assert calls == [torch.Size([])] * 6


def test_the_module_writes_no_backward_pass_of_its_own():
    """Does the bridge get its gradients only from loss.backward(): no function of its own named like a backward
    pass or a gradient, no gradient assigned but to clear it, and no mention of lesson 05's backward functions?"""
    source = inspect.getsource(bridge)
    tree = ast.parse(source)
    names = [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    assert not [name for name in names if "backward" in name or "grad" in name]
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "backward"]
    assert len(calls) == 1
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "grad":
                    assert isinstance(node.value, ast.Constant) and node.value.value is None
    for word in ("linear_backward", "relu_backward", "dlogits", "dout", "autograd.grad"):
        assert word not in source


def test_an_unknown_loss_is_refused():
    """Does train name the losses it knows when given another?"""
    X, y = bridge.curve_data(n=10)
    with pytest.raises(ValueError, match="mse"):
        bridge.train(bridge.mlp([1, 2, 1]), X, y, "hinge", 0.1, 5, 1)


# --- pictures ---------------------------------------------------------------------------------------------------


def test_the_pictures_are_titled_labelled_and_say_what_the_notebook_prints(curve, spirals):
    """Does every panel have a title and labelled axes, the curve's legend the two errors, and each spiral panel
    its model's accuracy?"""
    X, y, net, _, _ = curve
    w, b = bridge.best_line(X, y)
    figures = [bridge.plot_curve_fits(X, y, (w, b), net), bridge.plot_hinges(net, X, y)]
    Xs, ys, (linear, _, _), (network, _, _) = spirals
    figures.append(bridge.plot_decision_regions(Xs, ys, {"linear classifier": linear, "network": network}))
    for figure in figures:
        for ax in figure.axes:
            assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    legend = [t.get_text() for t in figures[0].axes[0].get_legend().get_texts()]
    assert any("MSE 0.20" in t for t in legend) and any("MSE 0.0093" in t for t in legend)
    titles = [ax.get_title() for ax in figures[2].axes]
    assert titles == ["linear classifier: 45% of the points right", "network: 100% of the points right"]
    assert "16 hidden units" in figures[1].axes[1].get_title()
