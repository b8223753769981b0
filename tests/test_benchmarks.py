"""Do the benchmark helpers measure what they say: learner time counted once, the lessons' own
imports found, and targets printed in the one form `benchmarks/all.py` collects?"""

from __future__ import annotations

import sys
import time

import nbformat
import pytest

from hml_grader.paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import kernels
import learner
import report


def notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    return nbformat.v4.new_notebook(cells=[make[kind](source) for kind, source in cells])


LESSON = notebook(
    ("markdown", "import this_is_prose"),
    ("code", "import sys\nif 'google.colab' in sys.modules:\n    %pip install -q something\n    import colab_only"),
    ("code", "import numpy as np\nfrom math import pi\n\nnp.set_printoptions(precision=4)"),
    ("code", "%matplotlib inline\nx = np.arange(3)"),
    ("code", "def f(:\n    import broken"),
    ("code", "def g():\n    import inside_a_function\n    return 1"),
)


def test_import_statements_are_the_top_level_imports_of_code_cells():
    """Are only top-level imports of code cells kept, in order, past magics and a cell that does not parse?"""
    assert kernels.import_statements(LESSON) == "import sys\nimport numpy as np\nfrom math import pi"


def test_import_cells_keep_the_whole_cell_and_its_imports():
    """Does each importing cell come back whole (magics as `pass`) and as its import statements alone?"""
    cells = kernels.import_cells(LESSON)
    assert [imports for _, imports in cells] == ["import sys", "import numpy as np\nfrom math import pi"]
    assert "pass" in cells[0][0] and "%pip" not in cells[0][0]
    assert cells[1][0].endswith("np.set_printoptions(precision=4)")


def test_stopwatch_counts_nested_learner_time_once():
    """When learner code runs inside a timed gate that is itself timed, is its time counted once?"""
    stopwatch = learner.Stopwatch()
    inner = stopwatch.wrap(lambda: time.sleep(0.02))
    outer = stopwatch.wrap(lambda: inner())
    started = time.perf_counter()
    outer()
    elapsed = time.perf_counter() - started
    assert 0.02 <= stopwatch.inside <= elapsed


def test_stopwatch_wrapper_keeps_the_function_name_and_result():
    """Does a timed reference still look and answer like the reference (checks may print its name)?"""
    def mse(y_hat, y):
        return 0.18

    timed = learner.Stopwatch().wrap(mse)
    assert (timed.__name__, timed([2.5], [2])) == ("mse", 0.18)


@pytest.mark.parametrize(("met", "verdict"), [(True, "met"), (False, "MISSED")])
def test_target_line_is_what_the_results_table_collects(capsys, met, verdict):
    """Is a target printed as one line starting with `target `, with its verdict, what and figure?"""
    report.target("peak kernel memory < 1 GB", met, "largest 08: 426 MB")
    assert capsys.readouterr().out == f"target {verdict}: peak kernel memory < 1 GB (largest 08: 426 MB)\n"
