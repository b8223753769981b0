"""The sandbox that learner code runs in: bubblewrap and resource limits.

Inside: only the system's programs and libraries (:data:`SYSTEM`), the interpreter, the
virtual environment and the course's package, all read-only; the submission's own scratch
directory the one writable place besides a private, size-capped ``/tmp``; the repository's
``solutions/``, ``tests/`` and ``.git``, and any directory the grader names (the course
directory: gradebook, ``source/``, other submissions), replaced by empty tmpfs where they
lie inside what is shown; each lesson's reference solutions, mistake bank and stored
expected values empty (:meth:`Sandbox.withheld_files`); no home directory, ``/opt``, ``/srv`` or anything else of the
machine; a clean environment (:meth:`Sandbox.environment`); no network (``--unshare-net``); its own pid namespace; the
unprivileged uid (when the grader runs as root, a uid of the sandbox's own that no account
has, dropped to inside bubblewrap, so that the process limit counts this submission's
processes only; otherwise 65534 in a user namespace); limits on address space, CPU time,
file size, processes and open files; killed when the grader dies
(``--die-with-parent``, and ``PR_SET_PDEATHSIG`` for the launcher).

Without bubblewrap (macOS, or Linux without the package) learner code runs with the
resource limits only, and :data:`messages.NOT_ISOLATED` is printed.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import messages as M
from .paths import ROOT

NOBODY = 65534
SANDBOX_UIDS = 0x20000000
"""As root, each sandbox runs as a uid of its own from here on (no account has one), so that the processes
of one submission count against its own process limit only: a fork storm cannot starve another
submission graded beside it."""
DROP = (
    "import os, sys; uid = int(sys.argv[1]); os.setgroups([]); os.setgid(uid); os.setuid(uid); "
    "os.execv(sys.argv[2], sys.argv[2:])"
)
"""Run as root inside the sandbox: become the sandbox's uid, then run the command."""

SYSTEM = ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/libx32", "/sbin", "/etc/ld.so.cache", "/etc/ld.so.conf",
          "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/fonts", "/etc/localtime", "/etc/mime.types")
"""The system's files learner code sees (read-only): the programs and libraries, and of ``/etc`` only what the
dynamic loader, Matplotlib's fonts and the time zone read."""
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")
PASSED = ("LANG", "LC_ALL", "LC_CTYPE", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
          "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "TORCH_NUM_THREADS")
"""The grader's environment variables that reach learner code (when set): the language and the thread counts."""

_serial = itertools.count()


def fresh_uid() -> int:
    """A uid no other live sandbox has: from this process's pid and a count of its sandboxes."""
    return SANDBOX_UIDS + ((os.getpid() & 0x3FFFFF) << 4 | next(_serial) & 0xF)


def _sandbox_user() -> int:
    return fresh_uid() if os.geteuid() == 0 else os.geteuid()


@dataclass(frozen=True)
class Limits:
    memory: int = 6 << 30
    """Address space, bytes (NumPy and torch reserve much more than they touch)."""
    cpu_seconds: int = 900
    file_size: int = 64 << 20
    processes: int = 128
    """Processes and threads of the sandbox's uid, beyond those it already has."""
    open_files: int = 512
    tmp_size: int = 128 << 20


def bwrap_path() -> str | None:
    """bubblewrap's path, or None. ``HML_BWRAP`` overrides it (``HML_BWRAP=none`` grades without it)."""
    chosen = os.environ.get("HML_BWRAP")
    if chosen is not None:
        return None if chosen in ("", "none") else chosen
    return shutil.which("bwrap")


def _processes_of(uid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count


def _find_prctl():
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl
    return None


_PRCTL = _find_prctl()
"""libc's prctl, looked up once here: a child between fork and exec must not load libraries (another
thread of the grader may hold the loader's lock at the fork)."""


def _die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Have the kernel send ``signum`` to this process when its parent dies (Linux; elsewhere nothing).

    bubblewrap clears this when it drops its capabilities, so a process that execs bwrap is not
    covered by it: see :func:`hml_grader.kernel.main` for how the grading kernel is.
    """
    if _PRCTL is not None:
        _PRCTL(1, signum)  # PR_SET_PDEATHSIG


@dataclass(frozen=True)
class Sandbox:
    """Where one piece of learner code may write, what it must not see, and its limits."""

    scratch: Path
    hidden: tuple[Path, ...] = ()
    writable: tuple[Path, ...] = ()
    limits: Limits = field(default_factory=Limits)
    user: int = field(default_factory=_sandbox_user)
    """The uid whose processes the process limit counts: as root, one of its own (:func:`fresh_uid`)."""

    def default_hidden(self) -> list[Path]:
        """What is hidden inside the paths the sandbox shows: the repository's solutions, tests, history and test
        artifacts."""
        return [ROOT / "solutions", ROOT / "tests", ROOT / ".git", ROOT / "test-artifacts"]

    @staticmethod
    def withheld_files() -> list[Path]:
        """The files that would give the exercises away, empty inside the sandbox: each lesson's reference
        solutions, bank of known mistakes and stored expected values (:data:`lesson_utils.withheld.WITHHELD`),
        their compiled copies, and the data files beside them."""
        from lesson_utils.withheld import WITHHELD

        found: list[Path] = []
        for lesson in sorted((ROOT / "lesson_utils").glob("lesson*/")):
            for name in WITHHELD:
                found += [lesson / f"{name}.py", *sorted(lesson.glob(f"__pycache__/{name}.*.pyc"))]
            found += sorted(lesson.glob("*.npz"))
        return [p for p in found if p.is_file()]

    def shown(self) -> list[Path]:
        """The directories learner code sees besides the system's (:data:`SYSTEM`): the interpreter, the virtual
        environment and the course's package, read-only."""
        interpreter = Path(os.path.realpath(sys.executable)).parent
        found = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, interpreter)}
        found.add(ROOT.resolve())
        return sorted(p for p in found if not any(p != q and p.is_relative_to(q) for q in found))

    def environment(self) -> dict[str, str]:
        """The only environment learner code gets: nothing of the grader's but the thread counts and the language,
        and what the kernel needs to find Python and the course's package."""
        env = {name: os.environ[name] for name in PASSED if name in os.environ}
        env.setdefault("LANG", "C.UTF-8")
        env.update({"PATH": os.pathsep.join([str(Path(sys.executable).parent), *SYSTEM_PATH]), "HOME": "/tmp",
                    "TMPDIR": "/tmp", "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython",
                    "PYTHONPATH": str(ROOT), "USER": "learner", "LOGNAME": "learner",
                    "PWD": str(self.scratch.resolve())})
        return env

    def argv(self, command: list[str], bwrap: str | None) -> list[str]:
        """``command`` wrapped in bubblewrap (or unchanged without it).

        Inside, only the system's directories (:data:`SYSTEM`) and :meth:`shown` are there, read-only, with the
        hidden paths among them replaced by empty directories; ``/home``, ``/root``, ``/opt``, ``/srv`` and the
        rest of the machine are not. As root, bubblewrap runs privileged (no user namespace) and the command drops
        to the sandbox's uid inside (:data:`DROP`), so that the process limit counts; as another user, bubblewrap
        maps the user to 65534 in a user namespace.
        """
        if bwrap is None:
            return command
        args = [bwrap, "--dev", "/dev", "--proc", "/proc",
                "--perms", "1777", "--size", str(self.limits.tmp_size), "--tmpfs", "/tmp",
                "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--die-with-parent", "--new-session", "--clearenv"]
        for name, value in self.environment().items():
            args += ["--setenv", name, value]
        if os.geteuid() != 0:
            args += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
        for path in SYSTEM:
            if os.path.islink(path):
                args += ["--symlink", os.readlink(path), path]
            elif os.path.exists(path):
                args += ["--ro-bind", path, path]
        shown = self.shown()
        for inner in shown:
            for parent in reversed(inner.parents):
                if parent not in (Path("/"), Path("/tmp")) and not any(parent.is_relative_to(s) for s in SYSTEM):
                    args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", str(inner), str(inner)]
        hidden = {p.resolve() for p in [*self.default_hidden(), *self.hidden]}
        for path in sorted(hidden, key=lambda p: len(p.parts)):
            if path.exists() and any(path.is_relative_to(s) and path != s for s in shown):
                args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
        for path in self.withheld_files():
            args += ["--ro-bind", "/dev/null", str(path.resolve())]
        for path in [self.scratch, *self.writable]:
            args += ["--bind", str(path.resolve()), str(path.resolve())]
        args += ["--chdir", str(self.scratch.resolve())]
        if os.geteuid() == 0:
            args += [sys.executable, "-I", "-S", "-c", DROP, str(self.user)]
        return [*args, *command]

    def prepare(self) -> None:
        """Let the sandbox's uid write its scratch and writable directories."""
        if os.geteuid() == 0:
            for path in [self.scratch, *self.writable]:
                for item in [path, *path.rglob("*")]:
                    os.chown(item, self.user, self.user, follow_symlinks=False)

    def preexec(self, bwrap: str | None, new_session: bool = True):
        limits = self.limits
        processes = _processes_of(self.user) + limits.processes

        def apply() -> None:
            _die_with_parent()
            if new_session:
                with contextlib.suppress(OSError):  # already a session leader
                    os.setsid()
            for kind, value in ((resource.RLIMIT_AS, limits.memory), (resource.RLIMIT_CPU, limits.cpu_seconds),
                                (resource.RLIMIT_FSIZE, limits.file_size), (resource.RLIMIT_NOFILE, limits.open_files),
                                (resource.RLIMIT_CORE, 0)):
                resource.setrlimit(kind, (value, value))
            if bwrap is not None or os.geteuid() != 0:
                resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))

        return apply

    def popen(self, command: list[str], **kwargs) -> subprocess.Popen:
        """Start ``command`` in the sandbox (its own session, so the whole group can be killed)."""
        bwrap = bwrap_path()
        if bwrap is None:
            warn_not_isolated()
        self.prepare()
        return subprocess.Popen(self.argv(command, bwrap), preexec_fn=self.preexec(bwrap), env=self.environment(),
                                cwd=self.scratch, **kwargs)


_warned: list[bool] = []


def warn_not_isolated() -> None:
    """Say once per process, on stderr, that learner code is not isolated."""
    if not _warned:
        _warned.append(True)
        print(M.NOT_ISOLATED, file=sys.stderr)


def kill(process: subprocess.Popen) -> None:
    """Kill a sandboxed process and everything it started."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()
