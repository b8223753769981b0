"""The trusted re-check of one submission: record in the sandbox, replay here.

:func:`recheck` starts :mod:`autograder.recheck_child` in a fresh sandbox with the
learner's definitions (:mod:`autograder.definitions`) and the instructor's grade
cells, reads its event lines (at most :data:`MAX_OUTPUT` bytes, each cell within
``timeout`` seconds), and replays them (:mod:`autograder.replay`). When the learner's
code ends the process or stops answering during a cell, that cell scores 0 and a new
process takes up the cells after it.
"""

from __future__ import annotations

import json
import queue
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import messages as M
from .replay import CellVerdict, namespace, replay_cell
from .sandbox import Limits, Sandbox, kill
from .wire import Decoder, WireError

MAX_OUTPUT = 64 << 20
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class GradeCell:
    grade_id: str
    source: str
    points: float


@dataclass
class Recheck:
    verdicts: list[CellVerdict]
    flags: list[str] = field(default_factory=list)


def _reader(stream, lines: queue.Queue) -> None:
    total = 0
    for raw in stream:
        total += len(raw)
        if total > MAX_OUTPUT:
            lines.put(("too_much", None))
            return
        lines.put(("line", raw))
    lines.put(("eof", None))


def _run_child(job: dict, cells: list[GradeCell], timeout: float, hidden: tuple[Path, ...],
               limits: Limits) -> tuple[list[dict], str | None]:
    """Start one sandboxed child for ``cells``; return its events and why it stopped early (or None)."""
    with tempfile.TemporaryDirectory(prefix="hml-recheck-") as scratch:
        sandbox = Sandbox(Path(scratch), hidden=hidden, limits=limits)
        process = sandbox.popen([sys.executable, "-m", "autograder.recheck_child"], stdin=-1, stdout=-1,
                                stderr=-3)
        payload = json.dumps({**job, "cells": [{"id": c.grade_id, "source": c.source} for c in cells]})
        try:
            process.stdin.write(payload.encode())
            process.stdin.close()
        except BrokenPipeError:
            pass
        lines: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True)
        reader.start()
        events: list[dict] = []
        deadline = time.monotonic() + timeout * 2  # the definitions, imports and the first cell
        stopped = None
        while True:
            try:
                kind, raw = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                stopped = M.RECHECK_TIMEOUT.format(seconds=timeout)
                break
            if kind == "too_much":
                stopped = M.RECHECK_TOO_MUCH.format(limit=MAX_OUTPUT >> 20)
                break
            if kind == "eof":
                break
            try:
                event = json.loads(raw)
            except (ValueError, RecursionError):
                continue
            if type(event) is not dict:
                continue
            events.append(event)
            if "end" in event:
                deadline = time.monotonic() + timeout
            if event.get("done"):
                break
        kill(process)
        reader.join(timeout=10)
        process.stdout.close()
        if stopped is None and not any(e.get("done") for e in events):
            stopped = M.RECHECK_EXIT.format(code=process.returncode)
        return events, stopped


def recheck(definitions: list[str], names: list[str], imports: str, cells: list[GradeCell], *,
            timeout: float = DEFAULT_TIMEOUT, hidden: tuple[Path, ...] = (), limits: Limits | None = None) -> Recheck:
    """Each grade cell's verdict from the real checks, on the learner's definitions, without trusting them."""
    job = {"definitions": definitions, "names": names, "imports": imports}
    limits = limits or Limits()
    result = Recheck([])
    remaining = list(cells)
    while remaining:
        events, stopped = _run_child(job, remaining, timeout, hidden, limits)
        names_event = next((e for e in events if "names" in e), None)
        ns, classes = None, {}
        if names_event is not None:
            try:
                ns, classes = namespace(names_event["names"], imports)
            except (WireError, KeyError, TypeError, ValueError):
                ns = None
        decoder = Decoder(classes)
        finished = []
        for cell in remaining:
            start = next((i for i, e in enumerate(events) if e.get("start") == cell.grade_id), None)
            if start is None:
                break
            end = next((i for i, e in enumerate(events) if e.get("end") == cell.grade_id), None)
            calls = [e for e in events[start + 1:end] if "call" in e]
            if ns is None:
                verdict = CellVerdict(cell.grade_id, False, 0.0, cell.points, None, M.REPLAY_RAN_OUT.format(
                    name=cell.grade_id), "no names")
            else:
                verdict = replay_cell(cell.grade_id, cell.source, cell.points, calls, ns, classes, decoder)
            if end is None:
                why = stopped or M.RECHECK_EXIT.format(code="?")
                result.flags.append(M.FLAG_RECHECK_CRASHED.format(grade_id=cell.grade_id, why=why))
                verdict = CellVerdict(cell.grade_id, False, 0.0, cell.points, None, why)
            elif verdict.replay_problem:
                result.flags.append(M.FLAG_REPLAY.format(grade_id=cell.grade_id, problem=verdict.replay_problem))
            result.verdicts.append(verdict)
            finished.append(cell)
            if end is None:
                break
        if not finished:  # the process died before its first cell: nothing more can be learnt from it
            why = stopped or M.RECHECK_EXIT.format(code="?")
            for cell in remaining:
                result.verdicts.append(CellVerdict(cell.grade_id, False, 0.0, cell.points, None, why))
                result.flags.append(M.FLAG_RECHECK_CRASHED.format(grade_id=cell.grade_id, why=why))
            break
        remaining = remaining[len(finished):]
    return result
