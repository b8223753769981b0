"""Pictures for lesson 04: noisy steps against smooth epochs, and gradient noise against batch size.

NumPy only at import time; matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import numpy as np

from ..withheld import withheld

reference, = withheld(__package__, "reference")

DEMO_N = 512
DEMO_LR = 0.05
DEMO_EPOCHS = 4
PROBE_POINT = (1.0, 0.0)
"""(w, b) where the gradient clouds are drawn: on the way from the start (0, 0) to the best line (2, 1)."""


def demo_data(n: int = DEMO_N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n noisy points around the line y = 2 x + 1, x in [-2, 2]: X of shape (n, 1), y of shape (n,)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=n)
    y = 2.0 * x + 1.0 + 0.5 * rng.normal(size=n)
    return x[:, None], y


def minibatch_gradients(X, y, w, b, batch_size: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``draws`` gradient estimates (dL/dw, dL/db) at (w, b), each from a random batch of ``batch_size`` distinct
    examples; shape (draws, d + 1)."""
    X, y = np.asarray(X, float), np.asarray(y, float)
    w = np.broadcast_to(np.asarray(w, float), (X.shape[1],))
    out = np.empty((draws, X.shape[1] + 1))
    for i in range(draws):
        idx = rng.choice(len(X), size=min(batch_size, len(X)), replace=False)
        dw, db = reference.linear_mse_grads(w, b, X[idx], y[idx])
        out[i, :-1], out[i, -1] = dw, db
    return out


RUNNING_MEAN_FROM = 100
"""From this many steps on, the loss plot adds a running mean of the batch losses."""


def plot_steps_and_epochs(step_losses, epoch_losses, per_epoch: int, ax=None, title: str | None = None):
    """The loss of every step's batch (thin, noisy) against the whole data set's loss after every epoch (dots).

    The x axis counts epochs, so step k sits at (k + 1) / per_epoch. Returns the axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.8))
    step_losses, epoch_losses = np.asarray(step_losses, float), np.asarray(epoch_losses, float)
    at = (np.arange(len(step_losses)) + 1) / per_epoch
    many = len(step_losses) >= RUNNING_MEAN_FROM
    ax.plot(at, step_losses, color="tab:blue", linewidth=0.7, alpha=0.35 if many else 0.6,
            label="loss of each step's batch")
    if many:  # so many steps that the single batches blur into a block: show their trend too
        window = max(5, len(step_losses) // 40)
        running = np.convolve(step_losses, np.ones(window) / window, mode="valid")
        ax.plot(at[window - 1:], running, color="navy", linewidth=1.4, label="running mean of the batch losses")
    ax.plot(np.arange(1, len(epoch_losses) + 1), epoch_losses, "o-", color="tab:red", markersize=5,
            label="loss on all the data, after each epoch")
    ax.set_yscale("log")
    ax.set_xlabel("epochs")
    ax.set_ylabel("mean squared error (log scale)")
    ax.set_xlim(0, max(len(epoch_losses), 1) + 0.05)
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def _cloud_limits(X, y) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits wide enough for the batch-size-1 cloud, so every panel uses the same scale."""
    grads = minibatch_gradients(X, y, PROBE_POINT[0], PROBE_POINT[1], 1, 400, np.random.default_rng(1))
    low, high = np.percentile(grads, 2, axis=0), np.percentile(grads, 98, axis=0)
    pad = 0.1 * (high - low)
    return (float(low[0] - pad[0]), float(high[0] + pad[0])), (float(low[1] - pad[1]), float(high[1] + pad[1]))


def _draw_batch_size(batch_size: int, X, y, cloud_ax, loss_ax, limits, loss_ylim, seed: int = 0) -> None:
    n = len(X)
    full = batch_size >= n
    name = f"full batch ({n})" if full else f"batch size {batch_size}"
    grads = minibatch_gradients(X, y, PROBE_POINT[0], PROBE_POINT[1], batch_size, 200,
                                np.random.default_rng(seed))
    true_dw, true_db = reference.linear_mse_grads(np.array([PROBE_POINT[0]]), PROBE_POINT[1], X, y)
    spread = float(np.std(grads[:, 0]))
    cloud_ax.scatter(grads[:, 0], grads[:, 1], s=6, alpha=0.35, color="tab:blue", label="one batch's gradient")
    cloud_ax.plot(true_dw[0], true_db, "*", color="gold", markersize=13, markeredgecolor="black",
                  label="full-data gradient")
    cloud_ax.set_xlim(*limits[0])
    cloud_ax.set_ylim(*limits[1])
    cloud_ax.set_xlabel("dL/dw")
    cloud_ax.set_ylabel("dL/db")
    cloud_ax.set_title(f"{name}\nspread of dL/dw: {spread:.2f}", fontsize=10)
    cloud_ax.grid(alpha=0.3)

    per_epoch = reference.steps_per_epoch(n, batch_size)
    rng = np.random.default_rng(seed)
    _, step_losses, epoch_losses = reference.sgd_fit(X, y, DEMO_LR, batch_size, DEMO_EPOCHS, rng)
    plot_steps_and_epochs(step_losses, epoch_losses, per_epoch, ax=loss_ax)
    loss_ax.set_ylim(*loss_ylim)
    updates = f"{per_epoch:,} update{'s' if per_epoch > 1 else ''} per epoch"
    loss_ax.set_title(f"{updates}, final loss {epoch_losses[-1]:.3f}", fontsize=10)
    loss_ax.get_legend().remove()


def _loss_ylim(X, y) -> tuple[float, float]:
    start = reference.linear_mse(np.zeros(X.shape[1]), 0.0, X, y)
    return 1e-3, 3.0 * start


def plot_batch_size(batch_size: int, X=None, y=None) -> None:
    """One batch size, two pictures: the cloud of minibatch gradients at (w, b) = (1, 0) around the full-data
    gradient (left), and minibatch SGD for 4 epochs at lr 0.05 from zeros (right)."""
    import matplotlib.pyplot as plt

    if X is None or y is None:
        X, y = demo_data()
    fig, (cloud_ax, loss_ax) = plt.subplots(1, 2, figsize=(10.5, 3.9))
    _draw_batch_size(int(batch_size), X, y, cloud_ax, loss_ax, _cloud_limits(X, y), _loss_ylim(X, y))
    cloud_ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_batch_sizes(batch_sizes=(1, 8, 64, None), X=None, y=None) -> None:
    """Small multiples of :func:`plot_batch_size`, one column per batch size (``None`` = the full batch)."""
    import matplotlib.pyplot as plt

    if X is None or y is None:
        X, y = demo_data()
    sizes = [len(X) if b is None else int(b) for b in batch_sizes]
    fig, axes = plt.subplots(2, len(sizes), figsize=(3.4 * len(sizes), 6.6), squeeze=False)
    limits, ylim = _cloud_limits(X, y), _loss_ylim(X, y)
    for column, batch_size in enumerate(sizes):
        _draw_batch_size(batch_size, X, y, axes[0, column], axes[1, column], limits, ylim)
    axes[0, 0].legend(loc="upper right", fontsize=7)
    handles, labels = axes[1, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9)
    fig.suptitle("Small batches: noisy gradients, many cheap updates.  Large batches: accurate gradients, "
                 "few updates.", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    plt.show()
