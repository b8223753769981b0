"""Sentences specific to the lesson 03 checks (the generic ones are in ``lesson_utils.messages``).

Tests match these by exact text. Placeholders are filled with ``str.format``.
"""

FIT_LOSSES_NOT_1D = (
    "fit_linear returned losses of shape {shape} on the case '{label}', but losses is a flat list "
    "with one number per step. Append one float per step: `losses.append(loss)`."
)
FIT_HISTORY_LENGTH = (
    "fit_linear returned {got} losses for steps={steps} on the case '{label}'. "
    "Record exactly one loss per step (the loss before that step), so there are `steps` of them."
)
FIT_WRONG_VALUE = (
    "fit_linear returned {part} = {got} on the case '{label}', but the answer is {expected}. "
    "This matches none of the usual mistakes: take the first step by hand (from w = b = 0, compute the "
    "loss, then dw and db at the old parameters, then step both) and compare each number with your code."
)
FIT_LOSS_NOT_FALLING = (
    "fit_linear's loss went from {first} to {last} in {steps} steps on the case '{label}', a learnable "
    "problem with a small learning rate, so it should fall. Check that each step goes against the gradient."
)
FIT_STOPPED_EARLY = (
    "fit_linear returned {got} losses for steps={steps} on the case '{label}', where the learning rate is "
    "far too large and the loss blows up. Keep stepping and recording to the end: inf and NaN in the "
    "history are how you see that the learning rate is too large."
)
FIT_HIDES_DIVERGENCE = (
    "fit_linear stayed finite on the case '{label}' (largest loss {largest}), where the learning rate is far "
    "too large and the loss should blow up to inf and NaN. Do not clip the gradients or the parameters, and "
    "do not replace NaN: a run that diverges must show it."
)
