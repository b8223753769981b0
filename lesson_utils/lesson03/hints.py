"""The hint ladders of lesson 03's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

LINEAR_MSE_GRADS = Ladder(
    "linear_mse_grads",
    rungs=(
        "Take the worked example: w = b = 0 on the points (1, 2), (2, 4), (3, 6). What is each error y_hat - y? "
        "If you nudge w by a hair, how much does y_hat move at x = 1, and at x = 3? And if you nudge b by a hair?",
        "Compute the errors y_hat - y = w * x + b - y once, on float arrays (x and y may be lists or integer "
        "arrays). dw is the mean over the points of 2 times the error times x; db is the mean of 2 times the "
        "error, with no x, because y_hat moves by exactly 1 when b does. Return two plain numbers, dw first, "
        "and leave x and y as they were. On the worked example you should get dw = -18.67 and db = -8.",
        "A skeleton to fill in:\n"
        "    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)\n"
        "    error = ____   # y_hat - y, one number per point\n"
        "    dw = float(np.mean(____))\n"
        "    db = float(np.mean(____))\n"
        "    return dw, db",
    ),
    for_mistake=MappingProxyType({
        "no_factor_2": "The lesson's centred difference gives dL/dw = -18.67 on the worked example: is your dw "
                       "half that? When you differentiate error ** 2, what comes down in front?",
        "sum_not_mean": "Repeat each of the worked example's points twice: the loss stays the same, so should the "
                        "gradient change? Does yours double?",
        "db_uses_x": "Nudge b by 0.001: by how much does y_hat = w * x + b change at x = 3? So what, if anything, "
                     "should the error be multiplied by in db?",
        "dw_without_x": "Nudge w by 0.001: by how much does y_hat change at x = 1, and at x = 3? Does your dw know "
                        "that a point with a larger x reacts more?",
        "error_sign_flipped": "At w = b = 0 every prediction is too low, so a larger w would lower the loss. "
                              "Should dw be positive or negative then? What sign does yours have?",
        "swapped": "Print the result of linear_mse_grads(0.0, 0.0, [1, 2, 3], [2, 4, 6]). The gradient that "
                   "carries the x is the larger in size here: is it the first number or the second?",
    }),
)

GD_STEP = Ladder(
    "gd_step",
    rungs=(
        "Start from the one-knob example: theta = 5.0, slope 0.8, lr = 0.1. Should theta go up or down, and by "
        "how much? Now do the same for w and for b at once: which gradient belongs with which parameter?",
        "For every name in params (here \"w\" and \"b\"), the new value is the old value minus lr times that "
        "name's own gradient. Put the new values in a new dict and return it. Do not assign into params or "
        "grads, and do not use -= (on an array it changes the caller's array, even inside a copied dict). The "
        "same expression works for numbers and for arrays.",
        "A skeleton to fill in:\n"
        "    new_params = {}\n"
        "    for name in ____:\n"
        "        new_params[name] = ____ - lr * ____\n"
        "    return new_params",
    ),
    for_mistake=MappingProxyType({
        "plus_not_minus": "From theta = 5.0 with slope 0.8 (the loss rises as theta rises) and lr = 0.1, which "
                          "way should theta move? Does your gd_step give 4.92 or 5.08?",
        "no_learning_rate": "Call gd_step with lr = 0.0: should anything move? Does anything move with yours?",
        "forgot_b": "Take one step from the worked example: w should go from 0 to 1.87 and b from 0 to 0.8. "
                    "Print both: which one stays where it was?",
        "swapped_grads": "Give w a gradient of 1 and b a gradient of 100, with lr = 0.01. Which parameter should "
                         "move by 0.01 and which by 1? Which one does, with yours?",
    }),
)

FIT_LINEAR = Ladder(
    "fit_linear",
    rungs=(
        "Follow one pass of the loop on the worked example at lr = 0.1: with w = b = 0, what is the loss, what "
        "are dw and db, and where do w and b land after the step (w = 1.87, b = 0.8)? Which of these numbers "
        "goes into losses, and at which moment?",
        "Make float arrays of x and y and start from w = 0.0 and b = 0.0. Then, exactly steps times: record the "
        "loss of the current w and b, compute both gradients at those same parameters, and only then update "
        "both. Return the final {\"w\": w, \"b\": b} and the list of losses, one per step. Do not clip, stop "
        "early or replace NaN: a learning rate that is too large must show as inf and nan.",
        "A skeleton to fill in (your linear_mse_grads and gd_step do the work):\n"
        "    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)\n"
        "    params = {\"w\": ____, \"b\": ____}\n"
        "    losses = []\n"
        "    for _ in range(____):\n"
        "        losses.append(____)   # the MSE of the current params, before the step\n"
        "        dw, db = linear_mse_grads(____)\n"
        "        params = gd_step(____)\n"
        "    return ____, ____",
    ),
    for_mistake=MappingProxyType({
        "plus_not_minus": "Print the first five losses of a run on the worked example at lr = 0.01: do they go "
                          "down? Compare the sign of dw with the way your step moves w.",
        "no_factor_2": "One step on the worked example at lr = 0.1 should land w on 1.87. Do you get about half "
                       "that? Compare the gradients in your loop with what your linear_mse_grads returns.",
        "sum_not_mean": "Give fit_linear the worked example's points twice over (six points) for one step: the "
                        "line to fit is the same, so should w land anywhere other than 1.87? Does yours?",
        "db_uses_x": "After one step on the worked example w should be 1.87 and b 0.8. Is your b equal to your w? "
                     "What does your db contain that y_hat does not change by when b moves?",
        "w_updated_before_db": "After one step on the worked example b should be 0.8, from db = -8 at w = b = 0, "
                               "but yours is about 0.05. At which w was your db computed?",
        "loss_after_step": "With steps = 1 on the worked example, what is losses[0]? The untrained model "
                           "predicts 0 everywhere, so it should be mean(y ** 2) = 18.67. When do you record it?",
        "not_from_zero": "What is losses[0] on the worked example? A model at w = b = 0 predicts 0 for every "
                         "point, so it should be 18.67. What are w and b before your first step?",
        "hides_divergence": "Run the four points (1, 2) ... (4, 8) at lr = 1.0 for 300 steps and print "
                            "max(losses): the lesson's loop reaches inf and nan. What in your loop keeps the "
                            "numbers small?",
        "stops_early": "At lr = 1.0 on the four points with steps = 300, what is len(losses)? Who should decide "
                       "when the loop ends: the steps you were given, or the loss?",
    }),
)

LADDERS = {ladder.name: ladder for ladder in (LINEAR_MSE_GRADS, GD_STEP, FIT_LINEAR)}
