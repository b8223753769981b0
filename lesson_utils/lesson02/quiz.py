"""Lesson 02's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Estimate, Written

QUESTIONS = (
    Choice(
        'True or false: "logits are probabilities, so a logit of 8 means 80 %."',
        options=("true", "false"),
        answer=1,
        explanation=(
            "False. Logits are raw, unbounded scores; only their differences matter (adding a constant to all of "
            "them changes nothing, section 1). Softmax turns them into probabilities that are positive and sum to 1."
        ),
    ),
    Choice(
        "What do `softmax([1000, 1000, 1000])` and the textbook formula give for these logits? Choose, then run "
        "the cell below.",
        options=(
            "both give [1/3, 1/3, 1/3]",
            "softmax gives [1/3, 1/3, 1/3], the textbook formula gives NaN",
            "softmax gives [1, 0, 0], the textbook formula gives NaN",
            "both give NaN",
        ),
        answer=1,
        explanation=(
            "Three equal logits give three equal probabilities, $[1/3, 1/3, 1/3]$. The textbook formula computes "
            "$e^{1000} = \\infty$ three times and $\\infty / \\infty$ = NaN. With the max shift the logits become "
            "$[0, 0, 0]$, and $e^0 / 3 = 1/3$."
        ),
    ),
    Choice(
        "What does a temperature of 0.1 do to the probabilities of the logits $[2.0, 1.0, 0.1]$, and what does a "
        "temperature of 100 do? Choose, then run the cell below.",
        options=(
            "T = 0.1 makes them almost uniform, T = 100 gives almost all the probability to class 0",
            "T = 0.1 gives almost all the probability to class 0, T = 100 makes them almost uniform",
            "nothing: dividing every logit by the same number changes nothing, as adding one does",
        ),
        answer=1,
        explanation=(
            "$T = 0.1$ multiplies the gaps by 10: the logits become $[20, 10, 1]$ and almost all the probability "
            "(0.99995) goes to class 0, nearly the arg max. $T = 100$ shrinks the gaps to a hundredth: the "
            "probabilities are almost uniform, about $[0.337, 0.333, 0.330]$. Dividing is not adding: a constant "
            "added to every logit cancels, but a factor stretches or shrinks the gaps between them."
        ),
    ),
    Choice(
        "Why compute `log_softmax` as $z - \\text{LSE}(z)$ instead of `np.log(softmax(z))`?",
        options=(
            "np.log(softmax(z)) overflows for large logits such as 1000",
            "a probability can underflow to exactly 0, whose log is -inf, though the true log-probability is an "
            "ordinary number",
            "the two give different values even when no probability is tiny",
        ),
        answer=1,
        explanation=(
            "A probability whose logit is more than about 745 below the largest underflows to exactly 0 in "
            "float64, and $\\log 0 = -\\infty$, although the true log-probability is an ordinary number like "
            "$-800$ (section 4). Working in logs never forms that probability, and the max shift inside LSE keeps "
            "it from overflowing. Large logits alone do not break `np.log(softmax(z))`, since your softmax has the "
            "max shift too, and where no probability underflows the two agree to rounding."
        ),
    ),
    Estimate(
        "The model predicts $[0.66, 0.24, 0.10]$ (the worked example). What is the loss if the true class is "
        "class 1, and is the prediction good? Type the loss to two decimals, then run the cell below.",
        answer=1.42,
        tolerance=0.015,
        explanation=(
            "$-\\log p_1$, with $p_1 = 0.2424$ before rounding, is about 1.42: between the 0.42 of class 0 and the "
            "2.3 of class 2. Whether the prediction is good depends only on which class was correct."
        ),
    ),
    Written(
        "Why cross-entropy, not MSE, for classification? Use the gradient you derived.",
        explanation=(
            "Cross-entropy measures surprise, $-\\log p$ of the true class. Through softmax its gradient with "
            "respect to the logits is $p - y$: when the model is confidently wrong ($p_t \\approx 0$) the true class "
            "gets a push of almost $-1$, the largest possible, and the push fades only as the model becomes right. "
            "MSE on probabilities has an extra factor of about $p\\,(1 - p)$ that goes flat exactly where the model "
            "is most wrong (lesson 01), so it learns slowly from its worst mistakes."
        ),
    ),
    Choice(
        "Your gradient for a batch of 32 examples is 32 times too large. What did you forget?",
        options=(
            "the max shift",
            "the 1/n of the mean over the batch",
            "to subtract the one-hot target",
            "to divide by the number of classes",
        ),
        answer=1,
        explanation=(
            "The $1/n$: the loss is the **mean** over the batch, so each row of $p - y$ is divided by $n$. Without "
            "it you have the gradient of the summed loss, and the effective learning rate grows with the batch "
            "size. The other slips do not scale the gradient by 32: without the max shift it turns NaN on huge "
            "logits, without the one-hot it is just the probabilities, and nothing in it is divided by the number "
            "of classes."
        ),
    ),
)
