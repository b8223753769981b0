"""The grader's parts on their own: the sandbox, the re-check and the repair of grade cells."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import messages as M
from autograder.definitions import import_statements, learner_definitions, tampering
from autograder.paths import SOLUTIONS, lessons
from autograder.recheck import GradeCell, recheck
from autograder.repair import is_test_cell, stage
from autograder.replay import namespace, replay_cell
from autograder.sandbox import SANDBOX_UIDS, Limits, Sandbox, kill
from autograder.wire import Decoder, Encoder

from .hostile import LESSON, filled, released, text
from .nbgrader_course import learner_code

NEEDS_BWRAP = pytest.mark.skipif(not Path("/usr/bin/bwrap").exists() and not shutil.which("bwrap"),
                                 reason="bubblewrap is not installed (make test installs it)")

PROBE = """
import os, socket, pathlib
out = {"uid": os.getuid(), "solutions": sorted(os.listdir(SOLUTIONS)), "secret": os.path.exists(SECRET)}
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2); out["net"] = True
except OSError:
    out["net"] = False
try:
    pathlib.Path(ROOT, "README.md").open("a"); out["root_writable"] = True
except OSError:
    out["root_writable"] = False
pathlib.Path("scratch.txt").write_text("ok")
print(json.dumps(out))
"""


def _probe(tmp_path: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    secret = tmp_path / "course"
    secret.mkdir()
    (secret / "gradebook.db").write_text("x")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code = f"import json\nSOLUTIONS={str(SOLUTIONS)!r}\nSECRET={str(secret / 'gradebook.db')!r}\n" \
           f"ROOT={str(SOLUTIONS.parent)!r}\n" + PROBE
    process = Sandbox(scratch, hidden=(secret,)).popen([sys.executable, "-c", code], stdout=-1, stderr=-1, env=env)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


@NEEDS_BWRAP
def test_sandbox_hides_and_blocks(tmp_path):
    """In the sandbox: is the uid unprivileged, are solutions and the course hidden, no network, the tree read-only?"""
    done = _probe(tmp_path)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    uid = seen.pop("uid")
    assert uid >= SANDBOX_UIDS if os.geteuid() == 0 else uid == 65534
    assert seen == {"solutions": [], "secret": False, "net": False, "root_writable": False}
    assert (tmp_path / "scratch" / "scratch.txt").read_text() == "ok"


STORM = """
import os, time
children = []
try:
    while True:
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        children.append(pid)
except OSError:
    print(len(children), flush=True)
time.sleep(60)
"""
THREADS = """
import sys, threading
sys.stdin.readline()
threads = [threading.Thread(target=lambda: None) for _ in range(20)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("started 20 threads")
"""


@NEEDS_BWRAP
@pytest.mark.skipif(os.geteuid() != 0, reason="sandboxes have uids of their own only when the grader runs as root")
def test_a_fork_storm_cannot_starve_a_sandbox_beside_it(tmp_path, request):
    """When a fork storm in one sandbox reaches its process limit after another sandbox started, can that other
    one still start threads (each sandbox's processes are counted under a uid of its own)?"""
    limits = Limits(processes=24)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    other = Sandbox(tmp_path / "b", limits=limits)
    waiting = other.popen([sys.executable, "-c", THREADS], stdin=-1, stdout=-1, stderr=-1)
    storm = Sandbox(tmp_path / "a", limits=limits).popen([sys.executable, "-c", STORM], stdout=-1, stderr=-3)
    try:
        forked = int(storm.stdout.readline())
        assert 0 < forked <= 24
        assert other.user != Sandbox(tmp_path / "a").user
        out, err = waiting.communicate(b"go\n", timeout=120)
        assert waiting.returncode == 0, err.decode()[-2000:]
        assert out.decode().strip() == "started 20 threads"
    finally:
        kill(storm)
        storm.stdout.close()


def test_without_bubblewrap_grading_runs_and_says_it_is_not_isolated(tmp_path):
    """Without bwrap: does learner code still run, and is the instructor told loudly that it is not isolated?"""
    env = dict(__import__("os").environ, HML_BWRAP="none")
    code = "import autograder.sandbox as s, sys; p = s.Sandbox(s.Path('.'))" \
           ".popen([sys.executable, '-c', 'print(42)']," \
           " stdout=-1); print(p.communicate()[0].decode().strip())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.stdout.strip() == "42"
    assert done.stderr.strip() == M.NOT_ISOLATED


def test_definitions_keep_only_functions_classes_imports_and_constants():
    """Does the re-check take defs, classes, imports and constants, and drop every other statement?"""
    cells = ["import numpy as np\nnp.allclose = lambda *a: True\nEPS = 1e-12\nX = np.ones(3)\n",
             "%matplotlib inline\ndef f(x):\n    return x\nwhile True:\n    pass\n", "def broken(:\n"]
    found = learner_definitions(cells)
    assert found.statements == ["import numpy as np", "EPS = 1e-12", "def f(x):\n    return x"]
    assert found.names == ["np", "EPS", "f"]
    assert found.skipped_cells == [2]
    assert tampering(cells) == [M.FLAG_TAMPERING.format(cell=1, line=2, what="np.allclose")]


def test_wire_round_trip_keeps_values_and_refuses_strange_data():
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

    from autograder.wire import same_signature, signature

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


def test_replay_refuses_a_record_that_does_not_match_the_check():
    """Does a record with no calls, or with a forged pass line, score 0 rather than pass?"""
    cell = GradeCell("check_mse", "check.mse(mse)", 2.0)
    ns, classes = namespace({"mse": {"kind": "function"}}, "import numpy as np\nfrom lesson_utils import check")
    empty = replay_cell(cell.grade_id, cell.source, cell.points, [], ns, classes)
    assert (empty.passed, empty.points, empty.replay_problem) == (False, 0.0, M.REPLAY_RAN_OUT.format(name="mse"))
    forged = replay_cell(cell.grade_id, cell.source, cell.points, [{"end": "check_mse", "passed": True}], ns, classes)
    assert (forged.passed, forged.points) == (False, 0.0)


def _lesson_cells(lesson: str):
    nb = nbformat.read(SOLUTIONS / f"{lesson}.ipynb", as_version=4)
    cells = [GradeCell(c.metadata["nbgrader"]["grade_id"], c.source, float(c.metadata["nbgrader"]["points"]))
             for c in nb.cells if is_test_cell(c)]
    given = [c.source for c in nb.cells if c.cell_type == "code" and not is_test_cell(c)]
    return nb, cells, import_statements(given)


FIXTURES = Path(__file__).parent / "fixtures" / "submissions"
CASES = [(p.stem, "correct") for p in lessons()] + [
    (path.parent.name, path.stem) for path in sorted(FIXTURES.glob("*/*.json"))]


@pytest.mark.parametrize(("lesson", "who"), CASES, ids=[f"{a}-{b}" for a, b in CASES])
def test_recheck_agrees_with_the_checks_on_every_lesson(lesson, who):
    """On every lesson, does the replayed re-check give correct answers and each known mistake their score?"""
    nb, cells, imports = _lesson_cells(lesson)
    answers = {} if who == "correct" else json.loads((FIXTURES / lesson / f"{who}.json").read_text())["answers"]
    sources = []
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if c.cell_type != "code" or is_test_cell(c):
            sources.append("")
        else:
            sources.append(answers.get(gid, learner_code(c.source)))
    found = learner_definitions(sources)
    result = recheck(found.statements, found.names, imports, cells, timeout=120)
    expected = sum(c.points for c in cells) if who == "correct" else \
        json.loads((FIXTURES / lesson / f"{who}.json").read_text())["score"]
    assert result.flags == []
    assert sum(v.points for v in result.verdicts) == expected


def test_repair_restores_deleted_and_duplicated_grade_cells():
    """Is a deleted grade cell put back, a duplicated one kept once, each with its sentence?"""
    release = released()
    nb = filled()
    tests = [c for c in nb.cells if is_test_cell(c)]
    nb.cells.remove(tests[0])
    twin = nbformat.from_dict(json.loads(json.dumps(tests[1])))
    twin["id"] = "check-twice"
    nb.cells.append(twin)
    staged = stage(text(nb), LESSON, release, {})
    ids = [c.metadata["nbgrader"]["grade_id"] for c in staged.notebook.cells if is_test_cell(c)]
    assert ids == ["check_mse", "check_cross_entropy"]
    assert staged.flags == [M.FLAG_CELL_RESTORED.format(grade_id="check_mse"),
                            M.FLAG_CELL_DUPLICATED.format(grade_id="check_cross_entropy", count=2)]
    position = [c.get("id") for c in staged.notebook.cells].index("check_mse")
    assert staged.notebook.cells[position - 1].get("id") == "mse"


def test_recheck_child_imports_a_module_only_when_it_is_used():
    """In the re-check, is a plain `import torch` (or `import a.b as c`) put off until the code uses it, and does
    it then work as the real module, while importing a module that does not exist still fails at once?"""
    code = """
import sys
from autograder.recheck_child import LazyModule, run_statement
ns = {}
run_statement("import torch", ns, "<t>")
run_statement("import matplotlib.pyplot as plt", ns, "<t>")
run_statement("import xml.dom", ns, "<t>")
assert isinstance(ns["torch"], LazyModule) and "torch" not in sys.modules
assert "matplotlib.pyplot" not in sys.modules
assert ns["torch"].tensor([1.0, 2.0]).sum().item() == 3.0 and "torch" in sys.modules
assert ns["plt"].__name__ == "matplotlib.pyplot" and callable(ns["plt"].figure)
assert ns["xml"].dom.__name__ == "xml.dom"
try:
    run_statement("import no_such_module_here", ns, "<t>")
except ModuleNotFoundError:
    print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=SOLUTIONS.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def run_in_own_loop(make_coroutine):
    """What the coroutine returns (or raises), run to its end in an event loop of its own on a thread of its own,
    made and closed here: whatever loop this thread has, running or not, is not touched."""
    import asyncio
    import threading

    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(make_coroutine())
        except BaseException as error:  # handed back to the test's own thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_sliced_wait_returns_a_late_message_and_times_out_on_time():
    """Does a wait split into slices still return a message that comes after several slices, and give up with
    Empty at its own deadline, not a slice later?"""
    import asyncio
    import time
    from queue import Empty

    from autograder import steady

    class Channel:
        def __init__(self, ready_at: float):
            self.ready_at, self.calls = ready_at, 0

        async def get_msg(self, timeout=None):
            self.calls += 1
            await asyncio.sleep(min(timeout, max(0.0, self.ready_at - time.monotonic())))
            if time.monotonic() < self.ready_at:
                raise Empty
            return {"msg_type": "execute_reply"}

    late = Channel(time.monotonic() + 3 * steady.SLICE)
    steady._sliced(late)
    assert run_in_own_loop(lambda: late.get_msg(timeout=10)) == {"msg_type": "execute_reply"}
    assert late.calls >= 3
    never = Channel(time.monotonic() + 60)
    steady._sliced(never)
    started = time.monotonic()
    with pytest.raises(Empty):
        run_in_own_loop(lambda: never.get_msg(timeout=0.6))
    assert 0.6 <= time.monotonic() - started < 0.6 + steady.SLICE


def test_a_sliced_wait_runs_beside_an_event_loop_left_running():
    """Does that test's own loop work even in a thread whose event loop is running (as Playwright's synchronous
    API leaves one), so that it cannot depend on which tests ran before it?"""
    import asyncio

    async def inside_a_running_loop():
        return run_in_own_loop(lambda: asyncio.sleep(0, result="own loop"))

    assert asyncio.run(inside_a_running_loop()) == "own loop"


def test_steady_execute_runs_a_notebook_with_sliced_waits():
    """Does nbgrader's Execute as the course configures it (SteadyExecute) run a real kernel with both of its
    waits sliced, through the synchronous path nbgrader takes?"""
    from autograder.steady import SteadyExecute

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    seen = {}
    preprocessor = SteadyExecute(timeout=60, kernel_name="python3")
    preprocessor.on_cell_executed = lambda **_: seen.update(
        shell=preprocessor.kc.shell_channel.get_msg.__name__, iopub=preprocessor.kc.iopub_channel.get_msg.__name__)
    nb, _ = preprocessor.preprocess(nb, {"metadata": {"path": str(SOLUTIONS)}})
    assert nb.cells[0].outputs[0]["text"] == "42\n"
    assert seen == {"shell": "sliced_get_msg", "iopub": "sliced_get_msg"}


def test_the_trusted_recorder_never_executes_learner_code(tmp_path):
    """With the course's configuration (SteadyExecute in place of nbgrader's Execute), does the gradebook's
    recorder run no Execute of any kind in the trusted process?"""
    from nbgrader.preprocessors import Execute

    from autograder.grade import ExecutedElsewhere, Options, Recorder

    from .nbgrader_course import build_course

    build_course(tmp_path / "course")
    recorder = Recorder(tmp_path / "course", Options())
    steps = recorder.api.config.Autograde.autograde_preprocessors
    assert ExecutedElsewhere in steps
    assert [s for s in steps if isinstance(s, type) and issubclass(s, Execute)] == []
