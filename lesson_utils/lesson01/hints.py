"""The hint ladders of lesson 01's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

MSE = Ladder(
    "mse",
    rungs=(
        "Work the worked example by hand first: y_hat = [2.5, 3.5, 6.2] against y = [2, 4, 6]. What is each "
        "error, what is each error squared, and what single number sums them up fairly, whatever the number of "
        "examples?",
        "Three moves, in this order: subtract (one error per element), square each error, then average over "
        "every element. The inputs may be lists or integer arrays, so make float arrays of them before you "
        "subtract.",
        "A skeleton to fill in:\n"
        "    diff = np.asarray(y_hat, dtype=float) - ____\n"
        "    return float(np.____(____))",
    ),
    for_mistake=MappingProxyType({
        "sum_not_mean": "Double the data set by repeating every example. Should the loss change? With your "
                        "function it doubles: what operation gives the same answer for 2 examples and for 2,000?",
        "absolute_error": "A miss of 2 should cost four times a miss of 1, not twice as much. What does your "
                          "function do to each error before it averages?",
        "no_square": "Predict 1 too high on one example and 1 too low on another: is that a perfect model? "
                     "Your loss says 0. What makes every error count as a cost, whichever side it falls on?",
        "root_of_mean": "Your number is in the units of y, not in squared units. Which last step did you add "
                        "that the mean squared error does not have?",
        "square_of_mean": "Errors of +1 and -1 should cost something. In which order do you square and average?",
        "difference_of_squares": "Compare (3 - 2)² with 3² - 2². Which one is the squared error of predicting 3 "
                                 "for a true 2?",
        "divide_by_n_minus_1": "A loss is a plain average over the examples. What do you divide the sum by?",
        "mean_along_one_axis": "Give your function a 2-D batch: does it return one number? Where does an axis "
                               "appear in your code, and what does np.mean do without one?",
    }),
)

CROSS_ENTROPY = Ladder(
    "cross_entropy",
    rungs=(
        "Only one entry of each row of probs matters: the probability the model gave the true class. Which "
        "entry is that in row i, and what should the loss be when it is 1? When it is 0.01?",
        "Per example: take the probability of its target class, its -log is that example's loss; the answer is "
        "the average over the examples. A single example (a 1-D probs and one int) is a batch of one, and a "
        "probability of 0 must not reach the log (clip it to at least EPS).",
        "A skeleton to fill in:\n"
        "    probs = np.atleast_2d(np.asarray(____, dtype=float))   # a single example becomes a batch of one\n"
        "    targets = np.atleast_1d(____)\n"
        "    p_true = probs[np.arange(____), ____]\n"
        "    return float(np.mean(____))",
    ),
    for_mistake=MappingProxyType({
        "most_likely_class": "The loss asks how much probability went to the right answer, not to the model's "
                             "favourite. Where in your code do you use the targets?",
        "off_by_one_class": "Class 0 is the first column. Which column does your code read for target 0?",
        "sum_not_mean": "Should twice as many examples mean twice the loss? What turns the per-example losses "
                        "into one number that does not grow with the batch?",
        "missing_minus": "A loss is a cost: a confident right answer should cost almost 0 and a wrong one a lot. "
                         "What is the sign of log p for p between 0 and 1?",
        "no_clipping": "What is log(0)? A model that gives the true class probability 0 must still get a finite "
                       "loss: where can you stop a 0 from reaching the log?",
        "log10": "Which logarithm does the lesson's formula use, and which one does your code call?",
        "mean_over_classes": "With 3 classes your loss is a third of the answer. What do you average over: "
                             "every entry of the table, or one number per example?",
        "log_of_wrong_classes": "Which probability does the loss of one example depend on: the true class's, or "
                                "the others'?",
    }),
)

LADDERS = {ladder.name: ladder for ladder in (MSE, CROSS_ENTROPY)}
