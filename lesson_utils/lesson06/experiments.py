"""Lesson 06's open experiments (see ``lesson_utils.experiments``).

The judges work from the lesson's two problems in closed form: momentum on the valley is a linear recurrence
whose growth per step is the largest root of its characteristic polynomial, and Adam + L2 settles each weight of
the pull problem at the minimum of the penalised loss. Neither runs an optimizer.
"""

from __future__ import annotations

import numpy as np

from ..experiments import Experiment, Outcome, one_number

VALLEY_CURVATURE = (0.2, 10.0)
"""Section 1's valley, L = (0.2 w1**2 + 10 w2**2) / 2."""
MOMENTUM = 0.9
LIMIT = 2 * (1 + MOMENTUM) / max(VALLEY_CURVATURE)
"""The largest learning rate at which momentum 0.9 settles on the valley: 0.38."""

PULL_CURVATURE = (100.0, 0.01)
"""Section 5's two weights, pulled towards 1 strongly and weakly."""




def growth_per_step(lr: float, momentum: float = MOMENTUM) -> float:
    """How much momentum's distance to the valley's minimum grows (above 1) or shrinks (below 1) per step in the
    long run: along each axis the parameter follows w' = (1 + momentum - lr c) w - momentum w_before."""
    return max(float(np.max(np.abs(np.roots([1.0, -(1 + momentum - lr * c), momentum]))))
               for c in VALLEY_CURVATURE)


def _momentum_limit(lr) -> Outcome:
    rate = one_number(lr)
    if rate is None:
        return Outcome(False, f"Give the learning rate as one finite number (you gave {lr!r}).")
    if rate <= 0:
        return Outcome(False, f"A learning rate is a positive number; {rate:g} is not.")
    growth = growth_per_step(rate)
    if abs(growth - 1) < 1e-9:
        return Outcome(False, f"At lr {rate:g} momentum's swings across the valley neither grow nor shrink, so it "
                              "never settles: try a little smaller.")
    if growth > 1:
        return Outcome(False, f"At lr {rate:g} momentum 0.9 diverges on the valley: its swings grow by a factor "
                              f"{growth:.2f} per step. Try a smaller lr.")
    if rate < round(LIMIT - 0.01, 2):
        return Outcome(False, f"At lr {rate:g} momentum 0.9 still settles on the valley (it closes in by a factor "
                              f"{growth:.2f} per step): a larger lr may settle too.")
    return Outcome(True, f"At lr {rate:g} momentum 0.9 still settles on the valley (it closes in by a factor "
                         f"{growth:.2f} per step), and 0.01 more would not.")


def l2_minimum(weight_decay: float) -> np.ndarray:
    """Where Adam + L2 settles the two weights: the minimum of the loss plus weight_decay / 2 |w|^2, c / (c + wd)."""
    curvature = np.asarray(PULL_CURVATURE)
    return curvature / (curvature + weight_decay)


def _l2_half(weight_decay) -> Outcome:
    decay = one_number(weight_decay)
    if decay is None:
        return Outcome(False, f"Give weight_decay as one finite number (you gave {weight_decay!r}).")
    if decay < 0:
        return Outcome(False, f"A weight decay is 0 or more; {decay:g} is not.")
    w1, w2 = l2_minimum(decay)
    if abs(w2 - 0.5) <= 0.005:
        return Outcome(True, f"With weight_decay {decay:g}, Adam + L2 settles w2 at {w2:.3f}, halfway to its own "
                             f"minimum, and w1 at {w1:.4f}.")
    if w2 > 0.5:
        return Outcome(False, f"With weight_decay {decay:g}, Adam + L2 settles w2 at {w2:.3f}, above 0.5: a "
                              "stronger decay would drag it lower.")
    return Outcome(False, f"With weight_decay {decay:g}, Adam + L2 settles w2 at {w2:.3f}, below 0.5: a weaker "
                          "decay would leave it higher.")


EXPERIMENTS = (
    Experiment(
        "momentum_limit",
        title="momentum's largest learning rate",
        prompt="Plain SGD diverges on the valley above lr 0.2. Find the largest learning rate, to two decimals, at "
               "which momentum 0.9 still settles: set `lr_try` below, run the cell, and change it until the check "
               "agrees.",
        look_for="momentum's limit on the valley is $2(1 + \\mu)/10 = 0.38$, $1 + \\mu = 1.9$ times plain SGD's "
                 "0.2: the velocity's swings across the valley partly cancel, so a larger rate stays stable. Below "
                 "the limit the swings shrink by the same factor $\\sqrt{0.9} \\approx 0.95$ per step at every rate "
                 "from 0.001 to 0.379 (after 300 steps the loss is 4.1e-14 at 0.3 and 1.4e-12 at 0.37): the "
                 "momentum, not the rate, sets how fast they die out.",
        judge=_momentum_limit,
    ),
    Experiment(
        "adam_loses",
        title="a race Adam loses",
        prompt="Make Adam lose to tuned momentum: change the problem the tuned race runs on (the valley's "
               "`CURVATURE` or the `START`), run the race again and compare the best losses. What did you change, "
               "and why does it take Adam's lead away? (Set `CURVATURE` and `START` back afterwards.)",
        look_for="Adam's lead on the valley comes from its step size for each parameter, which evens out the two "
                 "curvatures. Take the difference away and tuned momentum pulls ahead: on a round bowl, "
                 "`CURVATURE = np.array([0.2, 0.2])`, momentum's best loss after 300 steps is 6.6e-17 against "
                 "Adam's 1.7e-14, both at lr 0.3 (after 60 steps 3.5e-06 against 4.3e-05). On a round bowl the "
                 "gradient already points straight at the minimum, and momentum follows it. Adam's first steps "
                 "move each coordinate by about $\\eta$ (from (-4, 1) to (-3.7, 0.7) at lr 0.3), off that straight "
                 "line, and it has to come back.",
    ),
    Experiment(
        "l2_half",
        title="halve the weakly held weight",
        prompt="With Adam + L2 the weakly held $w_2$ ends at 0.09. Find the `weight_decay` that leaves it at 0.5, "
               "halfway to its own minimum of 1, and run the cell. Before you try: what will that do to $w_1$?",
        look_for="Adam + L2 settles each weight at $c/(c + \\lambda)$, so $w_2$ is halved when the decay equals its "
                 "curvature, weight_decay 0.01. $w_1$, held 10,000 times more strongly, hardly moves (0.9999). "
                 "AdamW with the same 0.01 leaves both at 0.9998: how hard its decay pulls does not depend on how "
                 "strongly the loss holds a weight.",
        judge=_l2_half,
    ),
)
