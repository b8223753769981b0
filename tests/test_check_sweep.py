"""Do the checks hold on every battery, not only the default ones? Every check, shown and hidden, passes the
reference on each of :data:`SEEDS`, and rejects every known mistake of its exercise on each of them.

A battery is drawn from its seed, and another machine's rounding can turn a marginal draw into a failure, so a
check is sound only if no draw is marginal. The checks run in-process, with their output swallowed.
"""

from __future__ import annotations

import contextlib
import importlib
import io

import pytest

from lesson_utils import check
from lesson_utils.check import EXERCISES, CheckFailed

SEEDS = range(200)
"""The seeds swept for every check (the default batteries, seeds 101 to 803, are tested by each lesson's tests)."""

BANKS: dict[str, tuple[str, ...]] = {
    "mse": ("MSE_BANK",),
    "cross_entropy": ("CE_BANK",),
    "softmax": ("SOFTMAX_BANK",),
    "log_softmax": ("LOG_SOFTMAX_BANK",),
    "cross_entropy_from_logits": ("CE_BANK",),
    "softmax_cross_entropy_grad": ("GRAD_BANK",),
    "linear_mse_grads": ("GRADS_BANK",),
    "gd_step": ("STEP_BANK",),
    "fit_linear": ("FIT_BANK", "FIT_BEHAVIOUR_BANK"),
    "iterate_minibatches": ("ITER_BANK",),
    "steps_per_epoch": ("STEPS_BANK",),
    "sgd_fit": ("SGD_BANK", "SGD_BEHAVIOUR_BANK"),
    "Value": ("VALUE_BANK",),
    "linear_forward": ("FORWARD_BANK",),
    "linear_backward": ("BACKWARD_BANK",),
    "relu_backward": ("RELU_BANK",),
    "numerical_gradient": ("NUMGRAD_BANK",),
    "sgd_momentum_step": ("SGD_BANK",),
    "adam_step": ("ADAM_BANK",),
    "adamw_step": ("ADAMW_BANK",),
    "train_val_split": ("SPLIT_BANK",),
    "EarlyStopping": ("STOP_BANK",),
    "train_one_epoch": ("TRAIN_BANK", "TRAIN_BEHAVIOUR_BANK"),
    "evaluate": ("EVAL_BANK", "EVAL_BEHAVIOUR_BANK"),
}
"""Exercise -> the banks of known mistakes in its lesson's ``mistakes`` module."""

NAMES = [name for names in EXERCISES.values() for name in names]
LESSON_OF = {name: lesson for lesson, names in EXERCISES.items() for name in names}


def module(name: str, kind: str):
    return importlib.import_module(f"lesson_utils.{LESSON_OF[name]}.{kind}")


def rejected(name: str, fn, seed: int, hidden: bool) -> bool:
    """Whether ``check.NAME(fn, seed=seed, hidden=hidden)`` fails (quietly)."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            getattr(check, name)(fn, seed=seed, hidden=hidden)
        except CheckFailed:
            return True
    return False


def test_every_exercise_has_its_banks_listed():
    """Is every exercise of the course in the sweep, with banks that exist and hold mistakes?"""
    assert sorted(BANKS) == sorted(NAMES)
    for name, banks in BANKS.items():
        assert all(getattr(module(name, "mistakes"), bank) for bank in banks), name


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes_on_every_seed(name):
    """Does the reference pass the visible and the hidden battery of every seed swept?"""
    reference = getattr(module(name, "reference"), name)
    failed = [(seed, hidden) for seed in SEEDS for hidden in (False, True) if rejected(name, reference, seed, hidden)]
    assert failed == []


@pytest.mark.parametrize("name", NAMES)
def test_every_known_mistake_is_rejected_on_every_seed(name):
    """Is every known mistake of the exercise rejected by the visible and the hidden battery of every seed swept?"""
    mistakes = [m for bank in BANKS[name] for m in getattr(module(name, "mistakes"), bank)]
    passed = [(m.id, seed, hidden) for m in mistakes for seed in SEEDS for hidden in (False, True)
              if not rejected(name, m.fn, seed, hidden)]
    assert passed == []
