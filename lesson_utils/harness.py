"""The engine under every check: run a learner's function on a battery of
cases, compare with the reference, and explain the first problem in one plain
sentence.

A lesson's ``check`` module declares each exercise as a table: a value check is
an :class:`Exercise` (its reference, its cases and its bank of known
:class:`Mistake` s) made into ``check.NAME`` by :func:`make_check`; a behaviour
check is a :class:`Behaviour` whose rows are :class:`Probe` s (what each calls
of the learner's code, then what it concludes), made by
:func:`make_behaviour_check`. Everything the checks share is here.
"""

from __future__ import annotations

import contextlib
import copy
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import attempts, unfinished
from . import messages as M
from .errors import CheckFailed
from .outputs import ARRAY, SCALAR, Output, Parts, Problem, Several, format_number, is_torch_tensor
from .withheld import Withheld

__all__ = [
    "ARRAY", "ATOL", "DEFAULT_TIME_LIMIT", "FLOAT32_ATOL", "RTOL", "SCALAR", "Behaviour", "Case", "Comparison",
    "ConclusionCalledLearner", "Exercise", "Mistake", "Observe", "Output", "Probe", "Problem", "Several", "Trial",
    "ValueDict", "bank_overlaps", "battery_rng", "call_learner", "call_live", "calls_through", "copy_args",
    "diagnose", "extra_cases", "first_like", "first_part_differing", "gather_in_turn", "header", "hidden_labels",
    "low_precision", "make_behaviour_check", "make_check", "named_mistake", "quietly", "reached", "run",
    "run_behaviour", "same_value", "value_dicts",
]

DEFAULT_TIME_LIMIT = 3.0
"""Seconds one call of the learner's function may take before it is stopped."""

RTOL = 1e-5
ATOL = 1e-8
FLOAT32_ATOL = 1e-6
"""The absolute tolerance of a case whose inputs are float32 (or float16): a correct float32 computation that
sums terms of about 1 which cancel is off by about 1e-7 (float32 keeps about 7 digits)."""


@dataclass(frozen=True)
class Case:
    """One input for the learner's function: a label and the arguments."""

    label: str
    args: tuple


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation and what to tell a learner who made it."""

    id: str
    fn: Callable[..., Any]
    explanation: str


@dataclass(frozen=True)
class Exercise:
    """Everything a check needs to know about one exercise."""

    name: str
    arg_names: tuple[str, ...]
    reference: Callable[..., Any]
    fixed_cases: Callable[[], list[Case]]
    random_cases: Callable[[np.random.Generator], list[Case]]
    mistakes: tuple[Mistake, ...] = field(default=())
    output: Output = SCALAR
    seed: int = 0
    rtol: float = RTOL
    atol: float = ATOL
    prepare: Callable[[tuple], tuple] = tuple
    """Brings the arguments of a learner's extra case (``cases=``) into the form the check's own cases have."""

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.arg_names)})"

    def tolerance(self, case: Case) -> tuple[float, float]:
        """``(rtol, atol)`` for ``case``: the exercise's, or float32's where the case's inputs are float32."""
        if low_precision(case.args):
            return self.rtol, max(self.atol, FLOAT32_ATOL)
        return self.rtol, self.atol

    def expected(self, case: Case) -> Parts:
        """The reference's answer on ``case``, in canonical form."""
        return self.output.convert(quietly(self.reference, case.args), self.name, case.label)

    def battery(self, seed: int | None = None) -> list[Case]:
        """The fixed cases, then the random cases drawn with ``seed``."""
        rng = np.random.default_rng(self.seed if seed is None else seed)
        return list(self.fixed_cases()) + list(self.random_cases(rng))


class _TimedOut(BaseException):
    """Raised inside the learner's code when its time is up.

    A ``BaseException`` so that a learner's ``except Exception`` cannot
    swallow it.
    """


def call_with_time_limit(fn: Callable[..., Any], args: Sequence[Any], seconds: float | None) -> Any:
    """Call ``fn(*args)``; raise :class:`_TimedOut` after ``seconds``.

    In the main thread on POSIX this uses a real-time interval timer, which
    interrupts a pure-Python loop and leaves nothing running behind. Anywhere
    else the call runs in a daemon thread that is abandoned on time-out.
    """
    if seconds is None:
        return fn(*args)
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _call_with_alarm(fn, args, seconds)
    return _call_in_thread(fn, args, seconds)


def _call_with_alarm(fn, args, seconds):
    def on_alarm(signum, frame):
        raise _TimedOut()

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            left = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


def _call_in_thread(fn, args, seconds):
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = fn(*args)
        except BaseException as error:  # handed back to the caller's thread
            box["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise _TimedOut()
    if "error" in box:
        raise box["error"]
    return box["value"]


_PLAIN = (int, float, complex, str, bytes, bool, type(None))


def _plain_dict_class(cls: type) -> bool:
    """A dict subclass made with no arguments and holding nothing but its items (the checks' own ``Tree``)."""
    return cls.__init__ is dict.__init__ and cls.__new__ is dict.__new__


def copy_args(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A deep copy of call arguments, fast for what checks pass (arrays, dicts, lists, tuples, numbers).

    Shared objects stay shared in the copy, as with :func:`copy.deepcopy`, which handles anything else.
    """
    memo = {} if memo is None else memo
    if type(value) in _PLAIN or isinstance(value, np.generic):
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    if type(value) is np.ndarray and value.dtype != object:
        out: Any = value.copy()
    elif type(value) is dict or (isinstance(value, dict) and _plain_dict_class(type(value)) and not vars(value)):
        out = type(value)()
        memo[key] = out
        for k, v in value.items():
            out[k] = copy_args(v, memo)
        return out
    elif type(value) is list:
        out = []
        memo[key] = out
        out.extend(copy_args(v, memo) for v in value)
        return out
    elif type(value) is tuple:
        out = tuple(copy_args(v, memo) for v in value)
    else:
        try:
            out = copy.deepcopy(value, memo)
        except Exception:  # an object that cannot be copied (a generator, a lock, an open file): handed over as is
            out = value
    memo[key] = out
    return out


def low_precision(value: Any) -> bool:
    """Whether ``value`` (arguments, or anything inside them) holds float32 or float16 numbers."""
    if isinstance(value, dict):
        return any(low_precision(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(low_precision(v) for v in value if not isinstance(v, int | float))
    dtype = getattr(value, "dtype", None)
    return str(dtype).rsplit(".", 1)[-1] in ("float32", "float16", "bfloat16")


def _has_list(args: Sequence[Any]) -> bool:
    return any(isinstance(a, list | tuple) for a in args)


def _as_numpy(value: Any) -> np.ndarray | None:
    """A torch tensor's values as a NumPy array (``None`` for anything else, or a tensor that cannot be read)."""
    if not is_torch_tensor(value) or not hasattr(value, "detach"):
        return None
    try:
        return value.detach().cpu().numpy()
    except Exception:  # a tensor of a kind NumPy cannot hold
        return None


def _same_arrays(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype != object and a.tobytes() == b.tobytes():
        return True  # bit for bit the same (the usual case): no need to compare value by value
    try:
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    except Exception:  # object arrays whose items cannot be compared
        return False


def same_value(a: Any, b: Any, *, ordered: bool = False) -> bool:
    """Whether ``a`` and ``b`` hold the same values all the way down (dicts, lists, tuples, arrays, tensors,
    numbers, NaN equal to NaN), for anything a learner may return or keep: it never raises.

    ``ordered``: dicts must also list their keys in the same order. Objects whose ``==`` is not a truth value
    (or raises) count as the same only if they are the same object.
    """
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)):
            return False
        keys_a, keys_b = list(a), list(b)
        if ordered and keys_a != keys_b:
            return False
        try:
            if sorted(map(str, keys_a)) != sorted(map(str, keys_b)) or len(keys_a) != len(keys_b):
                return False
            return all(k in b and same_value(a[k], b[k], ordered=ordered) for k in keys_a)
        except Exception:  # keys that cannot be looked up
            return a is b
    tensor_a, tensor_b = _as_numpy(a), _as_numpy(b)
    if tensor_a is not None or tensor_b is not None:
        return tensor_a is not None and tensor_b is not None and _same_arrays(tensor_a, tensor_b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and _same_arrays(a, b)
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (type(a) is type(b) and len(a) == len(b)
                and all(same_value(x, y, ordered=ordered) for x, y in zip(a, b, strict=True)))
    try:
        return bool(a == b) or bool(a != a and b != b)
    except Exception:  # objects whose comparison is not a truth value
        return a is b


class ValueDict(dict):
    """A dict whose ``==`` compares the values inside it all the way down (:func:`same_value`).

    The checks hand these to the learner for dicts of arrays (parameters, gradients, an optimizer's state), so
    that ``state == {}`` or ``params == old`` works as on a plain dict, while a plain dict of arrays could not
    even be compared.
    """

    def __eq__(self, other: object) -> bool:
        return same_value(self, other)

    def __ne__(self, other: object) -> bool:
        return not same_value(self, other)

    __hash__ = None  # type: ignore[assignment]


def value_dicts(value: Any) -> Any:
    """``value`` with every dict inside it (dicts of dicts too) turned into a :class:`ValueDict`."""
    if isinstance(value, dict):
        return ValueDict({k: value_dicts(v) for k, v in value.items()})
    return value


def _same_inputs(before: Any, after: Any) -> bool:
    """Whether an argument is as the check gave it (``after`` is the copy the learner's call received)."""
    if isinstance(before, np.random.Generator):
        return True  # drawing from a random generator is what it is for
    if isinstance(before, dict) and isinstance(after, dict):
        return list(before) == list(after) and all(_same_inputs(before[k], after[k]) for k in before)
    if isinstance(before, list | tuple) and type(before) is type(after):
        return len(before) == len(after) and all(_same_inputs(b, a) for b, a in zip(before, after, strict=True))
    if isinstance(before, (*_PLAIN, np.ndarray, np.generic, dict, list, tuple)) or is_torch_tensor(before):
        return same_value(before, after, ordered=True)
    try:
        return same_value(before, after, ordered=True) or not bool(before == before)
    except Exception:  # an object that cannot even be compared with itself: nothing to tell
        return True


def _close_one(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True))


def _close(got: Parts, expected: Parts, rtol: float, atol: float) -> bool:
    return len(got) == len(expected) and all(_close_one(g, e, rtol, atol) for g, e in zip(got, expected, strict=True))


def quietly(fn: Callable[..., Any], args: Sequence[Any]) -> Any:
    """``fn`` (a reference or a bank entry) called on a copy of ``args``, with warnings and float errors off."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*copy_args(tuple(args)))


@dataclass
class _Outcome:
    case: Case
    label: str
    got: Parts
    expected: Parts

    def passed(self, ex: Exercise) -> bool:
        return _close(self.got, self.expected, *ex.tolerance(self.case))


CallLearner = Callable[..., Any]
"""The shape of :func:`call_learner` (and of what :func:`calls_through` takes): ``(name, fn, args, label,
arg_names, time_limit, observe)``."""

Observe = Callable[[Any], Any]
"""What a check notes of a learner's call once it has returned: called with the returned value, it gives plain
data (numbers, strings, lists, tuples, dicts, arrays, tensors) holding everything the check will judge, such as
the state of a model the check handed the learner's code. That is what grading writes down and answers with."""

_through: list[CallLearner] = []
"""Where :func:`call_learner` sends its calls instead of calling the learner's code, innermost last."""


@contextlib.contextmanager
def calls_through(handler: CallLearner) -> Iterator[None]:
    """Inside, every :func:`call_learner` of every check goes to ``handler`` (same arguments) instead.

    Grading uses this: in the learner's kernel a handler that calls :func:`call_live` and writes down what came
    back; in the trusted grader one that answers from that record, without running any learner code.
    """
    _through.append(handler)
    try:
        yield
    finally:
        _through.remove(handler)


def call_learner(
    name: str,
    fn: Callable[..., Any],
    args: Sequence[Any],
    label: str,
    arg_names: Sequence[str] = (),
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    observe: Observe | None = None,
) -> Any:
    """Call the learner's ``fn`` on a copy of ``args`` and return what it returns (or, with ``observe``, what
    ``observe`` makes of it: the call's whole outcome as plain data).

    Anything that goes wrong (not written yet, an exception, no return within
    ``time_limit``, an input changed in place) becomes a :class:`Problem`
    carrying one plain sentence. Every check calls the learner's code through
    this, so it is the one place grading watches (:func:`calls_through`): what
    it returns is all a check may judge.
    """
    if _through:
        return _through[-1](name, fn, args, label, arg_names, time_limit, observe)
    return call_live(name, fn, args, label, arg_names, time_limit, observe)


def call_live(
    name: str,
    fn: Callable[..., Any],
    args: Sequence[Any],
    label: str,
    arg_names: Sequence[str] = (),
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    observe: Observe | None = None,
) -> Any:
    """:func:`call_learner` itself: the learner's code really runs."""
    call_args = copy_args(tuple(args))
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = call_with_time_limit(fn, call_args, time_limit)
    except NotImplementedError:
        raise Problem(M.NOT_IMPLEMENTED.format(name=name)) from None
    except _TimedOut:
        raise Problem(M.TIMED_OUT.format(name=name, seconds=time_limit, label=label)) from None
    except Exception as error:  # the learner's code may raise anything
        detail = str(error) or "no message"
        template = M.RAISED_ON_LIST if isinstance(error, TypeError | AttributeError) and _has_list(args) else M.RAISED
        first_arg = arg_names[0] if arg_names else "x"
        raise Problem(
            template.format(name=name, error=type(error).__name__, label=label, detail=detail, first_arg=first_arg)
        ) from None
    for arg_name, before, after in zip(arg_names, args, call_args, strict=False):
        if not _same_inputs(before, after):
            raise Problem(M.MUTATED.format(name=name, arg=arg_name, label=label))
    return value if observe is None else observe(value)


def _run_case(ex: Exercise, fn, case: Case, label: str, time_limit: float | None,
              returned: Callable[[Case, Any], None] | None) -> _Outcome:
    value = call_learner(ex.name, fn, case.args, label, ex.arg_names, time_limit)
    if returned is not None:
        returned(case, value)
    got = ex.output.convert(value, ex.name, label)
    return _Outcome(case=case, label=label, got=got, expected=ex.expected(case))


def first_like(bank: Iterable[Mistake], behaves_like: Callable[[Callable[..., Any]], bool]) -> Mistake | None:
    """The first entry of ``bank`` whose function ``behaves_like`` the learner's (``behaves_like(entry.fn)`` is
    true). An entry that cannot even run on a case (it raises) does not match."""
    for mistake in bank:
        try:
            with np.errstate(all="ignore"):
                if behaves_like(mistake.fn):
                    return mistake
        except Exception:  # a bank entry that cannot run on a case does not match
            continue
    return None


def named_mistake(name: str, bank: Sequence[Mistake], mistake_id: str) -> Problem:
    """The known-mistake sentence of the entry ``mistake_id`` of ``bank`` (exercise ``name``): for a property that
    a known mistake fails, whatever else the learner's results hold. The bank is read only here, when a verdict
    names the entry (it is withheld in the grading kernel)."""
    mistake = next(m for m in bank if m.id == mistake_id)
    return Problem(M.KNOWN_MISTAKE.format(name=name, explanation=mistake.explanation), mistake=mistake.id)


def first_part_differing(name: str, label: str, parts: Iterable[tuple[str, np.ndarray, np.ndarray]], rtol: float,
                         atol: float, hidden: bool, shown: str) -> Problem:
    """The sentence for the first of ``parts`` (``(part, got, expected)``, e.g. ``("w", ...)``) whose values differ:
    in a grade cell only which part differs, else the template ``shown`` with the part and both values."""
    part, got, expected = next((part, g, e) for part, g, e in parts
                               if g.shape != e.shape or not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True))
    if hidden:
        return Problem(M.WRONG_VALUE_HIDDEN.format(name=name, what=M.PART_ANSWER.format(part=part), label=label))
    return Problem(shown.format(part=part, got=format_number(got), expected=format_number(expected), label=label))


def diagnose(ex: Exercise, outcomes: Sequence[_Outcome]) -> Mistake | None:
    """The first bank entry whose outputs equal the learner's on every case."""
    return first_like(ex.mistakes, lambda fn: all(
        _close(o.got, ex.output.convert(quietly(fn, o.case.args), ex.name, ""), *ex.tolerance(o.case))
        for o in outcomes))


def bank_overlaps(ex: Exercise, seed: int | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """Bank entries a check could never tell apart on its battery: those equal to the
    reference on every case, and the pairs of entries equal to each other. Both lists
    should be empty; maintainers test that when they add a mistake."""
    battery = ex.battery(seed)

    def outputs(fn):
        return [ex.output.convert(quietly(fn, c.args), ex.name, c.label) for c in battery]

    def same(a, b):
        return all(_close(x, y, *ex.tolerance(c)) for x, y, c in zip(a, b, battery, strict=True))

    expected = outputs(ex.reference)
    results = {m.id: outputs(m.fn) for m in ex.mistakes}
    like_reference = [i for i, r in results.items() if same(r, expected)]
    ids = list(results)
    twins = [(a, b) for n, a in enumerate(ids) for b in ids[n + 1:] if same(results[a], results[b])]
    return like_reference, twins


def _explain(ex: Exercise, outcomes: Sequence[_Outcome], hidden: bool) -> tuple[str, _Outcome, str | None]:
    wrong = next(o for o in outcomes if not o.passed(ex))
    mistake = diagnose(ex, outcomes)
    if mistake is not None:
        return M.KNOWN_MISTAKE.format(name=ex.name, explanation=mistake.explanation), wrong, mistake.id
    index = next(i for i, (g, e) in enumerate(zip(wrong.got, wrong.expected, strict=True))
                 if not _close_one(g, e, *ex.tolerance(wrong.case)))
    got, expected = wrong.got[index], wrong.expected[index]
    names = ex.output.names
    part = M.PART.format(part=names[index]) if names else ""
    if got.shape != expected.shape:
        message = M.WRONG_SHAPE.format(name=ex.name, part=part, got_shape=got.shape, label=wrong.label,
                                       expected_shape=expected.shape, hint=ex.output.shape_hint)
    elif hidden:
        what = M.PART_ANSWER.format(part=names[index]) if names else M.ANSWER
        message = M.WRONG_VALUE_HIDDEN.format(name=ex.name, what=what, label=wrong.label)
    else:
        template = M.WRONG_VALUE if np.all(np.isfinite(got)) else M.NOT_FINITE
        message = template.format(name=ex.name, part=part, got=format_number(got),
                                  expected=format_number(expected), label=wrong.label)
    return message, wrong, None


def header(ex: Exercise, battery: Sequence[Case]) -> str:
    """The first line of a visible value check: the number of cases and the tolerances, float32's too when the
    battery has float32 cases that get it."""
    float32 = any(ex.tolerance(c) != (ex.rtol, ex.atol) for c in battery)
    return (M.HEADER_FLOAT32 if float32 else M.HEADER).format(signature=ex.signature, n=len(battery), rtol=ex.rtol,
                                                              atol=ex.atol, atol32=FLOAT32_ATOL)


def run(
    ex: Exercise,
    fn: Any,
    *,
    seed: int | None = None,
    cases: Sequence[Sequence[Any]] | None = None,
    hidden: bool = False,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    returned: Callable[[Case, Any], None] | None = None,
) -> None:
    """Check ``fn`` against exercise ``ex``; print a line per case.

    ``seed`` draws a different random battery; ``cases`` adds explicit
    argument tuples. ``hidden=True`` (used by grading cells) skips the fixed
    cases and never prints the inputs. ``returned(case, value)`` sees each
    value the learner's function returned, as it returned it. Returns
    ``None`` on success and raises :class:`CheckFailed` otherwise.
    """
    if not callable(fn):
        raise CheckFailed(M.NOT_CALLABLE.format(name=ex.name, what=f"a {type(fn).__name__}"))
    extra = [Case(label=f"extra case {i}", args=ex.prepare(tuple(args))) for i, args in enumerate(cases or (), 1)]
    if hidden:
        rng = np.random.default_rng(ex.seed + 1 if seed is None else seed)
        battery = list(ex.random_cases(rng)) + extra
    else:
        battery = ex.battery(seed) + extra
    n = len(battery)
    if hidden:
        print(M.HIDDEN_HEADER.format(signature=ex.signature, n=n))
    else:
        print(header(ex, battery))

    outcomes: list[_Outcome] = []
    recorded = 0
    for index, case in enumerate(battery, 1):
        label = M.HIDDEN_LABEL.format(index=index) if hidden else case.label
        try:
            outcome = _run_case(ex, fn, case, label, time_limit, returned)
        except Problem as stop:
            _stopped(hidden, label, index, n, sum(o.passed(ex) for o in outcomes))
            raise CheckFailed(stop.message, case=case.args, mistake=stop.mistake) from None
        except Withheld:  # the grading kernel: what the learner's function returned is recorded, judged elsewhere
            recorded += 1
            continue
        outcomes.append(outcome)
        ok = outcome.passed(ex)
        if not hidden:
            print((M.CASE_PASS if ok else M.CASE_FAIL).format(label=label))

    if recorded:
        print(M.RECORDED.format(name=ex.name, n=recorded))
        return
    failed = sum(not o.passed(ex) for o in outcomes)
    if not failed:
        print((M.SUMMARY_PASS_HIDDEN if hidden else M.SUMMARY_PASS).format(n=n))
        return
    print(M.SUMMARY_HIDDEN.format(passed=n - failed, n=n) if hidden else M.SUMMARY_FAIL.format(failed=failed, n=n))
    message, wrong, mistake_id = _explain(ex, outcomes, hidden)
    raise CheckFailed(message, case=wrong.case.args, mistake=mistake_id)


def named_check(name: str, doc: str, run_check: Callable[..., None], *, takes_cases: bool = True,
                time_limit: float | None = DEFAULT_TIME_LIMIT) -> Callable[..., None]:
    """A learner-facing ``check.NAME(fn, *, seed, cases, hidden, time_limit)`` that hands its keywords to
    ``run_check(fn, seed=, cases=, hidden=, time_limit=)``. ``cases`` is refused as Python refuses an unknown
    keyword where the exercise takes none; ``time_limit`` is the default of the check's own keyword."""
    default_time_limit = time_limit

    def check(
        fn: Any,
        *,
        seed: int | None = None,
        cases: Sequence[Sequence[Any]] | None = None,
        hidden: bool = False,
        time_limit: float | None = default_time_limit,
    ) -> None:
        if cases is not None and not takes_cases:
            raise TypeError(f"{name}() got an unexpected keyword argument 'cases'")
        if unfinished.is_reference(fn, name):
            raise CheckFailed(M.REFERENCE_REFUSED.format(name=name))
        try:
            run_check(fn, seed=seed, cases=cases, hidden=hidden, time_limit=time_limit)
        except CheckFailed as failed:
            if not hidden:  # a grade cell's hidden check is not the learner's attempt, and offers no hint
                attempts.checked(name, passed=False, mistake=failed.mistake)
                failed.hint = name
            raise
        if not hidden:
            attempts.checked(name, passed=True)
            unfinished.finished(name)
            borrowed = [other for other in unfinished.references_in_use() if other != name]
            if borrowed:
                print(M.PASSES_WITH_REFERENCE.format(names=", ".join(borrowed)))

    check.__name__ = check.__qualname__ = name
    check.__doc__ = doc
    return check


def make_check(ex: Exercise, doc: str) -> Callable[..., None]:
    """The learner-facing ``check.NAME(fn)`` for exercise ``ex``."""
    return named_check(ex.name, doc, lambda fn, **keywords: run(ex, fn, **keywords))


def battery_rng(default_seed: int, seed: int | None, hidden: bool) -> np.random.Generator:
    """The random generator a battery is drawn from: ``seed`` when the learner gives one, else the exercise's
    default seed, or the one after it for the hidden battery of a grade cell."""
    return np.random.default_rng((default_seed + 1 if hidden else default_seed) if seed is None else seed)


def hidden_labels(labels: Sequence[str], hidden: bool, index: int) -> list[str]:
    """The labels of probe ``index``'s cases as a learner sees them: their own, or in hidden mode 'hidden case 3'
    (a probe of one case) or 'hidden case 3.2' (its second case), never anything about the inputs."""
    if not hidden:
        return list(labels)
    if len(labels) == 1:
        return [M.HIDDEN_LABEL.format(index=index)]
    return [M.HIDDEN_LABEL.format(index=f"{index}.{i}") for i in range(1, len(labels) + 1)]


@dataclass(frozen=True)
class Trial:
    """What one probe of a behaviour check runs with: the exercise, whether the battery is hidden, how long one
    call of the learner's code may take, and the probe's number (which hidden labels are made from)."""

    name: str
    arg_names: tuple[str, ...]
    hidden: bool
    time_limit: float | None
    index: int

    def label(self, label: str) -> str:
        """``label`` as the learner sees it: itself, or in hidden mode 'hidden case 3' (never the inputs)."""
        return hidden_labels([label], self.hidden, self.index)[0]

    def labels(self, labels: Sequence[str]) -> list[str]:
        """The labels of this probe's cases as the learner sees them ('hidden case 3.2' for the second)."""
        return hidden_labels(labels, self.hidden, self.index)

    def call(self, fn: Callable[..., Any], args: Sequence[Any], label: str, *, observe: Observe | None = None,
             arg_names: Sequence[str] | None = None) -> Any:
        """:func:`call_learner` for this exercise, with this trial's time limit."""
        names = self.arg_names if arg_names is None else arg_names
        return call_learner(self.name, fn, args, label, names, self.time_limit, observe)


def gather_in_turn(calls: Iterable[Callable[[], Any]]) -> list[Any]:
    """What each of ``calls`` gave, made in turn, for a probe whose conclusion judges them one after the other.

    A call that meets a :class:`Problem` keeps it in its place and ends the gathering; the conclusion raises it
    when it gets there (:func:`reached`), so that a problem the conclusion finds in an earlier result is told
    first, as it would be if each result were judged as soon as it came.
    """
    outcomes: list[Any] = []
    for call in calls:
        try:
            outcomes.append(call())
        except Problem as problem:
            outcomes.append(problem)
            break
    return outcomes


def reached(outcome: Any) -> Any:
    """A gathered outcome, now that the conclusion reaches it: what the call gave, or its Problem raised."""
    if isinstance(outcome, Problem):
        raise outcome
    return outcome


def _nothing_to_conclude(seen: Any, trial: Trial) -> None:
    return None


@dataclass(frozen=True)
class Probe:
    """One row of a behaviour check, in two parts.

    ``call(fn, trial)`` makes the probe's calls of the learner's code (through ``trial.call``, so that grading
    records them) and returns what they gave; it may read the learner's results (raising :class:`Problem` for
    one that cannot even be read) but nothing of the reference or the bank. ``conclude(seen, trial)`` judges
    what ``call`` returned, against the reference, a property or the bank: it returns quietly or raises
    :class:`Problem`, and makes no call of the learner's code. In the grading kernel, where the reference and
    the bank are withheld, only ``call`` runs to its end; the grader, outside, runs both on the record.
    """

    label: str
    call: Callable[..., Any]
    conclude: Callable[[Any, Trial], None] = _nothing_to_conclude


@dataclass(frozen=True)
class Behaviour:
    """A behaviour exercise: its name and arguments, its probes, and the defaults of its check.

    ``probes(rng, hidden, cases)`` gives the rows: ``rng`` draws the battery (from ``seed``, or the one after it
    for a grade cell's hidden battery, or the learner's own seed), ``hidden`` says which battery, and ``cases``
    is the learner's extra argument tuples (empty unless the exercise ``takes_cases``).
    """

    name: str
    arg_names: tuple[str, ...]
    seed: int
    probes: Callable[[np.random.Generator, bool, list[tuple]], Sequence[Probe]]
    takes_cases: bool = True
    time_limit: float | None = DEFAULT_TIME_LIMIT
    shown_signature: str | None = None
    """How the check's header writes the call, where that is not ``name(arg_names)`` (with defaults, say)."""

    @property
    def signature(self) -> str:
        return self.shown_signature or f"{self.name}({', '.join(self.arg_names)})"

    def rows(self, *, seed: int | None = None, hidden: bool = False,
             cases: Sequence[Sequence[Any]] | None = None) -> Sequence[Probe]:
        """The probes of one battery."""
        return self.probes(battery_rng(self.seed, seed, hidden), hidden, [tuple(args) for args in cases or ()])


def extra_cases(cases: Sequence[tuple]) -> list[tuple[str, tuple]]:
    """The learner's extra argument tuples with their labels: ('extra case 1', args), ..."""
    return [(f"extra case {i}", tuple(args)) for i, args in enumerate(cases, 1)]


Trusted = Callable[[Callable[..., Any], Any], Any]
"""``trusted(fn, case)``: what the reference (or a bank entry) ``fn`` gives on ``case``, in the learner's form."""


@dataclass(frozen=True)
class Comparison:
    """How a behaviour exercise's results are compared with the reference's: the row "the same as the reference on
    these cases" (:meth:`probe`).

    ``run(fn, case, label, trial)`` is the learner's result on ``case``, read into canonical form (through
    ``trial.call``); ``trusted`` the same for the reference or a bank entry, called directly; ``same(got, expected,
    case)`` the comparison; ``explain(case, label, got, expected, trial)`` the :class:`Problem` for a difference
    that no bank entry explains. The bank is matched on every case of the row.
    """

    name: str
    reference: Callable[..., Any]
    bank: Sequence[Mistake]
    run: Callable[[Any, Any, str, Trial], Any]
    trusted: Trusted
    same: Callable[[Any, Any, Any], bool]
    explain: Callable[[Any, str, Any, Any, Trial], Problem]

    def gather(self, fn: Any, cases: Sequence[Any], trial: Trial) -> list[tuple[Any, str, Any]]:
        """``(case, label, result)`` of the learner's ``fn`` on each of ``cases`` (each with a ``.label``)."""
        labels = trial.labels([case.label for case in cases])
        return [(case, label, self.run(fn, case, label, trial)) for case, label in zip(cases, labels, strict=True)]

    def known_mistake(self, runs: Sequence[tuple[Any, Any]]) -> Mistake | None:
        """The first bank entry whose results equal the learner's on every one of ``runs`` (case, result)."""
        return first_like(self.bank, lambda fn: all(self.same(got, self.trusted(fn, case), case)
                                                    for case, got in runs))

    def known_problem(self, runs: Sequence[tuple[Any, Any]]) -> Problem | None:
        """The KNOWN_MISTAKE sentence for the bank entry that behaves like the learner's on ``runs``, if any."""
        mistake = self.known_mistake(runs)
        if mistake is None:
            return None
        return Problem(M.KNOWN_MISTAKE.format(name=self.name, explanation=mistake.explanation), mistake=mistake.id)

    def judge(self, runs: Sequence[tuple[Any, str, Any]], trial: Trial) -> None:
        """Quiet when every result equals the reference's; else the bank's sentence, or the first difference's."""
        expected = [self.trusted(self.reference, case) for case, _, _ in runs]
        if all(self.same(got, want, case) for (case, _, got), want in zip(runs, expected, strict=True)):
            return
        known = self.known_problem([(case, got) for case, _, got in runs])
        if known is not None:
            raise known
        for (case, label, got), want in zip(runs, expected, strict=True):
            if not self.same(got, want, case):
                raise self.explain(case, label, got, want, trial)

    def probe(self, label: str, cases: Sequence[Any]) -> Probe:
        """The row: the learner's results on ``cases`` equal the reference's."""
        return Probe(label, lambda fn, trial: self.gather(fn, cases, trial), self.judge)


def _stopped(hidden: bool, label: str, index: int, n: int, passed: int) -> None:
    """The lines of a check stopped at case ``index`` of ``n``: that case and where it stopped, or for hidden
    cases only how many passed (a hidden case is never described, not even by its number in a list)."""
    if hidden:
        print(M.SUMMARY_HIDDEN.format(passed=passed, n=n))
        return
    print(M.CASE_FAIL.format(label=label))
    print(M.SUMMARY_STOPPED.format(index=index, n=n))


class ConclusionCalledLearner(RuntimeError):
    """A probe's ``conclude`` called the learner's code: a fault of the check, which grading could not replay."""


def _no_call_in_a_conclusion(name: str, fn: Any, args: Any, label: str, *rest: Any) -> Any:
    raise ConclusionCalledLearner(f"a probe of {name} called the learner's code in its conclusion (case '{label}'): "
                                  "make every call in the probe's call part")


def run_behaviour(
    behaviour: Behaviour,
    fn: Any,
    *,
    seed: int | None = None,
    cases: Sequence[Sequence[Any]] | None = None,
    hidden: bool = False,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    probes: Sequence[Probe] | None = None,
) -> None:
    """Check ``fn`` for ``behaviour``: each probe's calls, then its conclusion, a line per probe, stopping at the
    first problem (raises :class:`CheckFailed` carrying the probe's sentence and mistake id).

    ``probes``: these rows instead of the exercise's own battery.
    """
    if not callable(fn):
        raise CheckFailed(M.NOT_CALLABLE.format(name=behaviour.name, what=f"a {type(fn).__name__}"))
    rows = behaviour.rows(seed=seed, hidden=hidden, cases=cases) if probes is None else probes
    n = len(rows)
    print((M.HIDDEN_PROBES_HEADER if hidden else M.PROBES_HEADER).format(signature=behaviour.signature, n=n))
    recorded = 0
    for index, probe in enumerate(rows, 1):
        label = M.HIDDEN_LABEL.format(index=index) if hidden else probe.label
        trial = Trial(behaviour.name, behaviour.arg_names, hidden, time_limit, index)
        try:
            seen = probe.call(fn, trial)
            with calls_through(_no_call_in_a_conclusion):
                probe.conclude(seen, trial)
        except Problem as problem:
            _stopped(hidden, label, index, n, index - 1 - recorded)
            raise CheckFailed(problem.message, case=label, mistake=problem.mistake) from None
        except Withheld:  # the grading kernel: the probe's calls are recorded, its verdict is the grader's
            recorded += 1
            continue
        if not hidden:
            print(M.CASE_PASS.format(label=label))
    if recorded:
        print(M.RECORDED.format(name=behaviour.name, n=recorded))
        return
    print((M.SUMMARY_PASS_HIDDEN if hidden else M.SUMMARY_PASS).format(n=n))


def make_behaviour_check(behaviour: Behaviour, doc: str) -> Callable[..., None]:
    """The learner-facing ``check.NAME(fn)`` of ``behaviour``: :func:`run_behaviour` with the learner's keywords
    (``cases`` only where the exercise takes them; ``time_limit`` defaults to the exercise's)."""
    return named_check(behaviour.name, doc, lambda fn, **keywords: run_behaviour(behaviour, fn, **keywords),
                       takes_cases=behaviour.takes_cases, time_limit=behaviour.time_limit)
