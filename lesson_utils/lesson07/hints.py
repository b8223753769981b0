"""The hint ladders of lesson 07's exercises (see ``lesson_utils.hints``)."""

from __future__ import annotations

from types import MappingProxyType

from ..hints import Ladder

TRAIN_VAL_SPLIT = Ladder(
    "train_val_split",
    rungs=(
        "Take 10 rows and val_fraction 0.29. How many rows go to validation, and which ones should they be if the "
        "data arrived sorted? And once you have picked them, how do you make sure each row of y still sits next "
        "to its own row of X?",
        "Make arrays of X and y (they may be lists) and count the rows n. The number of validation rows is "
        "val_fraction * n rounded to the nearest whole number. Draw one random order of the row indices 0 ... "
        "n - 1 from the rng you are given (not from np.random); its first n_val indices are the validation rows, "
        "the rest the training rows. Index X and y with the same indices, which gives new arrays and leaves the "
        "caller's X and y alone, and return the four parts in the order X_train, X_val, y_train, y_val.",
        "A skeleton to fill in:\n"
        "    X, y = np.asarray(X), np.asarray(____)\n"
        "    n = len(X)\n"
        "    n_val = ____\n"
        "    order = ____                      # one shuffle of the row indices, drawn from rng\n"
        "    val_rows, train_rows = ____, ____\n"
        "    return X[train_rows], ____, ____, ____",
    ),
    for_mistake=MappingProxyType({
        "val_in_train": "With 50 rows and val_fraction 0.2, add up len(X_train) and len(X_val): is it 50? If a "
                        "validation row is also a training row, what does the validation loss still measure?",
        "separate_permutations": "Split X = [[0], [1], [2], [3]] and y = [0, 10, 20, 30] and print the parts side "
                                 "by side: is every y still ten times its X? How many shuffles does your code draw?",
        "no_shuffle": "Split np.arange(30) with val_fraction 0.3 and print X_val: does it look random, or like a "
                      "run of neighbours? Where in your code does rng change the order of the rows?",
        "ignores_rng": "Split the same data twice with np.random.default_rng(0), then once with "
                       "np.random.default_rng(1). Do the first two agree and the third differ? Which generator "
                       "does your shuffle really draw from?",
        "floor_not_round": "With 10 rows and val_fraction 0.29, val_fraction * n is 2.9: how many validation rows "
                           "do you get? Is 2.9 nearer to 2 or to 3, and what does your code do with the .9?",
        "fraction_for_train": "With 50 rows and val_fraction 0.2, print len(X_val): is it a fifth of the rows? Which "
                              "part is val_fraction the share of?",
        "wrong_order": "Unpack your result as X_train, X_val, y_train, y_val and print the shape of each: is the "
                       "second really rows of X? In which order does your return list the parts?",
    }),
)

EARLY_STOPPING = Ladder(
    "EarlyStopping",
    rungs=(
        "Walk the overfitting curve by hand with patience 3: the losses 1.0, 0.8, 0.6, 0.5, 0.55, 0.6, 0.7, 0.8. "
        "After each epoch (the first is epoch 0), what is the best loss so far, and how many epochs in a row have "
        "failed to beat it? At which epoch does that count reach 3, and whose params should restore() hand back?",
        "The object remembers patience and min_delta, the best loss so far (it starts at infinity, so the first "
        "loss always improves on it), the best params (None at first), the best epoch (-1 at first), a counter of "
        "epochs without improvement (0) and how many times step has been called. In step: count this epoch; if "
        "val_loss is below best_loss - min_delta, record the loss, a copy of the params and the epoch, and set the "
        "counter back to 0; otherwise add 1 to the counter. Then return whether the counter has reached patience. "
        "restore() returns the best params.",
        "Three things decide it. The comparison is strict: a loss equal to best_loss - min_delta is no "
        "improvement, and neither is NaN, so write the condition as 'is it an improvement?' and let everything "
        "else fall into the other branch. The params you are given will change in place after step returns, "
        "so keep a deep copy of them, not a second name. And step returns a plain True or False.",
        "A skeleton to fill in:\n"
        "    def __init__(self, patience, min_delta=0.0):\n"
        "        self.patience, self.min_delta = patience, min_delta\n"
        "        self.best_loss = ____\n"
        "        self.best_params, self.best_epoch = ____, ____\n"
        "        self.counter, self.epoch = 0, ____      # so that the first call to step is epoch 0\n"
        "\n"
        "    def step(self, val_loss, params):\n"
        "        ____                                    # count this epoch\n"
        "        if val_loss < ____:\n"
        "            self.best_loss = ____\n"
        "            self.best_params = ____\n"
        "            self.best_epoch = ____\n"
        "            self.counter = ____\n"
        "        else:\n"
        "            self.counter = ____\n"
        "        return ____\n"
        "\n"
        "    def restore(self):\n"
        "        return ____",
    ),
    for_mistake=MappingProxyType({
        "last_not_best": "Step a fresh stopper with the losses 1.0, 2.0, 3.0 and the params {\"epoch\": np.array(e)} "
                         "for e = 0, 1, 2. Which epoch does restore() give back, and which epoch had the best loss?",
        "counter_not_reset": "Step a stopper with patience 3 through 1.0, 0.9, 0.95, 0.92, 0.85, 0.9 and print its "
                             "counter after each step. Just after the new best of 0.85, how many bad epochs in a "
                             "row have there been?",
        "exact_min_delta_counts": "With min_delta 0 and a best loss of 0.5, is another 0.5 better? Step a stopper "
                                  "with 1.0, 0.5, 0.5: does the second 0.5 reset the counter, and should it?",
        "ignores_min_delta": "With min_delta 0.25 and a best of 2.0, step your stopper with 1.875: does the counter "
                             "go back to 0 or up by 1? Where does min_delta appear in your condition?",
        "min_delta_wrong_side": "With min_delta 0.25, step a stopper with 1.0 and then 1.125, a worse loss. Does "
                                "best_loss change? Is the threshold your condition compares against below the "
                                "best loss, or above it?",
        "stores_reference": "Step a stopper once with params = {\"w\": np.zeros(3)}, then run params[\"w\"] -= 1.0, "
                            "as a training step does. Look at best_params[\"w\"]: did it change too? What did you "
                            "keep, the arrays or another name for them?",
        "patience_off_by_one": "With patience 1, step a stopper with 1.0 and then 2.0: the second epoch is the "
                               "first without improvement. Does step return True there, or only one epoch later? "
                               "What does your counter hold at that moment?",
        "nan_counts_as_improvement": "What do float(\"nan\") < 1.0 and float(\"nan\") >= 1.0 each give? Step a "
                                     "stopper with 1.0 and then float(\"nan\"): which branch of your code does the "
                                     "NaN take?",
        "best_epoch_one_based": "Call step once on a fresh stopper: which epoch was that, counting as the loop "
                                "does with enumerate? What does your best_epoch say?",
    }),
)

LADDERS = {ladder.name: ladder for ladder in (TRAIN_VAL_SPLIT, EARLY_STOPPING)}
