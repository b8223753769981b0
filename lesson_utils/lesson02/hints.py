"""The hint ladders of lesson 02's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

SOFTMAX = Ladder(
    "softmax",
    rungs=(
        "Work the worked example by hand first: logits [2.0, 1.0, 0.1]. What are the three exponentials, what "
        "is their sum, and what do you get when you divide each by it? Now add 1000 to every logit: should the "
        "probabilities change, and what does np.exp(1000.0) give?",
        "Per row, in this order: find the row's largest logit, subtract it from every logit of that row (the "
        "probabilities do not change, and the largest exponential becomes exactly 1), exponentiate, then divide "
        "by the row's sum of exponentials. Rows are examples, so the max and the sum go over the last axis, "
        "keeping that axis so they broadcast for a vector and a batch alike. Make a float array of the input "
        "first (it may be a list, integers or float32), and build a new array rather than subtracting in place, "
        "so logits is left as it was. The result has the shape of logits.",
        "A skeleton to fill in:\n"
        "    z = np.asarray(____, dtype=float)\n"
        "    m = np.max(z, axis=____, keepdims=____)   # each row's largest logit\n"
        "    e = np.exp(____)\n"
        "    return e / ____",
    ),
    for_mistake=MappingProxyType({
        "no_max_shift": "Try your function on [1000.0, 1001.0] and on [0.0, 1.0]: the logits differ only by a "
                        "constant, so the answers should agree. What does np.exp(1000.0) give, and which constant "
                        "could you take away from every logit so that nothing that large is ever exponentiated?",
        "wrong_axis": "Run your function on a batch of 2 examples x 3 classes and print its .sum(axis=1) and its "
                      ".sum(axis=0). Each row is one example: which of the two should be all ones?",
        "sum_over_whole_batch": "Give your function the worked example twice, as a batch of two rows: each row "
                                "should come out as [0.66, 0.24, 0.10]. What do you get, and what does your "
                                "denominator add up?",
        "global_max_shift": "Try the batch [[1000.0, 1001.0], [-1000.0, -1001.0]]: the second row should come out "
                            "as [0.73, 0.27]. After your shift, what is the second row's largest logit, and what "
                            "is np.exp of it?",
        "no_exp": "Try the logits [1.0, -2.0]: can a probability be negative, or bigger than 1? What does the "
                  "formula do to every logit before it divides, that makes every term positive?",
    }),
)

LOG_SOFTMAX = Ladder(
    "log_softmax",
    rungs=(
        "Take the logits [0.0, -800.0]: the second probability is e^-800 divided by about 1, tiny but not 0, "
        "so its log is simply about -800. What does np.log(softmax(...)) give, and why? On paper, what does "
        "log(e^z_k / sum_j e^z_j) simplify to?",
        "Never form a probability. Per row: find the largest logit m and shift the row by it (every shifted "
        "logit is at most 0, and the largest is exactly 0); the log-probabilities are the shifted logits minus "
        "the log of the sum of their exponentials. That sum lies between 1 and the number of classes, so its "
        "log is always safe. The max and the sum go over the last axis with keepdims=True; make a float array "
        "of the input first, build new arrays rather than changing logits, and return the shape of logits.",
        "A skeleton to fill in:\n"
        "    z = np.asarray(____, dtype=float)\n"
        "    shifted = z - ____   # each row moved down by its own max\n"
        "    return shifted - np.log(____)",
    ),
    for_mistake=MappingProxyType({
        "log_of_softmax": "The exact answer for [0.0, -800.0] is [0.0, -800.0] to many digits. What does your "
                          "function give for the second entry, and at which step did that number get lost?",
        "no_max_shift": "Try [1000.0, 1001.0]: the answer should equal log_softmax([0.0, 1.0]) = [-1.31, -0.31]. "
                        "Print the sum of exponentials your code forms on the way: what is it?",
        "log_of_naive_softmax": "Try [1000.0, 1001.0] and then [0.0, -800.0]: which step gives inf, or 0, before "
                                "any log is taken? Could you reach log p without ever forming p?",
        "max_not_added_back": "For [1000.0, 1001.0] the answer should be [-1.31, -0.31], like for [0.0, 1.0]. "
                              "How far off is yours, and what is that number? Follow the row's max m through your "
                              "code: where is it taken away, and where should it show up again?",
        "wrong_axis": "Run it on a batch of 2 examples x 3 classes and exponentiate the result: what should sum "
                      "to 1, each row or each column? Which does?",
    }),
)

CROSS_ENTROPY_FROM_LOGITS = Ladder(
    "cross_entropy_from_logits",
    rungs=(
        "Only the true class's log-probability matters. For the worked example [2.0, 1.0, 0.1], what is the loss "
        "when the true class is 0 (p = 0.66), and when it is 2 (p = 0.10)? And if the true class's logit sits "
        "1000 below the largest, roughly how big should the loss be, and could a probability hold that?",
        "Work with log-probabilities throughout: your log_softmax gives one for every class, finite for any "
        "logits. A single example (1-D logits and one int) is a batch of one, so bring both into batch form; "
        "then pick, in each row, the log-probability at that row's target, change its sign, and average over "
        "the examples. Return one plain float. No clipping is needed, and no log of a probability.",
        "A skeleton to fill in:\n"
        "    log_probs = np.atleast_2d(____)\n"
        "    targets = np.atleast_1d(____)\n"
        "    picked = log_probs[np.arange(____), ____]   # one entry per row: its target's\n"
        "    return float(____)",
    ),
    for_mistake=MappingProxyType({
        "no_max_shift": "Try logits [[1000.0, 1001.0]] with target [0]: the loss should be the same as for "
                        "[[0.0, 1.0]], about 1.31. What does your function give, and what is np.exp(1000.0)?",
        "log_of_softmax": "Try logits [0.0, -1000.0, 5.0] with true class 1: the loss should be about 1005. What "
                          "probability does your code form for class 1 on the way, and what is -log of it?",
        "clipped_softmax": "Try true class 1 with logits [0.0, -1000.0, 5.0], then [0.0, -2000.0, 5.0]: the second "
                           "model is far more wrong, so should its loss be bigger? Can your loss ever go past "
                           "about 27.6, and what in your code sets that ceiling?",
        "sum_not_mean": "Pass the worked example twice as a batch, with targets [0, 0]: the model is exactly as "
                        "good as with one example. Should the loss double? What turns the per-example losses "
                        "into one number that does not grow with the batch?",
        "most_likely_class": "Change the worked example's target from 0 to 2: the loss should rise from 0.42 to "
                             "about 2.3. Does yours change at all? Where does your code use targets?",
        "missing_minus": "Is your loss for the worked example with true class 0 positive or negative? log p is "
                         "below 0 for every p under 1: what must happen to it so that a worse answer costs more?",
    }),
)

SOFTMAX_CROSS_ENTROPY_GRAD = Ladder(
    "softmax_cross_entropy_grad",
    rungs=(
        "For one example the gradient is the probabilities minus the one-hot target. In the worked example with "
        "true class 0, probs = [0.66, 0.24, 0.10]: what is the gradient, and which entry is negative? Now make a "
        "batch of that example twice: the loss is a mean over 2 examples, so what happens to each row?",
        "Compute the probabilities with the max shift (your softmax does it) in batch form, so a single vector "
        "becomes one row. Build a one-hot table of the same shape: zeros, with a 1 in each row at that row's "
        "target. Subtract it from the probabilities and divide by n, the number of examples (rows), not of "
        "classes. Reshape back to the shape of logits, (k,) for a single vector; build new arrays, so neither "
        "logits nor targets changes.",
        "A skeleton to fill in:\n"
        "    z = np.asarray(____, dtype=float)\n"
        "    probs = np.atleast_2d(____)\n"
        "    targets = np.atleast_1d(____)\n"
        "    n = ____   # the number of examples\n"
        "    one_hot = np.zeros_like(____)\n"
        "    one_hot[____, ____] = 1.0\n"
        "    return ((____) / ____).reshape(____)",
    ),
    for_mistake=MappingProxyType({
        "no_one_over_n": "Compare your gradient for the worked example alone with the one for a batch of it "
                         "twice, targets [0, 0]: each example now makes up half of the mean loss. Should its row "
                         "of the gradient stay the same size? Does it in yours?",
        "wrong_sign": "In the worked example with true class 0, training should raise logit 0, and a training "
                      "step moves against the gradient. So should entry 0 of the gradient be positive or "
                      "negative? What is it in yours?",
        "no_max_shift": "Try logits [[1000.0, 1001.0]] with target [0]: the gradient should match the one for "
                        "[[0.0, 1.0]]. What does yours give, and what is np.exp(1000.0)?",
        "divide_by_classes": "Try a batch of 1 example with 4 classes: n = 1, so the gradient is just probs minus "
                             "the one-hot target. Is yours smaller than that? By what factor, and where in the "
                             "shape of logits does that number live?",
        "no_one_hot": "Add up each row of your gradient: probs sum to 1 and so does the one-hot, so each row of "
                      "the true gradient sums to 0. What do yours sum to, and which entry should be pulled "
                      "below 0?",
    }),
)

LADDERS = {
    ladder.name: ladder
    for ladder in (SOFTMAX, LOG_SOFTMAX, CROSS_ENTROPY_FROM_LOGITS, SOFTMAX_CROSS_ENTROPY_GRAD)
}
