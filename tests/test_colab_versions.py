"""Colab compatibility: with Colab's versions of the notebook stack (ipywidgets 7.7.1, ipykernel 6,
IPython 7, notebook 6.5; see tests/colab_requirements.txt), does every solution notebook run, print
what it prints here, pass every check, and keep every slider, menu and button live? The same widget test
runs in this project's own environment (ipywidgets 8), so the widget code is proven on both.

Each notebook runs in a real kernel of that environment through nbclient, which also stands in
for the browser's side of Output widgets, so moving a control shows up as a changed picture.
"""

from __future__ import annotations

import configparser
import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.output_widget import OutputWidget

from hml_grader.paths import ROOT, SOLUTIONS, lessons
from lesson_utils import messages as M

from . import colab_venv

pytestmark = pytest.mark.colab

LESSONS = lessons(SOLUTIONS)
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
TIMEOUT = 600
IGNORE_OUTPUT = "nbval-ignore-output"
"""The tag of cells whose printed output differs from run to run (timings): nbval does not compare them either."""

REPORT = """
import json

import ipywidgets
import lesson_utils

_widgets = getattr(ipywidgets.widgets.widget, "_instances", None) or ipywidgets.Widget.widgets


def _inside(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _inside(child)


print(json.dumps({
    "ipywidgets": ipywidgets.__version__,
    "lesson_utils": lesson_utils.__file__,
    "controls": [[w.out.model_id, c.model_id, type(c).__name__] for w in list(_widgets.values())
                 if isinstance(w, ipywidgets.interactive)
                 for c in w.kwargs_widgets if isinstance(c, ipywidgets.ValueWidget)]
                + [[w.out.model_id, b.model_id, "Button"] for w in list(_widgets.values())
                   if isinstance(w, ipywidgets.interactive)
                   for b in _inside(w) if isinstance(b, ipywidgets.Button)],
}))
"""

MOVE = """
_control = _widgets[{model_id!r}]
if isinstance(_control, ipywidgets.Button):  # a button: press it
    _control.click()
elif hasattr(_control, "options"):  # SelectionSlider, Dropdown: the next option
    _control.index = (_control.index + 1) % len(_control.options)
elif isinstance(_control, ipywidgets.FloatLogSlider):  # its min and max are exponents
    _top = _control.base ** _control.max
    _control.value = _top if _control.value < _top else _control.base ** _control.min
else:
    _control.value = _control.max if _control.value != _control.max else _control.min
"""


@pytest.fixture(scope="session")
def colab_python() -> Path:
    return colab_venv.ensure()


def kernel_manager(tmp_path: Path, python: str) -> AsyncKernelManager:
    """A kernel manager that starts ``python``'s ipykernel (its own kernel spec, in tmp_path)."""
    spec = tmp_path / "kernels" / "under-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "kernel under test", "language": "python",
    }))
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    return AsyncKernelManager(kernel_name="under-test", kernel_spec_manager=specs)


def sanitize(text: str) -> str:
    """Apply nbval's sanitizer (tests/nbval_sanitize.cfg) to a printed text."""
    rules = configparser.ConfigParser()
    rules.read(SANITIZE)
    for section in rules.sections():
        text = re.sub(rules[section]["regex"], rules[section]["replace"], text)
    return text


def streams(cell) -> dict[str, str]:
    """What a cell printed, by stream, however its text was split into messages."""
    printed: dict[str, str] = {}
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            printed[output.name] = printed.get(output.name, "") + output.text
    return {name: sanitize(text) for name, text in printed.items()}


class OneWayOutputWidget(OutputWidget):
    """nbclient's stand-in for a browser's Output widget, minus sending the captured outputs back.

    Sending on the shell socket while the execute reply is awaited on it can leave that wait
    asleep until its timeout (10 minutes) now and then; the test reads the captured outputs
    here, so the kernel does not need them.
    """

    def sync_state(self) -> None:
        pass


def run_code(client: NotebookClient, nb, source: str) -> str:
    """Run extra code in the notebook's kernel; return what it printed."""
    cell = nbformat.v4.new_code_cell(source)
    nb.cells.append(cell)
    client.execute_cell(cell, len(nb.cells) - 1)
    return "".join(streams(cell).values())


def run_notebook(path: Path, python: str, tmp_path: Path) -> tuple[nbformat.NotebookNode, dict, list[str]]:
    """Run the notebook, then move every control of its interactives one step and press each of their buttons.

    Returns the executed notebook, what the kernel reported (ipywidgets version, where lesson_utils
    came from, the controls) and the controls whose picture did not change.
    """
    nb = copy.deepcopy(nbformat.read(path, as_version=4))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    work = tmp_path / "work"
    work.mkdir()
    client = NotebookClient(nb, km=kernel_manager(tmp_path, python), timeout=TIMEOUT,
                            resources={"metadata": {"path": str(work)}}, record_timing=False)
    client.widget_registry = {"@jupyter-widgets/output": {"OutputModel": OneWayOutputWidget}}
    stuck = []
    with client.setup_kernel(env=env, cleanup_kc=True):
        for index, cell in enumerate(list(nb.cells)):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        report = json.loads(run_code(client, nb, REPORT))
        for out_id, control_id, kind in report["controls"]:
            before = copy.deepcopy(client.widget_state[out_id].get("outputs"))
            run_code(client, nb, MOVE.format(model_id=control_id))
            after = client.widget_state[out_id].get("outputs")
            if not before or not after or after == before:
                stuck.append(f"{kind} {control_id}")
    return nb, report, stuck


def test_colab_venv_has_colabs_versions(colab_python):
    """Does the Colab venv hold the pinned versions, even after the course was installed on top?"""
    pins = colab_venv.colab_pins()
    done = subprocess.run(
        [str(colab_python), "-c", "import importlib.metadata as m, json, sys; "
         "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))", *pins],
        capture_output=True, text=True, check=True,
    )
    installed = {name: version.split("+")[0] for name, version in json.loads(done.stdout).items()}
    assert installed == pins


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_solution_runs_with_colabs_versions(path, colab_python, tmp_path):
    """With Colab's versions, does the notebook print what it prints here, pass every check, keep its controls live?"""
    committed = nbformat.read(path, as_version=4)
    nb, report, stuck = run_notebook(path, str(colab_python), tmp_path)
    assert report["ipywidgets"] == colab_venv.colab_pins()["ipywidgets"]
    assert Path(report["lesson_utils"]).is_relative_to(ROOT / "lesson_utils")
    cells = nb.cells[: len(committed.cells)]
    assert [c.id for c in cells] == [c.id for c in committed.cells]
    printed = {c.id: streams(c) for c in cells if c.cell_type == "code"}
    compared = [c for c in committed.cells if c.cell_type == "code" and IGNORE_OUTPUT not in c.metadata.get("tags", [])]
    assert {c.id: printed[c.id] for c in compared} == {c.id: streams(c) for c in compared}
    checks = [c for c in cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert checks and all("✅" in printed[c.id].get("stdout", "") for c in checks)
    assert not any("❌" in printed[c.id].get("stdout", "") for c in checks)
    kinds = {c.id: sorted(k for o in c.outputs for k in o.get("data", {})) for c in cells if c.cell_type == "code"}
    assert kinds == {c.id: sorted(k for o in c.outputs for k in o.get("data", {}))
                     for c in committed.cells if c.cell_type == "code"}
    assert bool(report["controls"]) == ("interactive(" in path.read_text())
    assert stuck == []


WIDGET_LESSONS = [p for p in LESSONS if "interactive(" in p.read_text()]


@pytest.mark.parametrize("path", WIDGET_LESSONS, ids=[p.stem for p in WIDGET_LESSONS])
def test_controls_are_live_with_ipywidgets_8(path, tmp_path):
    """In this project's own environment (ipywidgets 8), does moving each control change its picture?"""
    _, report, stuck = run_notebook(path, sys.executable, tmp_path)
    assert report["ipywidgets"].startswith("8.")
    assert report["controls"]
    assert stuck == []


QUIZ = """
import json

from lesson_utils.quiz_widget import Quiz

quiz = Quiz("lesson01")
choice, estimate, written = quiz.ask(3), quiz.ask(2), quiz.ask(1)
next(b for b in choice.children[0].children if b.description == "b").click()
estimate.children[0].children[0].value = "1,5"
estimate.children[0].children[1].click()
written.children[0].children[0].value = "one number for how wrong"
written.children[0].children[1].click()
written.children[3].children[2].click()  # "I missed something"
again = quiz.ask(3)
print(json.dumps([w.children[1].value for w in (choice, estimate, written, again)]
                 + [bool(w.children[2].value) for w in (choice, estimate, written, again)]))
"""


@pytest.mark.parametrize("which", ["colab", "own"], ids=["ipywidgets 7 (Colab)", "ipywidgets 8"])
def test_the_quiz_answers_with_either_ipywidgets(which, tmp_path, request):
    """With Colab's ipywidgets 7 and with 8, does each kind of question take its answer, judge it, explain it,
    and show it again when asked anew?"""
    python = str(request.getfixturevalue("colab_python")) if which == "colab" else sys.executable
    nb = nbformat.v4.new_notebook()
    client = NotebookClient(nb, km=kernel_manager(tmp_path, python), timeout=TIMEOUT, record_timing=False)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOW_MODELS_LEARN_RECORD=str(tmp_path / "progress.json"), PYDEVD_DISABLE_FILE_VALIDATION="1")
    with client.setup_kernel(env=env, cleanup_kc=True):
        shown = json.loads(run_code(client, nb, QUIZ))
    assert shown == [M.QUIZ_RIGHT, M.QUIZ_ESTIMATE_RIGHT.format(answer="1.5", given="1.5"), M.QUIZ_SELF_MISSED,
                     M.QUIZ_RIGHT, True, True, True, True]
    assert json.loads((tmp_path / "progress.json").read_text())["answers"]["lesson01/q1"] == {
        "given": "one number for how wrong", "right": False}
