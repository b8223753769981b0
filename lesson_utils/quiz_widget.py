"""The quiz in a notebook: ``quiz = Quiz("lesson01")``, then ``quiz.ask(1)`` under the first question.

Each answer is judged where it can be (an option, a number), the explanation appears once answered, and the
answer is kept (:mod:`lesson_utils.attempts`) so that running the cell again, after a restart or another day,
shows it again. Works with ipywidgets 7 (Colab) and 8.
"""

from __future__ import annotations

import ipywidgets as widgets

from . import attempts
from . import messages as M
from .quiz import LETTERS, Choice, Estimate, Question, explanation_html, judge, key, parse_number, questions, verdict


class Asked:
    """One question's widget: its controls, the verdict, the explanation, and (for a written answer) the learner's
    own judgement."""

    def __init__(self, question: Question, where: str):
        self.question, self.where = question, where
        self.verdict = widgets.HTML()
        self.explanation = widgets.HTMLMath()
        self.assess = widgets.HBox()
        self.controls = self._controls()
        self.box = widgets.VBox([self.controls, self.verdict, self.explanation, self.assess])
        kept = attempts.answer(where)
        if kept.given is not None:
            self._show(kept.given, kept.right)

    def _controls(self) -> widgets.Widget:
        question = self.question
        if isinstance(question, Choice):
            self.options = [widgets.Button(description=LETTERS[i], tooltip=option,
                                           layout=widgets.Layout(width="3em"))
                            for i, option in enumerate(question.options)]
            for i, button in enumerate(self.options):
                button.on_click(lambda _button, i=i: self.give(i))
            return widgets.HBox(self.options)
        if isinstance(question, Estimate):
            self.entry = widgets.Text(placeholder=M.QUIZ_ESTIMATE_PLACEHOLDER)
            self.submit = widgets.Button(description=M.QUIZ_ESTIMATE_BUTTON, button_style="primary")
            self.submit.on_click(lambda _button: self.give(self.entry.value))
            return widgets.HBox([self.entry, self.submit])
        self.entry = widgets.Textarea(placeholder=M.QUIZ_WRITTEN_PLACEHOLDER,
                                      layout=widgets.Layout(width="100%", height="6em"))
        self.submit = widgets.Button(description=M.QUIZ_WRITTEN_BUTTON, button_style="primary")
        self.submit.on_click(lambda _button: self.give(self.entry.value))
        self.had_it = widgets.Button(description=M.QUIZ_SELF_YES, icon="check", layout=widgets.Layout(width="auto"))
        self.missed = widgets.Button(description=M.QUIZ_SELF_NO, icon="times", layout=widgets.Layout(width="auto"))
        self.had_it.on_click(lambda _button: self.assess_own(True))
        self.missed.on_click(lambda _button: self.assess_own(False))
        return widgets.VBox([self.entry, self.submit])

    def give(self, given: int | str) -> None:
        """Answer with ``given``: an option's index, or the text typed in the box."""
        if isinstance(self.question, Estimate):
            number = parse_number(given)
            if number is None:
                self.verdict.value = M.QUIZ_NOT_A_NUMBER
                return
            given = number
        elif not isinstance(self.question, Choice) and not given.strip():
            self.verdict.value = M.QUIZ_WRITTEN_EMPTY
            return
        right = judge(self.question, given)
        attempts.answered(self.where, given, right)
        self._show(given, right)

    def assess_own(self, had_it: bool) -> None:
        """The learner's own judgement of their written answer, once they have read the course's."""
        given = attempts.answer(self.where).given
        attempts.answered(self.where, given, had_it)
        self._show(given, had_it)

    def _show(self, given: int | float | str, right: bool | None) -> None:
        question = self.question
        if isinstance(question, Choice):
            for i, button in enumerate(self.options):
                button.button_style = ("success" if i == question.answer
                                       else "danger" if i == given else "")
        elif isinstance(question, Estimate):
            self.entry.value = str(given)
        else:
            self.entry.value = str(given)
            self.assess.children = (widgets.HTML(M.QUIZ_SELF_ASK), self.had_it, self.missed)
            self.had_it.button_style = "success" if right is True else ""
            self.missed.button_style = "warning" if right is False else ""
        self.verdict.value = verdict(question, given, right)
        self.explanation.value = explanation_html(question.explanation)


class Quiz:
    """A lesson's check-yourself questions, asked one widget at a time: ``quiz.ask(1)``."""

    def __init__(self, lesson: str):
        self.lesson = lesson
        self.questions = questions(lesson)
        if not self.questions:
            raise ValueError(f"lesson {lesson!r} has no quiz")

    def ask(self, number: int) -> widgets.Widget:
        """The widget for question ``number`` (from 1), showing the answer kept from before, if any."""
        if not 1 <= number <= len(self.questions):
            raise ValueError(f"lesson {self.lesson!r} has questions 1 to {len(self.questions)}, not {number}")
        return Asked(self.questions[number - 1], key(self.lesson, number)).box
