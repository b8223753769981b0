"""Pictures for lesson 07: the data, fits of growing capacity, and training curves with the early stop.

NumPy only at import time; matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import numpy as np

from .data import Run, least_squares_fit, mse, predict, true_function

TRAIN_STYLE = {"color": "tab:blue", "label": "training"}
VAL_STYLE = {"color": "tab:orange", "label": "validation"}
GRID = np.linspace(-1.0, 1.0, 400)


def plot_points(x_train, y_train, x_val, y_val, ax=None, *, legend=True):
    """Training points as filled dots, validation points as open circles, and the true sine, dashed."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    ax.plot(GRID, true_function(GRID), "--", color="gray", linewidth=1, label="sin(πx), the pattern")
    ax.scatter(x_train, y_train, s=22, color=TRAIN_STYLE["color"], label="training points", zorder=3)
    ax.scatter(x_val, y_val, s=26, facecolors="none", edgecolors=VAL_STYLE["color"], linewidths=1.4,
               label="validation points", zorder=3)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-2.2, 2.2)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_capacity(x_train, y_train, x_val, y_val, degrees=(1, 3, 9, 15)):
    """Small multiples: the lowest-training-loss polynomial of each degree, with both losses in the title."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(degrees), figsize=(3.4 * len(degrees), 3.3), sharey=True)
    for ax, degree in zip(np.atleast_1d(axes), degrees, strict=True):
        w = least_squares_fit(x_train, y_train, degree)
        plot_points(x_train, y_train, x_val, y_val, ax, legend=False)
        ax.plot(GRID, predict(w, GRID), color="black", linewidth=1.6, label="the fitted polynomial")
        ax.set_title(f"degree {degree}\ntrain {mse(predict(w, x_train), y_train):.3f} · "
                     f"val {mse(predict(w, x_val), y_val):.3f}", fontsize=10)
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def plot_capacity_curve(x_train, y_train, x_val, y_val, degrees=range(16), ax=None):
    """Training and validation MSE of the best polynomial of each degree (log scale)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.8))
    degrees = list(degrees)
    weights = [least_squares_fit(x_train, y_train, d) for d in degrees]
    ax.plot(degrees, [mse(predict(w, x_train), y_train) for w in weights], "-o", markersize=4, **TRAIN_STYLE)
    ax.plot(degrees, [mse(predict(w, x_val), y_val) for w in weights], "-o", markersize=4, **VAL_STYLE)
    ax.set_yscale("log")
    ax.set_xlabel("degree of the polynomial (capacity)")
    ax.set_ylabel("MSE (log scale)")
    ax.set_title("More capacity: training loss falls, validation loss turns up")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return ax


def plot_curves(run: Run, stop_epoch=None, ax=None, *, mark=None):
    """Training and validation loss per epoch (log-log), the gap shaded, the validation minimum starred,
    the epoch where early stopping fired as a dotted line, and ``mark`` (an epoch) as a grey line."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    h = run.history
    epochs = np.arange(1, len(h.train_losses) + 1)
    ax.plot(epochs, h.train_losses, **TRAIN_STYLE)
    ax.plot(epochs, h.val_losses, **VAL_STYLE)
    ax.fill_between(epochs, h.train_losses, h.val_losses, color=VAL_STYLE["color"], alpha=0.12,
                    label="the gap (overfitting where it grows)")
    best = h.best_epoch
    ax.plot(best + 1, h.val_losses[best], marker="*", color="gold", markersize=16, markeredgecolor="black",
            linestyle="none", label=f"validation minimum (epoch {best})", zorder=4)
    if stop_epoch is not None:
        ax.axvline(stop_epoch + 1, color="black", linestyle=":", label=f"early stop fires (epoch {stop_epoch})")
    if mark is not None:
        ax.axvline(mark + 1, color="gray", linewidth=2, alpha=0.6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epoch + 1 (log scale)")
    ax.set_ylabel("MSE (log scale)")
    ax.set_title(f"Degree {run.degree}, full-batch gradient descent")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="lower left")
    return ax


def plot_epoch(epoch, run: Run):
    """The fitted curve after ``epoch`` epochs (nearest snapshot) beside the loss curves with that epoch marked."""
    import matplotlib.pyplot as plt

    shown, w = run.weights_at(epoch)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.5, 4), gridspec_kw={"width_ratios": [1, 1.25]})
    plot_points(run.x_train, run.y_train, run.x_val, run.y_val, left, legend=False)
    left.plot(GRID, predict(w, GRID), color="black", linewidth=1.6, label="the model")
    left.set_title(f"after {shown} epochs: train {mse(predict(w, run.x_train), run.y_train):.3f} · "
                   f"val {mse(predict(w, run.x_val), run.y_val):.3f}", fontsize=10)
    left.legend(loc="upper left", fontsize=8)
    plot_curves(run, ax=right, mark=shown)
    fig.tight_layout()
    plt.show()


def plot_epochs(run: Run, epochs):
    """Small multiples: the fitted curve after each of ``epochs`` epochs (the static view of the slider)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(epochs), figsize=(3.4 * len(epochs), 3.3), sharey=True)
    for ax, epoch in zip(np.atleast_1d(axes), epochs, strict=True):
        shown, w = run.weights_at(epoch)
        plot_points(run.x_train, run.y_train, run.x_val, run.y_val, ax, legend=False)
        ax.plot(GRID, predict(w, GRID), color="black", linewidth=1.6)
        ax.set_title(f"epoch {shown}\ntrain {mse(predict(w, run.x_train), run.y_train):.3f} · "
                     f"val {mse(predict(w, run.x_val), run.y_val):.3f}", fontsize=10)
    fig.tight_layout()
    plt.show()
