"""The sandboxed grading kernel.

:func:`install_kernelspec` writes a kernelspec named :data:`KERNEL_NAME` whose argv is
``how-models-learn-grade.kernel {connection_file}``. That launcher runs outside the
sandbox: it copies the connection file into the kernel's socket directory, starts
bubblewrap running ipykernel with the resource limits (see :mod:`hml_grader.sandbox`),
and stays as its keeper, so that the sandbox ends when the grader does, however it ends.
The kernel talks over the ipc transport (Unix sockets at an absolute path in that
directory), since TCP cannot cross the network namespace, and is interrupted by
message, since a signal to bubblewrap does not reach it. The grader passes the
sandbox's settings in ``HML_KERNEL_SANDBOX``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
from pathlib import Path

from .sandbox import Limits, Sandbox, _die_with_parent, bwrap_path, warn_not_isolated

KERNEL_NAME = "hml-sandbox"
ENV = "HML_KERNEL_SANDBOX"
OUTPUT_LIMIT = 2 << 20
"""Bytes of printed output a notebook may send; the rest is cut (1 GB of prints would reach the grader)."""

CAP_OUTPUT = (
    "import sys as _s\n"
    f"def _cap(stream, left=[{OUTPUT_LIMIT}]):\n"
    "    write = stream.write\n"
    "    def capped(text):\n"
    "        if left[0] <= 0:\n"
    "            return len(text)\n"
    "        left[0] -= len(text)\n"
    "        return write(text if left[0] >= 0 else text[:len(text) + left[0]] + '\\n[output cut by the grader]\\n')\n"
    "    stream.write = capped\n"
    "_cap(_s.stdout); _cap(_s.stderr); del _s, _cap\n"
)


def install_kernelspec(directory: Path) -> Path:
    """Write the kernelspec under ``directory/kernels``; return ``directory`` (to put on ``JUPYTER_PATH``)."""
    spec = directory / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "hml_grader.kernel", "{connection_file}"],
        "display_name": "Python 3 (sandboxed grading)",
        "language": "python",
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }, indent=1))
    return directory


RECORD = "record.jsonl"
"""The record's file in the kernel's socket directory (:mod:`hml_grader.judging.record`)."""


def record_lines(path: Path, cells: dict[str, list[str]]) -> str:
    """The kernel's start-up lines that install the recorder of the grade cells ``cells`` (key -> grade ids)."""
    return (f"import hml_grader.judging.record as _record\n"
            f"_record.install(get_ipython(), {str(path)!r}, {json.dumps(cells)})\n"
            f"del _record\n")


def settings(hidden: list[Path], ipc_dir: Path, limits: Limits, record: dict[str, list[str]] | None = None) -> str:
    """What :func:`main` reads from ``HML_KERNEL_SANDBOX``; ``record``: the grade cells to record (key -> ids)."""
    return json.dumps({"hidden": [str(p) for p in hidden], "ipc_dir": str(ipc_dir), "record": record,
                       "limits": {k: getattr(limits, k) for k in Limits.__dataclass_fields__}})


def main(argv: list[str]) -> None:
    # The kernel manager's pid (jupyter_client sets it): this process's parent, unless it is already dead.
    parent = int(os.environ.get("JPY_PARENT_PID") or os.getppid())
    connection_file, extra = Path(argv[0]), argv[1:]
    config = json.loads(os.environ[ENV])
    ipc_dir = Path(config["ipc_dir"])
    own = ipc_dir / f"connection-{os.getpid()}.json"
    shutil.copyfile(connection_file, own)
    sandbox = Sandbox(Path.cwd(), hidden=tuple(Path(p) for p in config["hidden"]), writable=(ipc_dir,),
                      limits=Limits(**config["limits"]))
    if os.geteuid() == 0:
        os.chown(own, sandbox.user, sandbox.user)
        os.chown(ipc_dir, sandbox.user, sandbox.user)
    os.chmod(own, 0o600)
    bwrap = bwrap_path()
    if bwrap is None:
        warn_not_isolated()
    sandbox.prepare()
    lines = [CAP_OUTPUT]
    if config.get("record") is not None:
        record = ipc_dir / RECORD
        record.touch()
        if os.geteuid() == 0:
            os.chown(record, sandbox.user, sandbox.user)
        lines.append(record_lines(record, config["record"]))
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", str(own), *extra,
               f"--IPKernelApp.exec_lines={json.dumps(lines)}"]
    args = sandbox.argv(command, bwrap)
    limits = sandbox.preexec(bwrap, new_session=False)
    quiet = os.open(os.devnull, os.O_WRONLY)  # the kernel's banner and logs are not the grader's output
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    # This process stays, as the sandbox's keeper: bubblewrap drops its capabilities, and with them the
    # parent-death signal, so when the grader dies (even by SIGKILL) nothing would stop the kernel. The
    # keeper is told (SIGTERM) and kills bubblewrap, whose --die-with-parent ends everything inside.
    # Both are in the process group the kernel manager signals, so its kill reaches the sandbox too.
    env = sandbox.environment()
    child = os.fork()
    if child == 0:
        limits()
        os.execve(args[0], args, env)

    def stop(*_) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # interrupts go to the kernel by message
    _die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:  # the grader died before the signal was armed
        stop()
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            status = 0
            break
        except InterruptedError:
            continue
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":
    main(sys.argv[1:])
