"""Tests of the lesson 08 checks: do they pass every correct training epoch and evaluation, fail
every wrong one, and say the right sentence?"""

from __future__ import annotations

import time

import numpy as np
import pytest

from lesson_utils import check
from lesson_utils import messages as M
from lesson_utils.lesson08 import check as lesson08
from lesson_utils.lesson08 import messages as L
from lesson_utils.lesson08 import mistakes, reference

torch = pytest.importorskip("torch", reason="lesson 08 trains torch models: its checks need torch")

CHECKS = {"train_one_epoch": check.train_one_epoch, "evaluate": check.evaluate}
PROBES = {"train_one_epoch": lesson08.TRAIN_ONE_EPOCH.rows, "evaluate": lesson08.EVALUATE.rows}
SIGNATURES = {"train_one_epoch": lesson08.TRAIN_ONE_EPOCH.signature, "evaluate": lesson08.EVALUATE.signature}


def failure(check_fn, fn, **kwargs) -> check.CheckFailed:
    with pytest.raises(check.CheckFailed) as info:
        check_fn(fn, **kwargs)
    return info.value


# --- correct implementations ------------------------------------------------------


def train_model_zero_grad(model, loader, loss_fn, optimizer):
    """zero_grad through the model, the loss added up as a tensor and turned into a float at the end."""
    model.train()
    total = torch.zeros((), dtype=torch.float64)
    n = 0
    for X, y in loader:
        model.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        total += loss.detach() * X.shape[0]
        n += X.shape[0]
    return (total / n).item()


def train_grads_set_to_none(model, loader, loss_fn, optimizer):
    """Clears the gradients by hand, weights by the dataset length, and uses batch indices."""
    model.train(True)
    losses = []
    for batch in loader:
        X, y = batch[0], batch[1]
        for p in model.parameters():
            p.grad = None
        y_hat = model.forward(X)
        loss = loss_fn(y_hat, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item() * len(y))
    return sum(losses) / len(loader.dataset)


def train_zero_at_end(model, loader, loss_fn, optimizer):
    """Zeroes the gradients after each step (the model starts with none), returns a NumPy float."""
    model.train()
    optimizer.zero_grad(set_to_none=False)
    sizes, means = [], []
    for X, y in loader:
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        sizes.append(len(X))
        means.append(loss.item())
    return np.average(means, weights=sizes)


def evaluate_inference_mode(model, loader, loss_fn):
    """torch.inference_mode instead of no_grad, model.train(False) instead of eval()."""
    model.train(False)
    total, n = 0.0, 0
    with torch.inference_mode():
        for X, y in loader:
            total += float(loss_fn(model(X), y)) * len(X)
            n += len(X)
    return total / n


def evaluate_all_at_once(model, loader, loss_fn):
    """Concatenates every batch's predictions and takes one loss over all of them."""
    model.eval()
    with torch.no_grad():
        outputs, targets = zip(*[(model(X), y) for X, y in loader], strict=True)
        return loss_fn(torch.cat(outputs), torch.cat(targets)).item()


@torch.no_grad()
def evaluate_decorated(model, loader, loss_fn):
    """The no_grad decorator, a sum-reduction loss per batch."""
    model.eval()
    total = 0.0
    for X, y in loader:
        total += loss_fn(model(X), y).item() * len(X)
    return total / len(loader.dataset)


def train_stacked_losses(model, loader, loss_fn, optimizer):
    """Keeps the detached batch losses in a list, stacks them, and returns a NumPy float32 scalar."""
    model.train()
    losses, sizes = [], []
    for batch in loader:
        X, y = batch
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
        sizes.append(X.size(0))
    weights = torch.tensor(sizes, dtype=losses[0].dtype)
    return np.float32(((torch.stack(losses) * weights).sum() / weights.sum()).item())


def evaluate_per_example(model, loader, loss_fn):
    """Runs the model on one example at a time from the dataset, accumulating in a 0-d float64 tensor."""
    model.eval()
    total = torch.zeros((), dtype=torch.float64)
    with torch.no_grad():
        for X, y in loader.dataset:
            total += loss_fn(model(X[None]), y[None]).double()
    return float(total / len(loader.dataset))


CORRECT = [
    ("train_one_epoch", reference.train_one_epoch),
    ("train_one_epoch", train_model_zero_grad),
    ("train_one_epoch", train_grads_set_to_none),
    ("train_one_epoch", train_zero_at_end),
    ("train_one_epoch", train_stacked_losses),
    ("evaluate", reference.evaluate),
    ("evaluate", evaluate_inference_mode),
    ("evaluate", evaluate_all_at_once),
    ("evaluate", evaluate_decorated),
    ("evaluate", evaluate_per_example),
]


@pytest.mark.parametrize(("name", "fn"), CORRECT, ids=[f"{n}-{f.__name__}" for n, f in CORRECT])
def test_correct_implementations_pass(name, fn, capsys):
    """Does any correct method pass, visibly and in hidden mode, and is the learner told hidden checks run later?"""
    assert CHECKS[name](fn) is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == M.SUMMARY_PASS.format(n=len(PROBES[name]()))
    assert not [line for line in lines if line.startswith("  ❌")]
    for seed in (None, 3, 99):
        assert CHECKS[name](fn, hidden=True, seed=seed) is None


@pytest.mark.parametrize("name", CHECKS)
def test_check_prints_a_line_per_probe(name, capsys):
    """Does the check print its header, one ✅ per probe (saying what it checks) and the summary?"""
    CHECKS[name](getattr(reference, name))
    lines = capsys.readouterr().out.splitlines()
    probes = PROBES[name]()
    assert lines[0] == M.PROBES_HEADER.format(signature=SIGNATURES[name], n=len(probes))
    assert lines[1:-1] == [M.CASE_PASS.format(label=p.label) for p in probes]


def test_checks_leave_the_global_random_state_alone():
    """Does running a check leave torch's global random generator where it was?"""
    torch.manual_seed(0)
    check.train_one_epoch(reference.train_one_epoch)
    check.evaluate(reference.evaluate)
    after = torch.rand(3)
    torch.manual_seed(0)
    assert torch.equal(after, torch.rand(3))


@pytest.mark.parametrize("name", CHECKS)
def test_not_callable(name):
    """Is passing the result instead of the function told so?"""
    error = failure(CHECKS[name], 0.5)
    assert error.message == M.NOT_CALLABLE.format(name=name, what="a float")


# --- the banks of known mistakes ------------------------------------------------------


def test_banks_hold_the_mistakes_the_lesson_teaches():
    """Do the banks know no zero_grad, zero_grad after backward, no .item(), gradients on and no eval()?"""
    train = {m.id for m in mistakes.TRAIN_BANK + mistakes.TRAIN_BEHAVIOUR_BANK}
    evaluate = {m.id for m in mistakes.EVAL_BANK + mistakes.EVAL_BEHAVIOUR_BANK}
    assert {"no_zero_grad", "zero_grad_after_backward", "no_item", "no_train_mode"} <= train
    assert {"grad_enabled", "no_eval_mode", "no_item"} <= evaluate


BANKS = {
    "train_one_epoch": mistakes.TRAIN_BANK + mistakes.TRAIN_BEHAVIOUR_BANK,
    "evaluate": mistakes.EVAL_BANK + mistakes.EVAL_BEHAVIOUR_BANK,
}
NAMED = [(name, m) for name, bank in BANKS.items() for m in bank]


def _epochs(fn, with_optimizer):
    rng = np.random.default_rng(0)
    setups = [lesson08.LINEAR_SGD, lesson08.MLP_ADAMW, lesson08.FLOAT32_MOMENTUM, *lesson08._random_setups(rng)]
    return setups, [lesson08._quiet_epoch(fn, s, with_optimizer) for s in setups]


@pytest.mark.parametrize(("name", "bank", "with_optimizer"), [
    ("train_one_epoch", mistakes.TRAIN_BANK, True),
    ("evaluate", mistakes.EVAL_BANK, False),
])
def test_value_bank_entries_are_told_apart(name, bank, with_optimizer):
    """Does every value bank entry end its epoch differently from the reference and from every other entry?"""
    setups, expected = _epochs(getattr(reference, name), with_optimizer)

    def same(a, b):
        return all(x.same_as(y, s) for x, y, s in zip(a, b, setups, strict=True))

    results = {m.id: _epochs(m.fn, with_optimizer)[1] for m in bank}
    assert [i for i, r in results.items() if same(r, expected)] == []
    ids = list(results)
    assert [(a, b) for a in ids for b in ids if a < b and same(results[a], results[b])] == []


def test_behaviour_bank_entries_compute_the_right_numbers():
    """Do the behaviour entries (no .item(), wrong mode, gradients on) give the reference's numbers, so only
    their probes can name them, and does each one trip a different probe?"""
    for name, bank, with_optimizer in [("train_one_epoch", mistakes.TRAIN_BEHAVIOUR_BANK, True),
                                       ("evaluate", mistakes.EVAL_BEHAVIOUR_BANK, False)]:
        setups, expected = _epochs(getattr(reference, name), with_optimizer)
        failed_at = []
        for m in bank:
            got = _epochs(m.fn, with_optimizer)[1]
            assert all(g.same_as(e, s) for g, e, s in zip(got, expected, setups, strict=True))
            failed_at.append(failure(CHECKS[name], m.fn).case)
        assert len(set(failed_at)) == len(bank)


def test_missing_zero_grad_piles_up_gradients():
    """Without zero_grad, does .grad end the epoch holding the first batch's gradient plus the second's?"""
    setup = lesson08.Setup("two batches", seed=1, n=8, batch_size=4)
    piled = lesson08.build(setup)
    mistakes.TRAIN_BANK[0].fn(piled.model, piled.loader, piled.loss_fn, piled.optimizer)
    right = lesson08.build(setup)
    reference.train_one_epoch(right.model, right.loader, right.loss_fn, right.optimizer)
    first = lesson08.build(setup)
    X, y = next(iter(first.loader))
    first.loss_fn(first.model(X), y).backward()
    for g_piled, g_second, g_first in zip(piled.grads(), right.grads(), first.grads(), strict=True):
        assert np.allclose(g_piled, g_first + g_second)
        assert not np.allclose(g_piled, g_second)


def test_zero_grad_after_backward_never_moves_sgd():
    """With plain SGD, does zeroing between backward and step leave the parameters where they started?"""
    setup = lesson08.LINEAR_SGD
    before = lesson08.build(setup).params()
    after = lesson08._quiet_epoch(mistakes.TRAIN_BANK[1].fn, setup, True).params
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


# --- bad output and other problems ---------------------------------------------------------

FIRST_LABEL = lesson08.LINEAR_SGD.label


@pytest.mark.parametrize("name", CHECKS)
def test_returning_none(name):
    """Does a function without `return` get the None sentence?"""
    def no_return(*args):
        getattr(reference, name)(*args)

    error = failure(CHECKS[name], no_return)
    assert error.message == M.RETURNED_NONE.format(name=name, label=FIRST_LABEL)
    hidden = failure(CHECKS[name], no_return, hidden=True)
    assert hidden.message == M.RETURNED_NONE.format(name=name, label=M.HIDDEN_LABEL.format(index=1))


@pytest.mark.parametrize("name", CHECKS)
def test_returning_a_list(name):
    """Does returning the list of batch losses get the wrong-type sentence?"""
    def listing(model, loader, loss_fn, *rest):
        getattr(reference, name)(model, loader, loss_fn, *rest)
        return [1.0, 2.0]

    error = failure(CHECKS[name], listing)
    assert error.message == M.RETURNED_WRONG_TYPE.format(name=name, label=FIRST_LABEL, type="list", what=L.MEAN_LOSS)


def test_train_returning_a_detached_tensor():
    """Does a train_one_epoch that returns a tensor without a graph get the plain tensor sentence?"""
    def detached(*args):
        return torch.tensor(reference.train_one_epoch(*args))

    error = failure(check.train_one_epoch, detached)
    assert error.mistake is None
    assert error.message == L.LOSS_AS_TENSOR.format(name="train_one_epoch", label=FIRST_LABEL)


def test_train_returning_nan():
    """Does a NaN mean loss get the wrong-loss sentence with both numbers?"""
    def nan(*args):
        reference.train_one_epoch(*args)
        return float("nan")

    error = failure(check.train_one_epoch, nan)
    expected = lesson08._quiet_epoch(reference.train_one_epoch, lesson08.LINEAR_SGD, True).loss
    assert error.mistake is None
    assert error.message == L.TRAIN_WRONG_LOSS.format(label=FIRST_LABEL, got="nan", expected=f"{expected:.6g}")


def test_train_two_steps_per_batch():
    """Does an unknown wrong update get the parameters sentence, with the largest difference, and hidden neither?"""
    def twice(model, loader, loss_fn, optimizer):
        model.train()
        total, n = 0.0, 0
        for X, y in loader:
            for _ in range(2):
                optimizer.zero_grad()
                loss = loss_fn(model(X), y)
                loss.backward()
                optimizer.step()
            total += loss.item() * len(X)
            n += len(X)
        return total / n

    error = failure(check.train_one_epoch, twice)
    assert error.mistake is None
    assert error.message.startswith(f"After train_one_epoch on the case '{FIRST_LABEL}' the parameters differ")
    hidden = failure(check.train_one_epoch, twice, hidden=True)
    assert hidden.message == L.TRAIN_WRONG_HIDDEN.format(what="parameters differ",
                                                         label=M.HIDDEN_LABEL.format(index="3.1"))


def test_train_loss_after_the_step():
    """Does recording each batch's loss after its step get the wrong-loss sentence (the parameters are right)?"""
    def after(model, loader, loss_fn, optimizer):
        model.train()
        total, n = 0.0, 0
        for X, y in loader:
            optimizer.zero_grad()
            loss_fn(model(X), y).backward()
            optimizer.step()
            with torch.no_grad():
                total += loss_fn(model(X), y).item() * len(X)
            n += len(X)
        return total / n

    error = failure(check.train_one_epoch, after)
    assert error.mistake is None
    assert error.message.startswith("train_one_epoch returned ")
    assert "but the mean loss of that epoch is" in error.message
    hidden = failure(check.train_one_epoch, after, hidden=True)
    assert hidden.message == L.TRAIN_WRONG_HIDDEN.format(what="mean loss differs",
                                                         label=M.HIDDEN_LABEL.format(index="3.1"))


def test_train_raising():
    """Does an exception inside the learner's loop become the 'stopped with' sentence?"""
    def broken(model, loader, loss_fn, optimizer):
        raise ValueError("shapes do not match")

    error = failure(check.train_one_epoch, broken)
    assert error.message == M.RAISED.format(name="train_one_epoch", error="ValueError", label=FIRST_LABEL,
                                            detail="shapes do not match", first_arg="x")


def test_train_under_no_grad_raises_a_plain_sentence():
    """Does training inside torch.no_grad() (backward impossible) get the 'stopped with' sentence, no traceback?"""
    def frozen(*args):
        with torch.no_grad():
            return reference.train_one_epoch(*args)

    error = failure(check.train_one_epoch, frozen)
    assert error.message.startswith(f"train_one_epoch stopped with RuntimeError on the case '{FIRST_LABEL}'")


def test_never_returns():
    """Does a loop that never ends get the time-out sentence quickly?"""
    def forever(*args):
        while True:
            pass

    started = time.monotonic()
    error = failure(check.evaluate, forever, time_limit=0.2)
    assert time.monotonic() - started < 5
    assert error.message == M.TIMED_OUT.format(name="evaluate", seconds=0.2, label=FIRST_LABEL)


def test_evaluate_that_trains():
    """Does an evaluate that takes a gradient step get the 'changed the parameters' sentence?"""
    def steps(model, loader, loss_fn):
        model.eval()
        total, n = 0.0, 0
        for X, y in loader:
            loss = loss_fn(model(X), y)
            with torch.no_grad():
                total += loss.item() * len(X)
                for p in model.parameters():
                    p -= 0.1
            n += len(X)
        return total / n

    # the graph-free forward of the no_grad probe runs first, so make it pass that one by running under no_grad
    def steps_no_grad(model, loader, loss_fn):
        with torch.no_grad():
            return steps(model, loader, loss_fn)

    error = failure(check.evaluate, steps_no_grad)
    assert error.message == L.EVAL_CHANGED_PARAMS.format(label=lesson08.MLP_ADAMW.label)


def test_evaluate_skipping_the_model():
    """Does an evaluate that never calls the model get told to loop over the loader?"""
    error = failure(check.evaluate, lambda model, loader, loss_fn: 0.5)
    assert error.message == L.NO_FORWARD.format(name="evaluate", label=FIRST_LABEL, batches=3)


def test_evaluate_unknown_wrong_value():
    """Does a wrong mean loss that matches no mistake show both numbers, and hidden neither?"""
    def doubled(*args):
        return 2 * reference.evaluate(*args)

    error = failure(check.evaluate, doubled)
    assert error.mistake is None
    expected = lesson08._quiet_epoch(reference.evaluate, lesson08.LINEAR_SGD, False).loss
    assert error.message == L.EVAL_WRONG_LOSS.format(label=FIRST_LABEL, got=f"{2 * expected:.6g}",
                                                     expected=f"{expected:.6g}")
    hidden = failure(check.evaluate, doubled, hidden=True)
    assert hidden.message == L.EVAL_WRONG_HIDDEN.format(label=M.HIDDEN_LABEL.format(index="6.1"))


def _back_to_train(model, loader, loss_fn):
    result = reference.evaluate(model, loader, loss_fn)
    model.train()
    return result


def _mode_restored(model, loader, loss_fn):
    was_training = model.training
    result = reference.evaluate(model, loader, loss_fn)
    model.train(was_training)
    return result


@pytest.mark.parametrize("fn", [_back_to_train, _mode_restored], ids=["train-at-the-end", "mode-put-back"])
def test_evaluate_that_switches_back_to_training_mode(fn):
    """Is an evaluate that ends in training mode (model.train(), or putting back the mode it found) named, visibly
    and at grading, though every forward pass ran in evaluation mode?"""
    mistake = next(m for m in mistakes.EVAL_BEHAVIOUR_BANK if m.id == "back_to_train_mode")
    for hidden, seed in ((False, None), (True, None), (True, 8803)):
        error = failure(check.evaluate, fn, hidden=hidden, seed=seed)
        assert error.mistake == "back_to_train_mode"
        assert error.message == M.KNOWN_MISTAKE.format(name="evaluate", explanation=mistake.explanation)
    assert failure(check.evaluate, fn).case == lesson08.EVALUATE.rows()[2].label


@pytest.mark.parametrize("name", CHECKS)
def test_a_zero_dimensional_array_is_told_the_answer_is_a_float(name):
    """Does a mean loss returned as a 0-d NumPy array get the wrong-type sentence, not a traceback?"""
    def zero_d(*args):
        return np.asarray(getattr(reference, name)(*args))

    error = failure(CHECKS[name], zero_d)
    assert error.message == M.RETURNED_WRONG_TYPE.format(name=name, label=FIRST_LABEL, type="ndarray",
                                                         what=L.MEAN_LOSS)

