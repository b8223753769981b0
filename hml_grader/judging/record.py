"""The kernel's side of grading: write down what the learner's code returns to the checks.

Installed in the sandboxed grading kernel before any cell runs (:func:`install`, from the kernel's start-up
lines). When a grade cell starts (IPython's ``pre_run_cell``, the cell known by :func:`.results.cell_key`), it
writes what each name the cell uses is; every :func:`lesson_utils.harness.call_learner` during the cell runs the
learner's code as usual and writes what came back (what the check observes of the call: the returned value, or
the plain data the check's ``observe`` makes of it); when the cell ends, that it ended. The events are JSON lines
(:mod:`.results`) in a file the grader reads after the kernel is gone.

Everything here runs beside the learner's code, which can change or stop it: the grader believes the record only
as far as "the learner's code returned this" (:mod:`.judge`), so the worst a learner can do is lose their record.
"""

from __future__ import annotations

import ast
import os
import types
from typing import Any

from lesson_utils import harness
from lesson_utils.withheld import Withheld

from .codec import Encoder, describe_class, dumps, signature
from .results import cell_key


def used_names(source: str) -> list[str]:
    """The names a cell's code reads, in order of first use (none when it is not plain Python)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    seen: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            seen.setdefault(node.id, None)
    return list(seen)


def describe(names: list[str], namespace: dict[str, Any]) -> tuple[dict[str, dict], dict[str, type]]:
    """What each of ``names`` is in ``namespace`` (a class, something callable, a module, or a value), and the
    classes among them."""
    out: dict[str, dict] = {}
    classes: dict[str, type] = {}
    for name in names:
        if name not in namespace:
            continue
        value = namespace[name]
        if isinstance(value, type):
            out[name] = {"kind": "class", **describe_class(value)}
            classes[name] = value
        elif isinstance(value, types.ModuleType):
            out[name] = {"kind": "module"}
        elif callable(value):
            out[name] = {"kind": "function"}
        else:
            out[name] = {"kind": "value", "value": Encoder().encode(value)}
    return out, classes


class Recorder:
    """Writes the record of the grade cells ``cells`` (key -> grade ids, in notebook order) to ``path``."""

    def __init__(self, shell: Any, path: str, cells: dict[str, list[str]]):
        self.shell = shell
        self.cells = {key: list(ids) for key, ids in cells.items()}
        self.file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the kernel's life
        os.set_inheritable(self.file.fileno(), False)
        self.current: str | None = None
        self.encoder = Encoder()

    def emit(self, event: dict) -> None:
        self.file.write(dumps(event) + "\n")
        self.file.flush()

    def pre_run_cell(self, info: Any) -> None:
        source = getattr(info, "raw_cell", None)
        ids = self.cells.get(cell_key(source)) if isinstance(source, str) else None
        if not ids:
            self.current = None
            return
        self.current = ids.pop(0)
        names, classes = describe(used_names(source), self.shell.user_ns)
        self.encoder = Encoder(classes)
        self.emit({"start": self.current, "names": names})

    def post_run_cell(self, result: Any) -> None:
        if self.current is None:
            return
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        self.emit({"end": self.current, "error": None if error is None else type(error).__name__})
        self.current = None

    def call(self, name, fn, args, label, arg_names=(), time_limit=harness.DEFAULT_TIME_LIMIT, observe=None):
        if self.current is None:
            return harness.call_live(name, fn, args, label, arg_names, time_limit, observe)
        key = [str(name), str(label), signature(args)]
        try:
            value = harness.call_live(name, fn, args, label, arg_names, time_limit, observe)
        except harness.Problem as problem:
            self.emit({"call": key, "problem": str(problem.message), "mistake": problem.mistake})
            raise
        except Withheld:  # the check itself needed what only the grader holds: not the learner's doing
            raise
        except BaseException as error:
            self.emit({"call": key, "escaped": type(error).__name__})
            raise
        self.emit({"call": key, "value": self.encoder.encode(value)})
        return value


def install(shell: Any, path: str, cells: dict[str, list[str]]) -> Recorder:
    """Start recording in this kernel: from now on, for the rest of its life."""
    recorder = Recorder(shell, path, cells)
    shell.events.register("pre_run_cell", recorder.pre_run_cell)
    shell.events.register("post_run_cell", recorder.post_run_cell)
    recorder.recording = harness.calls_through(recorder.call)  # kept here: it lasts as long as the recorder
    recorder.recording.__enter__()
    return recorder
