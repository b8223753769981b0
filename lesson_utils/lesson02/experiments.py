"""Lesson 02's open experiments (see ``lesson_utils.experiments``)."""

from __future__ import annotations

import numpy as np

from ..experiments import Experiment, Outcome, one_number

LOGITS = np.array([2.0, 1.0, 0.1])
"""The worked example."""

LARGEST_EXPONENT = float(np.log(np.finfo(np.float64).max))
"""The largest z with a finite exp(z) in float64, about 709.78."""

OVERFLOW_EDGE = LARGEST_EXPONENT - float(LOGITS.max())
"""The constant above which the worked example's largest logit overflows."""

WITHIN = 0.1
TARGET = 0.9
TARGET_TOLERANCE = 0.005




def _overflow_edge(c) -> Outcome:
    shift = one_number(c)
    if shift is None:
        return Outcome(False, f"c must be one finite number, added to every logit; {c!r} is not.")
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        e = np.exp(LOGITS + shift)
        probs = e / e.sum()
    top = LOGITS.max() + shift
    if np.all(np.isfinite(probs)):
        return Outcome(False, f"With c = {shift:g} the largest logit is {top:g}, and its exponential is still "
                              "finite, so the textbook formula still works: raise c.")
    if shift < 0:
        return Outcome(False, f"With c = {shift:g} every exponential underflows to 0 and 0 / 0 is NaN: that breaks "
                              "it too, from below. This experiment is about overflow: try a positive c.")
    if shift > OVERFLOW_EDGE + WITHIN:
        return Outcome(False, f"With c = {shift:g} the largest logit, {top:g}, overflows and the textbook formula "
                              "gives NaN, but so does a smaller c: how far down can you go and still break it?")
    return Outcome(True, f"With c = {shift:g} the largest logit is {top:g}, past the largest finite exponent, "
                         f"{LARGEST_EXPONENT:.2f}: its exponential is inf and inf / inf is NaN.")


def _sharpen_to_90(T) -> Outcome:
    temperature = one_number(T)
    if temperature is None or temperature <= 0:
        return Outcome(False, f"A temperature is a positive number; {T!r} is not.")
    z = LOGITS / temperature
    e = np.exp(z - z.max())
    top = float(e[0] / e.sum())
    if abs(top - TARGET) <= TARGET_TOLERANCE:
        return Outcome(True, f"At T = {temperature:g}, class 0 gets probability {top:.4f}.")
    way = "sharper, so lower T" if top < TARGET else "flatter, so raise T"
    return Outcome(False, f"At T = {temperature:g}, class 0 gets probability {top:.4f}, not {TARGET}: the "
                          f"distribution must be {way}.")


EXPERIMENTS = (
    Experiment(
        "overflow_edge",
        title="where the textbook formula breaks",
        prompt="Add one constant `c` to every logit of the worked example. How large must `c` be for the "
               "textbook formula to give NaN? Predict it from the largest exponent a float64 can take, then find "
               "the smallest such `c` to within 0.1.",
        look_for="only the largest logit, 2.0, matters: $e^{2 + c}$ overflows once $2 + c > 709.78$, so from "
                 "$c \\approx 707.78$ on the textbook formula gives NaN, while your softmax gives "
                 "$[0.659, 0.2424, 0.0986]$ for every $c$. The textbook formula is fine for logits of a few "
                 "hundred; one logit past 709.78 turns it, and any loss built on it, into NaN.",
        judge=_overflow_edge,
    ),
    Experiment(
        "sharpen_to_90",
        title="a temperature for 90 %",
        prompt="Find a temperature `T` at which class 0 of the worked example gets probability $0.9$, give or "
               "take $0.005$. Decide from the table above which way to move `T` from 1 before you try.",
        look_for="$T \\approx 0.43$: class 0 needs more than its 0.659 at $T = 1$, so the distribution must get "
                 "sharper, and that takes a temperature below 1. Between the table's 0.25 (0.982) and 0.5 (0.864) "
                 "lies the one you found: the probability moves smoothly with $T$, so you can home in on any "
                 "target.",
        judge=_sharpen_to_90,
    ),
    Experiment(
        "confident_push",
        title="the push on a confident mistake",
        prompt="Compute `softmax_cross_entropy_grad` for the logits $[0, 10, 0]$ and for $[10, 0, 0]$, with true "
               "class 0 in both. In which is the model confidently wrong, and how hard is the true class's logit "
               "pushed in each? Write what you found in the box.",
        look_for="$[0, 10, 0]$ is the confident mistake: the true class has probability $4.5 \\times 10^{-5}$, its "
                 "logit gets a gradient of about $-0.99995$ (pushed up almost as hard as possible) and class 1's "
                 "about $+0.9999$. For the confident right answer $[10, 0, 0]$ the true class's gradient is only "
                 "about $-9.1 \\times 10^{-5}$, some 11,000 times smaller: cross-entropy pushes hardest exactly "
                 "where the model is most wrong.",
    ),
)
