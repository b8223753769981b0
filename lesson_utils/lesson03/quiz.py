"""Lesson 03's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Estimate, Written

QUESTIONS = (
    Written(
        "Explain gradient descent and what the learning rate trades off.",
        explanation=(
            "The gradient points uphill on the loss landscape, so every step moves each parameter against it: "
            "$\\theta \\leftarrow \\theta - \\eta\\,\\partial L/\\partial\\theta$. The learning rate $\\eta$ is the "
            "step size. Too small and training crawls (section 6, $\\eta = 0.005$); too large and each step "
            "overshoots the minimum and the loss diverges to inf and NaN ($\\eta = 0.13$, and $\\eta = 1.0$ in "
            "section 4). In practice people warm the learning rate up and then decay it."
        ),
    ),
    Written(
        "What are the four parts of one training step, and where is each in your `fit_linear`?",
        explanation=(
            "Forward (predict $\\hat{y} = w x + b$), loss (the MSE, recorded in `losses`), backward (the gradients, "
            "`linear_mse_grads`), step (`gd_step`). Then repeat."
        ),
    ),
    Choice(
        "At $w = 0, b = 0$ on the worked example both gradients are negative. What does that tell you, and which "
        "way does the step move the parameters?",
        options=(
            "increasing w and b would lower the loss, so the step increases both",
            "increasing w and b would raise the loss, so the step decreases both",
            "the loss is at its lowest, so the step leaves them where they are",
        ),
        answer=0,
        explanation=(
            "Negative gradients mean that increasing $w$ and $b$ would lower the loss, so the step, against the "
            "gradient, increases both (0 → 1.87 and 0 → 0.8). At the lowest point both gradients would be 0."
        ),
    ),
    Estimate(
        "Now take a line that is too steep, $w = 3, b = 0$. Predict $\\partial L/\\partial w$ to two decimals, then "
        "run the cell below.",
        answer=9.33,
        tolerance=0.01,
        explanation=(
            "At $w = 3$ every prediction is too high: the errors are $[1, 2, 3]$, all positive, so both gradients "
            "are positive, $dw = \\frac{2}{3}(1 \\cdot 1 + 2 \\cdot 2 + 3 \\cdot 3) \\approx 9.33$ and "
            "$db = \\frac{2}{3}(1 + 2 + 3) = 4$, and the step lowers both."
        ),
    ),
    Choice(
        "Your loss curve barely moves. Another run's loss turns into NaN after a few steps. What would you change "
        "in each?",
        options=(
            "raise the learning rate for the first, lower it for the second",
            "lower the learning rate for the first, raise it for the second",
            "train both for more steps",
            "lower the learning rate for both",
        ),
        answer=0,
        explanation=(
            "A loss that barely moves means the learning rate is too low: raise it. A loss that explodes to NaN "
            "almost always means the learning rate is too high: lower it. More steps help neither: the first would "
            "keep crawling, the second is already NaN. Reading the loss curve is how you tell which is which."
        ),
    ),
    Choice(
        'True or false: "a bigger learning rate means faster learning." Check with the sweep in section 6.',
        options=("true", "false"),
        answer=1,
        explanation=(
            "False, or only up to a point. On the four points the loss after 100 steps improves as the learning "
            "rate grows to about 0.11, and from about 0.12 on the same steps overshoot and the loss grows without "
            "bound."
        ),
    ),
    Choice(
        "Does training search over predictions or over parameters?",
        options=("over predictions", "over parameters"),
        answer=1,
        explanation=(
            "Over parameters. The data fixes the shape of the landscape; each point of it is one setting of the "
            "knobs $(w, b)$, and gradient descent moves that point downhill."
        ),
    ),
)
