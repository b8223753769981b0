"""Lesson 03's ball on a curve: gradient descent on a loss of one number, one step at a time.

A ``Curve`` is a loss of one parameter ``x`` with its slope. ``roll`` takes the steps and names each one
(descending, crawling, overshooting, diverged, settled); ``plot_rolls`` and ``plot_starts`` draw runs;
``ball_widget`` lets the learner press "step" and drag the learning rate.

NumPy only at import time; matplotlib and ipywidgets are imported inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Curve:
    """A loss of one number: ``loss(x)``, its ``slope(x)`` and the part of the x-axis drawn."""

    name: str
    loss: Callable[[float], float]
    slope: Callable[[float], float]
    x_range: tuple[float, float]
    landmarks: tuple[tuple[float, str], ...] = ()
    """Places worth a word on the picture: (x, word)."""

    def curvature(self, x: float) -> float:
        """How fast the slope changes at ``x`` (a centred difference of the slope)."""
        h = 1e-5
        return (self.slope(x + h) - self.slope(x - h)) / (2 * h)


def _bowl_loss(x):
    return (x - 1.0) ** 2


def _bowl_slope(x):
    return 2.0 * (x - 1.0)


BOWL = Curve("the bowl (x - 1)²", _bowl_loss, _bowl_slope, x_range=(-2.5, 4.5), landmarks=((1.0, "minimum"),))
"""One valley, at x = 1. Its slope is 2 (x - 1), so a step multiplies the distance to the bottom by 1 - 2 lr."""


def _bump(x, centre, width):
    return np.exp(-((x - centre) ** 2) / width)


def _hills_loss(x):
    return 2.0 - 1.2 * _bump(x, 3.0, 0.6) - 0.45 * _bump(x, 0.2, 0.25) + 0.004 * (x - 3.0) ** 2


def _hills_slope(x):
    return (1.2 * _bump(x, 3.0, 0.6) * 2.0 * (x - 3.0) / 0.6 + 0.45 * _bump(x, 0.2, 0.25) * 2.0 * (x - 0.2) / 0.25
            + 0.008 * (x - 3.0))


HILLS = Curve("the hills", _hills_loss, _hills_slope, x_range=(-4.0, 5.5),
              landmarks=((-2.0, "plateau"), (0.206, "a dip"), (3.0, "the deepest valley")))
"""A loss that is not a bowl: a long, almost flat plateau on the left, a dip near x = 0.2, and the deepest valley
at x = 3 (loss 0.8)."""

START = -1.6
"""Where the ball starts on the bowl."""

SETTLED = 1e-3
"""A slope smaller than this (in size) counts as the bottom of a valley."""
CRAWL = 0.05
"""A step that covers less than this fraction of the way to the bottom of its valley is crawling. Near a bottom the
curve is close to a parabola, whose bottom is slope / curvature away, so the fraction is lr * curvature."""

STATUS = {
    "start": "Press step: the ball moves against the slope, by the learning rate times the slope.",
    "descending": "Descending: following the negative slope downhill. Keep stepping.",
    "crawling": "Crawling: each step covers less than a twentieth of the way to the bottom. Raise the learning rate.",
    "overshooting": "Overshooting: the step jumped past the bottom to the other side, but the loss still fell. "
                    "The ball zig-zags in.",
    "climbing": "Overshooting: the step jumped past the bottom and landed no lower than it started. "
                "Lower the learning rate, or the ball flies off.",
    "diverged": "Diverged: the ball has flown off the curve and every step throws it further. "
                "Lower the learning rate and press reset.",
    "settled": "Settled: the slope is almost zero, so the steps are almost zero too. This is the bottom of a valley.",
}
"""The status line under the picture, by the name of the last step (``"start"`` before the first)."""
STATUS_WORDS = {name: sentence.split(":")[0].lower() for name, sentence in STATUS.items()}
"""The one word for each status: ``"climbing"`` is overshooting too."""


@dataclass(frozen=True)
class Position:
    """Where the ball is after ``step`` steps, and the name of the step that brought it there."""

    step: int
    x: float
    loss: float
    slope: float
    status: str


def _off_curve(curve: Curve, x: float, loss: float) -> bool:
    low, high = curve.x_range
    return not (np.isfinite(loss) and low <= x <= high)


def name_step(curve: Curve, before: Position, lr: float, x: float, loss: float, slope: float) -> str:
    """What the step at ``lr`` from ``before`` to ``x`` did: one key of ``STATUS``."""
    if before.status == "diverged" or _off_curve(curve, x, loss):
        return "diverged"
    if abs(slope) < SETTLED:
        return "settled"
    if np.sign(slope) != np.sign(before.slope):
        return "overshooting" if loss < before.loss else "climbing"
    if 0.0 <= lr * curve.curvature(before.x) < CRAWL:
        return "crawling"
    return "descending"


def _position(curve: Curve, step: int, x: float, status: str) -> Position:
    x = np.float64(x)  # a NumPy number overflows to inf, as a training run's numbers do (a Python float raises)
    with np.errstate(all="ignore"):
        return Position(step, float(x), float(curve.loss(x)), float(curve.slope(x)), status)


def take_step(curve: Curve, before: Position, lr: float) -> Position:
    """One step of gradient descent from ``before``: x <- x - lr * slope(x), named."""
    with np.errstate(all="ignore"):
        x = np.float64(before.x) - lr * np.float64(before.slope)
    after = _position(curve, before.step + 1, x, "")
    return replace(after, status=name_step(curve, before, lr, after.x, after.loss, after.slope))


def roll(curve: Curve = BOWL, start: float = START, lr: float = 0.1, num_steps: int = 20) -> list[Position]:
    """The ball's positions from ``start``: ``num_steps + 1`` of them, the first with status ``"start"``."""
    positions = [_position(curve, 0, start, "start")]
    for _ in range(num_steps):
        positions.append(take_step(curve, positions[-1], lr))
    return positions


def summary(positions: list[Position]) -> str:
    """The words a run went through, in order, each once per stretch: 'descending -> settled'."""
    words: list[str] = []
    for position in positions[1:]:
        word = STATUS_WORDS[position.status]
        if not words or words[-1] != word:
            words.append(word)
    return " -> ".join(words)


def status_line(position: Position) -> str:
    """The numbers under the picture: the step, the ball's x, its loss and the slope there."""
    x, loss, slope = (round(value, 3) + 0.0 for value in (position.x, position.loss, position.slope))  # no "-0.000"
    return f"step {position.step}   x {x:.3f}   loss {loss:.3f}   slope {slope:.3f}"


def _draw_curve(ax, curve: Curve, losses_shown=()) -> float:
    """The curve, its landmarks, the axes' limits (room for every loss in ``losses_shown``); returns a margin in
    loss units for placing text."""
    low, high = curve.x_range
    xs = np.linspace(low, high, 400)
    ax.plot(xs, curve.loss(xs), color="black", linewidth=1.5)
    top = max([float(np.max(curve.loss(xs))), *losses_shown])
    bottom = float(np.min(curve.loss(xs)))
    margin = 0.08 * (top - bottom)
    ax.set_xlim(low, high)
    ax.set_ylim(bottom - 2 * margin, top + 2 * margin)
    for x, word in curve.landmarks:
        ax.annotate(word, (x, float(curve.loss(x))), textcoords="offset points", xytext=(0, -16), ha="center",
                    fontsize=8, color="dimgray")
    ax.set_xlabel("x (the one parameter)")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    return margin


def _draw(ax, curve: Curve, positions: list[Position], lr: float | None = None, title: str | None = None) -> None:
    """The curve, the ball's past positions (faded), where it is now, and (given ``lr``) where the next step lands."""
    on_curve = [p for p in positions if not _off_curve(curve, p.x, p.loss)]
    margin = _draw_curve(ax, curve, [p.loss for p in on_curve])
    if len(on_curve) > 1:
        ax.plot([p.x for p in on_curve], [p.loss for p in on_curve], "-o", color="tab:red", alpha=0.35,
                markersize=4, linewidth=1)
    now = positions[-1]
    if on_curve and on_curve[-1] is now:
        ax.plot(now.x, now.loss, "o", color="tab:red", markersize=12, markeredgecolor="black", zorder=5,
                linestyle="none", label=f"the ball, step {now.step}")
        if lr is not None and now.status != "diverged":
            with np.errstate(all="ignore"):
                landing = now.x - lr * now.slope
                landing_loss = float(curve.loss(landing))
            if not _off_curve(curve, landing, landing_loss):
                ax.plot(landing, landing_loss, "o", markersize=12, markerfacecolor="none", markeredgecolor="tab:blue",
                        linestyle="none", zorder=4, label="where the next step lands")
                ax.annotate("", xy=(landing, landing_loss), xytext=(now.x, now.loss),
                            arrowprops={"arrowstyle": "->", "linestyle": "--", "color": "tab:blue"})
            else:
                ax.text(now.x, now.loss + margin, "the next step leaves the curve", color="tab:blue", ha="center",
                        fontsize=8)
    else:
        ax.text(0.5, 0.95, "the ball is off the curve", transform=ax.transAxes, ha="center", va="top",
                color="tab:red", bbox={"facecolor": "white", "edgecolor": "tab:red", "alpha": 0.9})
    if lr is not None and ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=10)


def plot_rolls(lrs=(0.02, 0.3, 0.8, 1.05), curve: Curve = BOWL, start: float = START, num_steps: int = 12) -> None:
    """Small multiples: the same start at several learning rates, side by side (the widget's pictures, fixed)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(lrs), figsize=(3.6 * len(lrs), 3.4), sharey=True)
    for ax, lr in zip(np.atleast_1d(axes), lrs, strict=True):
        positions = roll(curve, start, lr, num_steps)
        _draw(ax, curve, positions, title=f"lr {lr:g}:\n{summary(positions)}")
        if ax is not np.atleast_1d(axes)[0]:
            ax.set_ylabel("")
    fig.suptitle(f"{num_steps} steps from x = {start:g} on {curve.name}")
    fig.tight_layout()
    plt.show()


def plot_starts(starts, curve: Curve = HILLS, lr: float = 0.1, num_steps: int = 100, ax=None):
    """Several runs on one curve, one colour per start: where each began (a square) and where it ended (a dot)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    _draw_curve(ax, curve)
    colours = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown"]
    for start, colour in zip(starts, colours, strict=False):
        positions = roll(curve, start, lr, num_steps)
        ax.plot([p.x for p in positions], [p.loss for p in positions], "-", color=colour, alpha=0.5, linewidth=1)
        ax.plot(start, positions[0].loss, "s", color=colour, markeredgecolor="black", markersize=7)
        end = positions[-1]
        ax.plot(end.x, end.loss, "o", color=colour, markeredgecolor="black", markersize=11, zorder=5,
                label=f"from x = {start:g}: ends at x = {end.x:.2f}, loss {end.loss:.3f}")
    ax.set_title(f"{curve.name}: lr {lr:g}, {num_steps} steps from {len(starts)} starts (square: start, dot: end)",
                 fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, framealpha=0.9)
    ax.figure.tight_layout()
    return ax


class Ball:
    """The widget's state: the curve, where the ball started, and every position since."""

    def __init__(self, curve: Curve = BOWL, start: float = START):
        self.curve, self.start = curve, start
        self.reset()

    def reset(self) -> None:
        self.positions = [_position(self.curve, 0, self.start, "start")]

    def step(self, lr: float) -> Position:
        self.positions.append(take_step(self.curve, self.positions[-1], lr))
        return self.positions[-1]

    def show(self, lr: float) -> None:
        """Draw the ball now, with the next step at ``lr`` dashed, and print the status line below."""
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.8))
        _draw(ax, self.curve, self.positions, lr=lr, title=f"{self.curve.name}, lr = {lr:.3g}")
        fig.tight_layout()
        plt.show()
        now = self.positions[-1]
        print(status_line(now))
        print(STATUS[now.status])


def ball_widget(curve: Curve = BOWL, start: float = START, lr: float = 0.1):
    """A learning-rate slider, a step button and a reset button over the ball on ``curve``."""
    import ipywidgets as widgets

    ball = Ball(curve, start)
    slider = widgets.FloatLogSlider(value=lr, base=10, min=-2.5, max=0.2, step=0.01, description="lr",
                                    continuous_update=False, readout_format=".3f")
    ui = widgets.interactive(ball.show, lr=slider)
    step_button = widgets.Button(description="step", button_style="primary", icon="forward")
    reset_button = widgets.Button(description="reset", icon="undo")

    def on_step(_):
        ball.step(slider.value)
        ui.update()

    def on_reset(_):
        ball.reset()
        ui.update()

    step_button.on_click(on_step)
    reset_button.on_click(on_reset)
    ui.children = (slider, widgets.HBox([step_button, reset_button]), ui.out)
    ui.ball = ball  # the state the buttons change, for whoever wants to read it
    return ui
