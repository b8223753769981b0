"""The cells of the check-yourself quiz and of the experiments, written from each lesson's tables.

A question appears in a notebook as ``qN-prompt`` (markdown: the question and its options), ``qN-quiz`` (code:
``quiz.ask(N)``, the widget), any cells of the lesson's own that follow it, and ``qN-answer`` (markdown: the
answer, folded). The markdown cells are the table's words (:func:`lesson_utils.quiz.prompt_markdown`,
:func:`lesson_utils.quiz.answer_markdown`), so that a reader whose viewer draws no widgets sees the same quiz.

An experiment is ``exp-KEY-prompt`` (markdown: the challenge) followed by the lesson's own code cell and, for one
without a check, ``exp-KEY-reflect`` (code: ``experiments.reflect(KEY)``, the box for what the learner found).
"""

from __future__ import annotations

import re

import nbformat

from lesson_utils import experiments, quiz

QUIZ_TAGS = ["nbval-ignore-output"]
"""A widget's output names a model id, new on every run."""


def lesson_of(nb_name: str) -> str:
    """``"lesson01"`` for ``01_loss_functions.ipynb``."""
    match = re.match(r"(\d\d)_", nb_name)
    if match is None:
        raise ValueError(f"{nb_name} is not a lesson notebook")
    return f"lesson{match.group(1)}"


def expected(lesson: str) -> dict[str, tuple[str, str]]:
    """Cell id -> (cell type, source) for every quiz cell of ``lesson`` that the table writes."""
    cells = {}
    for number, question in enumerate(quiz.questions(lesson), start=1):
        cells[f"q{number}-prompt"] = ("markdown", quiz.prompt_markdown(number, question))
        cells[f"q{number}-quiz"] = ("code", f"quiz.ask({number})")
        cells[f"q{number}-answer"] = ("markdown", quiz.answer_markdown(question))
    for experiment in experiments.experiments(lesson):
        cells[f"exp-{experiment.key}-prompt"] = ("markdown", experiments.prompt_markdown(experiment))
        if experiment.judge is None:
            cells[f"exp-{experiment.key}-reflect"] = ("code", f"experiments.reflect({experiment.key!r})")
    return cells


def differences(nb: nbformat.NotebookNode, lesson: str) -> list[str]:
    """What in ``nb``'s quiz cells differs from the table: one line per cell, none when in step."""
    found = {cell.get("id"): cell for cell in nb.cells}
    order = [cell.get("id") for cell in nb.cells]
    problems = []
    for cell_id, (cell_type, source) in expected(lesson).items():
        cell = found.get(cell_id)
        if cell is None:
            problems.append(f"{cell_id}: missing")
        elif cell.cell_type != cell_type or cell.source != source:
            problems.append(f"{cell_id}: differs from the table")
    for number in range(1, len(quiz.questions(lesson)) + 1):
        ids = [f"q{number}-prompt", f"q{number}-quiz", f"q{number}-answer"]
        if all(i in found for i in ids) and not order.index(ids[0]) < order.index(ids[1]) < order.index(ids[2]):
            problems.append(f"q{number}: its prompt, widget and answer are out of order")
    return problems


def rewrite(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Give ``nb``'s existing quiz cells the table's words (cells are neither added nor moved)."""
    wanted = expected(lesson)
    for cell in nb.cells:
        if cell.get("id") in wanted:
            cell.source = wanted[cell["id"]][1]
