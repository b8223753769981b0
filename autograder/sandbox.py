"""The sandbox that learner code runs in: bubblewrap and resource limits.

Inside: the whole filesystem read-only; the submission's own scratch directory the
one writable place besides a private, size-capped ``/tmp``; the course directory
(gradebook, ``source/``, other submissions), the repository's ``solutions/``,
``tests/`` and ``.git``, the home directory and any other directory the grader names
replaced by empty tmpfs; no network (``--unshare-net``); its own pid namespace; the
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
    covered by it: see :func:`autograder.kernel.main` for how the grading kernel is.
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
        home = Path.home()
        return [ROOT / "solutions", ROOT / "tests", ROOT / ".git", *([home] if home != Path("/") else [])]

    def argv(self, command: list[str], bwrap: str | None) -> list[str]:
        """``command`` wrapped in bubblewrap (or unchanged without it).

        As root, bubblewrap runs privileged (no user namespace) and the command drops to
        uid 65534 inside (:data:`DROP`), so that the process limit counts; as another
        user, bubblewrap maps the user to 65534 in a user namespace.
        """
        if bwrap is None:
            return command
        args = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--perms", "1777", "--size", str(self.limits.tmp_size), "--tmpfs", "/tmp",
                "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--die-with-parent", "--new-session",
                "--unsetenv", "JPY_PARENT_PID", "--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp",
                "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--setenv", "IPYTHONDIR", "/tmp/ipython",
                # the sandbox's uid has no account: name a user, so that getpass.getuser() needs none
                "--setenv", "USER", "learner", "--setenv", "LOGNAME", "learner"]
        if os.geteuid() != 0:
            args += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
        # The interpreter and the course's package stay readable even inside a hidden directory.
        needed = sorted({Path(p).resolve() for p in (sys.prefix, sys.base_prefix, os.path.realpath(sys.executable))})
        needed.append(ROOT)
        # A checkout or interpreter under /tmp is put back (read-only) over the private /tmp.
        for inner in sorted({p for p in needed if p.is_relative_to("/tmp") and p != Path("/tmp")}):
            for parent in reversed(inner.parents):
                if parent.is_relative_to("/tmp") and parent != Path("/tmp"):
                    args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", str(inner), str(inner)]
        for path in sorted({p.resolve() for p in [*self.default_hidden(), *self.hidden]}, key=lambda p: len(p.parts)):
            if not path.exists() or path in needed or path == Path("/"):
                continue
            args += ["--tmpfs", str(path)]
            for inner in needed:
                if inner.is_relative_to(path) and inner != path:
                    for parent in reversed(inner.parents):
                        if parent.is_relative_to(path) and parent != path:
                            args += ["--perms", "0755", "--dir", str(parent)]
                    args += ["--ro-bind", str(inner), str(inner)]
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
        env = dict(kwargs.pop("env", None) or os.environ)
        env.pop("JPY_PARENT_PID", None)
        return subprocess.Popen(self.argv(command, bwrap), preexec_fn=self.preexec(bwrap), env=env,
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
