"""Check yourself: each lesson's questions, how an answer is judged, and how the questions read without widgets.

A lesson's questions are a table, ``QUESTIONS`` in ``lesson_utils/lessonNN/quiz.py``. The notebook asks each one
in a widget (:mod:`lesson_utils.quiz_widget`) and, for readers whose viewer draws no widgets, carries the same
question and its answer as two markdown cells, written from the table by :func:`prompt_markdown` and
:func:`answer_markdown` (a test keeps the two in step).

Answers are kept with the learner's progress (:mod:`lesson_utils.attempts`): a small file on their own computer,
shared by every lesson's notebook, so an answer survives a restart and is shown again when the notebook is run
after reopening. A notebook's own metadata cannot hold them: a kernel cannot write to the notebook it runs in.
"""

from __future__ import annotations

import html
import importlib
import re
from dataclasses import dataclass

from . import messages as M

LETTERS = "abcdefgh"


@dataclass(frozen=True)
class Choice:
    """A question with one right option among a few."""

    prompt: str
    options: tuple[str, ...]
    answer: int
    """The index of the right option."""
    explanation: str


@dataclass(frozen=True)
class Estimate:
    """A question whose answer is a number, right within ``tolerance`` of ``answer``."""

    prompt: str
    answer: float
    tolerance: float
    explanation: str


@dataclass(frozen=True)
class Written:
    """A question answered in the learner's own words: after writing, they compare with the explanation and say
    whether they had it."""

    prompt: str
    explanation: str


Question = Choice | Estimate | Written


def questions(lesson: str) -> tuple[Question, ...]:
    """Lesson ``lesson``'s questions (``"lesson01"``), in order; none for a lesson without a quiz."""
    try:
        return importlib.import_module(f"lesson_utils.{lesson}.quiz").QUESTIONS
    except ModuleNotFoundError:
        return ()


def key(lesson: str, number: int) -> str:
    """Where question ``number`` (from 1) of ``lesson`` keeps its answer."""
    return f"{lesson}/q{number}"


def parse_number(text: str) -> float | None:
    """A number as a learner types it (``1.5``, ``1,5``, `` 0.25 ``, ``3e-2``), or ``None``."""
    cleaned = text.strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def shown_number(value: float) -> str:
    """A number as the quiz prints it: up to four significant figures, no trailing zeros."""
    return f"{value:.4g}"


def judge(question: Question, given: int | float | str) -> bool | None:
    """Whether ``given`` answers ``question``: ``None`` for a written answer (the learner judges it)."""
    if isinstance(question, Choice):
        return given == question.answer
    if isinstance(question, Estimate):
        return abs(float(given) - question.answer) <= question.tolerance
    return None


def verdict(question: Question, given: int | float | str, right: bool | None) -> str:
    """The sentence shown under an answer."""
    if isinstance(question, Choice):
        return M.QUIZ_RIGHT if right else M.QUIZ_WRONG_CHOICE.format(letter=LETTERS[question.answer])
    if isinstance(question, Estimate):
        words = M.QUIZ_ESTIMATE_RIGHT if right else M.QUIZ_ESTIMATE_WRONG
        return words.format(answer=shown_number(question.answer), given=shown_number(float(given)))
    if right is None:
        return M.QUIZ_WRITTEN_SAVED
    return M.QUIZ_SELF_HAD_IT if right else M.QUIZ_SELF_MISSED


def prompt_markdown(number: int, question: Question) -> str:
    """The markdown cell that asks question ``number``."""
    text = f"**{number}. {question.prompt}**"
    if isinstance(question, Choice):
        text += "\n\n" + "\n".join(f"- **{LETTERS[i]}.** {option}" for i, option in enumerate(question.options))
    return text


def answer_markdown(question: Question) -> str:
    """The markdown cell that holds question's answer, folded away under "Answer"."""
    if isinstance(question, Choice):
        lead = f"**{LETTERS[question.answer]}.** "
    elif isinstance(question, Estimate):
        lead = f"**{shown_number(question.answer)}.** "
    else:
        lead = ""
    return f"<details><summary>Answer</summary>\n\n{lead}{question.explanation}\n</details>"


_MATH = re.compile(r"(\$[^$]+\$)")
_INLINE = (
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<b>\1</b>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<i>\1</i>"),
)


def _inline(text: str) -> str:
    parts = _MATH.split(text)
    for i in range(0, len(parts), 2):  # the even parts are outside $...$
        part = html.escape(parts[i], quote=False)
        for pattern, replacement in _INLINE:
            part = pattern.sub(replacement, part)
        parts[i] = part
    for i in range(1, len(parts), 2):
        parts[i] = html.escape(parts[i], quote=False)
    return "".join(parts)


def explanation_html(text: str) -> str:
    """An explanation's markdown as the widget shows it: paragraphs, lists, bold, italics, code, and math left
    between dollars for the widget to typeset."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(blocks)


def score(lesson: str, answers: dict) -> tuple[int, int, int]:
    """``(answered, right, asked)`` for ``lesson``'s quiz, from the kept ``answers`` (by key)."""
    asked = questions(lesson)
    answered = right = 0
    for number in range(1, len(asked) + 1):
        entry = answers.get(key(lesson, number))
        if entry is not None and entry.given is not None:
            answered += 1
            right += entry.right is True
    return answered, right, len(asked)
