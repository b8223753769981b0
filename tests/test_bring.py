"""Bringing earlier work forward: does bring() take from an earlier notebook only the definitions named (with the
imports and constants their cell gives them), refuse an unfinished one with the way on, say so when the notebook
is not there, and in a kernel put the definitions in the cell and define them?"""

from __future__ import annotations

import json

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

from lesson_utils import bring as B
from lesson_utils import messages as M

FINISHED = '''import math

EPS = 1e-12
UNUSED = 3


def cross_entropy_from_logits(logits, targets):
    """The mean cross-entropy."""
    return float(math.floor(EPS) + 1.0)


print("the notebook's own demo")
'''
UNFINISHED = '''def softmax_cross_entropy_grad(logits, targets):
    """The gradient."""
    # YOUR CODE HERE
    raise NotImplementedError()
'''


@pytest.fixture
def earlier(tmp_path):
    """A lesson 02 notebook as a learner leaves it: one exercise done (defined twice, the second time for good),
    one not, and other cells around them."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 02"), nbformat.v4.new_code_cell("import numpy as np"),
                nbformat.v4.new_code_cell(FINISHED.replace("+ 1.0)", "+ 0.0)")),
                nbformat.v4.new_code_cell(FINISHED), nbformat.v4.new_code_cell(UNFINISHED),
                nbformat.v4.new_code_cell("this is not python (")]
    nbformat.write(nb, tmp_path / "02_softmax.ipynb")
    return tmp_path


def test_only_the_definition_and_what_it_reads_are_taken(earlier):
    """Is the last definition taken, with the import and constant it reads, and nothing else of the notebook?"""
    found = B.find("cross_entropy_from_logits", earlier / "02_softmax.ipynb")
    assert found.problem is None
    assert found.source == "import math\nEPS = 1e-12\n\n\ndef cross_entropy_from_logits(logits, targets):\n" \
                           '    """The mean cross-entropy."""\n    return float(math.floor(EPS) + 1.0)'
    namespace: dict = {}
    exec(found.source, namespace)
    assert namespace["cross_entropy_from_logits"](None, None) == 1.0


def test_an_unfinished_or_missing_definition_is_not_taken(earlier):
    """Is a stub left as handed out refused, and a name the notebook does not define told so, each with the way
    on?"""
    path = earlier / "02_softmax.ipynb"
    assert B.find("softmax_cross_entropy_grad", path).problem == M.BRING_UNFINISHED.format(
        name="softmax_cross_entropy_grad", notebook="02_softmax.ipynb")
    assert B.find("softmax", path).problem == M.BRING_NOT_FOUND.format(name="softmax", notebook="02_softmax.ipynb")
    (earlier / "02_broken.ipynb").write_text("{not json")
    assert B.find("softmax", earlier / "02_broken.ipynb").problem == M.BRING_UNREADABLE.format(
        notebook="02_broken.ipynb")


def test_outside_a_notebook_the_cell_is_printed(earlier, capsys, tmp_path):
    """In a plain process, does bring print what it found and the cell's text, and say so for a missing notebook or
    a name that is no exercise?"""
    B.bring("cross_entropy_from_logits", "softmax_cross_entropy_grad", "adamw_step", folder=earlier)
    printed = capsys.readouterr().out
    assert M.BRING_DONE.format(name="cross_entropy_from_logits", notebook="02_softmax.ipynb") in printed
    assert M.BRING_NO_NOTEBOOK.format(name="adamw_step", number="06", folder=earlier.resolve()) in printed
    assert "def cross_entropy_from_logits(logits, targets):" in printed
    assert "# ⏸ softmax_cross_entropy_grad is not finished in 02_softmax.ipynb" in printed
    B.bring("not_an_exercise")
    assert capsys.readouterr().out.strip() == M.BRING_UNKNOWN.format(names="'not_an_exercise'")


def test_in_a_kernel_the_cell_holds_the_definitions_and_they_are_defined(earlier):
    """In a real kernel, does bring ask the notebook to replace the cell with the definitions (as %load does),
    define them at once, and leave a cell that defines them again when run?"""
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(
            f"from lesson_utils.bring import bring\nbring('cross_entropy_from_logits', folder={str(earlier)!r})",
            timeout=60)
        (payload,) = reply["content"]["payload"]
        assert payload["source"] == "set_next_input" and payload["replace"] is True
        assert payload["text"].startswith(f"# bring('cross_entropy_from_logits', folder={str(earlier)!r})\n")
        shown = []

        def printed(message):
            if message["msg_type"] == "stream":
                shown.append(message["content"]["text"])

        client.execute_interactive("print(cross_entropy_from_logits(None, None))", timeout=60, output_hook=printed)
        assert shown == ["1.0\n"]
        again = client.execute_interactive(payload["text"] + "\nprint(EPS)", timeout=60, output_hook=printed)
        assert again["content"]["status"] == "ok" and shown[-1] == "1e-12\n"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_learner_copies_name_each_exercise_bring_can_find():
    """Does every exercise name map to the lesson notebook that holds it, in the learner copies' folder?"""
    from hml_grader.paths import NOTEBOOKS

    for name, lesson in B.LESSON_OF.items():
        path = B.notebook_of(name, NOTEBOOKS)
        assert path is not None and path.name.startswith(lesson.removeprefix("lesson") + "_")
        assert json.loads(path.read_text())["cells"]


def test_the_functions_a_definition_calls_come_with_it(tmp_path):
    """When the definition calls another function of its notebook (which calls a third), do those come too, callees
    first, and does an unfinished one among them stop the bringing, named?"""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("def shift(z):\n    return z - 1"),
                nbformat.v4.new_code_cell("def log_softmax(z):\n    return shift(z) * 2"),
                nbformat.v4.new_code_cell("def cross_entropy_from_logits(z, t):\n    return -log_softmax(z)")]
    nbformat.write(nb, tmp_path / "02_softmax.ipynb")
    found = B.find("cross_entropy_from_logits", tmp_path / "02_softmax.ipynb")
    namespace: dict = {}
    exec(found.source, namespace)
    assert namespace["cross_entropy_from_logits"](3, None) == -4
    assert found.source.index("def shift") < found.source.index("def log_softmax") < found.source.index("def cross")
    nb.cells[0] = nbformat.v4.new_code_cell("def shift(z):\n    raise NotImplementedError()")
    nbformat.write(nb, tmp_path / "02_softmax.ipynb")
    assert B.find("cross_entropy_from_logits", tmp_path / "02_softmax.ipynb").problem == M.BRING_UNFINISHED.format(
        name="shift", notebook="02_softmax.ipynb")


def test_the_course_solutions_brought_pass_their_checks():
    """Brought from the solution notebooks, does every exercise's definition run on its own and pass its check?"""
    from hml_grader.paths import SOLUTIONS
    from lesson_utils import check

    for name in B.LESSON_OF:
        found = B.find(name, B.notebook_of(name, SOLUTIONS))
        assert found.problem is None, name
        namespace: dict = {}
        exec("import numpy as np\nimport torch\n" + found.source, namespace)
        getattr(check, name)(namespace[name])


def test_the_copy_colab_saved_in_drive_is_found(earlier, tmp_path_factory):
    """Is Colab's copy of a notebook in Google Drive ('Copy of 02_softmax.ipynb') found when no 02_*.ipynb is there,
    and the notebook itself preferred when both are?"""
    drive = tmp_path_factory.mktemp("drive")
    copy = drive / f"{B.COPY_PREFIX}02_softmax.ipynb"
    copy.write_bytes((earlier / "02_softmax.ipynb").read_bytes())
    assert B.notebook_of("cross_entropy_from_logits", drive) == copy
    assert B.find("cross_entropy_from_logits", copy).source is not None
    (drive / "02_softmax.ipynb").write_bytes(copy.read_bytes())
    assert B.notebook_of("cross_entropy_from_logits", drive) == drive / "02_softmax.ipynb"
