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
    "{expr} gave a {type}, not a {expected}, on the case '{label}'. Every operation must return a new Value "
    "that remembers its inputs, so that backward can walk back through it."
)
VALUE_SAME_NAME = "{name} (another class of that name)"
"""Names a result's class when it has the very name, module and all, of the class being checked."""
VALUE_NO_OPERATION = (
    "Your class has no {method} ({what}), which the case '{label}' needs: write it (the exercise lists every "
    "operation the check tests), run the class's cell, and run this check again."
)
OPERATIONS = {
    "__add__": "a + b (and a + 2)",
    "__mul__": "a * b (and a * 3)",
    "__radd__": "a number plus a Value, as in 2 + a",
    "__rmul__": "a number times a Value, as in 3 * a",
    "__neg__": "the negation -a",
    "__sub__": "a - b (and a - 2)",
    "__rsub__": "a number minus a Value, as in 2 - a",
    "__pow__": "a power with a number exponent, as in a ** 2, a ** -1 or a ** 0.5",
    "__truediv__": "a / b (and a / 4)",
    "__rtruediv__": "a number divided by a Value, as in 2 / a",
}
"""What each method the check needs does, in words, for :data:`VALUE_NO_OPERATION`."""
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
HINT_SUB = (
    "-a passes -out.grad to a, and a - b passes out.grad to a and -out.grad to b: build them from + and * "
    "(-a is a * -1, a - b is a + (-b)) and check that each gives back a new Value."
)
HINT_POW = (
    "For out = a ** n with a number n (negative or a fraction too), a gets n * a.data ** (n - 1) * out.grad, "
    "and the forward value is a.data ** n."
)
HINT_DIV = (
    "a / b is a * b ** -1 and 2 / a is 2 * a ** -1: build / from * and ** so that its gradients follow from "
    "theirs (b gets -a.data / b.data ** 2 * out.grad)."
)
HINT_MIXED = (
    "Every operation passes on its own, so look at how they combine, and at precision: the check allows only "
    "1e-9 of relative difference from torch here, so every local derivative must be an exact formula, not an "
    "approximation."
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

TWO_LAYER_SHAPE_HINT = (
    "The loss is one number, the mean over the batch, and each gradient has the shape of its parameter: "
    "grads['W1'] like params['W1'], grads['b1'] like params['b1'], and so on."
)
TWO_LAYER_NOT_A_DICT = "a dict with the keys W1, b1, W2 and b2, one gradient for each parameter"
"""What the second returned value of two_layer_grads is, for a sentence that says it is not that."""
