"""Sentences specific to the lesson 05 checks (the generic ones are in ``lesson_utils.messages``).

Tests match these by exact text. Placeholders are filled with ``str.format``.
"""

VALUE_NOT_A_CLASS = (
    "check.Value needs your class itself, as in check.Value(Value), but it was given {what}."
)
VALUE_NO_ATTRIBUTE = (
    "Value(2.0) has no attribute .{attr} on the case '{label}'. In __init__ store the number as "
    "`self.data = data` and start the gradient at `self.grad = 0.0`."
)
VALUE_WRONG_START = (
    "Value(2.0) has .{attr} = {got} on the case '{label}', but it should be {expected}. "
    "In __init__ store the number as `self.data = data` and start the gradient at `self.grad = 0.0`."
)
VALUE_NOT_A_VALUE = (
    "{expr} gave a {type}, not a Value, on the case '{label}'. Every operation must return a new Value "
    "that remembers its inputs, so that backward can walk back through it."
)
VALUE_NOT_A_NUMBER = (
    "{what} is a {type} on the case '{label}', but it should be a number (a float)."
)
VALUE_NO_ACTIVATION = (
    "Value has neither tanh nor relu written yet. Write at least one of them (the check tests whichever "
    "you write, and both if you write both), run the cell, and run this check again."
)
VALUE_WRONG = (
    "{what} is {got} for {expr} on the case '{label}', but torch.autograd gives {expected}. {hint}"
)
VALUE_WRONG_HIDDEN = (
    "Value passes the visible cases but gives a wrong {what} on {label}. Try your class on other numbers: "
    "negative, zero, and nodes used more than once."
)

HINT_DATA = "The forward value is wrong: check what each operation computes from its inputs' .data."
HINT_GRAD = (
    "Check the local derivative in each _backward (out = a + b passes out.grad to both; out = a * b passes "
    "b.data * out.grad to a and a.data * out.grad to b) and that backward starts with the output's grad = 1."
)
HINT_TWICE = (
    "A node used twice gets a gradient from each use, and they add up: every _backward must use `+=`."
)
HINT_ORDER = (
    "A node must collect the gradient from every node that uses it before it passes it on: call _backward "
    "in reverse topological order."
)
HINT_RELU = "relu passes out.grad on where its input is > 0, and 0 elsewhere (0 at exactly 0, as in torch)."
HINT_TANH = "tanh's local derivative is 1 - tanh(x)**2, using the output t = out.data."
HINT_PILE_UP = (
    "backward adds into the leaves' .grad and never resets it: two passes without zeroing give twice the "
    "gradient, and after setting .grad = 0 one pass gives the gradient again."
)
