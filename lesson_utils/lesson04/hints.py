"""The hint ladders of lesson 04's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

ITERATE_MINIBATCHES = Ladder(
    "iterate_minibatches",
    rungs=(
        "Number 10 examples 0 to 9 and take batch_size = 3. Which batches should one epoch hand out, how many "
        "are there, and what happens to the example left over? Once you shuffle, how do you keep each row of X "
        "with its own entry of y?",
        "Draw one random order of the positions 0 ... n-1 from the rng you are given (its permutation method "
        "makes one), then walk through that order in chunks of batch_size, starting at 0, batch_size, "
        "2 * batch_size, ... The last chunk may be "
        "shorter: keep it. Index X and y with the same chunk of positions and yield the pair. Do not make a "
        "generator of your own, and do not shuffle X or y in place.",
        "A skeleton to fill in:\n"
        "    order = rng.____(len(X))\n"
        "    for start in range(0, ____, ____):\n"
        "        idx = ____   # the next batch_size positions of order (fewer at the end)\n"
        "        yield ____, ____",
    ),
    for_mistake=MappingProxyType({
        "no_shuffle": "Run one epoch on the lesson's 20 numbered examples (y = np.arange(20), batch_size 8) and "
                      "print each y_batch. Do the numbers come out 0, 1, 2, ... in order? Where does rng come in?",
        "drop_last": "With 20 examples and batch_size 8, count the examples your epoch hands out: are all 20 "
                     "there? What happens to the 4 left after two full batches?",
        "pairs_broken": "Take y = np.arange(n) and X = y[:, None], so every row says which example it is. After "
                        "your shuffle, does row i of X_batch still hold the same number as y_batch[i]? How many "
                        "random orders does your code draw?",
        "same_order_every_epoch": "Call your function twice with the same rng, as two epochs of training do, and "
                                  "compare the orders. Are they the same? Where does your order come from, and "
                                  "does that generator ever move on between calls?",
        "shuffles_batches_only": "Look inside the batches of the 20 numbered examples: are the numbers in each "
                                 "batch always neighbours, such as 8 ... 15? What gets the random order in your "
                                 "code: the examples, or the batches?",
        "ignores_rng": "Make two generators with the same seed, np.random.default_rng(0), and run one epoch with "
                       "each: do you get the same batches? If not, whose random numbers is your code using?",
    }),
)

STEPS_PER_EPOCH = Ladder(
    "steps_per_epoch",
    rungs=(
        "The small set has 20 examples in batches of 8. How many batches is that, counting the 4 left over? "
        "And for 1,000,000 examples in batches of 256?",
        "Each full batch is one step, and whatever is left over makes one more, smaller batch, which is a step "
        "too. So divide n by batch_size and round up: never down, never to the nearest. Return an int, since "
        "it is a count: a float such as 3.0 will not do in range(...).",
        "A skeleton to fill in:\n"
        "    full_batches = n // ____\n"
        "    left_over = n % ____\n"
        "    return full_batches + ____   # one more step when anything is left over",
    ),
    for_mistake=MappingProxyType({
        "floor": "With 20 examples in batches of 8, two full batches leave 4 over. Does your count include the "
                 "step that uses those 4?",
        "product": "Should bigger batches mean more steps per epoch, or fewer? What does your function give for "
                   "n = 20, batch_size = 8, and for batch_size = 10?",
        "no_rounding": "What does your function return for n = 20, batch_size = 8? Can an epoch take 2.5 steps, "
                       "and what would range(2.5) do?",
        "plus_one": "Try n = 12, batch_size = 4: three full batches and nothing left over. How many steps does "
                    "your function count, and where does the extra one come from?",
        "round": "Try n = 9, batch_size = 4: two full batches and 1 example left over. Is the batch that holds "
                 "that one example a step, even though it is far from full? What does your function say?",
        "float_not_int": "Type range(3.0) in a cell and see what happens. Then look at type(...) of what your "
                         "function returns for n = 20, batch_size = 8.",
    }),
)

SGD_FIT = Ladder(
    "sgd_fit",
    rungs=(
        "Take the small set: 20 examples, batch_size = 8, 3 epochs. How many updates is that, and how many "
        "epoch losses? For each update, which examples do the loss and the gradient use, and with which w and b?",
        "Start from w = np.zeros(d) and b = 0.0. In each epoch walk through iterate_minibatches(X, y, "
        "batch_size, rng). For each batch, at the current w and b: the error y_hat - y, the batch's mean squared "
        "error appended to step_losses, then dw and db as means over the m examples in this batch (len(y_batch), "
        "not batch_size), and a step against them. At the end of each epoch append the mean squared error over "
        "the whole of X and y. Return params = {\"w\": w, \"b\": b}, step_losses and epoch_losses.",
        "A skeleton to fill in:\n"
        "    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)\n"
        "    w, b = ____, 0.0\n"
        "    step_losses = []\n"
        "    epoch_losses = []\n"
        "    for epoch in range(____):\n"
        "        for X_batch, y_batch in ____:\n"
        "            error = ____   # y_hat - y for this batch, at the current w and b\n"
        "            step_losses.append(____)   # before the step\n"
        "            dw = 2 * X_batch.T @ error / ____\n"
        "            db = ____\n"
        "            w, b = w - lr * dw, ____\n"
        "        epoch_losses.append(____)   # all of X and y, at the end of the epoch\n"
        "    return {\"w\": w, \"b\": float(b)}, ____, ____",
    ),
    for_mistake=MappingProxyType({
        "sum_not_mean": "Make a batch of 8 copies of one example, then one of 16 copies: both batches have the "
                        "same loss, so should their dw differ? Does yours double?",
        "divides_by_batch_size": "Take 10 examples in batches of 4: the last batch holds 2. What do you divide "
                                 "that batch's summed gradient by, and is it the number of examples in it?",
        "plus_not_minus": "Print epoch_losses for a few epochs: do they fall or climb? Which way does the "
                          "gradient point, and which way does your step go?",
        "loss_after_step": "Which w and b does the loss you append to step_losses use: the ones the gradient was "
                           "computed at, or the ones after the step? Where in the loop is the append?",
        "epoch_loss_mean_of_steps": "Each step's loss was measured on different examples with different w and b. "
                                    "Which number tells you how good the model is at the end of the epoch, on "
                                    "all of X and y?",
        "no_shuffle": "Run sgd_fit once with np.random.default_rng(11) and once with np.random.default_rng(12): "
                      "are the step_losses identical? If so, does rng ever reach the code that picks the batches?",
        "drop_last": "With 20 examples and batch_size = 8, how many step losses does one epoch give you, 3 or 2? "
                     "Where do the last 4 examples go?",
        "ignores_rng": "Run sgd_fit twice, each time with a fresh np.random.default_rng(0): are the two "
                       "step_losses identical? If not, where does your shuffling get its random numbers?",
    }),
)

LADDERS = {ladder.name: ladder for ladder in (ITERATE_MINIBATCHES, STEPS_PER_EPOCH, SGD_FIT)}
