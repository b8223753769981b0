"""Lesson 01's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Estimate, Written

QUESTIONS = (
    Written(
        "What is a loss function, and why cross-entropy (not MSE) for classification?",
        explanation=(
            "A loss function scores how wrong a prediction is as one number, which training then makes as small "
            "as possible. MSE measures squared distance and suits continuous targets. Cross-entropy measures "
            "surprise, $-\\log$ of the probability given to the true class. Its gradient stays strong exactly "
            "when the model is confidently wrong, where MSE's gradient goes flat (section 4), so classifiers, "
            "language models included, learn faster and more stably with it."
        ),
    ),
    Estimate(
        "The last prediction in the worked example changes from 6.2 to 8.0. Predict the new MSE, then run the "
        "cell below to see it.",
        answer=1.5,
        tolerance=0.005,
        explanation=(
            "The errors become $[0.5, -0.5, 2.0]$ and the squares $[0.25, 0.25, 4.0]$, so the MSE jumps from 0.18 "
            "to $4.5 / 3 = 1.5$. One miss of 2 costs sixteen times a miss of 0.5: squaring punishes big errors far "
            "more than small ones."
        ),
    ),
    Choice(
        "A model gives the true class probability 0.05. Is its loss closer to 0.69 or to 4.6? Choose, then run "
        "the cell below to compute it.",
        options=("0.69", "4.6"),
        answer=1,
        explanation=(
            "$-\\log 0.05 \\approx 3.0$, much closer to 4.6: a probability of 5 % on the truth is a confident wrong "
            "answer."
        ),
    ),
    Choice(
        'True or false: "the loss is the metric I care about."',
        options=("true", "false"),
        answer=1,
        explanation=(
            "False. The loss is a smooth, differentiable stand-in chosen so that gradients exist. Accuracy, F1 or "
            "win-rate are what you actually care about, and they are often not differentiable, so you cannot "
            "descend them directly (section 4)."
        ),
    ),
)
