"""The trusted grader's side: judge a grade cell's record with the lesson's real checks.

The grader runs each grade cell's source (the instructor's copy, with its hidden tests) in its own process,
where no learner code has ever run. The names the cell uses are bound to stand-ins of what the record says they
were in the learner's kernel, the lesson's imports over them, and every :func:`lesson_utils.harness.call_learner`
-- the one place where a check calls the learner's code -- answers, call by call, with what the learner's code
returned in the kernel (or raises the problem it raised there). Everything else happens here with trusted code:
the cases are drawn from the same seeds, the references computed, outputs compared and known mistakes named.

So the kernel cannot forge a verdict: its whole influence is the list of values that the learner's code
"returned". A record claiming a right answer for a case is no different from a function that returns the right
answer. A record that lacks a call the check makes (another label, other inputs, too few calls) is judged 0
and the submission flagged; so is a grade cell with no record at all. Calls the record holds beyond those the
check asks for are left unread: the kernel cannot know where a failure ends the judging.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lesson_utils import harness
from lesson_utils.errors import CheckFailed

from .. import messages as M
from .codec import CodecError, Decoder, OpaqueCallable, same_signature, signature
from .results import CellVerdict, GradeCell

MAX_EVENTS = 200_000
"""Events read from one record; a check makes a few hundred calls at most."""


class Diverged(BaseException):
    """The check asked for a call the record does not hold (a BaseException, so no check swallows it)."""


class Escaped(BaseException):
    """In the kernel the learner's code left the check with an exception such as SystemExit."""


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


@dataclass
class Segment:
    """One grade cell's part of a record."""

    names: Any = None
    calls: list[dict] = field(default_factory=list)
    ended: bool = False
    error: str | None = None


def segments(events: Iterable[Any]) -> dict[str, Segment]:
    """Each grade cell's first segment of the record (a cell that runs again, by the learner's doing, keeps its
    first); events that are not well-formed are left out."""
    found: dict[str, Segment] = {}
    current: Segment | None = None
    for count, event in enumerate(events):
        if count >= MAX_EVENTS or type(event) is not dict:
            continue
        if "start" in event:
            gid = event["start"]
            current = None
            if type(gid) is str and gid not in found:
                current = found[gid] = Segment(names=event.get("names"))
        elif "end" in event:
            if current is not None and found.get(event["end"]) is current:
                current.ended = True
                error = event.get("error")
                current.error = error[:100] if type(error) is str else None
            current = None
        elif "call" in event and current is not None:
            current.calls.append(event)
    return found


class Record:
    """The calls recorded for one cell, each found by what it was: the exercise, the case's label and the inputs.

    The check asks for its calls in its own order; the kernel may have made more of them (it cannot tell where a
    failure would end the judging) or made them in another order. A call made several times with the same
    inputs (a method of an object that changes, say) is answered in the order the kernel made it.
    """

    def __init__(self, calls: list[dict], decoder: Decoder):
        self.decoder = decoder
        self.by_key: dict[tuple[str, str, str], list[dict]] = {}
        for event in calls:
            call = event.get("call")
            if type(call) is list and len(call) == 3 and all(type(c) is str for c in call[:2]) \
                    and type(call[2]) is list and call[2] and type(call[2][0]) is str:
                self.by_key.setdefault((call[0], call[1], call[2][0]), []).append(event)

    def _find(self, name: str, label: str, args: Any) -> dict:
        computed = signature(args)
        candidates = self.by_key.get((str(name), str(label), computed[0]))
        if not candidates:
            if any(k[:2] == (str(name), str(label)) for k in self.by_key):
                raise Diverged(M.RECORD_OTHER_CALL.format(name=name))
            raise Diverged(M.RECORD_RAN_OUT.format(name=name))
        for index, event in enumerate(candidates):
            if same_signature(event["call"][2], computed):
                del candidates[index]
                return event
        raise Diverged(M.RECORD_OTHER_CALL.format(name=name))

    def call_learner(self, name, fn, args, label, arg_names=(), time_limit=harness.DEFAULT_TIME_LIMIT, observe=None):
        event = self._find(name, label, args)
        try:
            if "problem" in event:
                message, mistake = event["problem"], event.get("mistake")
                if type(message) is not str or (mistake is not None and type(mistake) is not str):
                    raise CodecError("bad problem")
                raise harness.Problem(message[:2000], mistake=mistake)
            if "escaped" in event:
                raise Escaped(str(event["escaped"])[:100])
            value = self.decoder.decode(event["value"])
        except (CodecError, KeyError) as error:
            raise Diverged(M.RECORD_UNREADABLE.format(error=error)) from None
        return value


def namespace(names: Any, imports: str) -> tuple[dict[str, Any], dict[str, type]]:
    """The learner's names as stand-ins (values decoded), then the instructor's imports over them."""
    ns: dict[str, Any] = {"__name__": "__main__"}
    classes: dict[str, type] = {}
    if type(names) is not dict:
        raise CodecError("bad names")
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


def _unjudged(cell: GradeCell, problem: str) -> CellVerdict:
    return CellVerdict(cell.grade_id, False, 0.0, cell.points, None, problem, problem)


def judge_cell(cell: GradeCell, segment: Segment | None, imports: str, missing: str = M.RECORD_MISSING) -> CellVerdict:
    """The real checks' verdict on one grade cell's record (``missing``: why there is none, when ``segment`` is
    None)."""
    if segment is None:
        return _unjudged(cell, missing)
    try:
        ns, classes = namespace(segment.names, imports)
    except (CodecError, TypeError, ValueError, KeyError) as error:
        return _unjudged(cell, M.RECORD_UNREADABLE.format(error=error))
    record = Record(segment.calls, Decoder(classes))
    verdict = CellVerdict(cell.grade_id, True, cell.points, cell.points)
    printed = io.StringIO()
    try:
        with harness.calls_through(record.call_learner), contextlib.redirect_stdout(printed):
            exec(compile(cell.source, f"<{cell.grade_id}>", "exec"), ns)
    except Diverged as error:
        problem = str(error) if segment.ended else M.RECORD_CUT.format(name=cell.grade_id)
        verdict = _unjudged(cell, problem)
    except Escaped as error:
        verdict = CellVerdict(cell.grade_id, False, 0.0, cell.points, None, M.RECORD_ESCAPED.format(error=error))
    except CheckFailed as failed:
        verdict = CellVerdict(cell.grade_id, False, 0.0, cell.points, failed.mistake, failed.message)
    except Exception as error:  # e.g. NameError: the learner never defined the function
        verdict = CellVerdict(cell.grade_id, False, 0.0, cell.points, None, f"{type(error).__name__}: {error}")
    verdict.output = printed.getvalue()
    return verdict


def judge(cells: list[GradeCell], events: Iterable[Any], imports: str, missing: str = M.RECORD_MISSING
          ) -> list[CellVerdict]:
    """Every grade cell's verdict from one notebook's record."""
    found = segments(events)
    return [judge_cell(cell, found.get(cell.grade_id), imports, missing) for cell in cells]
