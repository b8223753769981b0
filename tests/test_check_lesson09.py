"""Tests of the lesson 09 check: does it pass any correct training loop, whatever its pieces' style, name every
known mistake of the loop and of the earlier pieces it calls, and say the right sentence for everything else?"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from lesson_utils import check
from lesson_utils import messages as M
from lesson_utils.harness import run_behaviour
from lesson_utils.lesson02 import reference as lesson02
from lesson_utils.lesson05 import reference as lesson05
from lesson_utils.lesson06 import mistakes as lesson06_mistakes
from lesson_utils.lesson06 import reference as lesson06
from lesson_utils.lesson07 import reference as lesson07
from lesson_utils.lesson09 import check as lesson09
from lesson_utils.lesson09 import messages as L
from lesson_utils.lesson09 import mistakes, reference
from lesson_utils.lesson09.pieces import PIECE_LESSONS

LOOP_SOURCE = '''
def train_from_scratch(params, X_train, y_train, X_val, y_val, lr, weight_decay, batch_size, num_epochs, patience,
                       rng):
    stopper = EarlyStopping(patience)
    state = {}
    step_losses, val_losses = [], []
    for epoch in range(num_epochs):
        for X_batch, y_batch in iterate_minibatches(X_train, y_train, batch_size, rng):
            loss, grads = two_layer_grads(params, X_batch, y_batch)
            step_losses.append(loss)
            params, state = adamw_step(params, grads, state, lr, weight_decay=weight_decay)
        val_loss = cross_entropy_from_logits(logits_of(params, X_val), y_val)
        val_losses.append(val_loss)
        if stopper.step(val_loss, params):
            break
    return stopper.restore(), step_losses, val_losses
'''
"""A learner's loop as the notebook has it: it calls the pieces by name, from the notebook's namespace."""


def shuffled_in_place(X, y, batch_size, rng):
    """A correct iterate_minibatches that shuffles another way than the course's (rng.shuffle, not permutation)."""
    idx = np.arange(len(X))
    rng.shuffle(idx)
    return [(X[idx[i:i + batch_size]], y[idx[i:i + batch_size]]) for i in range(0, len(X), batch_size)]


def logits_of(params, X):
    return lesson05.linear_forward(np.maximum(lesson05.linear_forward(X, params["W1"], params["b1"]), 0.0),
                                   params["W2"], params["b2"])


def learner_loop(**pieces):
    """The notebook's loop, defined where the pieces it calls are the learner's: the course's, unless given."""
    namespace = {"np": np, "iterate_minibatches": shuffled_in_place, "two_layer_grads": lesson05.two_layer_grads,
                 "adamw_step": lesson06.adamw_step, "EarlyStopping": lesson07.EarlyStopping,
                 "cross_entropy_from_logits": lesson02.cross_entropy_from_logits, "logits_of": logits_of, **pieces}
    exec(compile(LOOP_SOURCE, "<notebook cell>", "exec"), namespace)
    return namespace["train_from_scratch"]


def failure(fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check.train_from_scratch(fn, **kwargs)
    return info.value


def probe_failure(fn, index: int) -> check.CheckFailed:
    """The failure of the visible battery's probe ``index`` (from 0) alone."""
    rows = lesson09.TRAIN_FROM_SCRATCH.rows()
    with pytest.raises(check.CheckFailed) as info:
        run_behaviour(lesson09.TRAIN_FROM_SCRATCH, fn, probes=[rows[index]])
    return info.value


ONE_BATCH = ("12 examples in one batch (batch_size = 16), 3 inputs, 4 hidden units, 3 classes, lr = 0.05, "
             "weight_decay = 0.1, 5 epochs")
"""The first case of the visible battery."""

PROBES = {"alike": 0, "epochs": 1, "restores": 2, "learns": 3, "seeds": 4}
"""The visible battery's probes, by what they check."""


# --- what passes -----------------------------------------------------------------------


@pytest.mark.parametrize("hidden", [False, True])
def test_the_course_loop_passes(hidden, capsys):
    """Does the course's loop pass the visible and the hidden battery, a line per probe?"""
    check.train_from_scratch(reference.train_from_scratch, hidden=hidden)
    shown = capsys.readouterr().out
    if hidden:
        assert M.SUMMARY_PASS_HIDDEN.format(n=5) in shown
    else:
        assert shown.count("✅") == 5 and M.SUMMARY_PASS.format(n=5) in shown


@pytest.mark.parametrize("seed", range(5))
def test_a_notebook_loop_with_its_own_style_of_pieces_passes(seed):
    """Does a loop that calls its pieces by name, shuffles with rng.shuffle rather than a permutation, and takes the
    validation loss from its own forward pass pass the visible and hidden batteries of several seeds?"""
    fn = learner_loop()
    check.train_from_scratch(fn, seed=seed)
    check.train_from_scratch(fn, seed=seed, hidden=True)


def test_the_course_loop_learns_the_digits():
    """Does the course's loop, on the digits as the notebook splits them, reach over 95 % on the test digits?"""
    from lesson_utils.lesson09.data import load_digits
    from lesson_utils.lesson09.network import init_params

    X, y = load_digits()
    rng = np.random.default_rng(9)
    X_rest, X_test, y_rest, y_test = lesson07.train_val_split(X, y, 0.2, rng)
    X_train, X_val, y_train, y_val = lesson07.train_val_split(X_rest, y_rest, 0.2, rng)
    best, steps, vals = reference.train_from_scratch(init_params(64, 32, 10, np.random.default_rng(0)), X_train,
                                                     y_train, X_val, y_val, 0.01, 0.01, 64, 100, 10,
                                                     np.random.default_rng(1))
    assert len(steps) == 18 * len(vals) and len(vals) < 100
    assert reference.val_loss(best, X_val, y_val) == pytest.approx(min(vals), rel=1e-12)
    assert np.mean(logits_of(best, X_test).argmax(axis=1) == y_test) > 0.95


# --- known mistakes --------------------------------------------------------------------


@pytest.mark.parametrize("mistake", mistakes.BANK, ids=[m.id for m in mistakes.BANK])
def test_every_known_mistake_is_named(mistake):
    """Is each entry of the bank, a wrong loop or the course's loop with one wrong piece, named as itself, with
    its explanation?"""
    failed = failure(mistake.fn)
    assert failed.mistake == mistake.id
    assert str(failed) == M.KNOWN_MISTAKE.format(name="train_from_scratch", explanation=mistake.explanation)


@pytest.mark.parametrize("piece_mistake", ["decay_without_lr", "no_bias_correction", "l2_not_decoupled"])
def test_a_notebook_loop_with_a_wrong_adamw_step_names_the_piece_and_its_lesson(piece_mistake):
    """When the learner's loop is right but the adamw_step it calls makes a known mistake of lesson 06, does the
    check name adamw_step, lesson 06 and that mistake's own explanation?"""
    wrong = next(m for m in lesson06_mistakes.ADAMW_BANK if m.id == piece_mistake)
    failed = failure(learner_loop(adamw_step=wrong.fn))
    assert failed.mistake == f"adamw_step.{piece_mistake}"
    assert str(failed) == M.KNOWN_MISTAKE.format(
        name="train_from_scratch",
        explanation=L.PIECE_MISTAKE.format(piece="adamw_step", lesson="06", explanation=wrong.explanation))


def test_every_piece_is_named_with_its_own_lesson():
    """Does every piece entry of the bank name the piece and the lesson whose exercise it is?"""
    for mistake in mistakes.PIECE_BANK:
        piece = mistake.id.split(".")[0]
        assert f"whose {piece} (lesson {PIECE_LESSONS[piece]})" in mistake.explanation


def test_a_loop_without_the_weight_decay_is_named_even_with_its_own_style():
    """Does a notebook loop that leaves weight_decay out of adamw_step get the bank's sentence?"""
    source = LOOP_SOURCE.replace("adamw_step(params, grads, state, lr, weight_decay=weight_decay)",
                                 "adamw_step(params, grads, state, lr)")
    namespace = {"np": np, "iterate_minibatches": shuffled_in_place, "two_layer_grads": lesson05.two_layer_grads,
                 "adamw_step": lesson06.adamw_step, "EarlyStopping": lesson07.EarlyStopping,
                 "cross_entropy_from_logits": lesson02.cross_entropy_from_logits, "logits_of": logits_of}
    exec(source, namespace)
    assert failure(namespace["train_from_scratch"]).mistake == "decay_not_passed"


# --- sentences for everything else ----------------------------------------------------


def test_returning_none():
    """Does a loop that returns nothing get the plain None sentence?"""
    failed = failure(lambda *args: None)
    assert failed.mistake is None
    assert str(failed) == M.RETURNED_NONE.format(name="train_from_scratch", label=ONE_BATCH)


def test_returning_two_values():
    """Does a loop that returns (params, step_losses) hear that it returns three things?"""
    def two(*args):
        best, steps, _ = reference.train_from_scratch(*args)
        return best, steps

    assert str(failure(two)) == M.RETURNED_WRONG_COUNT.format(
        name="train_from_scratch", label=ONE_BATCH, got="2 values", n=3, names="best_params, step_losses, val_losses")


def test_params_with_other_keys():
    """Does a loop that returns its params under other names hear which keys a two-layer network has?"""
    def renamed(*args):
        best, steps, vals = reference.train_from_scratch(*args)
        return {k.lower(): v for k, v in best.items()}, steps, vals

    text = str(failure(renamed))
    assert text.startswith("The params train_from_scratch returned on the case '12 examples in one batch")
    assert "have the keys ['b1', 'b2', 'w1', 'w2']" in text


def test_params_of_another_shape():
    """Does a loop that returns a weight transposed hear its shape and the starting one's?"""
    def transposed(*args):
        best, steps, vals = reference.train_from_scratch(*args)
        return {**best, "W1": best["W1"].T}, steps, vals

    assert "best_params['W1'] of shape (4, 3)" in str(failure(transposed))
    assert "where the starting best_params['W1'] has shape (3, 4)" in str(failure(transposed))


def test_one_step_loss_per_epoch_is_counted():
    """Does a loop that notes one loss per epoch, not per update, get the count sentence?"""
    def per_epoch(*args):
        best, _, vals = reference.train_from_scratch(*args)
        return best, vals, vals

    failed = probe_failure(per_epoch, PROBES["epochs"])
    assert failed.mistake is None
    assert str(failed) == L.STEP_COUNT.format(got=3, epochs=3, n=10, batch_size=3, per_epoch=4, expected=12,
                                              label="n = 10, batch_size = 3, num_epochs = 3")


def test_losses_as_a_table_are_refused():
    """Does a loop that returns its step losses as a column get the flat-list sentence?"""
    def column(*args):
        best, steps, vals = reference.train_from_scratch(*args)
        return best, np.array(steps)[:, None], vals

    assert "step_losses of shape" in str(failure(column)) and "one per update" in str(failure(column))


def test_a_stop_one_epoch_late_is_told_where_to_stop():
    """Does a loop that stops one epoch after patience ran out hear after which epoch it should have stopped?"""
    def late(params, X_train, y_train, X_val, y_val, lr, weight_decay, batch_size, num_epochs, patience, rng):
        return reference.run_loop(reference.Pieces(EarlyStopping=lambda p: lesson07.EarlyStopping(p + 1)), params,
                                  X_train, y_train, X_val, y_val, lr, weight_decay, batch_size, num_epochs, patience,
                                  rng)

    failed = probe_failure(late, PROBES["restores"])
    assert str(failed).startswith("train_from_scratch ran ") and "say stop after epoch" in str(failed)


def test_weights_not_restored_are_told():
    """Does a loop that hands back its starting weights hear the validation loss they give against its best?"""
    def starting(params, *rest):
        _, steps, vals = reference.train_from_scratch(params, *rest)
        return copy.deepcopy(params), steps, vals

    failed = probe_failure(starting, PROBES["restores"])
    assert failed.mistake is None and str(failed).startswith("The params train_from_scratch returned on the case ")
    assert "Return the weights the stopper kept at its best epoch" in str(failed)


def test_a_loop_that_never_learns_is_told():
    """Does a loop whose steps go nowhere (learning rate 0) hear that the loss did not fall?"""
    def frozen(params, X_train, y_train, X_val, y_val, lr, *rest):
        return reference.train_from_scratch(params, X_train, y_train, X_val, y_val, 0.0, *rest)

    failed = probe_failure(frozen, PROBES["learns"])
    assert str(failed).startswith("On the case '60 points in 3 clusters") and "did not fall" in str(failed)


def test_batches_drawn_from_a_generator_of_its_own_are_told():
    """Does a loop that shuffles with a generator of its own, not rng, pass the alike cases but hear that other
    seeds give the same run?"""
    def own_rng(*args):
        return reference.train_from_scratch(*args[:-1], np.random.default_rng(0))

    failed = failure(own_rng)
    assert str(failed) == L.SAME_RUN_OTHER_SEED.format(label="20 examples in batches of 4, 2 epochs")


def test_batches_drawn_from_numpys_global_state_are_told():
    """Does a loop that shuffles with np.random's global state hear that the same seed gave another run?"""
    def global_random(*args):
        return reference.train_from_scratch(*args[:-1], np.random.default_rng(np.random.randint(1 << 30)))

    assert str(failure(global_random)) == L.OTHER_RUN_SAME_SEED.format(label="20 examples in batches of 4, 2 epochs")


def test_a_loop_that_changes_the_starting_weights_is_told():
    """Does a loop that updates the caller's params in place hear that it changed its input?"""
    def in_place(params, *rest):
        best, steps, vals = reference.train_from_scratch(params, *rest)
        params["W1"] += 1.0
        return best, steps, vals

    assert str(failure(in_place)).startswith("train_from_scratch changed its input `params` in place")


def test_a_hidden_failure_names_no_input():
    """Does a grade cell's failure name the hidden case by its number only?"""
    failed = failure(mistakes.BANK[0].fn, hidden=True)
    assert failed.case == M.HIDDEN_LABEL.format(index=1)
    assert "12 examples" not in str(failed)


def test_the_rule_for_when_a_run_should_stop():
    """Does the check's stopping rule stop patience epochs after the best, and never on a NaN?"""
    assert lesson09.expected_epochs(np.array([1.0, 0.8, 0.9, 0.95]), 2, 10) == (4, 2)
    assert lesson09.expected_epochs(np.array([1.0, 0.8, 0.7]), 2, 3) == (3, 3)
    assert lesson09.expected_epochs(np.array([1.0, np.nan, np.nan]), 2, 10) == (3, 1)
