"""Lesson 09's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Estimate, Written

QUESTIONS = (
    Estimate(
        "The 1,797 digits are split twice: 20 % of them for the test set, then 20 % of the rest for validation, "
        "each count rounded to the nearest whole number. How many images are left for training?",
        answer=1150,
        tolerance=0.5,
        explanation=(
            "1,150. The test set takes round(0.2 × 1,797) = round(359.4) = 359 images, which leaves 1,438; "
            "validation takes round(0.2 × 1,438) = round(287.6) = 288 of those, which leaves 1,150 for training, "
            "as the split cell printed."
        ),
    ),
    Estimate(
        "How many updates does one epoch of the digits run take, with 1,150 training images in batches of 64?",
        answer=18,
        tolerance=0.5,
        explanation=(
            "18: 17 full batches of 64 hold 1,088 images, and the last batch holds the other 62. 1,150 / 64 is "
            "17.97, rounded up. The run took 61 epochs, so 61 × 18 = 1,098 updates, the number both runs printed."
        ),
    ),
    Choice(
        "Your run and PyTorch's agree far within the tolerance, yet not always to the last bit. Why not?",
        options=(
            "PyTorch computes in float32 inside, whatever the model's dtype.",
            "NumPy and PyTorch add up the same products in different orders, and each order rounds a little "
            "differently in the last digits.",
            "torch.optim.AdamW is a slightly different algorithm from the AdamW of lesson 06.",
            "PyTorch adds a little noise to the gradients to keep training stable.",
        ),
        answer=1,
        explanation=(
            "**b.** Both compute the same sums in float64, but a matrix product can add its terms in any order, "
            "and float64 rounds each addition to about 16 significant digits, so two orders can differ in the "
            "last one. The model here is float64 (`torch_twin`), AdamW's update rule is the same (lesson 06 "
            "checked it step by step against `torch.optim.AdamW`), and PyTorch adds no noise."
        ),
    ),
    Choice(
        "Which change would make the PyTorch run differ from yours from the first update on?",
        options=(
            "Computing the validation loss inside `torch.no_grad()`.",
            "Handing out the batches with a `DataLoader(..., shuffle=True)` instead of your `iterate_minibatches`.",
            "Calling `model.eval()` before the validation loss.",
            "Restoring the best weights with `model.load_state_dict`.",
        ),
        answer=1,
        explanation=(
            "**b.** A `DataLoader` draws its own random order from PyTorch's generator, so the first batch would "
            "hold other images than your first batch, and the first step would already differ. The two runs can "
            "only agree step by step when they see the same batches in the same order. `no_grad` and `eval()` "
            "change nothing this network computes (it has no dropout or batch norm), and restoring happens after "
            "training."
        ),
    ),
    Written(
        "Why report the test accuracy rather than the validation accuracy, and why look at the test set only "
        "at the end?",
        explanation=(
            "Early stopping chose the weights by their validation loss, so the validation set took part in "
            "training: of all the epochs, the one kept is the one that happened to suit those 288 images best, "
            "and its validation score flatters it a little. The test set took part in nothing, so its accuracy "
            "estimates how the network does on new digits. Looked at during training, to pick a width or a "
            "learning rate, the test set would take part in the choices too, and stop being a fair judge."
        ),
    ),
)
