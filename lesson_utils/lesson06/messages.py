"""Sentences specific to the lesson 06 checks (the generic ones are in ``lesson_utils.messages``).

Tests match these by exact text. Placeholders are filled with ``str.format``.
"""

PARAMS_NOT_DICT = (
    "{name} returned new_params as a {type} on the case '{label}', but new_params is a dict with the same "
    "names as params ({names}): `return new_params, new_state`."
)
PARAMS_WRONG_KEYS = (
    "{name} returned new_params with the names {got} on the case '{label}', but params has the names {names}. "
    "Return one new value for every parameter, under the same name."
)
PARAM_WRONG_SHAPE = (
    "{name} returned new_params['{param}'] with shape {got_shape} on the case '{label}', but params['{param}'] "
    "has shape {expected_shape}. Every new value keeps its parameter's shape."
)
STATE_NOT_DICT = (
    "{name} returned new_state as a {type} on the case '{label}', but the state is a dict, for example "
    "{example}, which the next call receives back as `state`."
)
STATE_MUTATED = (
    "{name} changed the state dict it was given on the case '{label}'. Build a new state with new inner "
    "dicts, for example {example}, and leave the old one as it was: the caller may still need it."
)
STATE_MISSING = (
    "{name} returned a new state without {key} on the case '{label}'. Keep the state's layout, {example}: the "
    "next call receives it back as `state`, and the check hands your step states in that layout."
)
DIFFERS = (
    "{name} differs from torch.optim.{torch} on the case '{label}': {what} is {got} where torch has {expected}. "
    "This matches none of the usual mistakes: {hint}"
)
NOT_FINITE_STEP = (
    "{name} produced {got} in {what} on the case '{label}', where torch.optim.{torch} has {expected}. Look for a "
    "division by zero or the square root of a negative number."
)
LOW_PRECISION = (
    "{name} agrees with torch.optim.{torch} only to about {error:.0e} (relative) on the case '{label}', and it "
    "returns float32 (or lower precision) arrays, while the check asks for float64 precision (1e-10). Keep every "
    "array in float64: a float32 value anywhere (in the parameters, the gradients or the state) loses the digits "
    "that are missing here."
)
DIFFERS_HIDDEN = (
    "{name} passes the visible cases but differs from torch.optim.{torch} on {label} ({what}). Think about what "
    "the visible cases do not cover: other hyperparameters, other learning rates, parameters of other shapes."
)
FAR_FROM_MINIMUM = (
    "{name} ends {distance} away from the minimum after {steps} steps on the case '{label}', where "
    "torch.optim.{torch} ends within {tolerance} of it. Each step passes on its own, so look at what travels "
    "from one call to the next: the state you return must be the state the next call reads."
)
FAR_FROM_MINIMUM_HIDDEN = (
    "{name} passes the visible cases but ends {distance} away from the minimum after {steps} steps on {label}, "
    "where torch.optim.{torch} ends within {tolerance} of it. Look at what travels from one call to the next: "
    "the state you return must be the state the next call reads."
)
HIDDEN_GLOBAL = (
    "{name} gives different results on the case '{label}' when two problems are stepped in turn, each with "
    "its own state, than when each runs alone. Everything the optimizer remembers must travel in the state "
    "dict it returns: no global variables, no attributes on the function, no caches outside the state."
)
HINT_SGD = (
    "take this step by hand with the lesson's update rule (the new velocity first, then the parameter) and "
    "compare each number with your code."
)
HINT_ADAM = (
    "take this step by hand (t, m, v, m_hat, v_hat, then p) and compare each number with your code."
)
HINT_ADAMW = (
    "take this step by hand (the decay of the parameter itself, then the Adam step: t, m, v, m_hat, v_hat) and "
    "compare each number with your code."
)
