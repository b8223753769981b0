"""The grader's parts on their own: the sandbox, the kernel's waits and the repair of grade cells."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from hml_grader import messages as M
from hml_grader.paths import SOLUTIONS
from hml_grader.repair import is_test_cell, stage
from hml_grader.sandbox import SANDBOX_UIDS, Limits, Sandbox, kill

from .hostile import LESSON, filled, released, text

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
import sys
out["machine"] = []
for path in ("/home", "/root", "/opt", "/srv", "/mnt", "/media", "/var", "/etc/passwd", "/etc/hostname", OUTSIDE):
    if sys.base_prefix.startswith(path + "/"):  # only the way to the interpreter, when it lies in there
        way = sys.base_prefix[len(path) + 1:].split("/")[0]
        out["machine"] += [f"{path}/{name}" for name in os.listdir(path) if name != way]
    elif os.path.exists(path):
        out["machine"].append(path)
out["environment"] = sorted(os.environ)
try:
    out["withheld"] = pathlib.Path(ROOT, "lesson_utils", "lesson01", "reference.py").read_text()
except OSError as error:
    out["withheld"] = type(error).__name__
pathlib.Path("scratch.txt").write_text("ok")
print(json.dumps(out))
"""


def _probe(tmp_path: Path) -> subprocess.CompletedProcess:
    secret = tmp_path / "course"
    secret.mkdir()
    (secret / "gradebook.db").write_text("x")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    outside = SOLUTIONS.parent.parent / "hml-beside-the-checkout.txt"
    outside.write_text("the machine's")
    code = f"import json\nSOLUTIONS={str(SOLUTIONS)!r}\nSECRET={str(secret / 'gradebook.db')!r}\n" \
           f"ROOT={str(SOLUTIONS.parent)!r}\nOUTSIDE={str(outside)!r}\n" + PROBE
    try:
        process = Sandbox(scratch, hidden=(secret,)).popen([sys.executable, "-c", code], stdout=-1, stderr=-1)
    finally:
        outside.unlink()
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


@NEEDS_BWRAP
def test_sandbox_hides_and_blocks(tmp_path):
    """In the sandbox: is the uid unprivileged, are solutions, the lessons' answers and the course hidden, no
    network, the tree read-only, nothing of the machine there but the system's programs and libraries, and the
    environment clean?"""
    os.environ["HML_GRADER_TOKEN"] = "secret"
    try:
        done = _probe(tmp_path)
    finally:
        del os.environ["HML_GRADER_TOKEN"]
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    uid = seen.pop("uid")
    assert uid >= SANDBOX_UIDS if os.geteuid() == 0 else uid == 65534
    environment = seen.pop("environment")
    assert seen == {"solutions": [], "secret": False, "net": False, "root_writable": False, "machine": [],
                    "withheld": "PermissionError"}
    assert "HML_GRADER_TOKEN" not in environment and set(environment) <= set(Sandbox(tmp_path).environment())
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
    code = "import hml_grader.sandbox as s, sys; p = s.Sandbox(s.Path('.'))" \
           ".popen([sys.executable, '-c', 'print(42)']," \
           " stdout=-1); print(p.communicate()[0].decode().strip())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.stdout.strip() == "42"
    assert done.stderr.strip() == M.NOT_ISOLATED


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

    from hml_grader import steady

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
    from hml_grader.steady import SteadyExecute

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

    from hml_grader.grade import ExecutedElsewhere, Options, Recorder

    from .nbgrader_course import build_course

    build_course(tmp_path / "course")
    recorder = Recorder(tmp_path / "course", Options())
    steps = recorder.api.config.Autograde.autograde_preprocessors
    assert ExecutedElsewhere in steps
    assert [s for s in steps if isinstance(s, type) and issubclass(s, Execute)] == []


def test_the_intake_never_reads_through_what_is_not_a_file(tmp_path):
    """Is a link, a pipe or a directory named for what it is, never read or copied (a pipe does not even block),
    and does its digest come from what it is, not from what it points at?"""
    from hml_grader.repair import copy_regular, fingerprint, not_a_file, read_regular

    notebook = tmp_path / "notebook.ipynb"
    notebook.write_bytes(b"{}")
    link = tmp_path / "link.ipynb"
    link.symlink_to(notebook)
    pipe = tmp_path / "pipe.ipynb"
    os.mkfifo(pipe)
    kinds = {p.name: not_a_file(p) for p in (notebook, link, pipe, tmp_path)}
    assert kinds == {"notebook.ipynb": None, "link.ipynb": "a symbolic link", "pipe.ipynb": "a named pipe (fifo)",
                     tmp_path.name: "a directory"}
    assert [read_regular(p, 100) for p in (notebook, link, pipe)] == [b"{}", None, None]
    assert not copy_regular(link, tmp_path / "copy") and not (tmp_path / "copy").exists()
    assert fingerprint(link) != fingerprint(notebook) and fingerprint(pipe) != fingerprint(notebook)
