"""The setup cell at the top of every notebook: on Colab does it install the
course package and switch on widgets, and anywhere else does it do nothing?

Colab is simulated in a fresh interpreter: a stand-in ``google.colab`` module
in ``sys.modules``, the cell run through IPython (it uses ``%pip``), and a
``%pip`` magic that records its arguments instead of installing anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types

import nbformat
import pytest
import tomllib

from hml_grader.paths import NOTEBOOKS, ROOT, SOLUTIONS, lessons
from lesson_utils import colab

NOTEBOOK_PATHS = lessons(SOLUTIONS) + [NOTEBOOKS / p.name for p in lessons(SOLUTIONS)]

SIMULATION = r"""
import importlib.util
import json
import sys
import types

from IPython.core.interactiveshell import InteractiveShell

options = json.loads(sys.argv[1])
record = {"pip": [], "widget_manager": 0, "imported_lesson_utils": None}

if options["colab"]:
    google, google_colab, output = (types.ModuleType(n) for n in ("google", "google.colab", "google.colab.output"))

    def enable_custom_widget_manager():
        record["widget_manager"] += 1

    output.enable_custom_widget_manager = enable_custom_widget_manager
    google.colab, google_colab.output = google_colab, output
    sys.modules.update({"google": google, "google.colab": google_colab, "google.colab.output": output})

# "Not installed": take away every finder and path entry that can see lesson_utils; the fake %pip puts them back.
hidden_finders = [f for f in sys.meta_path if type(f).__name__ != "PathFinder" and hasattr(f, "find_spec")
                  and f.find_spec("lesson_utils", None) is not None]
hidden_paths = [p for p in sys.path if importlib.machinery.PathFinder.find_spec("lesson_utils", [p]) is not None]
if not options["installed"]:
    sys.meta_path[:] = [f for f in sys.meta_path if f not in hidden_finders]
    sys.path[:] = [p for p in sys.path if p not in hidden_paths]
    importlib.invalidate_caches()
    assert importlib.util.find_spec("lesson_utils") is None, "the simulation could not hide lesson_utils"


def fake_pip(line):
    record["pip"].append(line)
    sys.meta_path[:0] = hidden_finders
    sys.path[:0] = hidden_paths


shell = InteractiveShell.instance()
shell.register_magic_function(fake_pip, "line", "pip")
result = shell.run_cell(options["source"])
if not result.success:
    raise result.error_in_exec or result.error_before_exec
module = sys.modules.get("lesson_utils")
record["imported_lesson_utils"] = getattr(module, "__file__", None)
with open(options["record"], "w") as f:
    json.dump(record, f)
"""


def ipython_env(tmp_path) -> dict[str, str]:
    """The environment of the simulated kernel: IPython's profile and history in tmp_path, not in the home folder."""
    return dict(os.environ, IPYTHONDIR=str(tmp_path / "ipython"))


def run_setup_cell(tmp_path, *, colab_present: bool, installed: bool, source: str = colab.SETUP_CELL):
    """Run the setup cell in a fresh IPython; return (what it recorded, its stdout, its stderr)."""
    record = tmp_path / "record.json"
    options = {"colab": colab_present, "installed": installed, "source": source, "record": str(record)}
    done = subprocess.run(
        [sys.executable, "-c", SIMULATION, json.dumps(options)],
        capture_output=True, text=True, cwd=tmp_path, env=ipython_env(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(record.read_text()), done.stdout, done.stderr


def test_outside_colab_the_cell_does_nothing_and_prints_nothing(tmp_path):
    """Outside Colab (JupyterLab, Binder, nbgrader), does the cell skip pip and widgets, silently?"""
    record, out, err = run_setup_cell(tmp_path, colab_present=False, installed=True)
    assert record == {"pip": [], "widget_manager": 0, "imported_lesson_utils": None}
    assert (out, err) == ("", "")


def test_on_a_fresh_colab_the_cell_installs_the_package_then_switches_on_widgets(tmp_path):
    """On a fresh Colab runtime, does the cell pip-install the package from the repository, then enable widgets?"""
    record, out, err = run_setup_cell(tmp_path, colab_present=True, installed=False)
    assert record["pip"] == [f'install -q "{colab.REQUIREMENT}"']
    assert record["widget_manager"] == 1
    assert record["imported_lesson_utils"] is not None
    assert (out, err) == ("", "")


def test_on_colab_a_second_run_does_not_install_again(tmp_path):
    """Run again once the package is there, does the cell skip pip and still enable widgets?"""
    record, out, err = run_setup_cell(tmp_path, colab_present=True, installed=True)
    assert record["pip"] == []
    assert record["widget_manager"] == 1
    assert (out, err) == ("", "")


def test_the_simulation_sees_a_cell_that_forgets_to_install(tmp_path):
    """Would the simulation catch a setup cell that imports the package on Colab without installing it?"""
    broken = colab.SETUP_CELL.replace("%pip install", "pass  #")
    record = tmp_path / "record.json"
    options = {"colab": True, "installed": False, "source": broken, "record": str(record)}
    done = subprocess.run([sys.executable, "-c", SIMULATION, json.dumps(options)], capture_output=True, text=True,
                          cwd=tmp_path, env=ipython_env(tmp_path))
    assert done.returncode != 0
    assert "No module named 'lesson_utils'" in done.stderr


def test_the_requirement_installs_this_package_from_the_repository():
    """Does the cell install the package named in pyproject.toml, from the repository and branch the badges use?"""
    name = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    assert f"{name} @ git+https://github.com/{colab.REPOSITORY}@{colab.BRANCH}" == colab.REQUIREMENT
    assert f'%pip install -q "{colab.REQUIREMENT}"' in colab.SETUP_CELL


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=[f"{p.parent.name}/{p.stem}" for p in NOTEBOOK_PATHS])
def test_every_notebook_starts_with_the_setup_cell(path):
    """Is the first code cell of every notebook the setup cell, before anything imports the package?"""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].id == "colab-setup"
    assert code[0].source == colab.SETUP_CELL
    assert code[0].outputs == []
    if path.parent == SOLUTIONS:  # nbval re-runs only cells with an execution count
        assert code[0].execution_count == 1


def fake_colab(monkeypatch) -> list[str]:
    calls: list[str] = []
    google_colab = types.ModuleType("google.colab")
    google_colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("enabled"))
    monkeypatch.setitem(sys.modules, "google.colab", google_colab)
    return calls


def test_setup_enables_the_custom_widget_manager_on_colab(monkeypatch):
    """Under Colab, does setup() switch on Colab's custom widget manager, once?"""
    calls = fake_colab(monkeypatch)
    assert colab.in_colab()
    colab.setup()
    assert calls == ["enabled"]


def test_setup_does_nothing_elsewhere(monkeypatch):
    """Outside Colab, does setup() return without touching anything?"""
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert not colab.in_colab()
    assert colab.setup() is None
