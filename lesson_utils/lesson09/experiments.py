"""Lesson 09's open experiments (see ``lesson_utils.experiments``): both are reflections, since each needs a
training run, and the learner's own loop makes it."""

from __future__ import annotations

from ..experiments import Experiment

EXPERIMENTS = (
    Experiment(
        "narrow",
        title="how few hidden units will do",
        prompt="The digits network has 32 hidden units. How few can it have? Rerun the digits with "
               "`init_params(64, hidden, 10, np.random.default_rng(0))` for `hidden` = 16, 8, 4 and 2 (everything "
               "else as it is) and note the test accuracy of each. Where does it fall below 90 %, and why would "
               "a very narrow hidden layer fail even on the training images? Write what you found in the box.",
        look_for="16 hidden units read 96.9 % of the test digits, 8 read 90.5 %, 4 read 84.1 % and 2 only 34.5 %; "
                 "128 read 97.8 %, hardly more than 32. Below about 8 units the training accuracy falls too "
                 "(89.1 % with 4, 29.5 % with 2): the hidden layer is a bottleneck. Every image must pass through "
                 "its few numbers, and 2 numbers cannot keep 10 kinds of digit apart, however long the network "
                 "trains. Width buys capacity until the data, not the network, is the limit.",
    ),
    Experiment(
        "no_stopping",
        title="no early stopping",
        prompt="Switch early stopping off by giving it all the patience there is: `patience=100` with "
               "`num_epochs=100`. How much does the validation loss rise after its best epoch, and how do the "
               "last epoch's weights do on the test digits compared with the best ones? What did early stopping "
               "buy on this data? Write what you found in the box.",
        look_for="the run now goes all 100 epochs. The best epoch is still 51 (validation loss 0.0602), and by "
                 "epoch 100 the validation loss has risen only to 0.0643. The last weights read 97.8 % of the "
                 "test digits, the best ones 97.5 %: on this data, with weight decay, overfitting is mild, and "
                 "the stopper mostly saved 39 epochs of work. It chooses by validation loss, not accuracy, and a "
                 "slightly higher loss can come with as many right answers, since the loss also counts how sure "
                 "each answer is.",
    ),
)
