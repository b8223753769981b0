"""Cells that need an unfinished exercise: does each say so in one sentence, naming the exercise, instead of a
traceback; does the sentence follow the values a stopped cell could not make; does check.use_reference let the demos
run while the check still refuses it; and does every learner notebook, run with no exercise done, show nothing
but those sentences?"""

from __future__ import annotations

import os
import sys
import types

import nbformat
import pytest
from nbclient import NotebookClient

from hml_grader.paths import NOTEBOOKS, lessons
from lesson_utils import check, unfinished
from lesson_utils import messages as M
from lesson_utils.lesson07.reference import train_val_split as course_split

STUB = "def train_val_split(X, y, val_fraction, rng):\n    raise NotImplementedError()"
SPLIT = "x_train, x_val, y_train, y_val = train_val_split(np.arange(10.0), np.arange(10.0), 0.2, rng)"


@pytest.fixture(autouse=True)
def nothing_waiting():
    unfinished._blocked.clear()
    yield
    unfinished._blocked.clear()


def raised_by_stub() -> NotImplementedError:
    namespace: dict = {}
    exec(compile(STUB, "<cell>", "exec"), namespace)
    try:
        namespace["train_val_split"](None, None, 0.2, None)
    except NotImplementedError as error:
        return error
    raise AssertionError("the stub did not raise")


def needs_value(value: str) -> str:
    return M.NEEDS_VALUE.format(value=value, name="train_val_split", lesson="07", number=1)


def test_a_stub_says_which_exercise_it_is():
    """Does the NotImplementedError of an exercise's own body name the exercise and its number?"""
    assert unfinished.sentence(raised_by_stub(), SPLIT) == M.NEEDS_EXERCISE.format(name="train_val_split",
                                                                                   lesson="07", number=1)


def test_a_value_the_stopped_cell_could_not_make_is_put_down_to_the_exercise():
    """After a cell stopped on the exercise, does a later NameError for one of its names, or any error in a cell
    that reads one, name the exercise; and do an unrelated name, and a name the later cell makes itself, not?"""
    unfinished.sentence(raised_by_stub(), "rng = 1\n" + SPLIT, line=2)
    assert unfinished.sentence(NameError("name 'x_train' is not defined", name="x_train")) == needs_value("x_train")
    assert unfinished.sentence(TypeError("boom"), "print(len(y_val))") == needs_value("y_val")
    assert unfinished.sentence(NameError("name 'rng' is not defined", name="rng")) is None  # made before the stop
    assert unfinished.sentence(NameError("name 'x_trian' is not defined", name="x_trian")) is None
    assert unfinished.sentence(TypeError("boom"), "x_train = 1\nprint(x_train + 'a')") is None


def test_an_exercise_not_yet_defined_is_named():
    """Does a NameError for the exercise itself say to run its cell first?"""
    error = NameError("name 'EarlyStopping' is not defined", name="EarlyStopping")
    assert unfinished.sentence(error) == M.NEEDS_EXERCISE_CELL.format(name="EarlyStopping", lesson="07", number=2)


def test_other_errors_keep_their_traceback():
    """Is a NotImplementedError from code that is not an exercise, or a check's failure, left alone?"""
    try:
        raise NotImplementedError("a library's")
    except NotImplementedError as error:
        assert unfinished.sentence(error) is None
    unfinished.sentence(raised_by_stub(), SPLIT)
    assert unfinished.sentence(check.CheckFailed("wrong"), "check.x(x_train)") is None


def test_names_read_and_given_values_at_the_top_level():
    """Are the names a cell makes found at its top level only (not inside the functions it defines), from a line
    on, and the names it reads found in order?"""
    source = "import numpy as np\nfrom a import b as c\ndef f(x):\n    inner = 1\nfor i, j in z:\n    k = i\n"
    assert unfinished.assigned(source) == {"np", "c", "f", "i", "j", "k"}
    assert unfinished.assigned(source, from_line=5) == {"i", "j", "k"}
    assert unfinished.read("print(b + a)\nc = a") == ["print", "b", "a"]
    assert unfinished.assigned("not python (") == set()


def test_the_check_refuses_the_course_version():
    """Given what use_reference gives out, does the check refuse it with its sentence, and take the same code
    when it is the learner's own?"""
    course_version = unfinished.use_reference("train_val_split")
    with pytest.raises(check.CheckFailed) as failed:
        check.train_val_split(course_version)
    assert str(failed.value) == M.REFERENCE_REFUSED.format(name="train_val_split")
    check.train_val_split(lambda X, y, val_fraction, rng: course_split(X, y, val_fraction, rng))
    assert unfinished.is_reference(unfinished.use_reference("EarlyStopping"), "EarlyStopping")


def test_where_the_answers_are_withheld_nothing_changes(monkeypatch, capsys):
    """Where the lesson's reference module is empty (a notebook being graded), does use_reference say so in one
    sentence and give nothing?"""
    monkeypatch.setitem(sys.modules, "lesson_utils.lesson07.reference", types.ModuleType("reference"))
    assert unfinished.use_reference("train_val_split") is None
    assert capsys.readouterr().out.strip() == M.REFERENCE_WITHHELD.format(name="train_val_split")
    unfinished.use_reference("not_an_exercise")
    assert capsys.readouterr().out.strip() == M.REFERENCE_UNKNOWN.format(name="not_an_exercise")


def run_cells(*sources: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True).execute(
        env=dict(os.environ, MPLBACKEND="Agg"))
    return nb.cells


def errors(cell) -> list[tuple[str, list[str]]]:
    return [(o.ename, o.traceback) for o in cell.outputs if o.output_type == "error"]


def test_a_learner_goes_on_with_the_course_version():
    """In a kernel: does a demo stop with the sentence, the cell after it too, then run once use_reference is
    called, while the check still refuses the course's version; and once the learner's own passes, does a typo
    get its ordinary traceback?"""
    done = run_cells(
        "import numpy as np\nfrom lesson_utils import check\nrng = np.random.default_rng(0)",
        STUB, SPLIT, "print(len(x_train))",
        'check.use_reference("train_val_split")', SPLIT, "print(len(x_train))",
        "check.train_val_split(train_val_split)",
        "def train_val_split(X, y, val_fraction, rng):\n    return __import__('lesson_utils.lesson07.reference', "
        "fromlist=['x']).train_val_split(X, y, val_fraction, rng)",
        "check.train_val_split(train_val_split)", "print(x_trian)")
    assert errors(done[2]) == [("NotImplementedError", [M.NEEDS_EXERCISE.format(name="train_val_split",
                                                                                 lesson="07", number=1)])]
    assert errors(done[3]) == [("NameError", [needs_value("x_train")])]
    assert done[4].outputs[0].text == M.REFERENCE_IN_USE.format(name="train_val_split", lesson="07", number=1) + "\n"
    assert errors(done[5]) == [] and done[6].outputs[0].text == "8\n"
    ((name, traceback),) = errors(done[7])
    assert name == "CheckFailed" and M.REFERENCE_REFUSED.format(name="train_val_split") in traceback[-1]
    assert errors(done[9]) == []
    ((name, traceback),) = errors(done[10])
    assert name == "NameError" and len(traceback) > 1  # ran once the learner's own passed: an ordinary typo


@pytest.mark.parametrize("path", lessons(NOTEBOOKS), ids=lambda p: p.stem)
def test_a_notebook_with_no_exercise_done_shows_only_sentences(path):
    """Run top to bottom with every exercise left as it is handed out, does every error a cell shows read as
    one sentence (a check's, or the one naming the unfinished exercise), never a traceback?"""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True).execute(
        env=dict(os.environ, MPLBACKEND="Agg"))
    sentences = ("⏸ This cell needs", M.FILL_THIS_CELL)
    shown = {}
    for cell in nb.cells:
        for name, traceback in errors(cell) if cell.cell_type == "code" else []:
            if name == "CheckFailed":
                assert not any("Traceback" in line for line in traceback), cell.id
            else:
                shown[cell.id] = traceback
    assert {cell_id: tb for cell_id, tb in shown.items() if len(tb) != 1 or not tb[0].startswith(sentences)} == {}
    assert shown, "no cell needed an unfinished exercise"


def test_a_cell_left_to_fill_says_so():
    """Does a cell whose own code is still `raise NotImplementedError()` (not a function's) say it is to be filled
    in?"""
    try:
        exec(compile("# bring your functions here\nraise NotImplementedError()", "<cell>", "exec"), {})
    except NotImplementedError as error:
        assert unfinished.sentence(error) == M.FILL_THIS_CELL


def test_a_pass_that_leans_on_the_course_version_says_so():
    """When a check passes while another exercise's name holds the course's version, is the learner told that
    grading will have only their own code?"""
    done = run_cells("from lesson_utils import check\nfrom lesson_utils.lesson02 import reference",
                     'check.use_reference("softmax")', "check.log_softmax(reference.log_softmax)",
                     "def softmax(z):\n    return reference.softmax(z)", "check.log_softmax(reference.log_softmax)")
    said = M.PASSES_WITH_REFERENCE.format(names="softmax")
    assert said in done[2].outputs[0].text
    assert said not in done[4].outputs[0].text  # softmax is the learner's own again
