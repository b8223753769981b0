"""The hint ladders of lesson 08's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

TRAIN_ONE_EPOCH = Ladder(
    "train_one_epoch",
    rungs=(
        "Say the five-line rhythm out loud for one batch: zero_grad, forward, loss, backward, step. Why must the "
        "first one come before backward() and not after it? And take the lesson's ten examples in batches of 4, "
        "4 and 2: if their batch losses are 1.0, 1.0 and 4.0, is the mean loss of the epoch 2.0, or 1.6?",
        "First switch the model to training mode: another function may have left it in evaluation mode. Keep two "
        "plain numbers, a running total of loss and a count of examples, both starting at 0. For every (X, y) the "
        "loader yields: clear the old gradients, predict, compute the loss, backward, step, in that order. Then "
        "add that batch's loss as a Python number (not the tensor, which drags its whole graph along) times the "
        "number of rows in this X (the last batch may be short, so do not use the batch size), and add the rows "
        "to the count. Return the total divided by the count: a Python float.",
        "A skeleton to fill in:\n"
        "    model.____()\n"
        "    total, count = ____, ____\n"
        "    for X, y in ____:\n"
        "        optimizer.____()\n"
        "        y_hat = ____\n"
        "        loss = ____\n"
        "        loss.____()\n"
        "        optimizer.____()\n"
        "        total += ____ * len(X)\n"
        "        count += ____\n"
        "    return ____",
    ),
    for_mistake=MappingProxyType({
        "no_zero_grad": "Compute the loss and call backward() twice in a row, printing model.weight.grad after "
                        "each, as the lesson does in section 2. What does the second call do to .grad, so what is "
                        "in .grad when your loop reaches its third step?",
        "zero_grad_after_backward": "Print one parameter before and after an epoch with plain SGD: does it move at "
                                    "all? Put a print of model.weight.grad just before optimizer.step(): what "
                                    "is the step given to work with?",
        "mean_of_batch_means": "Ten examples in batches of 4, 4 and 2 with batch losses 1.0, 1.0 and 4.0: eight "
                               "examples cost 1 and two cost 4. What is the mean over the ten examples, and what "
                               "does your function give?",
        "last_batch_loss": "Print your running total after every batch: does it grow, or is it replaced each "
                           "time? Which batches does the number you return depend on?",
        "sum_of_batch_losses": "Cut the same data into twice as many, smaller batches: should the mean loss per "
                               "example roughly double? Yours does. What is missing at the end?",
        "no_item": "Print type() and .requires_grad of what your function returns. What does each batch's loss "
                   "carry along when you add the tensor itself, and how do you get a plain number out of a "
                   "one-element tensor?",
        "no_train_mode": "Call model.eval(), then your train_one_epoch, and print model.training inside your "
                         "loop. Which mode does the model train in, and which line of yours decides it?",
    }),
)

EVALUATE = Ladder(
    "evaluate",
    rungs=(
        "Evaluation measures and never learns. Of the five lines of a training step, which ones stay? And the "
        "lesson's dropout_model gave a different answer each time in training mode: which two switches from "
        "section 4 make the measurement right and cheap, and what does each one change?",
        "Switch the model to evaluation mode first, and do not switch it back before you return. Run the whole "
        "loop inside a block where PyTorch records no graph. For every batch: forward and loss only, no "
        "zero_grad, no backward, no step (there is no optimizer). Add up the losses as in train_one_epoch: each "
        "batch's loss as a Python number times its number of rows, and the rows in a count. Return the total "
        "divided by the count, a Python float.",
        "A skeleton to fill in:\n"
        "    model.____()\n"
        "    total, count = ____, ____\n"
        "    with torch.____():\n"
        "        for X, y in ____:\n"
        "            loss = loss_fn(____, y)\n"
        "            total += ____ * len(X)\n"
        "            count += ____\n"
        "    return ____",
    ),
    for_mistake=MappingProxyType({
        "mean_of_batch_means": "Batches of 4, 4 and 2 with losses 1.0, 1.0 and 4.0: should the two examples of "
                               "the short batch count as much as the four of a full one? What mean over the ten "
                               "examples do you get, and what does your function return?",
        "last_batch_loss": "Add a print of your running total inside the loop: does it keep what came before? "
                           "Would your answer change if you deleted every batch but the last?",
        "no_item": "Print type() of what your function returns. What is each loss_fn(...) in your loop, and how "
                   "do you turn a one-element tensor into a plain Python number?",
        "grad_enabled": "Print loss.requires_grad and loss.grad_fn inside your loop, as the lesson does for out "
                        "in section 4. What is PyTorch recording for every batch, and will anyone ever call "
                        "backward() on it?",
        "no_eval_mode": "Call dropout_model.train(), then run your evaluate on it twice with the same loader: do "
                        "you get the same number twice? Which layers are still behaving as in training, and what "
                        "tells them to stop?",
        "back_to_train_mode": "Print model.training just after your evaluate returns. Which mode should the model "
                              "be in then, and who switches it back to training mode before the next epoch?",
    }),
)

LADDERS = {ladder.name: ladder for ladder in (TRAIN_ONE_EPOCH, EVALUATE)}
