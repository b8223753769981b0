"""Lesson 04's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Written

QUESTIONS = (
    Written(
        "What do batch size, step and epoch mean, and why use minibatches?",
        explanation=(
            "Batch size is the number of examples per gradient estimate; a step is one update on one batch; an "
            "epoch is one full pass over the data, $\\lceil n / \\text{batch size} \\rceil$ steps. Minibatches make "
            "each step cheap, so you take many steps per pass instead of one, and their gradient noise acts as a "
            "mild regulariser that helps escape poor spots (sections 1, 3 and 4)."
        ),
    ),
    Choice(
        "How many updates are 10 epochs over 50,000 examples with batch size 32? Work it out, then run the cell "
        "below.",
        options=("1,563", "15,620", "15,625", "15,630"),
        answer=3,
        explanation=(
            "$50{,}000 / 32 = 1562.5$, rounded up to 1,563 steps per epoch (the last batch holds 16 examples), so "
            "15,630 updates. 15,625 forgets that a count of steps is a whole number, 15,620 drops the last, "
            "smaller batch of every epoch, and 1,563 is a single epoch."
        ),
    ),
    Choice(
        'True or false: "an epoch is a step".',
        options=("true", "false"),
        answer=1,
        explanation=(
            "False. A step is one update on one batch; an epoch is a full pass over the data, usually thousands of "
            "steps (3,907 for a million examples at batch size 256)."
        ),
    ),
    Choice(
        'True or false: "SGD uses one example at a time".',
        options=("true", "false"),
        answer=1,
        explanation=(
            'False in practice: "SGD" today means minibatch SGD, a small random batch per step. Batch size 1 is '
            "the extreme case, with the noisiest gradients (section 4)."
        ),
    ),
    Choice(
        "Your `iterate_minibatches` creates `np.random.default_rng(0)` inside and shuffles with it. What goes wrong "
        "in training?",
        options=(
            "nothing: the order is still random",
            "every epoch gets the same order, so the batches never change",
            "the rows of X and the entries of y lose their pairing",
            "the run can no longer be repeated",
        ),
        answer=1,
        explanation=(
            "Every epoch gets the same order, so the same examples always share a batch and the batches never "
            "change. Draw from the `rng` you are passed, which moves on after each epoch, so every epoch is a new "
            "shuffle; seeding that one generator once outside keeps the whole run repeatable. The pairs stay "
            "together either way, as long as X and y are indexed with the same positions."
        ),
    ),
    Choice(
        "Why is LLM pretraining described in steps or tokens rather than epochs?",
        options=(
            "text cannot be shuffled, so there are no epochs",
            "the data set is so large that the model sees most of it about once",
            "each step of an LLM takes the whole data set as its batch",
        ),
        answer=1,
        explanation=(
            "The data set is so large that the model sees most of it roughly once: training is well under a few "
            "epochs, so the count of updates (steps) or of tokens processed is the meaningful measure."
        ),
    ),
    Choice(
        'True or false: "more epochs always help".',
        options=("true", "false"),
        answer=1,
        explanation=(
            "False. Past some point the model starts memorising the training set (overfitting) and its loss on new "
            "data gets worse. You watch a validation loss, not the training loss, to decide when to stop "
            "(lesson 07)."
        ),
    ),
    Choice(
        "Two linear layers with no ReLU between them, `(X @ W1 + b1) @ W2 + b2`, can fit ...",
        options=(
            "only what a single linear layer can: a straight line (a flat plane, with more inputs)",
            "any curve, if the hidden layer is wide enough",
            "piecewise-linear curves, with one kink per hidden unit",
            "curves of degree 2, since the weights of the two layers are multiplied together",
        ),
        answer=0,
        explanation=(
            "Only a straight line: $(X W_1 + b_1) W_2 + b_2 = X (W_1 W_2) + (b_1 W_2 + b_2)$, a single linear layer "
            "with $W = W_1 W_2$ and $b = b_1 W_2 + b_2$, however wide the hidden layer. Multiplying the weights "
            "together gives new weights, not a higher power of $X$; the kinks come from a ReLU between the layers "
            "(section 5)."
        ),
    ),
    Choice(
        "A minibatch of 32 examples with 2 features goes through an MLP with a hidden layer of 64 ReLUs and 3 "
        "classes. What is the shape of `h`, the output of the ReLU?",
        options=("(32, 2)", "(32, 64)", "(64, 3)", "(32, 3)"),
        answer=1,
        explanation=(
            "`z1 = X @ W1 + b1` is `(32, 2) @ (2, 64)` plus a bias of shape `(64,)`, so `(32, 64)`, and the ReLU "
            "keeps the shape: one row per example, one column per hidden unit. `(32, 3)` is the shape of the "
            "logits, after the second layer; `(64, 3)` is the shape of `W2`; `(32, 2)` is the batch itself."
        ),
    ),
)
