"""Pictures for lesson 04: the batches and steps of each epoch, noisy steps against smooth epochs, gradient noise
against batch size, and minibatch noise carrying a parameter out of a shallow dip.

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


# --- a timeline of batches and steps within epochs ---------------------------------------


def batch_timeline(n: int, batch_size: int, num_epochs: int, seed: int = 0) -> list[list[tuple[int, np.ndarray]]]:
    """The batches of ``num_epochs`` epochs of ``n`` examples, as ``iterate_minibatches`` cuts them.

    One list per epoch of ``(step, indices)`` pairs: ``indices`` are the positions of that batch's examples, from
    a fresh ``rng.permutation(n)`` each epoch (``rng = np.random.default_rng(seed)``) sliced into chunks of
    ``batch_size`` (the last one may be shorter), and ``step`` counts the updates from 1, running on across epochs.
    """
    rng = np.random.default_rng(seed)
    epochs, step = [], 0
    for _ in range(num_epochs):
        order = rng.permutation(n)
        batches = []
        for start in range(0, n, batch_size):
            step += 1
            batches.append((step, order[start:start + batch_size]))
        epochs.append(batches)
    return epochs


def plot_batch_timeline(n: int, batch_size: int, num_epochs: int, seed: int = 0, ax=None):
    """One row per epoch, one box per batch (its examples' numbers inside, "step k" above), one cell per example.

    The boxes of :func:`batch_timeline`: a box is as wide as its batch, so a short last batch looks short.
    Returns the axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    epochs = batch_timeline(n, batch_size, num_epochs, seed)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.62 * n + 1.8), 0.95 * num_epochs + 1.3))
    gap, height = 0.12, 0.56
    colours = plt.get_cmap("tab10").colors
    for row, batches in enumerate(epochs):
        y = num_epochs - 1 - row  # epoch 1 on top
        for k, (step, idx) in enumerate(batches):
            left = k * batch_size
            box = FancyBboxPatch((left + gap / 2, y - height / 2), len(idx) - gap, height,
                                 boxstyle="round,pad=0,rounding_size=0.12", linewidth=1.2,
                                 facecolor=colours[(step - 1) % len(colours)], alpha=0.28,
                                 edgecolor=colours[(step - 1) % len(colours)])
            ax.add_patch(box)
            for j, example in enumerate(idx):
                ax.text(left + j + 0.5, y, str(example), ha="center", va="center", fontsize=11)
            ax.text(left + len(idx) / 2, y + height / 2 + 0.05, f"step {step}", ha="center", va="bottom",
                    fontsize=9, color="0.25")
    ax.set_xlim(0, n)
    ax.set_ylim(-0.6, num_epochs - 0.25)
    ax.set_yticks(range(num_epochs), [f"epoch {num_epochs - i}" for i in range(num_epochs)])
    ax.set_xticks(range(n + 1))
    ax.set_xlabel("position in the epoch's shuffled order (one cell per example; the number in it says which example)")
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    per_epoch = len(epochs[0]) if epochs else 0
    last = len(epochs[0][-1][1]) if epochs else 0
    ax.set_title(f"One row per epoch, one box per batch (one step)\n{n} examples, batch_size {batch_size}: "
                 f"{per_epoch} steps per epoch (the last batch holds {last}), {per_epoch * num_epochs} steps in "
                 f"{num_epochs} epochs", fontsize=11)
    return ax


# --- minibatch noise and a shallow dip ---------------------------------------------------

DIP_BOWL = 0.05
"""The wide bowl under everything: DIP_BOWL * theta**2."""
DIP = (0.35, -2.0, 0.6)
"""The shallow dip: a Gaussian well of (depth, centre, width)."""
VALLEY = (5.0, 2.0, 0.9)
"""The deep valley: a Gaussian well of (depth, centre, width)."""
DIP_N = 256
DIP_SPREAD = 2.8
"""The standard deviation of the examples' tilts."""
DIP_LR = 0.1
DIP_STEPS = 1000
DIP_START = -2.5
"""Where every run starts: on the wall of the shallow dip."""


def _well(theta, depth, centre, width):
    return -depth * np.exp(-((theta - centre) ** 2) / (2 * width**2))


def dip_loss(theta):
    """The full-data loss f(theta): a wide bowl with a shallow dip on the left and a deep valley on the right."""
    theta = np.asarray(theta, float)
    return DIP_BOWL * theta**2 + _well(theta, *DIP) + _well(theta, *VALLEY)


def dip_slope(theta):
    """f'(theta), the slope of :func:`dip_loss` (the full-batch gradient)."""
    theta = np.asarray(theta, float)
    slope = 2 * DIP_BOWL * theta
    for depth, centre, width in (DIP, VALLEY):
        slope = slope - (theta - centre) / width**2 * _well(theta, depth, centre, width)
    return slope


def dip_tilts(n: int = DIP_N, spread: float = DIP_SPREAD, seed: int = 0) -> np.ndarray:
    """n tilts a_i, one per example, with mean 0 and standard deviation ``spread`` (seeded normal draws, centred
    and scaled)."""
    z = np.random.default_rng(seed).normal(size=n)
    z = z - z.mean()
    return spread * z / z.std()


def example_losses(theta: float, tilts) -> np.ndarray:
    """Each example's loss at theta, f(theta) + a_i * theta: the same curve, tilted a little its own way."""
    return dip_loss(theta) + np.asarray(tilts, float) * theta


def _landmark(lo: float, hi: float) -> float:
    """The zero of the slope between lo and hi (bisection; the slope changes sign once there)."""
    s_lo = float(dip_slope(lo))
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if (float(dip_slope(mid)) > 0) == (s_lo > 0):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def dip_landmarks() -> tuple[float, float, float]:
    """(shallow, hump, deep): the bottom of the shallow dip, the top of the hump between, the bottom of the valley."""
    return _landmark(-3.0, -1.2), _landmark(-1.2, 0.5), _landmark(0.5, 3.5)


def _batch_tilt_means(tilts: np.ndarray, batch_size: int, num_steps: int, rng: np.random.Generator) -> np.ndarray:
    """The mean tilt of each step's batch, epoch after epoch of fresh shuffles (the last batch may be shorter)."""
    n = len(tilts)
    starts = np.arange(0, n, batch_size)
    sizes = np.diff(np.append(starts, n))
    means = []
    while len(means) * len(starts) < num_steps:
        order = rng.permutation(n)
        means.append(np.add.reduceat(tilts[order], starts) / sizes)
    return np.concatenate(means)[:num_steps]


def sgd_paths(batch_size: int | None, runs: int = 20, first_seed: int = 0, start: float = DIP_START,
              tilts=None, lr: float = DIP_LR, num_steps: int = DIP_STEPS) -> np.ndarray:
    """theta over the steps of ``runs`` runs of minibatch SGD on the tilted examples: shape (runs, num_steps + 1).

    Run r shuffles with ``np.random.default_rng(first_seed + r)``; a step's gradient is f'(theta) plus the mean
    tilt of its batch. ``batch_size`` None (or >= n) is the full batch, whose tilts average to zero: plain
    gradient descent on f.
    """
    tilts = dip_tilts() if tilts is None else np.asarray(tilts, float)
    batch_size = len(tilts) if batch_size is None else min(int(batch_size), len(tilts))
    noise = np.stack([_batch_tilt_means(tilts, batch_size, num_steps, np.random.default_rng(first_seed + r))
                      for r in range(runs)])
    paths = np.empty((runs, num_steps + 1))
    paths[:, 0] = start
    for k in range(num_steps):
        paths[:, k + 1] = paths[:, k] - lr * (dip_slope(paths[:, k]) + noise[:, k])
    return paths


def escapes(paths) -> dict:
    """How the runs went: ``ended_deep``, how many end past the hump, in the deep valley; ``arrivals``, the step at
    which each run that ever reached the valley's floor first reached it; ``went_back``, how many of those crossed
    back over the hump afterwards."""
    _, hump, deep = dip_landmarks()
    paths = np.asarray(paths, float)
    arrivals, went_back = [], 0
    for path in paths:
        at_floor = np.flatnonzero(path >= deep)
        if at_floor.size:
            arrivals.append(int(at_floor[0]))
            went_back += bool(np.any(path[at_floor[0]:] < hump))
    return {"ended_deep": int(np.sum(paths[:, -1] > hump)), "arrivals": arrivals, "went_back": went_back}


def _minus(value: float, decimals: int = 2) -> str:
    """A number as the axes write it, with a true minus sign."""
    return f"{value:.{decimals}f}".replace("-", "\u2212")


def _mark_levels(ax, landmarks) -> None:
    shallow, hump, deep = landmarks
    ax.axhline(shallow, color="tab:orange", linestyle="--", linewidth=1)
    ax.axhline(hump, color="0.5", linestyle=":", linewidth=1)
    ax.axhline(deep, color="tab:green", linestyle="--", linewidth=1)


def plot_dip_escape(batch_sizes=(None, 4, 1), runs_shown: int = 6, runs: int = 20, tilts=None):
    """The full-data loss f with its shallow dip and deep valley (top), and theta over the steps of a few runs for
    each batch size (bottom; ``None`` = the full batch), each panel titled with how many of ``runs`` runs ended in
    the deep valley. Returns the figure."""
    import matplotlib.pyplot as plt

    tilts = dip_tilts() if tilts is None else np.asarray(tilts, float)
    shallow, hump, deep = dip_landmarks()
    fig = plt.figure(figsize=(12, 7.6))
    grid = fig.add_gridspec(2, len(batch_sizes), height_ratios=(1, 1.15))
    curve_ax = fig.add_subplot(grid[0, :])
    theta = np.linspace(-4.2, 4.2, 801)
    curve_ax.plot(theta, dip_loss(theta), color="black", linewidth=1.6, label="full-data loss f(θ)")
    marks = [(DIP_START, "tab:red", "o", f"start θ = {_minus(DIP_START, 1)}"),
             (shallow, "tab:orange", "v", f"shallow dip θ = {_minus(shallow)}"),
             (hump, "0.4", "^", f"hump θ = {_minus(hump)}"),
             (deep, "tab:green", "v", f"deep valley θ = {_minus(deep)}")]
    for where, colour, marker, label in marks:
        curve_ax.plot(where, dip_loss(where), marker, color=colour, markersize=8, markeredgecolor="black",
                      label=label, zorder=3)
    curve_ax.set_xlabel("θ (the model's one parameter)")
    curve_ax.set_ylabel("loss")
    curve_ax.set_xlim(theta[0], theta[-1])
    curve_ax.grid(alpha=0.3)
    curve_ax.legend(loc="lower right", fontsize=8)
    dip_depth, valley_depth = dip_loss(hump) - dip_loss(shallow), dip_loss(hump) - dip_loss(deep)
    curve_ax.set_title(f"A constructed toy loss: the floor of the shallow dip is {dip_depth:.2f} below the hump, "
                       f"the deep valley's {valley_depth:.2f}", fontsize=11)
    zoom = curve_ax.inset_axes((0.035, 0.07, 0.3, 0.5))
    near = np.linspace(-3.0, -0.2, 300)
    zoom.plot(near, dip_loss(near), color="black", linewidth=1.4)
    for where, colour, marker, _ in marks[:3]:
        zoom.plot(where, dip_loss(where), marker, color=colour, markersize=7, markeredgecolor="black")
    zoom.set_title("the shallow dip, magnified", fontsize=8)
    zoom.tick_params(labelsize=7)
    zoom.grid(alpha=0.3)

    first = None
    for column, batch_size in enumerate(batch_sizes):
        ax = fig.add_subplot(grid[1, column], sharey=first)
        first = first or ax
        paths = sgd_paths(batch_size, runs=runs, tilts=tilts)
        outcome = escapes(paths)
        _mark_levels(ax, (shallow, hump, deep))
        for path in paths[:runs_shown]:
            ax.plot(path, linewidth=0.8, alpha=0.8)
        name = f"full batch ({len(tilts)})" if batch_size is None or batch_size >= len(tilts) \
            else f"batch_size {batch_size}"
        ax.set_title(f"{name}: {outcome['ended_deep']} of {runs} runs\nended in the deep valley", fontsize=10)
        ax.set_xlabel("step")
        if column == 0:
            ax.set_ylabel("θ")
        else:
            ax.tick_params(labelleft=False)
        ax.set_xlim(0, paths.shape[1] - 1)
        ax.grid(alpha=0.3)
    first.set_ylim(-4.4, 3.9)
    levels = [plt.Line2D([], [], color="tab:green", linestyle="--", label="deep valley"),
              plt.Line2D([], [], color="0.5", linestyle=":", label="hump"),
              plt.Line2D([], [], color="tab:orange", linestyle="--", label="shallow dip")]
    first.legend(handles=levels, loc="center right", fontsize=8)
    fig.suptitle(f"From the shallow dip, {DIP_STEPS:,} steps at lr {DIP_LR}: {runs_shown} of the {runs} runs of each "
                 "batch size", fontsize=11)
    fig.tight_layout()
    return fig
