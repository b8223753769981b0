"""The re-check's trusted side: replay the recorded calls through the lesson's real checks.

The grader runs each grade cell's source (the instructor's copy) in its own process,
where no learner code has ever run. The learner's names are bound to stand-ins, and
``harness.call_learner`` -- the one place where a check calls the learner's code -- is
replaced by a function that returns, call by call, what the learner's code returned
in the sandbox (or raises the problem it raised there). Everything else happens here
with trusted code: the cases are drawn from the same seeds, the references computed,
outputs compared and known mistakes diagnosed.

So the sandboxed process cannot forge a verdict: its whole influence is the list of
values that the learner's code "returned". A line claiming a right answer for a case
is no different from a function that returns the right answer. A record that does
not match the check's own sequence of calls (another label, other inputs, too few or
too many calls) is a replay failure: the cell scores 0 and the submission is flagged.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lesson_utils import harness

from . import messages as M
from .wire import Decoder, OpaqueCallable, WireError, apply_torch_effects, same_signature, signature


class Diverged(BaseException):
    """The check asked for a call the record does not hold (a BaseException, so no check swallows it)."""


class Escaped(BaseException):
    """In the sandbox the learner's code left the check with an exception such as SystemExit."""


@dataclass
class CellVerdict:
    grade_id: str
    passed: bool
    points: float
    max_points: float
    mistake: str | None = None
    message: str = ""
    replay_problem: str | None = None


class LearnerFunction(OpaqueCallable):
    """Stands in for a learner's function: calling it outside ``call_learner`` means the record is incomplete."""

    def __init__(self, name: str):
        self.__name__ = self.__qualname__ = name
        self._type_name = "function"


def learner_class(name: str, methods: list[str]) -> type:
    """Stands in for a learner's class: the same callable attributes, and instances only from the record."""

    def stray(*args: Any, **kwargs: Any) -> Any:
        raise Diverged(f"{name} was used outside a check's call of the learner's code")

    def new(cls, *args: Any, **kwargs: Any) -> Any:
        raise Diverged(f"{name}() was called outside a check's call of the learner's code")

    body: dict[str, Any] = {m: stray for m in methods if m.isidentifier()}
    body["__new__"] = new
    return type(name, (), body)


class Record:
    """The calls recorded for one cell, consumed in order."""

    def __init__(self, calls: list[dict], decoder: Decoder):
        self.calls = calls
        self.position = 0
        self.decoder = decoder

    def call_learner(self, name, fn, args, label, arg_names=(), time_limit=harness.DEFAULT_TIME_LIMIT):
        if self.position >= len(self.calls):
            raise Diverged(M.REPLAY_RAN_OUT.format(name=name))
        event = self.calls[self.position]
        self.position += 1
        call = event.get("call")
        if type(call) is not list or len(call) != 3 or call[:2] != [str(name), str(label)] \
                or not same_signature(call[2], signature(args)):
            raise Diverged(M.REPLAY_OTHER_CALL.format(name=name))
        try:
            if "problem" in event:
                message, mistake = event["problem"], event.get("mistake")
                if type(message) is not str or (mistake is not None and type(mistake) is not str):
                    raise WireError("bad problem")
                raise harness.Problem(message[:2000], mistake=mistake)
            if "escaped" in event:
                raise Escaped(str(event["escaped"])[:100])
            value = self.decoder.decode(event["value"])
            if "torch" in event:
                apply_torch_effects(fn, event["torch"], self.decoder)
            for key, state in event.get("fn_state", {}).items():
                if hasattr(fn, "__dict__") and key in vars(fn):
                    setattr(fn, key, self.decoder.decode(state))
        except WireError as error:
            raise Diverged(M.REPLAY_UNREADABLE.format(error=error)) from None
        return value


@contextlib.contextmanager
def replaying(record: Record) -> Iterator[None]:
    """Every lesson module's ``call_learner`` answers from ``record`` while inside."""
    real = harness.call_learner
    patched = []
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("lesson_utils") and getattr(module, "call_learner", None) is real:
            module.call_learner = record.call_learner
            patched.append(module)
    try:
        yield
    finally:
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("lesson_utils") and \
                    getattr(module, "call_learner", None) == record.call_learner:
                module.call_learner = real


def namespace(names: dict, imports: str) -> tuple[dict[str, Any], dict[str, type]]:
    """The learner's names as stand-ins (constants decoded), then the instructor's imports over them."""
    ns: dict[str, Any] = {"__name__": "__main__"}
    classes: dict[str, type] = {}
    if type(names) is not dict:
        raise WireError("bad names")
    for name, info in names.items():
        if type(name) is not str or not name.isidentifier() or type(info) is not dict:
            continue
        kind = info.get("kind")
        if kind == "function":
            ns[name] = LearnerFunction(name)
        elif kind == "class":
            methods = info.get("methods", [])
            classes[name] = learner_class(name, [m for m in methods if type(m) is str] if type(methods) is list else [])
            ns[name] = classes[name]
        elif kind == "value":
            ns[name] = Decoder().decode(info.get("value"))
    exec(compile(imports, "<course imports>", "exec"), ns)
    return ns, classes


def replay_cell(grade_id: str, source: str, points: float, calls: list[dict], ns: dict[str, Any],
                classes: dict[str, type], decoder: Decoder | None = None) -> CellVerdict:
    """Run one grade cell with the recorded calls; the verdict of the real checks."""
    record = Record(calls, decoder or Decoder(classes))
    verdict = CellVerdict(grade_id, True, points, points)
    try:
        with replaying(record), contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"<{grade_id}>", "exec"), ns)
    except (Diverged, Escaped) as error:
        problem = str(error) if isinstance(error, Diverged) else M.REPLAY_ESCAPED.format(error=error)
        verdict = CellVerdict(grade_id, False, 0.0, points, None, problem,
                              problem if isinstance(error, Diverged) else None)
    except harness.CheckFailed as failed:
        verdict = CellVerdict(grade_id, False, 0.0, points, failed.mistake, failed.message)
    except Exception as error:  # e.g. NameError: the learner never defined the function
        verdict = CellVerdict(grade_id, False, 0.0, points, None, f"{type(error).__name__}: {error}")
    if verdict.replay_problem is None and record.position != len(record.calls) and verdict.passed:
        verdict = CellVerdict(grade_id, False, 0.0, points, None, M.REPLAY_EXTRA_CALLS, M.REPLAY_EXTRA_CALLS)
    return verdict
