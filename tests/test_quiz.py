"""Check yourself as a quiz and the open experiments: is each answer judged right, kept across a restart and
shown again, do the notebooks' static cells say what the tables say (prompt and answer apart), does the static
fallback render without widgets, and do the experiments judge, keep and report their outcomes?"""

from __future__ import annotations

import html
import json
import os
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from hml_grader import quiz_cells
from hml_grader.paths import NOTEBOOKS, SOLUTIONS, lessons
from lesson_utils import attempts, experiments, progress_report, quiz
from lesson_utils import messages as M
from lesson_utils.check import EXERCISES
from lesson_utils.quiz_widget import Quiz

LESSONS_WITH_QUIZ = [path for path in lessons(SOLUTIONS) if quiz.questions(quiz_cells.lesson_of(path.name))]


@pytest.fixture(autouse=True)
def fresh_attempts():
    attempts.forget()
    yield
    attempts.forget()


def parts(box):
    """A question widget's parts: (controls, verdict, explanation, self-assessment)."""
    return box.children


def button(box, description):
    controls = parts(box)[0]
    found = [w for w in controls.children if getattr(w, "description", None) == description]
    found += [w for w in parts(box)[3].children if getattr(w, "description", None) == description]
    assert len(found) == 1, f"no single button {description!r}"
    return found[0]


@pytest.mark.parametrize(("given", "right"), [(1, True), (0, False)], ids=["right option", "wrong option"])
def test_a_choice_is_judged_and_explained(given, right):
    """Does choosing an option say right or name the right letter, colour the options and show the explanation?"""
    box = Quiz("lesson01").ask(3)
    button(box, "ab"[given]).click()
    question = quiz.questions("lesson01")[2]
    assert parts(box)[1].value == (M.QUIZ_RIGHT if right else M.QUIZ_WRONG_CHOICE.format(letter="b"))
    assert parts(box)[2].value == quiz.explanation_html(question.explanation)
    styles = [b.button_style for b in parts(box)[0].children]
    assert styles == (["", "success"] if right else ["danger", "success"])
    assert attempts.answer("lesson01/q3") == attempts.Answer(given=given, right=right)


@pytest.mark.parametrize(("typed", "verdict"), [
    ("1.5", M.QUIZ_ESTIMATE_RIGHT.format(answer="1.5", given="1.5")),
    (" 1,5 ", M.QUIZ_ESTIMATE_RIGHT.format(answer="1.5", given="1.5")),
    ("1.504", M.QUIZ_ESTIMATE_RIGHT.format(answer="1.5", given="1.504")),
    ("0.18", M.QUIZ_ESTIMATE_WRONG.format(answer="1.5", given="0.18")),
    ("about one", M.QUIZ_NOT_A_NUMBER),
    ("nan", M.QUIZ_NOT_A_NUMBER),
], ids=["exact", "comma and spaces", "within tolerance", "wrong", "not a number", "nan"])
def test_an_estimate_is_read_as_a_learner_types_it(typed, verdict):
    """Is a typed number read with a comma or spaces, judged within its tolerance, and is text that is not a
    number told so, without keeping an answer?"""
    box = Quiz("lesson01").ask(2)
    parts(box)[0].children[0].value = typed
    button(box, M.QUIZ_ESTIMATE_BUTTON).click()
    assert parts(box)[1].value == verdict
    kept = attempts.answer("lesson01/q2")
    if verdict == M.QUIZ_NOT_A_NUMBER:
        assert kept == attempts.Answer() and parts(box)[2].value == ""
    else:
        assert kept.right is (verdict.startswith("✅"))


def test_a_written_answer_is_kept_then_judged_by_the_learner():
    """Is an empty answer refused, a written one kept and followed by the explanation, and is the learner's own
    judgement kept with it?"""
    box = Quiz("lesson01").ask(1)
    button(box, M.QUIZ_WRITTEN_BUTTON).click()
    assert parts(box)[1].value == M.QUIZ_WRITTEN_EMPTY and attempts.answer("lesson01/q1").given is None
    parts(box)[0].children[0].value = "One number for how wrong; cross-entropy keeps pushing when confidently wrong."
    button(box, M.QUIZ_WRITTEN_BUTTON).click()
    assert parts(box)[1].value == M.QUIZ_WRITTEN_SAVED
    assert attempts.answer("lesson01/q1").right is None
    button(box, M.QUIZ_SELF_NO).click()
    assert parts(box)[1].value == M.QUIZ_SELF_MISSED and attempts.answer("lesson01/q1").right is False
    button(box, M.QUIZ_SELF_YES).click()
    assert parts(box)[1].value == M.QUIZ_SELF_HAD_IT
    assert attempts.answer("lesson01/q1").given.startswith("One number")


def test_asking_again_shows_the_kept_answer():
    """Does a question asked again (its cell run again) show the answer already given, judged and explained?"""
    first = Quiz("lesson01").ask(4)
    button(first, "a").click()
    again = Quiz("lesson01").ask(4)
    assert parts(again)[1].value == M.QUIZ_WRONG_CHOICE.format(letter="b")
    assert parts(again)[2].value == parts(first)[2].value != ""


def test_a_question_that_is_not_there_is_refused():
    """Does asking question 0 or one past the last, or a lesson without a quiz, say so?"""
    with pytest.raises(ValueError, match="questions 1 to 4, not 5"):
        Quiz("lesson01").ask(5)
    with pytest.raises(ValueError, match="has no quiz"):
        Quiz("lesson99")


def test_explanations_become_html_with_math_left_for_the_widget():
    """Are bold, italics, code and lists turned into HTML, with HTML escaped and $...$ left as it is?"""
    text = "**Yes**: *scale* the `lr` & check $a < b$ and $x*y*z$.\n\n- one\n- two"
    assert quiz.explanation_html(text) == (
        "<p><b>Yes</b>: <i>scale</i> the <code>lr</code> &amp; check $a &lt; b$ and $x*y*z$.</p>"
        "<ul><li>one</li><li>two</li></ul>")


def test_the_quiz_score_is_in_the_progress_report():
    """Does the report give, per lesson with a quiz, how many questions were answered and how many are right?"""
    attempts.answered("lesson01/q3", 1, True)
    attempts.answered("lesson01/q4", 0, False)
    attempts.answered("lesson01/q1", "my words", None)
    shown = progress_report.lines()
    assert M.PROGRESS_QUIZ.format(answered=3, n=4, right=1) in shown
    asked = sum(len(quiz.questions(lesson)) for lesson in EXERCISES)
    assert shown[-1] == M.PROGRESS_QUIZ_SUMMARY.format(right=1, n=asked)


@pytest.mark.parametrize("path", LESSONS_WITH_QUIZ, ids=lambda p: p.stem)
def test_the_notebook_quiz_cells_say_what_the_tables_say(path, request):
    """Are the notebook's quiz and experiment cells, prompt and answer in cells of their own and in order, the
    words of the lesson's tables (``--update-golden`` rewrites them)?"""
    nb = nbformat.read(path, as_version=4)
    lesson = quiz_cells.lesson_of(path.name)
    if request.config.getoption("--update-golden"):
        quiz_cells.rewrite(nb, lesson)
        nbformat.write(nb, path)
    assert quiz_cells.differences(nb, lesson) == []
    for cell in nb.cells:
        if cell.get("id", "").endswith(("-quiz", "-reflect")):
            assert cell.metadata.get("tags") == quiz_cells.QUIZ_TAGS


@pytest.mark.parametrize("path", LESSONS_WITH_QUIZ, ids=lambda p: p.stem)
def test_the_static_quiz_renders_without_widgets(path):
    """Exported to HTML as a viewer without widgets shows it, does the learner's copy show every question and,
    folded in a later cell, its answer?"""
    nb = nbformat.read(NOTEBOOKS / path.name, as_version=4)
    lesson = quiz_cells.lesson_of(path.name)
    body, _ = HTMLExporter().from_notebook_node(nb)
    for number, question in enumerate(quiz.questions(lesson), start=1):
        prompt = body.find(f"<strong>{number}. ")
        answer = body.find("<summary>Answer</summary>", prompt)
        assert -1 < prompt < answer
        if isinstance(question, quiz.Choice):
            shown = html.unescape(re.sub(r"<[^>]+>", "", body[prompt:answer]))
            for option in question.options:
                words = re.sub(r"\$[^$]*\$|[`*]", " ", option).split()  # what markdown shows as text
                assert " ".join(words[:3]) in " ".join(shown.split()), option
        assert "<summary>" not in nbformat.from_dict(
            next(c for c in nb.cells if c.get("id") == f"q{number}-prompt")).source


def in_a_kernel(record, *sources: str) -> list[nbformat.NotebookNode]:
    """Run ``sources`` as cells in a fresh kernel whose record is ``record``; return the executed cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute(
        env=dict(os.environ, HOW_MODELS_LEARN_RECORD=str(record), MPLBACKEND="Agg"))
    return nb.cells


def test_answers_survive_a_kernel_restart(tmp_path):
    """Answered in one kernel, is each answer in the record file, and does a new kernel's widget show it?"""
    record = tmp_path / "progress.json"
    in_a_kernel(record, 'from lesson_utils.quiz_widget import Quiz\nbox = Quiz("lesson01").ask(3)',
                "next(w for w in box.children[0].children if w.description == 'b').click()")
    assert json.loads(record.read_text())["answers"]["lesson01/q3"] == {"given": 1, "right": True}
    shown = in_a_kernel(record, 'from lesson_utils.quiz_widget import Quiz\nbox = Quiz("lesson01").ask(3)',
                        "print(box.children[1].value)")
    assert shown[1].outputs[0]["text"] == M.QUIZ_RIGHT + "\n"


def test_experiments_judge_keep_and_report():
    """Does a checked experiment print its judge's sentence, keep a success even after a later miss, and count in
    the report; is an unknown key or a reflection passed to check told so?"""
    lab = experiments.Experiments("lesson01")
    lab.check("loss_of_one", p_true=0.5)
    assert attempts.answer("lesson01/experiment/loss_of_one").right is False
    lab.check("loss_of_one", p_true=0.368)
    lab.check("loss_of_one", p_true=0.9)
    assert attempts.answer("lesson01/experiment/loss_of_one") == attempts.Answer(given="p_true=0.9", right=True)
    assert M.PROGRESS_EXPERIMENTS.format(done=1, n=3) in progress_report.lines()
    with pytest.raises(ValueError, match="no experiment 'nope'"):
        lab.check("nope")
    with pytest.raises(ValueError, match="has no check"):
        lab.check("flat_push")


def test_an_experiment_given_the_wrong_values_says_so(capsys):
    """Called with a value the experiment does not take, does it print one sentence and keep nothing?"""
    experiments.Experiments("lesson01").check("loss_of_one", p=0.4)
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("Experiment 'loss_of_one' could not run with those values:")
    assert "\n" not in printed
    assert attempts.answer("lesson01/experiment/loss_of_one") == attempts.Answer()


def test_a_reflection_is_kept_like_a_written_answer():
    """Does a reflection's box keep what the learner found, then show what to look for?"""
    box = experiments.Experiments("lesson01").reflect("flat_push")
    box.children[0].children[0].value = "MSE's push fades faster"
    button(box, M.QUIZ_WRITTEN_BUTTON).click()
    look_for = next(e for e in experiments.experiments("lesson01") if e.key == "flat_push").look_for
    assert box.children[2].value == quiz.explanation_html(look_for)
    assert attempts.answer("lesson01/experiment/flat_push").given == "MSE's push fades faster"
