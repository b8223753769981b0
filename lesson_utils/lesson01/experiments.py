"""Lesson 01's open experiments (see ``lesson_utils.experiments``)."""

from __future__ import annotations

import numpy as np

from ..experiments import Experiment, Outcome

Y = (2.0, 4.0, 6.0)


def _mse_of_one(y_hat) -> Outcome:
    y_hat = np.asarray(y_hat, dtype=float)
    if y_hat.shape != (3,):
        return Outcome(False, f"Give three predictions, one for each of y = [2, 4, 6] (you gave shape {y_hat.shape}).")
    wrong = int(np.sum(y_hat != np.asarray(Y)))
    loss = float(np.mean((y_hat - np.asarray(Y)) ** 2))
    if wrong == 0:
        return Outcome(False, "All three predictions are right (MSE 0.0000): change exactly one of them.")
    if wrong != 1:
        return Outcome(False, f"{wrong} of the three predictions are wrong (MSE {loss:.4f}): change exactly one.")
    if abs(loss - 1.0) > 1e-3:
        return Outcome(False, f"One prediction is wrong and the MSE is {loss:.4f}, not 1: how big must that one "
                              "error be, once squared and shared among three examples?")
    return Outcome(True, f"One prediction wrong and the MSE is {loss:.4f}.")


def _loss_of_one(p_true) -> Outcome:
    p = float(p_true)
    if not 0 < p <= 1:
        return Outcome(False, f"A probability lies between 0 and 1; {p} does not.")
    loss = -np.log(p)
    if abs(loss - 1.0) > 0.005:
        side = "more" if loss > 1 else "less"
        return Outcome(False, f"With p = {p} the loss is {loss:.3f}: the true class needs {side} probability.")
    return Outcome(True, f"With p = {p} the loss is {loss:.3f}.")


EXPERIMENTS = (
    Experiment(
        "mse_of_one",
        title="an MSE of exactly 1",
        prompt="Keep y = [2, 4, 6]. Change exactly one of the predictions below so that the MSE is 1 (to three "
               "decimals), then run the cell. Predict the size of the error before you try.",
        look_for="one wrong prediction must carry the whole loss of three examples, so its squared error is 3 and "
                 "the error itself is √3 ≈ 1.732. A big single miss and three small misses can cost the same.",
        judge=_mse_of_one,
    ),
    Experiment(
        "loss_of_one",
        title="a loss of exactly 1",
        prompt="What probability on the true class gives a cross-entropy of 1.0? Set `p_true` below and run the "
               "cell; change it until the check agrees.",
        look_for="$-\\log p = 1$ means $p = e^{-1} \\approx 0.368$: a loss of 1 is a model that gives the truth a "
                 "bit over a third of its belief.",
        judge=_loss_of_one,
    ),
    Experiment(
        "flat_push",
        title="where MSE stops pushing",
        prompt="Change the probabilities in the push table of section 4 to values near 1, such as 0.9, 0.99 and "
               "0.999, and run it again. Which loss pushes harder when the model is already nearly right, and "
               "by how much? Write what you found in the box.",
        look_for="both pushes fade as $p$ nears 1, as they should when the model is nearly right, but not "
                 "equally: at $p = 0.99$ cross-entropy's is $1 - p = 0.01$ and MSE's $2p(1-p)^2 \\approx 0.0002$. "
                 "MSE's push is cross-entropy's times $2p(1-p)$, at most a half (at $p = 0.5$) and small at both "
                 "ends, so MSE pushes less everywhere, by far the most when the model is confidently wrong.",
    ),
)
