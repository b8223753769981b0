"""The open experiments of lessons 06 to 08: does each judge say done for the values that complete its experiment
and not yet for the others (the notebook's starting values among them), in one line, and a sentence rather than a
traceback for values that are no values at all; do the judges agree with the lessons' own computations; and do
they run where the lessons' answers are withheld?"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from lesson_utils import experiments
from lesson_utils.lesson06 import experiments as lesson06
from lesson_utils.lesson07 import experiments as lesson07
from lesson_utils.lesson08 import experiments as lesson08

NAN = float("nan")

CASES = {
    ("lesson06", "momentum_limit"): [
        ({"lr": 0.3}, False),  # the notebook's start: settles, but a larger rate does too
        ({"lr": 0.2}, False),
        ({"lr": 0.37}, True),
        ({"lr": 0.375}, True),
        ({"lr": 0.379}, True),
        ({"lr": 0.38}, False),  # on the edge: the swings neither grow nor shrink
        ({"lr": 0.4}, False),
        ({"lr": 3.0}, False),
        ({"lr": -0.1}, False),
        ({"lr": 0.0}, False),
        ({"lr": NAN}, False),
        ({"lr": [0.37, 0.38]}, False),
        ({"lr": "fast"}, False),
    ],
    ("lesson06", "l2_half"): [
        ({"weight_decay": 0.1}, False),  # the notebook's start: w2 at 0.09
        ({"weight_decay": 0.01}, True),
        ({"weight_decay": 0.0101}, True),
        ({"weight_decay": 0.02}, False),
        ({"weight_decay": 0.005}, False),
        ({"weight_decay": 0.0}, False),
        ({"weight_decay": -0.01}, False),
        ({"weight_decay": NAN}, False),
        ({"weight_decay": np.array([0.01, 0.01])}, False),
        ({"weight_decay": None}, False),
    ],
    ("lesson07", "patience_for_minimum"): [
        ({"patience": 5}, False),  # the notebook's start: restores epoch 34
        ({"patience": 1}, False),
        ({"patience": 14}, False),
        ({"patience": 15}, True),
        ({"patience": np.int64(15)}, True),
        ({"patience": 16}, False),  # restores the minimum, but waits longer than it needs
        ({"patience": 20}, False),
        ({"patience": 500}, False),  # never stops within the curve
        ({"patience": 0}, False),
        ({"patience": -15}, False),
        ({"patience": 15.5}, False),
        ({"patience": NAN}, False),
        ({"patience": [15]}, False),
    ],
    ("lesson08", "accumulate"): [
        ({"w": 0.6, "b": 0.2}, False),  # the notebook's start: the two halves' gradients added up
        ({"w": 0.3, "b": 0.1}, True),
        ({"w": 0.30000000000000004, "b": 0.1}, True),
        ({"w": np.float64(0.3), "b": np.array(0.1)}, True),
        ({"w": 0.15, "b": 0.05}, False),
        ({"w": 0.3, "b": 0.2}, False),
        ({"w": 0.0, "b": 0.0}, False),
        ({"w": NAN, "b": 0.1}, False),
        ({"w": [0.3, 0.1], "b": 0.1}, False),
        ({"w": "0.3", "b": None}, False),
    ],
}

ROWS = [(lesson, key, values, done) for (lesson, key), rows in CASES.items() for values, done in rows]
IDS = [f"{key}-{values}" for _, key, values, _ in ROWS]


def judge_of(lesson: str, key: str):
    return {e.key: e for e in experiments.experiments(lesson)}[key].judge


@pytest.mark.parametrize(("lesson", "key", "values", "done"), ROWS, ids=IDS)
def test_a_judge_says_done_only_for_values_that_complete_the_experiment(lesson, key, values, done):
    """Does the judge say done for these values (or not yet), in one line, the same each time it is asked?"""
    outcome = judge_of(lesson, key)(**values)
    assert outcome.done is done
    assert outcome.sentence.strip() and "\n" not in outcome.sentence
    assert judge_of(lesson, key)(**values) == outcome


def test_every_checked_experiment_has_its_table_and_every_lesson_has_a_checked_one():
    """Is every judge of lessons 06 to 08 in the table above, and does each lesson offer two or three experiments,
    at least one of them checked?"""
    for lesson in ("lesson06", "lesson07", "lesson08"):
        offered = experiments.experiments(lesson)
        assert 2 <= len(offered) <= 3
        checked = {e.key for e in offered if e.judge is not None}
        assert checked and checked == {key for (name, key) in CASES if name == lesson}


def test_momentum_settles_below_its_limit_at_the_rate_its_memory_sets():
    """Is momentum 0.9's largest stable rate on the valley 0.38, and below it do the swings across the valley shrink
    by sqrt(0.9) per step whatever the rate, as the experiment says?"""
    assert abs(lesson06.LIMIT - 0.38) < 1e-12
    for lr in (0.001, 0.1, 0.3, 0.37, 0.379):
        roots = np.roots([1.0, -(1 + 0.9 - lr * 10.0), 0.9])
        assert np.max(np.abs(roots)) == pytest.approx(np.sqrt(0.9))
    assert lesson06.growth_per_step(0.381) > 1 > lesson06.growth_per_step(0.379)


def test_the_l2_minimum_is_where_the_lessons_run_ends():
    """Does the L2 minimum the judge uses match section 5's printed weights for weight_decay 0.1?"""
    np.testing.assert_allclose(lesson06.l2_minimum(0.1), [100 / 100.1, 0.01 / 0.11])
    np.testing.assert_allclose(lesson06.l2_minimum(0.01), [100 / 100.01, 0.5])


def test_the_patience_judge_stops_where_an_early_stopper_does():
    """On section 7's curve, does the judge's running-minimum reading stop and restore where a stopper stepped
    epoch by epoch does, for every patience?"""
    curve = lesson07._curve()
    for patience in range(1, len(curve) + 2):
        best, best_epoch, waited, stop = np.inf, -1, 0, None
        for epoch, loss in enumerate(curve):
            if loss < best:
                best, best_epoch, waited = loss, epoch, 0
            else:
                waited += 1
            if waited >= patience:
                stop = epoch
                break
        assert lesson07.stop_and_restore(curve, patience) == (stop, best_epoch)


def test_one_full_batch_step_is_the_one_section_2_prints():
    """From w = b = 0 at lr 0.01, does one step on the four points land at w = 0.3, b = 0.1, the gradients being the
    -30 and -10 that section 2 prints?"""
    assert lesson08.full_batch_step() == pytest.approx((0.3, 0.1))
    assert lesson08.full_batch_step(lr=1.0) == pytest.approx((30.0, 10.0))


def test_the_judges_run_without_the_withheld_modules():
    """Can every judge of lessons 06 to 08 run in a fresh process without importing a lesson's reference, mistakes
    or stored answers, which are withheld when a notebook is graded?"""
    script = (
        "import sys\n"
        "from lesson_utils import experiments\n"
        "for lesson in ('lesson06', 'lesson07', 'lesson08'):\n"
        "    for e in experiments.experiments(lesson):\n"
        "        if e.judge is not None:\n"
        "            e.judge(**{name: 1 for name in e.judge.__code__.co_varnames[:e.judge.__code__.co_argcount]})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[-1] in ('reference', 'mistakes', 'stored')))\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"
