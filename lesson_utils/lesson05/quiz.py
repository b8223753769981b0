"""Lesson 05's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Estimate, Written

QUESTIONS = (
    Written(
        "What does backprop compute, and what does it cost?",
        explanation=(
            "The gradient of the loss with respect to every parameter, $\\partial L/\\partial\\theta$, in one "
            "backward pass, by applying the chain rule node by node with the values cached in the forward pass. It "
            "costs one forward pass plus a backward pass of about two (two matrix products for each one of the "
            "forward pass, as section 5 counts): about 3 forward passes in all, O(network size), instead of "
            "O(network size × parameters) for nudging each parameter separately."
        ),
    ),
    Choice(
        "Is backprop a different algorithm from the chain rule?",
        options=(
            "yes: it is a rule of calculus of its own, made for networks",
            "no: it is the chain rule, organised so that every intermediate result is computed once",
        ),
        answer=1,
        explanation=(
            "No. It *is* the chain rule, organised so that every intermediate result is computed once and reused: "
            "a forward pass that caches, and a backward pass that multiplies local derivatives in reverse "
            "topological order. The cleverness is the bookkeeping (dynamic programming, or memoisation, on the "
            "computation graph), not new calculus."
        ),
    ),
    Estimate(
        "Suppose the backward step of your `__mul__` assigned with `=` instead of adding with `+=`. What would "
        "`(a * a).backward()` leave in `a.grad`, for `a = Value(1.5)`?",
        answer=1.5,
        tolerance=0.005,
        explanation=(
            "$a = 1.5$, instead of $2a = 3$. A node used more than once (like `a` in `a * a`, or a shared hidden "
            "value) influences the output along several paths, and the multivariable chain rule adds the "
            "contributions of all paths. With `=` only the last contribution survives: both sides of the `*` "
            "hand `a` the share $a \\cdot 1 = 1.5$, and the second overwrites the first. That is why every "
            "backward step must use `+=`."
        ),
    ),
    Choice(
        "Why must you call `zero_grad()` in a PyTorch training loop?",
        options=(
            "backward() adds into .grad, so without zeroing the gradients of the steps pile up",
            "to free the memory that the computation graph holds",
            "backward() refuses to run again until the gradients are zero",
        ),
        answer=0,
        explanation=(
            "Because `backward()` adds into `.grad` rather than overwriting it. Without zeroing, the second step's "
            "gradient is the sum of two steps' gradients, the third of three, and so on, as the `a * a` example in "
            "section 2 shows (3, 6, 9 instead of 3 each time). Training then takes ever larger, wrong steps."
        ),
    ),
    Written(
        "Why does the backward pass need the forward pass's intermediate values?",
        explanation=(
            "The local derivatives depend on them: $\\partial(wx)/\\partial w = x$ needs the input $x$, $\\tanh'$ "
            "needs $\\tanh(z)$, ReLU's derivative needs the sign of $z$, and $\\partial L/\\partial W = "
            "X^\\top\\,\\text{dout}$ needs the layer's input $X$. That is why frameworks keep activations in memory "
            "until the backward pass has used them."
        ),
    ),
    Choice(
        "Your gradient check says `dW2 relative error 3.3e-01 MISMATCH: dW2 is exactly 2x the numerical gradient`, "
        "and every other parameter is fine. Where do you look?",
        options=(
            "in the gradient of the softmax cross-entropy, dlogits",
            "in the backward code of the second linear layer, where dW2 is made",
            "in the backward code of the first linear layer",
            "in the numerical gradient: the check itself is off",
        ),
        answer=1,
        explanation=(
            "In the backward code of the second linear layer only (the other parameters, computed from the same "
            "`dlogits`, are right, so the upstream gradient is fine): a factor of 2 applied to `dW2`, for example "
            "a gradient added twice, or a `2 *` from a squared term that does not belong there. A wrong `dlogits` "
            "would spoil `db2` and the first layer's gradients too."
        ),
    ),
)
