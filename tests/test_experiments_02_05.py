"""The open experiments of lessons 02 to 05: does each judge complete the experiment with the values that do it and
only with those, saying what happened in one line, also when given nonsense; is it quick and the same every time;
does it leave the lessons' withheld answers alone; and does each notebook start its experiment not yet done?"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from hml_grader.paths import SOLUTIONS
from lesson_utils import experiments
from lesson_utils.withheld import WITHHELD

LESSONS = ("lesson02", "lesson03", "lesson04", "lesson05")
NOTEBOOKS = {"lesson02": "02_softmax", "lesson03": "03_gradient_descent", "lesson04": "04_minibatches",
             "lesson05": "05_backpropagation"}
NAN = float("nan")

CASES = [
    # lesson 02: the smallest constant that makes the textbook softmax of [2.0, 1.0, 0.1] overflow, to within 0.1
    ("lesson02", "overflow_edge", {"c": 100.0}, False),  # the notebook's starting value
    ("lesson02", "overflow_edge", {"c": 707.7}, False),
    ("lesson02", "overflow_edge", {"c": 707.79}, True),
    ("lesson02", "overflow_edge", {"c": 707.88}, True),
    ("lesson02", "overflow_edge", {"c": 707.9}, False),
    ("lesson02", "overflow_edge", {"c": 800}, False),
    ("lesson02", "overflow_edge", {"c": -800}, False),
    ("lesson02", "overflow_edge", {"c": NAN}, False),
    ("lesson02", "overflow_edge", {"c": "big"}, False),
    ("lesson02", "overflow_edge", {"c": [1.0, 2.0]}, False),
    # lesson 02: a temperature that gives class 0 a probability of 0.9 +- 0.005
    ("lesson02", "sharpen_to_90", {"T": 1.0}, False),  # the notebook's starting value
    ("lesson02", "sharpen_to_90", {"T": 0.432}, True),
    ("lesson02", "sharpen_to_90", {"T": 0.43}, True),
    ("lesson02", "sharpen_to_90", {"T": 0.5}, False),
    ("lesson02", "sharpen_to_90", {"T": 0.2}, False),
    ("lesson02", "sharpen_to_90", {"T": 0}, False),
    ("lesson02", "sharpen_to_90", {"T": -0.43}, False),
    ("lesson02", "sharpen_to_90", {"T": NAN}, False),
    ("lesson02", "sharpen_to_90", {"T": "hot"}, False),
    # lesson 03: a line at which one step lowers w but raises b
    ("lesson03", "rotate_the_line", {"w": 0.0, "b": 0.0}, False),  # the notebook's starting values
    ("lesson03", "rotate_the_line", {"w": 3.0, "b": -2.2}, True),
    ("lesson03", "rotate_the_line", {"w": 2.5, "b": -1.1}, True),
    ("lesson03", "rotate_the_line", {"w": 3.0, "b": 0.0}, False),
    ("lesson03", "rotate_the_line", {"w": 3.0, "b": -2.0}, False),  # db is exactly 0
    ("lesson03", "rotate_the_line", {"w": 2.0, "b": 0.0}, False),  # the best line: nothing moves
    ("lesson03", "rotate_the_line", {"w": 1.0, "b": 2.0}, False),
    ("lesson03", "rotate_the_line", {"w": NAN, "b": 0.0}, False),
    ("lesson03", "rotate_the_line", {"w": "steep", "b": 0.0}, False),
    ("lesson03", "rotate_the_line", {"w": 3.0, "b": [1.0, 2.0]}, False),
    # lesson 03: a learning rate whose loss on the four points overflows within 9 steps
    ("lesson03", "diverge_fast", {"lr": 1.0}, False),  # the notebook's starting value
    ("lesson03", "diverge_fast", {"lr": 0.1}, False),
    ("lesson03", "diverge_fast", {"lr": 0.13}, False),
    ("lesson03", "diverge_fast", {"lr": 1e15}, False),
    ("lesson03", "diverge_fast", {"lr": 6.2e15}, True),
    ("lesson03", "diverge_fast", {"lr": 1e16}, True),
    ("lesson03", "diverge_fast", {"lr": 1e300}, True),
    ("lesson03", "diverge_fast", {"lr": 0}, False),
    ("lesson03", "diverge_fast", {"lr": -1.0}, False),
    ("lesson03", "diverge_fast", {"lr": NAN}, False),
    ("lesson03", "diverge_fast", {"lr": np.array([1.0, 2.0])}, False),
    # lesson 04: the smallest batch size with fewer than 10,000 updates in 3 epochs over 1,000,000 examples
    ("lesson04", "updates_under", {"batch_size": 256}, False),  # the notebook's starting value
    ("lesson04", "updates_under", {"batch_size": 300}, False),
    ("lesson04", "updates_under", {"batch_size": 301}, True),
    ("lesson04", "updates_under", {"batch_size": 301.0}, True),
    ("lesson04", "updates_under", {"batch_size": np.int64(301)}, True),
    ("lesson04", "updates_under", {"batch_size": 302}, False),
    ("lesson04", "updates_under", {"batch_size": 10**7}, False),
    ("lesson04", "updates_under", {"batch_size": 0}, False),
    ("lesson04", "updates_under", {"batch_size": 300.5}, False),
    ("lesson04", "updates_under", {"batch_size": True}, False),
    ("lesson04", "updates_under", {"batch_size": "many"}, False),
    # lesson 04: an epoch that takes 0.8 to 1.25 times as long as 10 full-batch steps (the learner's own timings)
    ("lesson04", "epoch_as_long", {"batch_size": 256, "epoch_seconds": 0.037, "ten_steps_seconds": 0.313}, False),
    ("lesson04", "epoch_as_long", {"batch_size": 12, "epoch_seconds": 0.354, "ten_steps_seconds": 0.313}, True),
    ("lesson04", "epoch_as_long", {"batch_size": 16, "epoch_seconds": 0.26, "ten_steps_seconds": 0.313}, True),
    ("lesson04", "epoch_as_long", {"batch_size": 8, "epoch_seconds": 0.455, "ten_steps_seconds": 0.313}, False),
    ("lesson04", "epoch_as_long", {"batch_size": 12, "epoch_seconds": -0.3, "ten_steps_seconds": 0.313}, False),
    ("lesson04", "epoch_as_long", {"batch_size": 12, "epoch_seconds": NAN, "ten_steps_seconds": 0.313}, False),
    ("lesson04", "epoch_as_long", {"batch_size": 0, "epoch_seconds": 0.3, "ten_steps_seconds": 0.3}, False),
    ("lesson04", "epoch_as_long", {"batch_size": 12, "epoch_seconds": "0.3", "ten_steps_seconds": 0.3}, False),
    # lesson 05: an input other than 0 at which the centred difference of ReLU is off by more than 0.1
    ("lesson05", "relu_kink", {"z0": 0.5}, False),  # the notebook's starting value
    ("lesson05", "relu_kink", {"z0": 0.0}, False),  # the kink itself does not count
    ("lesson05", "relu_kink", {"z0": 5e-7}, True),
    ("lesson05", "relu_kink", {"z0": -5e-7}, True),
    ("lesson05", "relu_kink", {"z0": 8.1e-7}, False),
    ("lesson05", "relu_kink", {"z0": 1e-6}, False),
    ("lesson05", "relu_kink", {"z0": -1e-3}, False),
    ("lesson05", "relu_kink", {"z0": NAN}, False),
    ("lesson05", "relu_kink", {"z0": np.array([0.0])}, False),
    ("lesson05", "relu_kink", {"z0": "kink"}, False),
]


def judge(lesson: str, key: str):
    found = {e.key: e for e in experiments.experiments(lesson)}[key]
    assert found.judge is not None, f"{lesson}/{key} has no judge"
    return found.judge


def case_id(case) -> str:
    _, key, values, done = case
    return f"{key}-{'-'.join(f'{name}={value!r}' for name, value in values.items())}-{'done' if done else 'not'}"


@pytest.mark.parametrize(("lesson", "key", "values", "done"), CASES, ids=[case_id(c) for c in CASES])
def test_a_judge_completes_the_experiment_only_with_values_that_do_it(lesson, key, values, done):
    """Given these values, does the judge say done exactly when they complete the experiment, in one sentence on
    one line, also for values of the wrong kind?"""
    outcome = judge(lesson, key)(**values)
    assert outcome.done is done
    assert isinstance(outcome.sentence, str) and outcome.sentence.strip()
    assert "\n" not in outcome.sentence


@pytest.mark.parametrize(("lesson", "key", "values", "done"), CASES, ids=[case_id(c) for c in CASES])
def test_a_judge_is_quick_and_the_same_every_time(lesson, key, values, done):
    """Called twice with the same values, does the judge give the same outcome, each time well under a second?"""
    outcomes = []
    for _ in range(2):
        start = time.perf_counter()
        outcomes.append(judge(lesson, key)(**values))
        assert time.perf_counter() - start < 0.5
    assert outcomes[0] == outcomes[1]


def test_every_checked_experiment_has_cases_that_do_and_do_not_complete_it():
    """Does the table above hold, for every experiment with a judge, values that complete it and values that
    do not?"""
    for lesson in LESSONS:
        for experiment in experiments.experiments(lesson):
            if experiment.judge is None:
                continue
            seen = {done for case_lesson, key, _, done in CASES if (case_lesson, key) == (lesson, experiment.key)}
            assert seen == {True, False}, f"{lesson}/{experiment.key}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_experiments_leave_the_withheld_answers_alone(lesson):
    """Does the lesson's experiments module import none of the modules withheld when notebooks are graded
    (reference, mistakes, stored), directly or through lesson_utils.withheld?"""
    path = Path(experiments.__file__).parent / lesson / "experiments.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {node.module or ""} | {f"{node.module or ''}.{alias.name}" for alias in node.names}
    parts = {part for name in names for part in name.split(".")}
    assert not parts & {*WITHHELD, "withheld"}, sorted(names)


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_offers_two_or_three_experiments_and_checks_at_least_one(lesson):
    """Does the lesson set two or three experiments, at least one of them checked?"""
    offered = experiments.experiments(lesson)
    assert 2 <= len(offered) <= 3
    assert any(e.judge is not None for e in offered)


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_notebook_starts_every_checked_experiment_not_yet_done(lesson):
    """In the executed solutions notebook, does each checked experiment's cell print the "not yet" sentence for
    the values it starts from, and no success?"""
    nb = nbformat.read(SOLUTIONS / f"{NOTEBOOKS[lesson]}.ipynb", as_version=4)
    cells = {cell.get("id"): cell for cell in nb.cells}
    for experiment in experiments.experiments(lesson):
        if experiment.judge is None:
            continue
        printed = "".join(o.get("text", "") for o in cells[f"exp-{experiment.key}"].outputs)
        assert "🔁 " in printed and "✅ " not in printed, f"{lesson}/{experiment.key}"
