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
PARTS_FROM_TORCH = (
    "{name} parts from torch.optim.{torch} at step {step} of {steps} on the case '{label}': {param} is {got} "
    "where torch has {expected}. This matches none of the usual mistakes: {hint}"
)
NOT_FINITE_STEP = (
    "{name} produced {got} in {param} at step {step} of {steps} on the case '{label}', where torch.optim.{torch} "
    "has {expected}. Look for a division by zero or the square root of a negative number."
)
LOW_PRECISION = (
    "{name} agrees with torch.optim.{torch} only to about {error:.0e} (relative) at step {step} on the case "
    "'{label}', and the check asks for float64 precision (1e-10). Keep every array in float64: a float32 "
    "value anywhere (in the parameters, the gradients or the state) loses the digits that are missing here."
)
PARTS_FROM_TORCH_HIDDEN = (
    "{name} passes the visible cases but parts from torch.optim.{torch} at step {step} on {label} "
    "(parameter {param}). Think about what the visible cases do not cover: other hyperparameters, a learning "
    "rate that changes, parameters of other shapes."
)
HIDDEN_GLOBAL = (
    "{name} gives different results on the case '{label}' when two problems are stepped in turn, each with "
    "its own state, than when each runs alone. Everything the optimizer remembers must travel in the state "
    "dict it returns: no global variables, no attributes on the function, no caches outside the state."
)
HINT_SGD = (
    "take the first two steps by hand (v = g, then v = momentum * v + g; each time p = p - lr * v) and compare "
    "each number with your code."
)
HINT_ADAM = (
    "take the first two steps by hand (t = 1, 2; m, v, m_hat, v_hat, then p) and compare each number with "
    "your code."
)
HINT_ADAMW = (
    "take the first step by hand (p = p * (1 - lr * weight_decay), then the Adam step with t = 1) and compare "
    "each number with your code."
)
