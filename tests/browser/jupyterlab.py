"""Driving JupyterLab in the page through its own application object (exposed with
``--LabApp.expose_app_in_browser``): open a notebook, wait for a real kernel, run cells, read the model."""

from __future__ import annotations

import contextlib

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

OPEN_TIMEOUT_MS = 120_000
RUN_TIMEOUT_MS = 300_000
OUTPUT_TIMEOUT_MS = 30_000

WAIT_FOR_NOTEBOOK = """
(path) => {
  const app = window.jupyterapp;
  if (!app) return false;
  let panel = null;
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === path) panel = widget;
  }
  if (!panel || !panel.context.isReady || !panel.sessionContext.isReady) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!(kernel && kernel.name && kernel.status === 'idle')) return false;
  window.__panel = panel;
  return true;
}
"""

START = """
([command, index]) => {
  const app = window.jupyterapp;
  const notebook = window.__panel.content;
  app.shell.activateById(window.__panel.id);
  if (index !== null) notebook.activeCellIndex = index;
  window.__done = false;
  app.commands.execute(command).then(() => { window.__done = true; }, () => { window.__done = true; });
}
"""

IDLE = """
() => {
  if (!window.__done) return false;
  const kernel = window.__panel.sessionContext.session.kernel;
  return kernel.status === 'idle';
}
"""

CELLS = """
() => {
  const model = window.__panel.content.model;
  const cells = [];
  for (let i = 0; i < model.cells.length; i++) cells.push(model.cells.get(i).toJSON());
  return cells;
}
"""

SHOWS = """
([index, expected]) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
  const area = cell && cell.querySelector('.jp-OutputArea');
  if (!area) return false;
  area.scrollIntoView({block: 'center'});
  return area.innerText.includes(expected);
}
"""

SET_ACTIVE = """
(index) => {
  const notebook = window.__panel.content;
  notebook.activeCellIndex = index;
  notebook.mode = 'edit';
}
"""


def open_notebook(page, lab, relative: str) -> None:
    """Open a notebook and wait until its kernel is started, named and idle."""
    page.goto(lab.notebook_url(relative))
    page.wait_for_function(WAIT_FOR_NOTEBOOK, arg=relative, timeout=OPEN_TIMEOUT_MS, polling=500)
    assert page.locator(".jp-Dialog").count() == 0, "a dialog (e.g. Select Kernel) is open"


def run(page, command: str, index: int | None = None) -> None:
    """Run a JupyterLab command (e.g. notebook:run-all-cells) and wait for the kernel to be idle again."""
    page.evaluate(START, [command, index])
    page.wait_for_function(IDLE, timeout=RUN_TIMEOUT_MS, polling=500)


def restart_kernel(page) -> None:
    """Restart the notebook's kernel (as the Kernel menu does, without its dialog) and wait until it is idle."""
    page.evaluate("() => { window.__done = false; window.__panel.sessionContext.session.kernel.restart()"
                  ".then(() => { window.__done = true; }); }")
    page.wait_for_function(IDLE, timeout=RUN_TIMEOUT_MS, polling=500)


def shut_down(page) -> None:
    """Shut the notebook's kernel down, as closing it and choosing to shut it down does."""
    page.evaluate("() => window.__panel.sessionContext.shutdown()")


def cells(page) -> list[dict]:
    """The notebook as the page holds it: nbformat cells with their outputs."""
    return page.evaluate(CELLS)


def cell_element(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def type_into_cell(page, index: int, text: str) -> None:
    """Replace a code cell's text by typing into its editor, as a learner would."""
    page.evaluate(SET_ACTIVE, index)
    editor = cell_element(page, index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def output_text(page, index: int, expected: str) -> str:
    """The text a learner sees in a cell's output area, once it shows ``expected``.

    Cells above change height as they are painted, which can push a cell just
    scrolled to out of view again. So the cell is found afresh, scrolled into
    view and its painted text (``innerText``, not ``textContent``) read until it
    shows ``expected``, or the wait ends with what was there.
    """
    area = cell_element(page, index).locator(".jp-OutputArea")
    area.wait_for(state="attached")
    with contextlib.suppress(PlaywrightTimeoutError):  # the caller's assertion then says what was shown instead
        page.wait_for_function(SHOWS, arg=[index, expected], timeout=OUTPUT_TIMEOUT_MS, polling=250)
    return area.inner_text()
