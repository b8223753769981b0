"""The hostile submissions of ``tests/fixtures/hostile/``, built from lesson 01's learner notebook.

Each fixture is the released notebook with a learner's answers and one trick, named after the
trick. :data:`EXPECTED` gives the score each must get and the flag the instructor must see.
The committed files are compared with :func:`build` by a test (``pytest --update-golden``
rewrites them after the lesson changes).
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from hml_grader import messages as M
from hml_grader.paths import NOTEBOOKS, ROOT, SOLUTIONS

from .nbgrader_course import learner_code

LESSON = "01_loss_functions"
WRONG_LESSON = "02_softmax"
FIXTURES = ROOT / "tests" / "fixtures" / "hostile"
FULL = 5.0

WRONG_MSE = "def mse(y_hat, y):\n    return float(np.sum((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2))\n"
WRONG_CE = "def cross_entropy(probs, targets):\n    return 0.0\n"


def answers(lesson: str = LESSON) -> dict[str, str]:
    nb = nbformat.read(SOLUTIONS / f"{lesson}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: learner_code(c.source) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def released(lesson: str = LESSON) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{lesson}.ipynb", as_version=4)


def filled(extra: dict[str, str] | None = None, lesson: str = LESSON) -> nbformat.NotebookNode:
    nb = released(lesson)
    chosen = {**answers(lesson), **(extra or {})}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in chosen and cell.metadata["nbgrader"].get("solution"):
            cell.source = chosen[gid]
    return nb


def with_cell(nb: nbformat.NotebookNode, source: str, after: str = "setup") -> nbformat.NotebookNode:
    """``nb`` with a new code cell holding ``source`` right after the cell with id ``after``."""
    index = next(i for i, c in enumerate(nb.cells) if c.get("id") == after)
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = "learner-" + after
    nb.cells.insert(index + 1, cell)
    return nb


def _cells(nb, grade_id):
    return [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]


def text(nb: nbformat.NotebookNode) -> bytes:
    return (nbformat.writes(nb) + "\n").encode()


INFINITE_LOOP = "while True:\n    pass\n"
IGNORES_SIGINT = "import signal\n\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"
MEMORY_BOMB = "try:\n    hoard = np.ones(2**40)\nexcept MemoryError:\n    print('no memory for that')\n"
FORK_STORM = (
    "import os\nimport time\n\nchildren = 0\ntry:\n    for _ in range(5000):\n        if os.fork() == 0:\n"
    "            time.sleep(60)\n            os._exit(0)\n        children += 1\nexcept OSError as error:\n"
    "    print('stopped after', children, 'children:', error)\n"
)
PRINTS_1GB = "for _ in range(1024):\n    print('x' * 2**20)\n"
WRITES_OUTSIDE = (
    "import pathlib\n\nimport lesson_utils\n\ntargets = [pathlib.Path('../../../gradebook.db'),\n"
    "           pathlib.Path('../../../source/01_loss_functions/01_loss_functions.ipynb'),\n"
    "           pathlib.Path(lesson_utils.__file__).parent.parent / 'solutions' / '01_loss_functions.ipynb',\n"
    "           pathlib.Path(lesson_utils.__file__).parent / 'check.py',\n"
    "           pathlib.Path.home() / 'planted.txt']\nfor target in targets:\n    try:\n"
    "        target.write_text('overwritten')\n        print('wrote', target)\n    except OSError as error:\n"
    "        print('could not write', target, type(error).__name__)\n"
)
READS_HIDDEN_TESTS = (
    "import pathlib\n\nimport lesson_utils\n\nfor source in [pathlib.Path('../../../source/01_loss_functions/"
    "01_loss_functions.ipynb'),\n               pathlib.Path(lesson_utils.__file__).parent.parent / 'solutions' /"
    " '01_loss_functions.ipynb',\n               pathlib.Path('../../../gradebook.db')]:\n    try:\n"
    "        print(source.read_text(errors='replace'))\n    except OSError as error:\n"
    "        print('could not read', source, type(error).__name__)\n"
)
READS_OTHER_SUBMISSION = (
    "import os\n\nfor folder in ['..', '../..', '../../../submitted', '../../../autograded']:\n    try:\n"
    "        print(folder, sorted(os.listdir(folder)))\n    except OSError as error:\n"
    "        print('could not list', folder, type(error).__name__)\n"
)
OPENS_NETWORK = (
    "import socket\n\nfor host, port in [('1.1.1.1', 80), ('pypi.org', 443)]:\n    try:\n"
    "        socket.create_connection((host, port), timeout=3)\n        print('connected to', host)\n"
    "    except OSError as error:\n        print('no connection to', host, type(error).__name__)\n"
)
PATCH_NUMPY = "np.allclose = lambda *args, **kwargs: True\n"
REPLACE_CHECK = (
    "import sys\nimport types\n\nimport lesson_utils\n\nfake = types.SimpleNamespace(mse=lambda *a, **k: None,"
    " cross_entropy=lambda *a, **k: None)\nsys.modules['lesson_utils.check'] = fake\nlesson_utils.check = fake\n"
    "check = fake\n"
)
BLANK_LATER = "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"
EQ_ALWAYS_TRUE = (
    "class Agreeable(float):\n    def __eq__(self, other):\n        return True\n\n    __hash__ = float.__hash__\n\n\n"
    "class Anything:\n    def __eq__(self, other):\n        return True\n\n    def __float__(self):\n"
    "        return 0.0\n\n\ndef mse(y_hat, y):\n    return Anything()\n"
)
LYING_ARRAY = (
    "class Liar(np.ndarray):\n    def __array_function__(self, func, types, args, kwargs):\n        return True\n\n"
    "    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):\n        return np.zeros(())\n\n\n"
    "def mse(y_hat, y):\n    return np.zeros(()).view(Liar)\n"
)


IMPORTS_THE_REFERENCE = (
    "import importlib\n\n\ndef mse(y_hat, y):\n"
    "    return importlib.import_module('lesson_utils.lesson01.reference').mse(y_hat, y)\n"
)
WALKS_THE_STACK = (
    "import sys\n\n\ndef mse(y_hat, y):\n    frame = sys._getframe(1)\n    while frame is not None:\n"
    "        exercise = frame.f_locals.get('ex')\n        if exercise is not None and hasattr(exercise, 'reference'):\n"
    "            return exercise.reference(y_hat, y)\n        frame = frame.f_back\n"
    "    raise RuntimeError('no check found on the stack')\n"
)
READS_STORED = (
    "import pathlib\n\nimport lesson_utils\n\nlessons = pathlib.Path(lesson_utils.__file__).parent\n"
    "for path in [lessons / 'lesson06' / 'reference.py', lessons / 'lesson06' / 'mistakes.py',\n"
    "             lessons / 'lesson01' / 'reference.py', lessons / 'lesson01' / 'mistakes.py']:\n    try:\n"
    "        print(path.name, path.read_bytes()[:200])\n    except OSError as error:\n"
    "        print('could not read', path.name, type(error).__name__)\n"
)


def build() -> dict[str, bytes]:
    """Fixture file name -> the bytes it must hold."""
    out: dict[str, bytes] = {}
    out["infinite_loop.ipynb"] = text(with_cell(filled(), INFINITE_LOOP))
    out["ignores_sigint.ipynb"] = text(with_cell(filled(), IGNORES_SIGINT))
    out["memory_bomb.ipynb"] = text(with_cell(filled(), MEMORY_BOMB))
    out["fork_storm.ipynb"] = text(with_cell(filled(), FORK_STORM))
    out["prints_1gb.ipynb"] = text(with_cell(filled(), PRINTS_1GB))
    out["writes_outside.ipynb"] = text(with_cell(filled(), WRITES_OUTSIDE))
    out["reads_hidden_tests.ipynb"] = text(with_cell(filled(), READS_HIDDEN_TESTS))
    out["reads_other_submission.ipynb"] = text(with_cell(filled(), READS_OTHER_SUBMISSION))
    out["opens_network.ipynb"] = text(with_cell(filled(), OPENS_NETWORK))
    out["sys_exit.ipynb"] = text(with_cell(filled(), "import sys\n\nsys.exit()\n"))
    out["os_exit.ipynb"] = text(with_cell(filled(), "import os\n\nos._exit(0)\n"))
    out["patches_numpy.ipynb"] = text(with_cell(filled({"mse": WRONG_MSE, "cross_entropy": WRONG_CE}), PATCH_NUMPY))
    out["replaces_check_module.ipynb"] = text(with_cell(filled({"mse": WRONG_MSE, "cross_entropy": WRONG_CE}),
                                                        REPLACE_CHECK))
    out["blanks_later_cells.ipynb"] = text(filled({"mse": WRONG_MSE + "\n\n" + BLANK_LATER,
                                                   "cross_entropy": WRONG_CE}))
    out["eq_always_true.ipynb"] = text(filled({"mse": EQ_ALWAYS_TRUE}))
    out["imports_the_reference.ipynb"] = text(filled({"mse": IMPORTS_THE_REFERENCE}))
    out["walks_the_stack.ipynb"] = text(filled({"mse": WALKS_THE_STACK}))
    out["reads_the_answers.ipynb"] = text(with_cell(filled(), READS_STORED))
    out["lying_array.ipynb"] = text(filled({"mse": LYING_ARRAY}))

    edited = filled({"cross_entropy": WRONG_CE})
    edited.cells[_cells(edited, "check_mse")[0]].source = "print('all good')"
    edited.cells[_cells(edited, "check_cross_entropy")[0]].source = "pass"
    out["edited_grade_cells.ipynb"] = text(edited)
    deleted = filled()
    del deleted.cells[_cells(deleted, "check_mse")[0]]
    out["deleted_grade_cell.ipynb"] = text(deleted)
    duplicated = filled()
    index = _cells(duplicated, "check_mse")[0]
    twin = copy.deepcopy(duplicated.cells[index])
    twin["id"] = "check-mse-again"
    duplicated.cells.insert(index + 1, twin)
    out["duplicated_grade_cell.ipynb"] = text(duplicated)
    reordered = filled()
    tests = [reordered.cells[i] for i in _cells(reordered, "check_cross_entropy") + _cells(reordered, "check_mse")]
    reordered.cells = [c for c in reordered.cells if c not in tests]
    reordered.cells[3:3] = tests  # before the exercises, check_cross_entropy first
    out["reordered_grade_cells.ipynb"] = text(reordered)

    forged = filled()
    forged.cells[_cells(forged, "mse")[0]].metadata["nbgrader"] = {
        "grade": True, "solution": True, "grade_id": "mse", "points": "lots", "schema_version": 3}
    out["forged_answer_metadata.ipynb"] = text(forged)

    out["corrupt_json.ipynb"] = text(filled())[:5000]
    out["empty.ipynb"] = b""
    out["old_nbformat.ipynb"] = (nbformat.writes(nbformat.convert(filled(), 3), version=3) + "\n").encode()
    out["wrong_lesson.ipynb"] = text(filled(lesson=WRONG_LESSON))
    return out


KERNEL_FAILED = "the notebook did not run to the end in the grading kernel"
EXPECTED: dict[str, tuple[float, str | None]] = {
    "infinite_loop": (FULL, None),  # interrupted at the cell's time-out; the notebook goes on
    "ignores_sigint": (0.0, "ran out of its time budget"),  # the kernel never answers again: nothing after runs
    "memory_bomb": (FULL, None),
    "fork_storm": (FULL, None),
    "prints_1gb": (FULL, None),  # cut at 2 MB; may also run past the cell's time-out
    "writes_outside": (FULL, None),
    "reads_hidden_tests": (FULL, None),
    "reads_other_submission": (FULL, None),
    "opens_network": (FULL, None),
    "sys_exit": (FULL, None),
    "os_exit": (0.0, KERNEL_FAILED),  # the kernel is gone before the exercises: no grade cell runs
    "patches_numpy": (0.0, M.FLAG_TAMPERING.format(cell=4, line=1, what="np.allclose")),
    "replaces_check_module": (0.0, M.FLAG_UNJUDGED.format(grade_id="check_mse",
                                                          problem=M.RECORD_RAN_OUT.format(name="mse"))),
    "blanks_later_cells": (0.0, M.FLAG_UNJUDGED.format(grade_id="check_mse",
                                                       problem=M.RECORD_RAN_OUT.format(name="mse"))),
    "eq_always_true": (3.0, None),
    "imports_the_reference": (3.0, M.FLAG_COURSE_IMPORT.format(module="lesson_utils.lesson01.reference")),
    "walks_the_stack": (3.0, M.FLAG_TAMPERING.format(cell=11, line=5, what="sys._getframe")),
    "reads_the_answers": (FULL, None),
    "lying_array": (3.0, None),
    "edited_grade_cells": (2.0, M.FLAG_CELL_EDITED.format(grade_id="check_mse")),
    "deleted_grade_cell": (FULL, M.FLAG_CELL_RESTORED.format(grade_id="check_mse")),
    "duplicated_grade_cell": (FULL, M.FLAG_CELL_DUPLICATED.format(grade_id="check_mse", count=2)),
    "reordered_grade_cells": (FULL, M.FLAG_CELLS_REORDERED),
    "forged_answer_metadata": (FULL, M.FLAG_METADATA_RESTORED.format(grade_id="mse")),
    "corrupt_json": (0.0, "not a notebook: "),
    "empty": (0.0, M.FLAG_EMPTY),
    "old_nbformat": (FULL, M.FLAG_OLD_FORMAT.format(version=3)),
    "wrong_lesson": (0.0, M.FLAG_WRONG_LESSON.format(other=WRONG_LESSON, lesson=LESSON)),
}
"""Fixture -> (the score it must get, a flag it must carry or None)."""


HONEST_STYLES: dict[str, tuple[dict[str, str], str | None]] = {
    "lambda_assignment": ({"mse": "mse = lambda y_hat, y: float(np.mean((np.asarray(y_hat, dtype=float)"
                                  " - np.asarray(y, dtype=float)) ** 2))\n"}, None),
    "callable_instance": ({"mse": (
        "class MeanSquaredError:\n    def __call__(self, y_hat, y):\n"
        "        diff = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)\n"
        "        return float(np.mean(diff * diff))\n\n\nmse = MeanSquaredError()\n")}, None),
    "aliases_and_objects": ({"mse": (
        "square = np.square\nmean = np.mean\nrng = np.random.default_rng(0)\nnoise = rng.normal(size=3)\n\n\n"
        "def mse(y_hat, y):\n"
        "    return float(mean(square(np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float))))\n"
    )}, None),
    "constant_expressions": ({"cross_entropy": (
        "EPS = 10 ** -12\nONE = 2 ** 0 * 1.0\n\n\ndef cross_entropy(probs, targets):\n"
        "    probs = np.atleast_2d(np.asarray(probs, dtype=float))\n    targets = np.atleast_1d(np.asarray(targets))\n"
        "    picked = probs[np.arange(len(targets)), targets]\n"
        "    return float(-np.mean(np.log(np.clip(picked, EPS, ONE))))\n"
    )}, None),
    "import_in_try": ({"mse": (
        "try:\n    from numpy import mean as average\nexcept ImportError:\n    def average(values):\n"
        "        return sum(values) / len(values)\n\n\ndef mse(y_hat, y):\n"
        "    diff = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)\n    return float(average(diff ** 2))\n"
    )}, None),
    "helpers_in_other_cells": ({"mse": (
        "def mse(y_hat, y):\n    return Errors(y_hat, y).mean_square()\n"
    ), "cross_entropy": (
        "def cross_entropy(probs, targets):\n    probs = as_floats(np.atleast_2d(probs))\n"
        "    targets = np.atleast_1d(np.asarray(targets))\n"
        "    return float(np.mean(-np.log(np.clip(probs[np.arange(len(targets)), targets], 1e-12, 1.0))))\n"
    )}, (
        "def as_floats(values):\n    return np.asarray(values, dtype=float)\n\n\nclass Errors:\n"
        "    def __init__(self, y_hat, y):\n        self.diff = as_floats(y_hat) - as_floats(y)\n\n"
        "    def mean_square(self):\n        return float(np.mean(self.diff ** 2))\n"
    )),
    "torch_inside": ({"mse": (
        "import torch\n\n\ndef mse(y_hat, y):\n    y_hat = torch.as_tensor(np.asarray(y_hat, dtype=float))\n"
        "    y = torch.as_tensor(np.asarray(y, dtype=float))\n    return float(torch.mean((y_hat - y) ** 2))\n"
    )}, None),
    "decorated_and_partial": ({"mse": (
        "import functools\n\n\ndef as_arrays(fn):\n    @functools.wraps(fn)\n    def wrapper(*args, **kwargs):\n"
        "        return fn(*(np.asarray(a, dtype=float) for a in args), **kwargs)\n    return wrapper\n\n\n@as_arrays\n"
        "def power_error(y_hat, y, power):\n    return float(np.mean(np.abs(y_hat - y) ** power))\n\n\n"
        "mse = functools.partial(power_error, power=2)\n"
    )}, None),
    "defined_in_a_branch": ({"mse": (
        "if np.__version__:\n    def mse(y_hat, y):\n"
        "        return float(((np.asarray(y_hat, float) - np.asarray(y, float)) ** 2).mean())\n"
        "else:\n    mse = None\n"
    )}, None),
    "numpy_methods_and_globals": ({"mse": (
        "TOTALS = {}\n\n\ndef mse(y_hat, y):\n    err = np.subtract(y_hat, y, dtype=float)\n"
        "    TOTALS['calls'] = TOTALS.get('calls', 0) + 1\n    return (err ** 2).mean().item()\n"
    )}, None),
}
"""Correct answers in the styles learners write (name -> (answers by exercise, a cell of their own after the
set-up cell or None)): each passes in the learner's notebook and must get full marks with no flag."""


def honest_style(name: str) -> bytes:
    answers, cell = HONEST_STYLES[name]
    nb = filled(answers)
    return text(with_cell(nb, cell) if cell else nb)


def write(directory: Path = FIXTURES) -> None:
    """Rewrite the fixtures from the current lesson 01 (``make notebooks`` does this)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (directory / name).write_bytes(data)


if __name__ == "__main__":
    write()
