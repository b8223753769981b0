"""The hint ladder of lesson 09's exercise (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder
from .pieces import PIECE_LESSONS, PIECE_MISTAKE_IDS, piece_id


def _piece_hint(piece: str) -> str:
    lesson = PIECE_LESSONS[piece]
    return (f"Your loop may well be right: the run goes wrong inside {piece}. Run check.{piece}({piece}) in this "
            f"notebook: what does it name? Fix {piece} in lesson {lesson}, run its check there until it passes, "
            f"then run the bring cell here again.")


TRAIN_FROM_SCRATCH = Ladder(
    "train_from_scratch",
    rungs=(
        "Say the loop in words before you write it: what happens once per batch, what happens once per epoch, and "
        "what happens once per run? Which of your earlier functions does each line call, and what does each "
        "hand back that the next line needs?",
        "Once per run, before any epoch: one EarlyStopping(patience), an empty optimizer state {} and two empty "
        "lists. Once per batch of iterate_minibatches(X_train, y_train, batch_size, rng): the batch's loss and "
        "gradients from two_layer_grads, the loss noted, then adamw_step with lr and weight_decay, keeping the "
        "params and the state it returns. Once per epoch, after its batches: the loss on the validation data, "
        "noted and given to the stopper with the params; leave the loop when it says stop. At the end, hand "
        "back the stopper's best params and the two lists.",
        "A skeleton to fill in:\n"
        "    stopper = ____\n"
        "    state, step_losses, val_losses = ____, [], []\n"
        "    for ____ in range(num_epochs):\n"
        "        for X_batch, y_batch in ____:\n"
        "            loss, grads = ____\n"
        "            step_losses.append(____)\n"
        "            params, state = ____\n"
        "        val_loss = ____                  # on X_val, y_val, with this epoch's params\n"
        "        val_losses.append(____)\n"
        "        if ____:\n"
        "            break\n"
        "    return ____, step_losses, val_losses",
    ),
    for_mistake=MappingProxyType({
        "state_each_epoch": "Print state['step'] at the start of each epoch's batches: does it keep counting from "
                            "one epoch to the next, or go back to nothing? Where in your code is the state made?",
        "last_weights": "Run the loop on a case that stops early and compare the validation loss of the params "
                        "you return with min(val_losses). Which epoch's weights are you handing back, and which "
                        "did the stopper keep?",
        "val_on_train": "Which arrays go into the loss you give the stopper each epoch? Would that loss ever turn "
                        "up while the network memorises its training examples?",
        "decay_not_passed": "Call your loop with weight_decay=0.0 and then 0.5: do the runs differ? Which value of "
                            "weight_decay does each adamw_step call really use?",
        "ignores_stop": "Print len(val_losses) after a run with patience 3 on data the network overfits: is it "
                        "always num_epochs? What does your loop do with what stopper.step returns?",
        "stopper_each_epoch": "How many EarlyStopping objects does one run of your loop make? How many losses has "
                              "each of them seen when it decides?",
        "loss_after_step": "Is each loss you note computed with the weights the gradients came from, or with the "
                           "weights after the step? Which does two_layer_grads hand you, and when?",
        **{piece_id(piece, mistake_id): _piece_hint(piece)
           for piece, ids in PIECE_MISTAKE_IDS.items() for mistake_id in ids},
    }),
)

LADDERS = {TRAIN_FROM_SCRATCH.name: TRAIN_FROM_SCRATCH}
