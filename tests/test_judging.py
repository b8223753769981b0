"""The record and the judge on their own (:mod:`hml_grader.judging`): is a record read as plain data only, is one
that does not match the check judged 0, and does one pass through the real sandboxed kernel give every lesson's
correct answers and known mistakes the verdict the checks give them in a learner's notebook?"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from hml_grader import messages as M
from hml_grader.judging.codec import Decoder, Encoder
from hml_grader.judging.judge import Segment, judge_cell, segments
from hml_grader.judging.record import used_names
from hml_grader.judging.results import GradeCell, Outcome, Task
from hml_grader.paths import SOLUTIONS, lessons
from hml_grader.repair import grade_id, is_test_cell
from hml_grader.scan import import_statements, tampering
from hml_grader.worker import run_task
from lesson_utils.lesson01.check import _mse_fixed

from .nbgrader_course import learner_code

IMPORTS = "import numpy as np\nfrom lesson_utils import check"
MSE = GradeCell("check_mse", "check.mse(mse)", 2.0)


def test_the_codec_keeps_values_and_refuses_strange_data():
    """Do arrays, scalars, dicts and generators survive the trip, and is anything else refused?"""
    import numpy as np

    value = {"w": np.arange(6.0).reshape(2, 3), "b": np.float32(1.5), "t": (1, [2.0, float("nan")]),
             "rng": np.random.default_rng(3)}
    back = Decoder().decode(json.loads(json.dumps(Encoder().encode(value))))
    assert back["w"].tolist() == value["w"].tolist() and back["b"].dtype == np.float32 and back["b"].shape == ()
    assert back["t"][0] == 1 and np.isnan(back["t"][1][1])
    assert back["rng"].random() == np.random.default_rng(3).random()
    with pytest.raises(ValueError):
        Decoder().decode({"$nd": ["|O", [1], "AA=="]})


def nudged(value, ulps: int, rng):
    """``value`` with every floating-point number moved by ``ulps`` ulps, each up or down (another processor)."""
    import numpy as np

    if isinstance(value, dict):
        return {k: nudged(v, ulps, rng) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(nudged(v, ulps, rng) for v in value)
    if isinstance(value, float | np.ndarray) and np.asarray(value).dtype.kind == "f":
        array = np.array(value, dtype=np.float64)
        for _ in range(ulps):
            array = np.array(np.nextafter(array, np.where(rng.random(array.shape) < 0.5, -np.inf, np.inf)))
        return float(array) if isinstance(value, float) else array
    return value


def test_a_calls_signature_holds_across_processors_and_tells_other_inputs_apart():
    """Is a call's signature the same when its float inputs round differently in the last bits (as the grader's and
    a Dask worker's processors may compute them), and different for inputs that really differ?"""
    import numpy as np

    from hml_grader.judging.codec import same_signature, signature

    rng = np.random.default_rng(13)
    args = ({"W": rng.normal(size=(5, 3)), "b": np.zeros(3), "s": np.array(0.7)},
            {"W": rng.normal(size=(5, 3)) * 1e-9, "b": np.array([np.nan, 1.0, -np.inf])}, {"step": 3}, 0.05,
            (0.9, 0.999), 1e-8, [1, 2, 3])
    computed = signature(args)
    for ulps in (1, 2, 4):
        recorded = json.loads(json.dumps(signature(nudged(args, ulps, rng))))  # as the record carries it
        assert same_signature(recorded, computed)
    others = [
        (args[0], args[1], {"step": 4}, *args[3:]),  # another integer
        (args[0], args[1], args[2], 0.0500001, *args[4:]),  # another learning rate
        ({**args[0], "W": args[0]["W"] + 1e-5}, *args[1:]),  # other parameters
        ({**args[0], "W": args[0]["W"].reshape(3, 5)}, *args[1:]),  # another shape
        ({**args[0], "W": args[0]["W"].astype(np.float32)}, *args[1:]),  # another dtype
        (*args[:-1], [1, 2]),
    ]
    for other in others:
        assert not same_signature(signature(other), computed)
    for forged in (None, "abc", [computed[0]], [computed[0], ["x"] * len(computed[1])], [computed[0], [1.0]]):
        assert not same_signature(forged, computed)




def test_a_record_that_does_not_match_the_check_is_judged_zero():
    """Does a grade cell with no record, with no calls, with a forged verdict line or with calls of other inputs
    score 0 with the reason, rather than pass?"""
    missing = judge_cell(MSE, None, IMPORTS)
    assert (missing.passed, missing.points, missing.problem) == (False, 0.0, M.RECORD_MISSING)
    names = {"mse": {"kind": "function"}}
    empty = judge_cell(MSE, Segment(names, [], ended=True), IMPORTS)
    assert (empty.passed, empty.points, empty.problem) == (False, 0.0, M.RECORD_RAN_OUT.format(name="mse"))
    cut = judge_cell(MSE, Segment(names, [], ended=False), IMPORTS)
    assert (cut.passed, cut.problem) == (False, M.RECORD_CUT.format(name="check_mse"))
    first = _mse_fixed()[0].label
    forged = [{"call": ["mse", first, ["0" * 16, []]], "value": 0.18}]
    other = judge_cell(MSE, Segment(names, forged, ended=True), IMPORTS)
    assert (other.passed, other.problem) == (False, M.RECORD_OTHER_CALL.format(name="mse"))
    found = segments([{"start": "check_mse", "names": names}, {"end": "check_mse", "passed": True}, "junk", 7])
    assert found["check_mse"].calls == [] and judge_cell(MSE, found["check_mse"], IMPORTS).points == 0.0


def test_a_record_keeps_the_first_run_of_each_grade_cell():
    """When the learner's code runs a grade cell again, is the first run the one judged, and calls outside a grade
    cell left out?"""
    first = {"call": ["mse", "a", ["x", []]], "value": 1.0}
    events = [{"call": ["stray"]}, {"start": "check_mse", "names": {}}, first, {"end": "check_mse", "error": None},
              {"start": "check_mse", "names": {}}, {"call": ["mse", "b", ["y", []]], "value": 2.0}]
    found = segments(events)
    assert list(found) == ["check_mse"] and found["check_mse"].calls == [first] and found["check_mse"].ended


def test_the_kernel_records_the_names_a_grade_cell_uses():
    """Are the names a cell's code reads found, and none for a cell that is not Python?"""
    assert sorted(used_names("check.mse(mse, seed=SEED)\nprint(np.pi)")) == ["SEED", "check", "mse", "np", "print"]
    assert used_names("%timeit x") == []


def test_scanning_names_what_reaches_into_modules():
    """Is code that changes a module, the interpreter or IPython named, and are the lesson's imports found?"""
    cells = ["import numpy as np\nnp.allclose = lambda *a: True\nEPS = 1e-12\n", "%matplotlib inline\nx = 1\n",
             "def broken(:\n"]
    assert tampering(cells) == [M.FLAG_TAMPERING.format(cell=1, line=2, what="np.allclose")]
    assert import_statements(cells) == "import numpy as np"


def one_pass(lesson: str, answers: dict[str, str]) -> Outcome:
    """The worker's outcome for the lesson's solution notebook with ``answers`` (grade_id -> source) in its
    exercises and every other exercise solved: one run in the sandboxed kernel, then the judge."""
    nb = nbformat.read(SOLUTIONS / f"{lesson}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = answers.get(grade_id(cell), learner_code(cell.source))
    tests = [c for c in nb.cells if is_test_cell(c)]
    given = [c.source for c in nb.cells if c.cell_type == "code" and not is_test_cell(c)]
    task = Task(lesson=lesson, student="s", notebook=nbformat.writes(nb),
                test_cells=[is_test_cell(c) for c in nb.cells],
                cells=[(grade_id(c), c.source, float(c.metadata["nbgrader"]["points"])) for c in tests],
                imports=import_statements(given), given=[c.source for c in nb.cells], timeout=120)
    return run_task(task)


FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
CASES = [(p.stem, "correct") for p in lessons()] + [
    (path.parent.name, path.stem) for path in sorted(FIXTURES.glob("*/*.json"))]


@pytest.mark.nbgrader
@pytest.mark.parametrize(("lesson", "who"), CASES, ids=[f"{a}-{b}" for a, b in CASES])
def test_one_pass_gives_the_checks_verdicts_on_every_lesson(lesson, who):
    """On every lesson, does one run in the sandboxed kernel, judged outside it, give correct answers full marks
    and each known mistake its score, with no flag, and show the judge's lines under each grade cell?"""
    spec = {"answers": {}} if who == "correct" else json.loads((FIXTURES / lesson / f"{who}.json").read_text())
    outcome = one_pass(lesson, spec["answers"])
    total = sum(v.max_points for v in outcome.verdicts)
    assert (outcome.kernel, outcome.flags) == ("ok", [])
    assert sum(v.points for v in outcome.verdicts) == (total if who == "correct" else spec["score"])
    executed = nbformat.reads(outcome.executed, as_version=4)
    shown = {grade_id(c): c.outputs for c in executed.cells if is_test_cell(c)}
    for verdict in outcome.verdicts:
        outputs = shown[verdict.grade_id]
        assert outputs[0]["text"] == verdict.output and verdict.output
        assert [o["output_type"] for o in outputs[1:]] == ([] if verdict.passed else ["error"])
