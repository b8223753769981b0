"""Lesson 06's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Written

QUESTIONS = (
    Written(
        "How do SGD, momentum and Adam differ?",
        explanation=(
            "SGD steps down the raw (minibatch) gradient. Momentum adds a velocity, a running sum of past "
            "gradients, which smooths the path and speeds up consistent directions (section 2: up to "
            "$1/(1-\\mu) = 10$ times longer steps). Adam also keeps a running estimate of each parameter's gradient "
            "size and divides by its square root, so each parameter gets its own adaptive step size (section 3: the "
            "first step is about $\\eta$ for gradients of 0.001 and 1000 alike). AdamW is Adam with decoupled "
            "weight decay, the LLM default."
        ),
    ),
    Choice(
        "Why does plain SGD zig-zag in a narrow valley, and why does momentum help?",
        options=(
            "The gradients are noisy, and momentum averages the noise away.",
            "The learning rate must suit the steep walls, so every step overshoots to the other wall; in the "
            "velocity the gradients across the valley cancel and those along it add up.",
            "The learning rate is too small for the steep walls, and momentum makes it larger.",
        ),
        answer=1,
        explanation=(
            "The gradient points mostly across the valley, where the walls are steep, and the learning rate has "
            "to be small enough for that direction (below $2/10$ here). Each step overshoots to the other wall, "
            "while along the flat floor the same learning rate makes only tiny progress. Momentum adds up the "
            "gradients: the components across the valley flip sign and cancel, the components along it agree and "
            "build up speed. The valley's gradients are exact, not noisy, and the learning rate is not too small "
            "for the walls: it is as large as they allow."
        ),
    ),
    Choice(
        "Adam's bias correction divides $m$ by $1 - \\beta_1^t$ and $v$ by $1 - \\beta_2^t$. What goes wrong if the "
        "step count $t$ in it starts at 0 instead of 1?",
        options=(
            "Nothing: the correction fades as $t$ grows, so where it starts does not matter.",
            "The first step is about 3.16 times too large.",
            "The first update divides by zero and gives NaN.",
        ),
        answer=2,
        explanation=(
            "With $t = 0$ in the correction, $1 - \\beta^0 = 0$ and the first update divides by zero (NaN). What "
            "the correction fixes: $m$ and $v$ start at 0, so after the first step they are $0.1\\,g$ and "
            "$0.001\\,g^2$, much too small. Dividing by $1 - \\beta_1^t$ and $1 - \\beta_2^t$ with $t = 1$ restores "
            "$\\hat m = g$ and $\\hat v = g^2$. Without any correction at all, the first step is about 3.16 times "
            "too large (section 3)."
        ),
    ),
    Choice(
        "Adam + L2 adds $\\lambda\\theta$ to the gradient, then takes the Adam step. AdamW shrinks the weights by "
        "the factor $1 - \\eta\\lambda$ and takes the Adam step with the unchanged gradient. On which weights do "
        "the two differ most?",
        options=(
            "On weights with large gradients.",
            "On weights with small gradients.",
            "On none: they reach the same weights, only by different paths.",
        ),
        answer=1,
        explanation=(
            "They differ most where the gradient scales differ. With L2 the decay goes through $m$ and $v$ and is "
            "divided by $\\sqrt{\\hat v}$, so weights with large gradients are barely decayed and weights with "
            "small gradients are decayed hard. AdamW's decay never passes through the gradient, so it is the same "
            "for every weight (section 5: 0.999 and 0.09 with L2, 0.998 for both with AdamW)."
        ),
    ),
    Written(
        '"We used AdamW with a cosine schedule and linear warm-up." Say what that means.',
        explanation=(
            "The adaptive-momentum optimizer with decoupled weight decay, with a learning rate that starts small, "
            "rises linearly for the warm-up steps, then falls along half a cosine to a small final value "
            "(section 6)."
        ),
    ),
    Choice(
        'True or false: "Adam is always better than SGD."',
        options=("true", "false"),
        answer=1,
        explanation=(
            "False. Adam is forgiving of the learning rate and often gets ahead early (section 4), which helps make "
            "it the default for transformers. But tuned as carefully, momentum kept up with it on the valley "
            "(after 300 steps 4.1e-14 against Adam's 3.5e-14), and well-tuned SGD with momentum often matches Adam "
            'on vision models and generalises as well or better. "Default", not "universally optimal".'
        ),
    ),
    Written(
        "Why do your step functions take the state as an argument and return a new one, instead of keeping it "
        "inside?",
        explanation=(
            "So that nothing is hidden: the same function can drive any number of models at once (the checks step "
            "two problems in turn), a run can be saved and resumed by keeping the state, and a bug cannot hide in a "
            "global variable. `torch.optim` keeps the same information in `optimizer.state` (`exp_avg`, "
            "`exp_avg_sq`, `step` for Adam, `momentum_buffer` for SGD)."
        ),
    ),
)
