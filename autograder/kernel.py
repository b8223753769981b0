"""The sandboxed grading kernel.

:func:`install_kernelspec` writes a kernelspec named :data:`KERNEL_NAME` whose argv is
``python -m autograder.kernel {connection_file}``. That launcher runs outside the
sandbox for a moment: it copies the connection file into the kernel's socket
directory, applies the resource limits and replaces itself with bubblewrap running
ipykernel (see :mod:`autograder.sandbox`). The kernel talks over the ipc transport
(Unix sockets at an absolute path in that directory), since TCP cannot cross the
network namespace, and is interrupted by message, since a signal to bubblewrap does
not reach it. The grader passes the sandbox's settings in ``HML_KERNEL_SANDBOX``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from .sandbox import NOBODY, Limits, Sandbox, bwrap_path, warn_not_isolated

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
        "argv": [sys.executable, "-m", "autograder.kernel", "{connection_file}"],
        "display_name": "Python 3 (sandboxed grading)",
        "language": "python",
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }, indent=1))
    return directory


def settings(hidden: list[Path], ipc_dir: Path, limits: Limits) -> str:
    return json.dumps({"hidden": [str(p) for p in hidden], "ipc_dir": str(ipc_dir),
                       "limits": {k: getattr(limits, k) for k in Limits.__dataclass_fields__}})


def main(argv: list[str]) -> None:
    connection_file, extra = Path(argv[0]), argv[1:]
    config = json.loads(os.environ[ENV])
    ipc_dir = Path(config["ipc_dir"])
    own = ipc_dir / f"connection-{os.getpid()}.json"
    shutil.copyfile(connection_file, own)
    if os.geteuid() == 0:
        os.chown(own, NOBODY, NOBODY)
        os.chown(ipc_dir, NOBODY, NOBODY)
    os.chmod(own, 0o600)
    sandbox = Sandbox(Path.cwd(), hidden=tuple(Path(p) for p in config["hidden"]), writable=(ipc_dir,),
                      limits=Limits(**config["limits"]))
    bwrap = bwrap_path()
    if bwrap is None:
        warn_not_isolated()
    sandbox.prepare()
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", str(own), *extra,
               f"--IPKernelApp.exec_lines={json.dumps([CAP_OUTPUT])}"]
    args = sandbox.argv(command, bwrap)
    sandbox.preexec(bwrap)()
    quiet = os.open(os.devnull, os.O_WRONLY)  # the kernel's banner and logs are not the grader's output
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.execv(args[0], args)


if __name__ == "__main__":
    main(sys.argv[1:])
