"""Lesson 08's check-yourself questions (see ``lesson_utils.quiz``)."""

from __future__ import annotations

from ..quiz import Choice, Estimate, Written

QUESTIONS = (
    Choice(
        "What are the steps of one training iteration, in PyTorch's order?",
        options=(
            "zero_grad → forward → loss → backward → step",
            "forward → loss → backward → zero_grad → step",
            "forward → loss → backward → step, with no zero_grad: each `backward()` replaces the old gradients",
        ),
        answer=0,
        explanation=(
            "`optimizer.zero_grad()` (clear the old gradients), forward (`y_hat = model(X)`), loss "
            "(`loss_fn(y_hat, y)`), backward (`loss.backward()` fills every `.grad`), step (`optimizer.step()` "
            "updates every parameter). Repeat for every batch; one pass over all batches is an epoch. Clearing "
            "between `backward()` and `step()` would wipe the fresh gradients, and `backward()` adds to `.grad` "
            "rather than replacing it (section 2)."
        ),
    ),
    Choice(
        "What happens if you forget `optimizer.zero_grad()`? And if you call it between `backward()` and `step()`?",
        options=(
            "Without it nothing changes, since `backward()` replaces `.grad`; called between them, it skips the "
            "step.",
            "Without it every step uses the sum of all gradients so far; called between them, plain SGD never "
            "moves the parameters.",
            "Without it the gradients stay at zero and nothing moves; called between them, it works as usual.",
        ),
        answer=1,
        explanation=(
            "PyTorch adds each `backward()` to what is already in `.grad`, so without `zero_grad()` every step uses "
            "the sum of all gradients so far: the parameters overshoot and the loss bounces instead of settling "
            "(section 2). Between `backward()` and `step()` it wipes the fresh gradients just before they are "
            "used, so plain SGD never moves the parameters at all."
        ),
    ),
    Choice(
        "Why `loss.item()` when adding up the epoch's loss?",
        options=(
            "`backward()` needs the loss as a Python number.",
            "To add plain numbers: adding the tensors would keep every batch's computation graph alive.",
            "To turn the batch's mean loss into its sum.",
        ),
        answer=1,
        explanation=(
            "`loss` is a tensor that holds its batch's computation graph. Adding tensors keeps every batch's graph "
            "alive until the end of the epoch (wasted memory) and returns a tensor; `.item()` gives a plain Python "
            "number and lets the graph be freed."
        ),
    ),
    Written(
        "What do `model.eval()` and `torch.no_grad()` each do, and why does evaluation need both?",
        explanation=(
            "`model.eval()` changes what some layers compute: dropout stops dropping and batch norm uses its stored "
            "statistics, so the measurement is deterministic and matches how the model will be used. "
            "`torch.no_grad()` stops PyTorch from recording the computation graph, which evaluation never uses. "
            "One fixes the numbers, the other saves time and memory; neither does the other's job."
        ),
    ),
    Estimate(
        "Why is the epoch's loss weighted by batch size? Ten examples come in batches of 4, 4 and 2, whose batch "
        "losses are 1.0, 1.0 and 4.0: predict the mean loss over the ten examples, then run the cell below.",
        answer=1.6,
        tolerance=0.005,
        explanation=(
            "The loss function returns the mean over its batch. Eight examples cost 1.0 and two cost 4.0, so the "
            "mean over the ten is $(8 \\times 1.0 + 2 \\times 4.0) / 10 = 1.6$. The mean of the three batch means, "
            "2.0, gives the 2 examples of the last batch as much weight as the 4 of each other batch. Multiplying "
            "each batch mean by its size and dividing by 10 gives the true mean over the examples."
        ),
    ),
    Choice(
        'What do batch size, step and epoch mean? How many updates is "3 epochs with batch size 256 on 1,000,000 '
        'examples"? Choose, then run the cell below to count them.',
        options=("768", "3,907", "about 11,700", "3 million"),
        answer=2,
        explanation=(
            "Batch size: the examples per gradient estimate. Step: one update, from one batch. Epoch: one full "
            "pass over the training set, dataset size / batch size steps (rounded up: the last batch is short). So "
            "3 × 1,000,000 / 256 ≈ 11,700 updates, 3 × 3,907 = 11,721 exactly. 3,907 is one epoch, 768 is 3 × 256 "
            "examples, and 3 million is one update per example."
        ),
    ),
    Choice(
        '"We used AdamW with a cosine schedule and linear warm-up." What does that mean?',
        options=(
            "The learning rate falls along a cosine from the first step, and AdamW adds the weight decay to the "
            "gradient.",
            "The learning rate ramps up linearly over the first steps, then decays along half a cosine to near 0; "
            "AdamW applies the weight decay to the weights directly.",
            "The learning rate ramps up linearly for the whole run, and the cosine schedules AdamW's weight decay.",
        ),
        answer=1,
        explanation=(
            "The optimizer is AdamW: momentum plus a per-parameter step size from a running estimate of each "
            "gradient's magnitude, with weight decay applied directly to the weights rather than through the "
            "gradient. The learning rate ramps up linearly from near 0 over the first steps (so early updates from "
            "a random model cannot blow it up), then decays smoothly along half a cosine to near 0 (so the last "
            "steps settle precisely)."
        ),
    ),
    Choice(
        "Do more epochs always help?",
        options=("yes", "no"),
        answer=1,
        explanation=(
            "No. Past a point the model memorises its training points: the training loss keeps falling while the "
            "validation loss turns up (section 8). Watch the validation loss, stop when it has not improved for "
            "`patience` epochs, and keep the weights from its minimum."
        ),
    ),
)
