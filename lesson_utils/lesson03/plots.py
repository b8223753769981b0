"""Pictures for lesson 03: the loss landscape over (w, b) and gradient descent walking on it.

NumPy only at import time; matplotlib is imported inside the functions that draw.
"""

from __future__ import annotations

import numpy as np

from ..withheld import withheld

reference, = withheld(__package__, "reference")

FOUR_X = np.array([1.0, 2.0, 3.0, 4.0])
FOUR_Y = np.array([2.0, 4.0, 6.0, 8.0])
LOSS_CAP = 1e150
"""Losses above this are left off the loss chart (a log axis cannot reach inf)."""


def descent_path(x, y, lr, steps, start=(0.0, 0.0)):
    """Run gradient descent on y_hat = w * x + b and keep every position.

    Returns three arrays of length ``steps + 1``: w, b and the loss at each
    position, starting with ``start``. A run that diverges fills up with inf
    and NaN, as it would in any training loop.
    """
    x, y = reference._arrays(x, y)
    w, b = start
    ws, bs, losses = [w], [b], []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            losses.append(float(np.mean((w * x + b - y) ** 2)))
            dw, db = reference.linear_mse_grads(w, b, x, y)
            w, b = w - lr * dw, b - lr * db
            ws.append(w)
            bs.append(b)
        losses.append(float(np.mean((w * x + b - y) ** 2)))
    return np.array(ws), np.array(bs), np.array(losses)


def loss_grid(x, y, w_values, b_values):
    """The mean squared error at every (w, b) of a grid: shape (len(b_values), len(w_values))."""
    x, y = reference._arrays(x, y)
    W, B = np.meshgrid(np.asarray(w_values, float), np.asarray(b_values, float))
    return np.mean((W[..., None] * x + B[..., None] - y) ** 2, axis=-1)


def _visible_part(ws, bs, w_range, b_range):
    """The path up to and including its first point outside the view: after that it has flown off."""
    outside = ~((ws >= w_range[0]) & (ws <= w_range[1]) & (bs >= b_range[0]) & (bs <= b_range[1]))
    if outside.any():
        stop = int(np.argmax(outside)) + 1
        ws, bs = ws[:stop], bs[:stop]
    return ws, bs


def _round_ticks(low: float, high: float) -> list[float]:
    """Colour-bar ticks at 1, 2 and 5 times each power of ten between ``low`` and ``high``."""
    ticks = [m * 10.0**e for e in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
             for m in (1, 2, 5)]
    return [t for t in ticks if low <= t <= high]


def plot_landscape(x, y, path=None, *, w_range=(-1.0, 4.0), b_range=(-3.0, 4.0), ax=None, title=None,
                   w_label="w", b_label="b"):
    """Contour plot of the loss over (w, b); ``path`` = (ws, bs) draws the descent on it. Returns the axes."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm
    from matplotlib.ticker import FuncFormatter

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.5))
    w_values = np.linspace(*w_range, 200)
    b_values = np.linspace(*b_range, 200)
    grid = loss_grid(x, y, w_values, b_values)
    low = max(grid.min(), 1e-3 * grid.max(), 1e-4)
    levels = np.geomspace(low, grid.max(), 25)
    filled = ax.contourf(w_values, b_values, grid, levels=levels, norm=LogNorm(), cmap="viridis", alpha=0.85,
                         extend="min")
    ax.figure.colorbar(filled, ax=ax, label="loss (log scale)", ticks=_round_ticks(low, grid.max()),
                       format=FuncFormatter(lambda value, _: f"{value:g}"))
    ax.contour(w_values, b_values, grid, levels=levels[::3], colors="white", linewidths=0.5, alpha=0.6)
    best = np.unravel_index(np.argmin(grid), grid.shape)
    ax.plot(w_values[best[1]], b_values[best[0]], marker="*", color="gold", markersize=14, markeredgecolor="black",
            linestyle="none", label="lowest loss")
    if path is not None:
        ws, bs = _visible_part(np.asarray(path[0], float), np.asarray(path[1], float), w_range, b_range)
        ax.plot(ws, bs, "-o", color="tab:red", markersize=3, linewidth=1.2, label="gradient descent")
        ax.plot(ws[0], bs[0], "s", color="white", markeredgecolor="black", markersize=7, label="start")
    ax.set_xlim(*w_range)
    ax.set_ylim(*b_range)
    ax.set_xlabel(w_label)
    ax.set_ylabel(b_label)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return ax


def describe(losses) -> str:
    """One word for a run: 'diverging' (the loss ends higher than it started, or inf/NaN), 'converging'
    (it ends below 1/10,000 of where it started) or 'crawling' (in between)."""
    losses = np.asarray(losses, float)
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverging"
    if losses[-1] < 1e-4 * losses[0]:
        return "converging"
    return "crawling"


def plot_descent(lr, steps, x=FOUR_X, y=FOUR_Y):
    """Gradient descent from w = b = 0 at learning rate ``lr`` for ``steps`` steps, drawn twice:
    the path on the loss landscape (left) and the loss per step (right, log scale)."""
    import matplotlib.pyplot as plt

    ws, bs, losses = descent_path(x, y, lr, steps)
    verdict = describe(losses)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.2))
    plot_landscape(x, y, (ws, bs), ax=left, title=f"lr = {lr:.3g}, {steps} steps: {verdict}")
    finite = np.isfinite(losses) & (losses < LOSS_CAP)
    steps_axis = np.arange(len(losses))
    right.plot(steps_axis[finite], losses[finite], color="tab:red")
    right.set_yscale("log")
    if finite.any():
        right.set_ylim(bottom=max(0.5 * losses[finite].min(), 1e-12))
    right.set_xlim(0, max(steps, 1))
    right.set_xlabel("step")
    right.set_ylabel("loss (log scale)")
    if not finite.all():
        first_bad = int(np.argmax(~finite))
        right.axvline(first_bad, color="black", linestyle="--", linewidth=1)
        top = np.max(losses[finite]) if finite.any() else 1.0
        right.text(first_bad, top, f" off the chart (> 1e150, then inf, NaN) from step {first_bad} ",
                   va="top", ha="right" if first_bad > steps / 2 else "left")
    last = losses[-1]
    right.set_title(f"loss {losses[0]:.3g} -> {last:.3g}" if np.isfinite(last) else f"loss {losses[0]:.3g} -> {last}")
    right.grid(alpha=0.3, which="both")
    fig.tight_layout()
    plt.show()
