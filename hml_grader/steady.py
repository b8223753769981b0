"""Waiting for a kernel's messages in short slices, so that a lost wake-up costs a slice, not a time-out.

Under load, nbclient sometimes misses the reply to a cell that shows ipywidgets with an
``Output`` (nbclient issue #312): it sends the widget's messages on the shell channel
while it waits on that channel, the wait does not wake when the reply arrives, and the
cell counts as timed out after ``timeout`` seconds (seen here: about one run in six of
lesson 03 with both cores busy, each stalling 120 s). A wait split into slices of
:data:`SLICE` seconds looks at the channel again after each slice and finds the reply.

:class:`SteadyExecute` is nbgrader's ``Execute`` with such waits; the course's
``nbgrader_config.py`` uses it for ``nbgrader autograde``, and the sandboxed grader's
kernel runs through it too. :func:`steady` does the same for any kernel client.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_core.utils import ensure_async, run_sync
from nbgrader.preprocessors import Execute

SLICE = 0.25
"""Seconds of one slice of a wait."""


def _sliced(channel: Any) -> None:
    get_msg = channel.get_msg

    async def sliced_get_msg(timeout: float | None = None, **kwargs: Any) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SLICE if deadline is None else min(SLICE, max(0.0, deadline - time.monotonic()))
            try:
                return await ensure_async(get_msg(timeout=left, **kwargs))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    channel.get_msg = sliced_get_msg


def steady(kc: Any) -> Any:
    """``kc`` (an asynchronous kernel client) with its shell and IOPub waits sliced; returns ``kc``."""
    _sliced(kc.shell_channel)
    _sliced(kc.iopub_channel)
    return kc


class SteadyClient:
    """Mix into an nbclient ``NotebookClient`` (before it) to slice its kernel client's waits."""

    async def async_start_new_kernel_client(self) -> Any:
        return steady(await super().async_start_new_kernel_client())  # type: ignore[misc]

    # nbclient's synchronous twin (what nbconvert's ExecutePreprocessor and so nbgrader call) wraps its own
    # coroutine, not an override: it is made again here.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


class SteadyExecute(SteadyClient, Execute):
    """nbgrader's ``Execute`` whose waits for the kernel are sliced (see the module docstring)."""
