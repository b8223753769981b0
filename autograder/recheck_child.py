"""The re-check's untrusted side: ``python -m autograder.recheck_child`` inside the sandbox.

It reads a job (JSON on stdin): the learner's definitions, the instructor's imports and
grade cells. It runs the definitions, then each grade cell with the lesson's real
checks, and writes one JSON line per event to the stream it kept before any learner
code ran: ``names`` (what each learner name is), ``start``/``end`` of a cell, and
``call`` for every call of the learner's code that a check makes through
``harness.call_learner``: what it returned (as plain data, see :mod:`autograder.wire`),
or the problem it raised.

Nothing this process says is believed as a verdict: the learner's code runs here and
can change anything in it. The grader replays the recorded calls through the real
checks in its own process (:mod:`autograder.replay`), so a forged line can only claim
that the learner's code returned some value, which is what the learner's code could
have done anyway.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import io
import json
import os
import sys
import types
from typing import Any


class LazyModule(types.ModuleType):
    """A module bound by an ``import`` statement but imported on first use.

    The lessons' notebooks import Matplotlib, ipywidgets and often torch, and the re-check runs those
    imports; most learner functions and checks never touch them, and importing them is most of what a
    fresh re-check process would spend. ``import a.b as c`` binds ``c`` to this stand-in for ``a.b``;
    ``import a.b`` binds ``a`` (and ``a.b`` is imported with it).
    """

    def __init__(self, name: str, modules: tuple[str, ...]):
        super().__init__(name)
        self.__dict__["_hml_modules"] = modules

    def _hml_real(self) -> types.ModuleType:
        real = self.__dict__.get("_hml_real_module")
        if real is None:
            for module in self.__dict__["_hml_modules"]:
                importlib.import_module(module)
            real = sys.modules[self.__name__]
            self.__dict__["_hml_real_module"] = real
        return real

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._hml_real(), attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._hml_real(), attr, value)

    def __dir__(self) -> list[str]:
        return dir(self._hml_real())


def run_statement(source: str, namespace: dict, filename: str) -> None:
    """Run one statement; a plain ``import`` of a module not yet loaded binds a :class:`LazyModule`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    if tree is not None and all(isinstance(node, ast.Import) for node in tree.body):
        for node in tree.body:
            for alias in node.names:
                top = alias.name.split(".")[0]
                bound = alias.asname or top
                if alias.name in sys.modules or importlib.util.find_spec(top) is None:
                    exec(compile(ast.unparse(ast.Import([alias])), filename, "exec"), namespace)
                elif alias.asname:
                    namespace[bound] = LazyModule(alias.name, (alias.name,))
                else:
                    namespace[bound] = LazyModule(top, (alias.name,))
        return
    exec(compile(source, filename, "exec"), namespace)


def _channel() -> io.TextIOWrapper:
    """Keep the real stdout for events; send fd 1 and 2 (and so every print) to /dev/null."""
    events = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    return events


def main() -> int:
    job = json.loads(sys.stdin.read())
    events = _channel()
    sys.stdout = sys.stderr = io.StringIO()

    from lesson_utils import harness

    from .wire import Encoder, describe_class, dumps, signature, torch_effects

    def emit(event: dict) -> None:
        events.write(dumps(event) + "\n")
        events.flush()

    namespace: dict[str, Any] = {"__name__": "__main__"}
    encoder = Encoder()
    real_call_learner = harness.call_learner
    recording = [True]

    def recording_call_learner(name, fn, args, label, arg_names=(), time_limit=harness.DEFAULT_TIME_LIMIT):
        key = [str(name), str(label), signature(args)]
        try:
            value = real_call_learner(name, fn, args, label, arg_names, time_limit)
        except harness.Problem as problem:
            emit({"call": key, "problem": str(problem.message), "mistake": problem.mistake})
            raise
        except BaseException as error:
            emit({"call": key, "escaped": type(error).__name__})
            raise
        event = {"call": key, "value": encoder.encode(value)}
        effects = torch_effects(fn, encoder)
        if effects:
            event["torch"] = effects
        if type(fn).__module__.startswith("lesson_utils.") and hasattr(fn, "__dict__"):
            event["fn_state"] = {k: encoder.encode(v) for k, v in vars(fn).items() if not callable(v)}
        emit(event)
        return value

    modules = [m for m in list(sys.modules.values()) if getattr(m, "__name__", "").startswith("lesson_utils")]
    for module in modules:
        if getattr(module, "call_learner", None) is real_call_learner:
            module.call_learner = recording_call_learner

    failed = []
    for statement in job["definitions"]:
        try:
            run_statement(statement, namespace, "<submission>")
        except BaseException as error:  # a definition may raise anything, even SystemExit; the others still run
            failed.append(type(error).__name__)
    if failed:
        emit({"definitions_failed": failed})
    names = {}
    for name in job["names"]:
        if name not in namespace:
            continue
        value = namespace[name]
        if isinstance(value, type):
            names[name] = {"kind": "class", **describe_class(value)}
        elif callable(value):
            names[name] = {"kind": "function"}
        elif isinstance(value, types.ModuleType):
            names[name] = {"kind": "module"}
        else:
            names[name] = {"kind": "value", "value": Encoder().encode(value)}
    encoder.learner_classes = {n: namespace[n] for n, d in names.items() if d["kind"] == "class"}
    emit({"names": names})
    try:
        imports = [ast.unparse(node) for node in ast.parse(job["imports"]).body]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        imports = [job["imports"]]
    for statement in imports:
        run_statement(statement, namespace, "<course imports>")
    # Checks imported by the instructor's imports are patched too.
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("lesson_utils") and \
                getattr(module, "call_learner", None) is real_call_learner:
            module.call_learner = recording_call_learner

    for cell in job["cells"]:
        emit({"start": cell["id"]})
        verdict: dict[str, Any] = {"passed": True}
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell["source"], f"<{cell['id']}>", "exec"), namespace)
        except AssertionError as error:
            verdict = {"passed": False, "error": type(error).__name__, "mistake": getattr(error, "mistake", None)}
        except BaseException as error:
            verdict = {"passed": False, "error": type(error).__name__}
        plain = {k: v if type(v) in (str, bool, type(None)) else str(v) for k, v in verdict.items()}
        emit({"end": cell["id"], **plain})
    recording[0] = False
    emit({"done": True})
    events.close()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
