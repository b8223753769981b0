"""The notebooks in a real JupyterLab in real Chromium: do they run, render
their figures and widgets, and stop the learner with the check's sentence?"""

from __future__ import annotations

import nbformat
import pytest

from hml_grader.paths import SOLUTIONS, lessons
from lesson_utils import colab, hints
from lesson_utils import messages as M
from lesson_utils.check import EXERCISES

from ..nbgrader_course import learner_code
from .conftest import ARTIFACTS
from .jupyterlab import (
    cell_element,
    cells,
    open_notebook,
    output_text,
    restart_kernel,
    run,
    shut_down,
    type_into_cell,
)

pytestmark = pytest.mark.browser

STEMS = [p.stem for p in lessons(SOLUTIONS)]
LESSON = {name: lesson for lesson, names in EXERCISES.items() for name in names}
WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_TIMEOUT_MS = 90_000
"""How long a widget's picture may take to follow its control: under load the kernel draws queued updates in turn."""
SETTLED = "el => { const now = el.innerHTML, same = el.dataset.seen === now; el.dataset.seen = now; return same; }"
"""True once an element's content is the same at two polls in a row (a picture and its text have both arrived)."""
IMAGES_LOADED = "() => [...document.querySelectorAll('.jp-Notebook img')].every(i => i.complete && i.naturalWidth > 0)"


def outputs(cell: dict) -> list[dict]:
    return cell.get("outputs", []) if cell["cell_type"] == "code" else []


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator(".jp-NotebookPanel").first.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def screenshot_figures(page, stem: str) -> int:
    """Save every figure the notebook shows, as the browser draws it (``STEM-figure-I.png``); return how many."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    figures = page.locator(".jp-Notebook .jp-RenderedImage img")
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        figure.evaluate("i => i.decode()")
        figure.screenshot(path=str(ARTIFACTS / f"{stem}-figure-{i:02d}.png"))
    return figures.count()


def badges_shown(page, stem: str) -> list[str]:
    """The badges drawn at the top of the notebook that open its learner copy: their alt texts."""
    path = f"notebooks/{stem}.ipynb"
    shown = []
    for url in (colab.colab_url(path), colab.binder_url(path)):
        image = page.locator(f'.jp-RenderedMarkdown a[href="{url}"] img').first
        image.wait_for(state="attached")
        if image.evaluate("i => i.complete && i.naturalWidth > 0"):
            shown.append(image.get_attribute("alt"))
    return shown


def setup_cell_is_silent(done: list[dict]) -> bool:
    """Did the first code cell (the Colab setup cell) run, quietly?"""
    first = next(c for c in done if c["cell_type"] == "code")
    return first["id"] == "colab-setup" and first.get("execution_count") is not None and outputs(first) == []


def move_sliders(page) -> list[str]:
    """Press the right arrow on every slider; return the labels of sliders whose picture did not change."""
    stuck = []
    sliders = page.locator(".jp-OutputArea-output .widget-slider")
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        # The picture the slider drives: the interactive's output widget (the slider's own readout does not count).
        area = slider.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        widget = area.locator(".widget-output").first
        before = widget.inner_html()
        handle = slider.locator(".noUi-handle, .ui-slider-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function(
                "([el, before]) => el.innerHTML !== before", arg=[widget.element_handle(), before],
                timeout=WIDGET_TIMEOUT_MS,
            )
        except Exception:
            stuck.append(slider.inner_text())
            continue
        # Each press is one update: let the kernel draw the last before the next slider's picture is read.
        page.wait_for_function(SETTLED, arg=widget.element_handle(), polling=1000, timeout=WIDGET_TIMEOUT_MS)
    return stuck


def press_buttons(page, stem: str) -> list[str]:
    """Click every widget button, in order; return the labels of buttons whose picture did not change.

    After each click, the widget it belongs to is saved as a screenshot (``STEM-widget-I-LABEL.png``).
    """
    stuck = []
    buttons = page.locator(".jp-OutputArea-output:has(.widget-output) .widget-button")  # a quiz's draws no picture
    for i in range(buttons.count()):
        button = buttons.nth(i)
        label = button.inner_text().strip()
        area = button.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        widget = area.locator(".widget-output").first
        before = widget.inner_html()
        button.scroll_into_view_if_needed()
        button.click()
        try:
            page.wait_for_function(
                "([el, before]) => el.innerHTML !== before && [...el.querySelectorAll('img')].every(i => i.complete)",
                arg=[widget.element_handle(), before], timeout=WIDGET_TIMEOUT_MS,
            )
        except Exception:
            stuck.append(label)
            continue
        area.scroll_into_view_if_needed()
        page.wait_for_function(SETTLED, arg=widget.element_handle(), polling=1000, timeout=WIDGET_TIMEOUT_MS)
        widget.evaluate("el => Promise.all([...el.querySelectorAll('img')].map(i => i.decode()))")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        area.screenshot(path=str(ARTIFACTS / f"{stem}-widget-{i}-{label}.png"))
    return stuck


@pytest.mark.parametrize("stem", STEMS)
def test_solution_runs_all_and_renders(page, lab, stem):
    """Run All on the solution: no error, every figure and widget rendered, every slider and button live, no console
    error?"""
    open_notebook(page, lab, f"solutions/{stem}.ipynb")
    run(page, "notebook:run-all-cells")
    done = cells(page)
    code = [c for c in done if c["cell_type"] == "code"]
    assert [c["id"] for c in code if c.get("execution_count") is None] == []
    errors = [(c["id"], o.get("ename")) for c in code for o in outputs(c) if o["output_type"] == "error"]
    assert errors == []
    assert setup_cell_is_silent(done)
    images = sum("image/png" in o.get("data", {}) for c in code for o in outputs(c))
    assert page.locator(".jp-Notebook .jp-RenderedImage img").count() >= images
    widgets = sum(WIDGET in o.get("data", {}) for c in code for o in outputs(c))
    assert page.locator(".jp-Notebook .jupyter-widgets").count() >= widgets
    assert page.get_by_text("Error displaying widget").count() == 0
    page.wait_for_function(IMAGES_LOADED, timeout=60_000)
    assert badges_shown(page, stem) == ["Open in Colab", "Binder"]
    screenshot(page, f"{stem}-solution")
    assert screenshot_figures(page, stem) >= images
    assert move_sliders(page) == []
    assert press_buttons(page, stem) == []
    assert page.console_errors == []


@pytest.mark.parametrize("stem", STEMS)
def test_student_stops_at_first_check_then_passes_it(page, lab, stem):
    """Run All on the learner copy: does it stop at the first check with its sentence and the offer of hints, give
    the first hint, pass once filled in, and show the pass in the progress report?"""
    solution = nbformat.read(SOLUTIONS / f"{stem}.ipynb", as_version=4)
    exercise = next(c for c in solution.cells if c.metadata.get("nbgrader", {}).get("grade_id") in LESSON)
    name = exercise.metadata["nbgrader"]["grade_id"]
    open_notebook(page, lab, f"notebooks/{stem}.ipynb")
    run(page, "notebook:run-all-cells")
    done = cells(page)
    assert setup_cell_is_silent(done)
    errors = [(i, o) for i, c in enumerate(done) for o in outputs(c) if o["output_type"] == "error"]
    before = solution.cells[:solution.cells.index(exercise)]
    to_fill = [c for c in before if c.metadata.get("nbgrader", {}).get("solution")]
    for cell in to_fill:  # a cell the learner fills in before the first exercise (lesson 09 brings its pieces)
        ((index, error),) = errors
        assert done[index]["id"] == cell.id and error["ename"] == "NotImplementedError"
        assert M.FILL_THIS_CELL in output_text(page, index, M.FILL_THIS_CELL)
        type_into_cell(page, index, learner_code(cell.source))
        run(page, "notebook:run-all-cells")
        done = cells(page)
        errors = [(i, o) for i, c in enumerate(done) for o in outputs(c) if o["output_type"] == "error"]
    assert len(errors) == 1
    index, error = errors[0]
    assert (error["ename"], error["evalue"]) == ("CheckFailed", M.NOT_IMPLEMENTED.format(name=name))
    shown = output_text(page, index, M.NOT_IMPLEMENTED.format(name=name))
    assert M.NOT_IMPLEMENTED.format(name=name) in shown
    assert "lesson_utils" not in shown and "Traceback" not in shown
    assert M.HINT_OFFER.format(name=name) in shown
    assert badges_shown(page, stem) == ["Open in Colab", "Binder"]
    screenshot(page, f"{stem}-student")

    exercise_index = next(i for i, c in enumerate(done) if c["id"] == exercise.id)
    type_into_cell(page, exercise_index, f'check.hint("{name}")')
    run(page, "notebook:run-cell", exercise_index)
    first_hint = M.HINT_RUNG.format(index=1, n=len(hints.ladder_of(LESSON[name], name).rungs), name=name, text="")
    assert first_hint in output_text(page, exercise_index, first_hint)
    cell_element(page, exercise_index).screenshot(path=str(ARTIFACTS / f"{stem}-hint.png"))

    type_into_cell(page, exercise_index, learner_code(exercise.source))
    run(page, "notebook:run-cell", exercise_index)
    run(page, "notebook:run-cell", index)
    shown = output_text(page, index, "✅")
    assert "✅" in shown and "❌" not in shown
    assert "cases pass" in shown or "steps" in shown

    last = len(done) - 1
    assert done[last]["id"] == "progress"
    run(page, "notebook:run-cell", last)
    passes = M.PROGRESS_PASSES.format(name=name, hints="").strip()
    report = output_text(page, last, passes)
    assert M.PROGRESS_ON_DISK in report and passes in report
    cell_element(page, last).screenshot(path=str(ARTIFACTS / f"{stem}-progress.png"))
    assert page.console_errors == []


QUIZ_CELLS = ["quiz-setup", "q1-quiz", "q2-quiz", "q3-quiz"]


def run_quiz_cells(page) -> dict[str, int]:
    """Run lesson 01's quiz cells, one by one as a learner would; return every cell's index by id."""
    index = {c["id"]: i for i, c in enumerate(cells(page))}
    for cell_id in QUIZ_CELLS:
        run(page, "notebook:run-cell", index[cell_id])
    return index


def shows_answers(page, index: dict[str, int]) -> None:
    """Do questions 1 to 3 show the answers given before, each with its verdict?"""
    assert M.QUIZ_SELF_HAD_IT in output_text(page, index["q1-quiz"], M.QUIZ_SELF_HAD_IT)
    right = M.QUIZ_ESTIMATE_RIGHT.format(answer="1.5", given="1.5")
    assert right in output_text(page, index["q2-quiz"], right)
    assert M.QUIZ_WRONG_CHOICE.format(letter="b") in output_text(page, index["q3-quiz"],
                                                                   M.QUIZ_WRONG_CHOICE.format(letter="b"))


def test_quiz_answers_survive_a_restart_and_a_reopen(page, lab):
    """Answered in the learner's copy, are the quiz's answers judged, shown again after a kernel restart and after
    the notebook is shut down and opened anew, and counted in the progress report?"""
    open_notebook(page, lab, "notebooks/01_loss_functions.ipynb")
    index = run_quiz_cells(page)
    written = cell_element(page, index["q1-quiz"])
    written.locator("textarea").fill("One number for how wrong; cross-entropy keeps pushing when confidently wrong.")
    written.get_by_role("button", name=M.QUIZ_WRITTEN_BUTTON).click()
    assert M.QUIZ_WRITTEN_SAVED in output_text(page, index["q1-quiz"], M.QUIZ_WRITTEN_SAVED)
    written.get_by_role("button", name=M.QUIZ_SELF_YES).click()
    estimate = cell_element(page, index["q2-quiz"])
    estimate.locator("input[type=text]").fill("1.5")
    estimate.get_by_role("button", name=M.QUIZ_ESTIMATE_BUTTON).click()
    cell_element(page, index["q3-quiz"]).get_by_role("button", name="a", exact=True).click()
    shows_answers(page, index)

    restart_kernel(page)
    run_quiz_cells(page)
    shows_answers(page, index)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for cell_id in QUIZ_CELLS[1:]:
        cell_element(page, index[cell_id]).screenshot(path=str(ARTIFACTS / f"01_loss_functions-{cell_id}-restart.png"))

    shut_down(page)
    open_notebook(page, lab, "notebooks/01_loss_functions.ipynb")
    run_quiz_cells(page)
    shows_answers(page, index)
    run(page, "notebook:run-cell", index["progress"])
    answered = M.PROGRESS_QUIZ.format(answered=3, n=4, right=2).strip()
    assert answered in output_text(page, index["progress"], answered)
    assert page.console_errors == []


def test_console_errors_and_outside_requests_are_recorded(page):
    """Would a console error, an uncaught exception or a request off this machine reach a test's last assertion?"""
    with page.expect_console_message(lambda message: "Failed to load resource" in message.text):
        page.set_content('<img src="https://example.com/picture.png">')
    with page.expect_console_message(lambda message: message.type == "error"):
        page.evaluate("console.error('an error in the console')")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('an uncaught exception'); })")
    assert len(page.console_errors) == 3
    assert "an error in the console" in page.console_errors
    assert any("an uncaught exception" in error for error in page.console_errors)
