"""Lesson 07's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Written

QUESTIONS = (
    Choice(
        '"More epochs always help." True or false, and what do you watch instead?',
        options=(
            "True: the training loss keeps falling, so the model keeps getting better.",
            "False: watch the training loss, and stop once it stops falling.",
            "False: watch the validation loss.",
        ),
        answer=2,
        explanation=(
            "False. Past a point the model starts memorising its training set and its performance on held-out data "
            "degrades (section 4: the validation loss rose from 0.104 at epoch 1,257 to about 0.77 at epoch "
            "20,000 while the training loss kept falling). You watch the validation loss, not the training loss: "
            "the training loss was still falling when the model had long been getting worse."
        ),
    ),
    Written(
        "Describe the two curves of an overfitting run, and say where overfitting shows.",
        explanation=(
            "Training loss keeps falling; validation loss falls, then rises as the model memorises. The gap between "
            "them is overfitting, and it grows from the validation minimum on. You stop at the validation minimum: "
            "early stopping."
        ),
    ),
    Written(
        "Why must no validation row be in the training part, and why shuffle before cutting?",
        explanation=(
            "The validation loss is meant to estimate the loss on unseen data; a row the model trained on is not "
            "unseen, so a leak makes the estimate too optimistic. Shuffling makes the two parts alike: cutting "
            "sorted data (by time, class or $x$) would validate on a different kind of example than the model "
            "trained on."
        ),
    ),
    Choice(
        "Your `EarlyStopping` keeps `self.best_params = params`. What does `restore()` hand back after training?",
        options=(
            "The weights of the best epoch, as it should.",
            "The weights of the latest step: the overfitted ones.",
            "The weights of the first epoch.",
        ),
        answer=1,
        explanation=(
            "That keeps a second name for the params, not a copy. Training changes the arrays in place after every "
            'step, so the "best" params become the latest ones and `restore()` returns the overfitted weights. The '
            "check, like the loop in section 6, changes the arrays in place between calls, so it sees the stored "
            "params change. Use `copy.deepcopy(params)`."
        ),
    ),
    Choice(
        "With `min_delta = 0.25` and a best loss of 2.0, which of 1.8, 1.75 and 1.7 count as improvements?",
        options=("all three", "1.75 and 1.7", "only 1.7", "none of them"),
        answer=2,
        explanation=(
            "Only 1.7: an improvement must be strictly below 2.0 − 0.25 = 1.75. 1.8 improves by less than "
            "min_delta and 1.75 by exactly min_delta; neither counts."
        ),
    ),
    Choice(
        "Your training loss is 0.02 and falling. Is the model good?",
        options=("yes", "no", "you cannot tell from that"),
        answer=2,
        explanation=(
            "You cannot tell from that. The loss you optimise is a proxy measured on data the model was fitted to; "
            "the degree-15 polynomial of section 3 had a tiny training loss and a huge validation loss. Judge a "
            "model on held-out data, with the metric you actually care about (which is why evaluations exist)."
        ),
    ),
    Written(
        "What is regularisation? Name three things in this course that act as one.",
        explanation=(
            "Anything that fights overfitting, i.e. memorising the training data instead of learning the pattern. "
            "Early stopping, less capacity (a lower degree), and the noise of minibatch SGD; weight decay and more "
            "data are two more."
        ),
    ),
)
