"""Checks for lesson 05: ``Value``, ``linear_forward``, ``linear_backward``, ``relu_backward``,
``two_layer_grads`` and ``numerical_gradient``.

The ``Value`` check compares with ``torch.autograd`` in float64; torch is imported only when that
check runs (and the reference class stands in where torch is not installed).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import messages as M
from ..errors import CheckFailed
from ..harness import (
    ARRAY,
    ATOL,
    RTOL,
    Behaviour,
    Case,
    Exercise,
    Mistake,
    Probe,
    Problem,
    Several,
    Trial,
    call_learner,
    first_like,
    gather_in_turn,
    make_check,
    named_check,
    reached,
    run_behaviour,
)
from ..outputs import SCALAR, Output, format_number, is_torch_tensor, several
from ..withheld import withheld
from . import messages as L

mistakes, reference = withheld(__package__, "mistakes", "reference")

# --- Value ---------------------------------------------------------------------------

VALUE_NAME = "Value"
VALUE_ARGS = ("data",)
VALUE_SEED = 501
ACTIVATIONS = ("tanh", "relu")
MIXED_RTOL = MIXED_ATOL = 1e-9
"""How close the long mixed expressions must come to torch. Their numbers stay between -8 and 8 and away from
every singular point, so float64 round-off over a few dozen operations stays below about 1e-13: only a wrong
or approximate local derivative reaches 1e-9."""

ADD_MUL = ("__add__", "__mul__")


@dataclass(frozen=True)
class Expr:
    """An expression over named leaves; ``build(f, *leaves)`` computes it with ``f`` the activation.

    ``needs``: the methods of the class it uses (the check names a missing one instead of running it).
    """

    text: str
    leaves: tuple[str, ...]
    build: Callable[..., Any] = field(compare=False)
    needs: tuple[str, ...] = ADD_MUL


@dataclass(frozen=True)
class GradRun:
    """One expression at given leaf values: forward, backward, read ``.data`` and every leaf's ``.grad``.

    With ``passes=True``: three forward and backward passes from the same leaves, the leaves' ``.grad``
    set to 0 before the third; read every leaf's ``.grad`` after each pass. ``rtol`` and ``atol``: how
    close to torch every number must be.
    """

    expr: Expr
    values: tuple[float, ...]
    act: str = "tanh"
    hint: str = L.HINT_GRAD
    passes: bool = False
    rtol: float = RTOL
    atol: float = ATOL

    @property
    def text(self) -> str:
        return self.expr.text.replace("f(", f"{self.act}(")

    def describe(self) -> str:
        values = ", ".join(f"{n} = {v:g}" for n, v in zip(self.expr.leaves, self.values, strict=True))
        return f"{self.text} with {values}"

    def entries(self) -> list[str]:
        """What each number of the result is, in words."""
        if self.passes:
            return [f"{leaf}.grad {when}" for when in ("after one pass", "after a second pass without zeroing",
                                                         "after zeroing the leaves and a third pass")
                    for leaf in self.expr.leaves]
        return ["the output's .data"] + [f"{leaf}.grad" for leaf in self.expr.leaves]

    def close(self, got: np.ndarray, want: np.ndarray) -> bool:
        return got.shape == want.shape and bool(np.allclose(got, want, rtol=self.rtol, atol=self.atol,
                                                            equal_nan=True))

    def number(self, value: np.ndarray) -> str:
        """A number of a result, with enough digits to show a difference the tolerance sees."""
        return f"{float(value):.15g}" if self.rtol < RTOL else format_number(value)


def _shared(h):
    return h * h + h


def _two_layer(f, x, w1, b1, w2, b2, v1, v2, c):
    return f(v1 * f(w1 * x + b1) + v2 * f(w2 * x + b2) + c)


def _neuron(f, *args):
    *pairs, b = args
    total = b
    for w, x in zip(pairs[::2], pairs[1::2], strict=True):
        total = total + w * x
    return f(total)


def _neuron_expr(k: int) -> Expr:
    leaves = (*(name for i in range(1, k + 1) for name in (f"w{i}", f"x{i}")), "b")
    text = "f(" + " + ".join(f"w{i} * x{i}" for i in range(1, k + 1)) + " + b)"
    return Expr(text, leaves, _neuron)


def _sanity(f, x):
    z = 2 * x + 2 + x
    q = f(z) + z * x
    h = f(z * z)
    return h + q + q * x


def _more_ops(f, a, b):
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + f(b + a))
    d = d + (3 * d + f(b - a))
    e = c - d
    g = e**2
    return g / 2.0 + 10.0 / g


ADD = Expr("a + b", ("a", "b"), lambda f, a, b: a + b, ("__add__",))
MUL = Expr("a * b", ("a", "b"), lambda f, a, b: a * b, ("__mul__",))
AFFINE = Expr("a * b + c", ("a", "b", "c"), lambda f, a, b, c: a * b + c)
NUMBER_EXPRS = (
    Expr("a + 2", ("a",), lambda f, a: a + 2, ("__add__",)),
    Expr("2 + a", ("a",), lambda f, a: 2 + a, ("__radd__",)),
    Expr("a * 3", ("a",), lambda f, a: a * 3, ("__mul__",)),
    Expr("3 * a", ("a",), lambda f, a: 3 * a, ("__rmul__",)),
    Expr("(a + 1.5) * -2 + 0.5", ("a",), lambda f, a: (a + 1.5) * -2 + 0.5),
)
SUB_EXPRS = (
    Expr("-a", ("a",), lambda f, a: -a, ("__neg__",)),
    Expr("a - b", ("a", "b"), lambda f, a, b: a - b, ("__sub__",)),
    Expr("a - 2", ("a",), lambda f, a: a - 2, ("__sub__",)),
    Expr("2 - a", ("a",), lambda f, a: 2 - a, ("__rsub__",)),
)
EXPONENTS = (2, 3, -1, -2, 0.5, 1.5)
"""The exponents of the powers probe; the first two take any base, the negative ones a base away from 0, the
fractions a positive one."""
POW_EXPRS = tuple(Expr(f"a ** {n:g}", ("a",), lambda f, a, n=n: a**n, ("__pow__",)) for n in EXPONENTS)
DIV_EXPRS = (
    Expr("a / b", ("a", "b"), lambda f, a, b: a / b, ("__truediv__",)),
    Expr("a / 4", ("a",), lambda f, a: a / 4, ("__truediv__",)),
    Expr("2 / a", ("a",), lambda f, a: 2 / a, ("__rtruediv__",)),
)
ACT = Expr("f(a * b + c)", ("a", "b", "c"), lambda f, a, b, c: f(a * b + c))
ACT_SCALED = Expr("c * f(a) + f(b)", ("a", "b", "c"), lambda f, a, b, c: c * f(a) + f(b))
RELU_SUM = Expr("c * relu(a + b)", ("a", "b", "c"), lambda f, a, b, c: c * f(a + b))
RELU_ZERO = Expr("relu(a) + relu(b) * c", ("a", "b", "c"), lambda f, a, b, c: f(a) + f(b) * c)
TWICE = (
    Expr("a * a", ("a",), lambda f, a: a * a, ("__mul__",)),
    Expr("a + a", ("a",), lambda f, a: a + a, ("__add__",)),
    Expr("a * b + a", ("a", "b"), lambda f, a, b: a * b + a),
    Expr("f(a) * f(a) + a", ("a",), lambda f, a: f(a) * f(a) + a),
)
SHARED = Expr("h * h + h with h = a * b", ("a", "b"), lambda f, a, b: _shared(a * b))
CHAIN = Expr("((a * b + c) * d + e) * a", ("a", "b", "c", "d", "e"),
             lambda f, a, b, c, d, e: ((a * b + c) * d + e) * a)
SHARED_ACT = Expr("g * f(g) + g with g = a * b + c", ("a", "b", "c"),
                  lambda f, a, b, c: (lambda g: g * f(g) + g)(a * b + c))
TWO_LAYER = Expr("f(v1 * f(w1 * x + b1) + v2 * f(w2 * x + b2) + c)",
                 ("x", "w1", "b1", "w2", "b2", "v1", "v2", "c"), _two_layer)
PILE_UP = Expr("f(a * b + c) * a", ("a", "b", "c"), lambda f, a, b, c: f(a * b + c) * a)
SANITY = Expr("z = 2 * x + 2 + x; q = f(z) + z * x; h = f(z * z); out = h + q + q * x", ("x",), _sanity,
              ("__add__", "__mul__", "__rmul__"))
MORE_OPS = Expr("c = a + b; d = a * b + b ** 3; c += c + 1; c += 1 + c + (-a); d += d * 2 + f(b + a); "
                "d += 3 * d + f(b - a); e = c - d; g = e ** 2; out = g / 2.0 + 10.0 / g", ("a", "b"), _more_ops,
                ("__add__", "__mul__", "__radd__", "__rmul__", "__neg__", "__sub__", "__pow__", "__truediv__",
                 "__rtruediv__"))

# --- long random expressions mixing every operation ------------------------------------------

MIXED_BOUND = 8.0
"""Every intermediate number of a mixed expression stays within [-MIXED_BOUND, MIXED_BOUND]."""
MIXED_AWAY = 0.4
"""A divisor, and the base of a negative or fractional power, is at least this far from 0."""
RELU_AWAY = 0.05
"""relu's input is at least this far from its kink at 0 (round-off could put it on either side)."""
NUMBERS = (2, 3, 0.5, 1.5, 2.5)
"""The plain numbers a mixed expression uses (ints and floats, as learners' own expressions do)."""


def _always(x: float, y: float, c: float) -> bool:
    return True


def _pow_ok(x: float, y: float, c: float) -> bool:
    return (c >= 0 or abs(x) >= MIXED_AWAY) and (c == int(c) or x >= MIXED_AWAY)


@dataclass(frozen=True)
class Op:
    """One operation of a mixed expression: the method it needs, how it reads, and what it does (on Values,
    torch tensors and floats alike); ``binary``: it takes a second node, else a plain number ``c``; ``ok``:
    whether it stays well away from a singular point on the numbers ``x``, ``y``, ``c``."""

    method: str
    text: str
    fn: Callable[..., Any]
    binary: bool = False
    ok: Callable[[float, float, float], bool] = _always


MIXED_OPS = (
    Op("__add__", "{x} + {y}", lambda f, x, y, c: x + y, True),
    Op("__sub__", "{x} - {y}", lambda f, x, y, c: x - y, True),
    Op("__mul__", "{x} * {y}", lambda f, x, y, c: x * y, True),
    Op("__truediv__", "{x} / {y}", lambda f, x, y, c: x / y, True, lambda x, y, c: abs(y) >= MIXED_AWAY),
    Op("__add__", "{x} + {c:g}", lambda f, x, y, c: x + c),
    Op("__radd__", "{c:g} + {x}", lambda f, x, y, c: c + x),
    Op("__sub__", "{x} - {c:g}", lambda f, x, y, c: x - c),
    Op("__rsub__", "{c:g} - {x}", lambda f, x, y, c: c - x),
    Op("__mul__", "{x} * {c:g}", lambda f, x, y, c: x * c),
    Op("__rmul__", "{c:g} * {x}", lambda f, x, y, c: c * x),
    Op("__truediv__", "{x} / {c:g}", lambda f, x, y, c: x / c),
    Op("__rtruediv__", "{c:g} / {x}", lambda f, x, y, c: c / x, ok=lambda x, y, c: abs(x) >= MIXED_AWAY),
    Op("__neg__", "-{x}", lambda f, x, y, c: -x),
    Op("__pow__", "{x} ** {c:g}", lambda f, x, y, c: x**c, ok=_pow_ok),
    Op("", "f({x})", lambda f, x, y, c: f(x)),
)
SHRINK = Op("__mul__", "{x} * {c:g}", lambda f, x, y, c: x * c)
"""The step taken when no drawn step keeps the numbers in bounds (x * 0.5 always does)."""


def _float_act(act: str) -> Callable[[float], float]:
    return math.tanh if act == "tanh" else (lambda v: max(v, 0.0))


def _allowed(op: Op, act: str, x: float, y: float, c: float) -> bool:
    """Whether ``op`` on these numbers stays finite and well away from any singular point (relu's kink too)."""
    return op.ok(x, y, c) and not (op.method == "" and act == "relu" and abs(x) < RELU_AWAY)


def _replay(steps: tuple, sinks: tuple[int, ...], f: Callable[[Any], Any], *leaves: Any) -> Any:
    nodes = list(leaves)
    for op, i, j, c in steps:
        nodes.append(op.fn(f, nodes[i], nodes[j], c))
    out = nodes[sinks[0]]
    for k in sinks[1:]:
        out = out + nodes[k]
    return out


def mixed_expr(rng: np.random.Generator, act: str, n_leaves: int = 3, n_steps: int = 10
               ) -> tuple[Expr, tuple[float, ...]]:
    """A random expression over ``n_leaves`` leaves mixing every operation, and the leaf values it is drawn for.

    Each leaf is the first input of one of the first steps; after those, the first input is mostly the node just
    made and otherwise any earlier node, as is the second, so nodes are shared. Each step is drawn until its
    result stays within :data:`MIXED_BOUND` and away from singular points (:func:`_allowed`), computed in floats
    as it is drawn. The output is the sum of the nodes no step uses.
    """
    names = [chr(ord("a") + i) for i in range(n_leaves)]
    values = [float(v) for v in np.round(rng.choice([-1.0, 1.0], n_leaves) * rng.uniform(0.5, 2.0, n_leaves), 3)]
    numbers, g = list(values), _float_act(act)
    steps, texts, used = [], [], set()
    for k in range(n_steps):
        for _ in range(30):
            op = MIXED_OPS[int(rng.integers(len(MIXED_OPS)))]
            # mostly the node just made, so that the expression grows deep as well as wide
            i = k if k < n_leaves else len(numbers) - 1 if rng.random() < 0.6 else int(rng.integers(len(numbers)))
            j = int(rng.integers(len(numbers)))
            c = EXPONENTS[int(rng.integers(len(EXPONENTS)))] if op.method == "__pow__" else \
                NUMBERS[int(rng.integers(len(NUMBERS)))]
            x, y = numbers[i], numbers[j]
            if not _allowed(op, act, x, y, c):
                continue
            result = op.fn(g, x, y, c)
            if isinstance(result, float | int) and math.isfinite(result) and abs(result) <= MIXED_BOUND:
                break
        else:
            op, j, c = SHRINK, i, 0.5
            result = x * c
        steps.append((op, i, j, c))
        used.update((i, j) if op.binary else (i,))
        numbers.append(float(result))
        names.append(f"h{k + 1}")
        texts.append(f"{names[-1]} = " + op.text.format(x=names[i], y=names[j], c=c))
    sinks = tuple(k for k in range(n_leaves, len(names)) if k not in used)
    texts.append("out = " + " + ".join(names[k] for k in sinks))
    needs = tuple(dict.fromkeys(["__add__"] + [op.method for op, *_ in steps if op.method]))
    expr = Expr("; ".join(texts), tuple(names[:n_leaves]), functools.partial(_replay, tuple(steps), sinks), needs)
    return expr, tuple(values)


def _activation(act: str) -> Callable[[Any], Any]:
    return lambda v: getattr(v, act)()


def _qualified(cls: type) -> str:
    return f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', cls.__name__)}"


def type_names(got: type, want: type) -> tuple[str, str]:
    """How to name the class of a result and the class checked in one sentence: by name, or, where the names are
    the same (a class built on another ``Value``, or one from another module), with their modules too."""
    if got.__name__ != want.__name__:
        return got.__name__, want.__name__
    got_name, want_name = _qualified(got), _qualified(want)
    if got_name == want_name:
        got_name = L.VALUE_SAME_NAME.format(name=got_name)
    return got_name, want_name


def _raw_value_run(V: Any, run: GradRun) -> tuple[list[tuple[str, Any]], tuple[str, ...] | None]:
    """Run ``run`` with class ``V``: the raw numbers read, with their names, and a note when it could not run.

    The note is ``("missing", method)`` when ``V`` lacks a method the expression needs, ``("type", got, want)``
    when an operation returned something that is not a ``V`` (the two classes' names). Everything that touches the
    learner's class happens here, so that it can be called through :func:`call_learner` (errors and time-outs
    become sentences, and at grading the note is recorded as plain words).
    """
    missing = [method for method in run.expr.needs if not callable(getattr(V, method, None))]
    if missing:
        return [], ("missing", missing[0])
    f = _activation(run.act)
    leaves = [V(v) for v in run.values]
    raw = []
    for index in range(3 if run.passes else 1):
        if index == 2:
            for leaf in leaves:
                leaf.grad = 0.0
        root = run.expr.build(f, *leaves)
        if not isinstance(root, V):
            return [], ("type", *type_names(type(root), V))
        if not run.passes:
            raw.append(root.data)
        root.backward()
        raw.extend(leaf.grad for leaf in leaves)
    return list(zip(run.entries(), raw, strict=True)), None


def _as_number(value: Any, what: str, label: str) -> float:
    if isinstance(value, bool) or (not isinstance(value, int | float | np.number) and not (
        isinstance(value, np.ndarray) and value.size == 1
    )):
        raise Problem(L.VALUE_NOT_A_NUMBER.format(what=what, type=type(value).__name__, label=label))
    return float(np.asarray(value, dtype=np.float64).reshape(()))


def _read(raw: Any, note: Any, run: GradRun, label: str) -> np.ndarray:
    """The numbers of a run as an array, or the sentence its note calls for."""
    if isinstance(note, tuple | list) and note:
        if note[0] == "missing" and len(note) == 2:
            method = str(note[1])
            raise Problem(L.VALUE_NO_OPERATION.format(method=method, what=L.OPERATIONS.get(method, method),
                                                      label=label))
        if note[0] == "type" and len(note) == 3:
            raise Problem(L.VALUE_NOT_A_VALUE.format(expr=run.text, type=note[1], expected=note[2], label=label))
    return np.array([_as_number(value, what, label) for what, value in raw])


def _quiet_run(V: Any, run: GradRun) -> np.ndarray:
    """A reference or bank class's result on ``run``."""
    return _read(*_raw_value_run(V, run), run, "")


def _torch_run(run: GradRun) -> np.ndarray:
    import torch

    f = getattr(torch, run.act)
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in run.values]
    if not run.passes:
        root = run.expr.build(f, *leaves)
        root.backward()
        return np.array([root.item()] + [leaf.grad.item() for leaf in leaves])
    out = []
    for index in range(3):
        if index == 2:
            for leaf in leaves:
                leaf.grad.zero_()
        run.expr.build(f, *leaves).backward()
        out.extend(leaf.grad.item() for leaf in leaves)
    return np.array(out)


@functools.lru_cache(maxsize=4096)
def expected(run: GradRun) -> np.ndarray:
    """torch.autograd's answer on ``run`` in float64 (the reference class's where torch is missing)."""
    try:
        import torch  # noqa: F401
    except ImportError:  # pragma: no cover - torch is a dependency; this keeps the check usable without it
        return _quiet_run(reference.Value, run)
    return _torch_run(run)


History = list[tuple[GradRun, np.ndarray]]
"""Every run a Value check has judged so far, with the learner's numbers: the bank is matched on all of them."""


def value_mistake(history: History) -> Mistake | None:
    """The first bank class whose results equal the learner's on every run of ``history``."""
    return first_like(mistakes.VALUE_BANK,
                      lambda cls: all(run.close(_quiet_run(cls, run), got) for run, got in history))


def activations(V: type, time_limit: float | None) -> list[str]:
    """The activations the class ``V`` has written (tanh, relu or both): those it has that do not say "not written
    yet" when called. They decide which rows the check has, so they are asked before the rows are made."""
    found = []
    for act in ACTIVATIONS:
        if not callable(getattr(V, act, None)):
            continue
        try:
            call_learner(VALUE_NAME, lambda act=act: getattr(V(0.5), act)(), (), "", (), time_limit)
        except Problem as problem:
            if problem.message == M.NOT_IMPLEMENTED.format(name=VALUE_NAME):
                continue
        found.append(act)
    return found


def _learner_run(V: type, run: GradRun, label: str, trial: Trial) -> np.ndarray:
    """The numbers the learner's class ``V`` gives on ``run``, or the sentence for what cannot be read."""
    raw, note = trial.call(lambda: _raw_value_run(V, run), (), label)
    return _read(raw, note, run, label)


def _wrong_run(history: History, run: GradRun, got: np.ndarray, label: str, trial: Trial) -> Problem:
    """The sentence for a run whose numbers differ from torch's: the bank entry that behaves like the learner's
    class on every run so far, or else the first number that differs."""
    mistake = value_mistake(history)
    if mistake is not None:
        return Problem(M.KNOWN_MISTAKE.format(name=VALUE_NAME, explanation=mistake.explanation), mistake=mistake.id)
    want = expected(run)
    index = next(i for i in range(len(want)) if not run.close(got[i:i + 1], want[i:i + 1])) \
        if got.shape == want.shape else 0
    what = run.entries()[index]
    if trial.hidden:
        return Problem(L.VALUE_WRONG_HIDDEN.format(what=what, label=label))
    hint = L.HINT_DATA if index == 0 and not run.passes else run.hint
    return Problem(L.VALUE_WRONG.format(what=what, got=run.number(got[index:index + 1].reshape(())),
                                        expr=run.describe(), label=label,
                                        expected=run.number(want[index:index + 1].reshape(())), hint=hint))


def _runs_probe(text: str, runs: Sequence[GradRun], history: History) -> Probe:
    """The row ``text``: the learner's class gives torch's numbers on each of ``runs`` (judged in order, each
    added to ``history`` as it is judged)."""

    def call(V: type, trial: Trial) -> list[Any]:
        label = trial.label(text)
        return gather_in_turn(lambda run=run: _learner_run(V, run, label, trial) for run in runs)

    def conclude(seen: list[Any], trial: Trial) -> None:
        for run, got in zip(runs, seen, strict=False):  # the gathering stops at a run with a problem
            got = reached(got)
            history.append((run, got))
            if not run.close(got, expected(run)):
                raise _wrong_run(history, run, got, trial.label(text), trial)

    return Probe(text, call, conclude)


START = (("data", 2.0), ("grad", 0.0))
"""What ``Value(2.0)`` must hold before any operation."""
START_LABEL = "Value(2.0)"


def _start_attribute(value: Any, attr: str, label: str) -> tuple[str, float]:
    """``value.attr`` as it reads in a sentence, and as a number (or the sentence for what cannot be read)."""
    if not hasattr(value, attr):
        raise Problem(L.VALUE_NO_ATTRIBUTE.format(attr=attr, label=label))
    got = getattr(value, attr)
    return f"{got}", _as_number(got, f"{START_LABEL}.{attr}", label)


def _start_probe(text: str) -> Probe:
    """The row ``text``: ``Value(2.0)`` has ``.data == 2.0`` and ``.grad == 0``."""

    def call(V: type, trial: Trial) -> list[Any]:
        label = trial.label(START_LABEL)
        value = trial.call(lambda: V(2.0), (), label)
        return gather_in_turn(lambda attr=attr: _start_attribute(value, attr, label) for attr, _ in START)

    def conclude(seen: list[Any], trial: Trial) -> None:
        for (attr, want), read in zip(START, seen, strict=False):
            shown, number = reached(read)
            if number != want:
                raise Problem(L.VALUE_WRONG_START.format(attr=attr, got=shown, expected=want,
                                                         label=trial.label(START_LABEL)))

    return Probe(text, call, conclude)


def _no_calls(V: type, trial: Trial) -> None:
    return None


def _no_activation(seen: None, trial: Trial) -> None:
    raise Problem(L.VALUE_NO_ACTIVATION)


def _values(rng: np.random.Generator, n: int, low: float = -2.0, high: float = 2.0) -> tuple[float, ...]:
    return tuple(float(v) for v in np.round(rng.uniform(low, high, size=n), 3))


def _away(rng: np.random.Generator, n: int, positive: bool = False) -> tuple[float, ...]:
    """``n`` numbers of magnitude 0.5 to 2 (positive ones only with ``positive``): safe bases and divisors."""
    signs = np.ones(n) if positive else rng.choice([-1.0, 1.0], n)
    return tuple(float(v) for v in np.round(signs * rng.uniform(0.5, 2.0, size=n), 3))


def _pow_values(rng: np.random.Generator | None) -> list[tuple[float, ...]]:
    """A base for each of :data:`EXPONENTS`: drawn away from 0 (positive for a fraction), or the shown ones."""
    if rng is None:
        return [(1.5,), (-1.5,), (-0.8,), (1.25,), (2.25,), (0.64,)]
    return [_away(rng, 1, positive=n != int(n)) for n in EXPONENTS]


def value_probes(acts: Sequence[str], history: History, rng: np.random.Generator, hidden: bool,
                 cases: Sequence[tuple]) -> list[Probe]:
    """The rows of the Value check for a class with the activations ``acts`` (they decide which rows exist);
    every run the rows judge is added to ``history``."""
    act = acts[0] if acts else "tanh"

    def r(expr: Expr, values: tuple[float, ...], hint: str = L.HINT_GRAD, a: str | None = None,
          passes: bool = False, tolerance: tuple[float, float] = (RTOL, ATOL)) -> GradRun:
        return GradRun(expr, values, a or act, hint, passes, *tolerance)

    if hidden:
        basic = [r(e, _values(rng, len(e.leaves))) for e in (ADD, MUL, AFFINE)]
        numbers = [r(e, _values(rng, 1)) for e in NUMBER_EXPRS]
    else:
        basic = [r(ADD, (2.0, -3.0)), r(MUL, (2.0, -3.0)), r(AFFINE, (2.0, -3.0, 10.0)),
                 r(AFFINE, _values(rng, 3))]
        numbers = [r(e, (1.5,)) for e in NUMBER_EXPRS]
    activation_runs = []
    for name in acts:
        hint = L.HINT_TANH if name == "tanh" else L.HINT_RELU
        values = [(0.5, -1.0, 0.8), (1.5, 2.0, -1.0)] if not hidden else [_values(rng, 3) for _ in range(2)]
        runs = [r(ACT, v, hint, name) for v in values] + [r(ACT_SCALED, _values(rng, 3), hint, name)]
        activation_runs.append((f"{name}: forward and gradient", runs))
        if name == "relu":
            zero = float(np.round(rng.uniform(0.5, 2.0), 3))
            runs = [r(RELU_SUM, (zero, -zero, 2.0), L.HINT_RELU, "relu"),
                    r(RELU_ZERO, (0.0, 0.0, -1.5), L.HINT_RELU, "relu"),
                    r(RELU_SUM, (-zero, 0.25, 3.0), L.HINT_RELU, "relu")]
            activation_runs.append(("relu at exactly 0 has gradient 0 (as in torch)", runs))
    twice = [r(e, _values(rng, len(e.leaves)), L.HINT_TWICE) for e in TWICE]
    order = [r(SHARED, _values(rng, 2), L.HINT_ORDER), r(CHAIN, _values(rng, 5), L.HINT_ORDER),
             r(SHARED_ACT, _values(rng, 3), L.HINT_ORDER)]
    nets = [r(_neuron_expr(k), _values(rng, 2 * k + 1)) for k in (1, 2, 3)]
    nets += [r(TWO_LAYER, _values(rng, 8)) for _ in range(2)]
    for name in acts[1:]:
        nets += [r(_neuron_expr(2), _values(rng, 5), a=name), r(TWO_LAYER, _values(rng, 8), a=name)]
    pile = [r(PILE_UP, _values(rng, 3), L.HINT_PILE_UP, passes=True)]
    # drawn after everything above, so that the numbers of the probes above stay as they were
    if hidden:
        subs = [r(e, _away(rng, len(e.leaves)), L.HINT_SUB) for e in SUB_EXPRS]
        powers = [r(e, v, L.HINT_POW) for e, v in zip(POW_EXPRS, _pow_values(rng), strict=True)]
        divs = [r(e, _away(rng, len(e.leaves)), L.HINT_DIV) for e in DIV_EXPRS]
    else:
        subs = [r(e, (1.5, -0.5)[:len(e.leaves)], L.HINT_SUB) for e in SUB_EXPRS]
        powers = [r(e, v, L.HINT_POW) for e, v in zip(POW_EXPRS, _pow_values(None), strict=True)]
        divs = [r(DIV_EXPRS[0], (1.5, -0.5), L.HINT_DIV), r(DIV_EXPRS[1], (1.5,), L.HINT_DIV),
                r(DIV_EXPRS[2], (-0.8,), L.HINT_DIV)]
    tight = (MIXED_RTOL, MIXED_ATOL)
    mixed = [] if hidden else [r(SANITY, (-4.0,), L.HINT_MIXED, tolerance=tight),
                               r(MORE_OPS, (-4.0, 2.0), L.HINT_MIXED, tolerance=tight)]
    for name in acts[:1] * (3 if hidden else 2) + acts[1:]:
        mixed.append(r(*mixed_expr(rng, name), L.HINT_MIXED, name, tolerance=tight))

    probes = [
        _start_probe("Value(2.0) has .data = 2.0 and .grad = 0"),
        _runs_probe("a + b, a * b, a * b + c: .data and every leaf's .grad", basic, history),
        _runs_probe("plain numbers on either side: a + 2, 2 + a, a * 3, 3 * a", numbers, history),
        _runs_probe("negation and subtraction: -a, a - b, a - 2, 2 - a", subs, history),
        _runs_probe("powers with a number exponent: " + ", ".join(e.text for e in POW_EXPRS), powers, history),
        _runs_probe("division: a / b, a / 4, 2 / a", divs, history),
    ]
    if not acts:
        probes.append(Probe("tanh or relu", _no_calls, _no_activation))
    probes += [_runs_probe(text, runs, history) for text, runs in activation_runs]
    probes += [
        _runs_probe("a node used twice: a * a, a + a, a * b + a (gradients add up)", twice, history),
        _runs_probe("shared inner nodes and a chain: backward in topological order", order, history),
        _runs_probe("random neurons with 1, 2, 3 inputs and a two-layer net", nets, history),
        _runs_probe("long expressions mixing every operation: .data and every .grad within 1e-9 of torch", mixed,
                    history),
        _runs_probe("gradients pile up over two backward passes unless zeroed", pile, history),
    ]
    return probes


def value_behaviour(acts: Sequence[str], history: History) -> Behaviour:
    """The Value exercise as checked on a class with the activations ``acts``; its rows add every run they judge
    to ``history``."""
    return Behaviour(name=VALUE_NAME, arg_names=VALUE_ARGS, seed=VALUE_SEED,
                     probes=functools.partial(value_probes, tuple(acts), history), takes_cases=False)


def _value_check(cls: Any, *, seed: int | None, cases: None, hidden: bool, time_limit: float | None) -> None:
    """The Value check: the activations the class has decide the rows."""
    if not isinstance(cls, type):
        raise CheckFailed(L.VALUE_NOT_A_CLASS.format(what=f"a {type(cls).__name__}"))
    behaviour = value_behaviour(activations(cls, time_limit), history=[])
    run_behaviour(behaviour, cls, seed=seed, hidden=hidden, time_limit=time_limit)


VALUE_DOC = """Check a scalar autograd class ``Value(data)`` with ``.data``, ``.grad``, ``+``, ``*``, ``-`` (and
    ``-a``), ``/``, ``**`` with a number exponent (an int or a float), a plain number on either side of
    ``+ - * /`` (``2 + a``, ``2 - a``, ``3 * a``, ``2 / a``), ``.tanh()`` and/or ``.relu()`` (whichever you
    write; both are tested if both are written) and ``.backward()``: what micrograd's ``Value`` supports.

    The check builds expressions with your class, calls ``backward()`` on the output, and compares the
    output's ``.data`` and every leaf's ``.grad`` with ``torch.autograd`` on the same expression in
    float64: single operations, relu at exactly 0 (gradient 0), nodes used twice (gradients must add up),
    shared inner nodes (backward in topological order), small networks, long random expressions mixing
    every operation (within 1e-9 of torch), and three forward and backward passes from the same leaves
    (the second without zeroing must give twice the gradient, the third, after setting every leaf's
    ``.grad = 0``, the gradient again).
    """

Value = named_check(VALUE_NAME, VALUE_DOC, _value_check, takes_cases=False)


# --- linear_forward ------------------------------------------------------------------


def _layer(rng: np.random.Generator, n: int, d: int, m: int, dtype: Any = np.float64):
    X = rng.normal(size=(n, d)).astype(dtype)
    W = rng.normal(size=(d, m)).astype(dtype)
    b = rng.normal(size=m).astype(dtype)
    return X, W, b


def _forward_fixed() -> list[Case]:
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0], [-2.0, 1.0]])
    W = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    b = np.array([0.1, -0.2, 0.3])
    return [
        Case("one example, 2 inputs -> 3 outputs", (X[:1], W, b)),
        Case("a batch of 4 examples, 2 inputs -> 3 outputs", (X, W, b)),
        Case("one output column, W of shape (2, 1)", (X, W[:, :1], b[:1])),
        Case("a zero bias", (X, W, np.zeros(3))),
        Case("plain Python lists", (X.tolist(), W.tolist(), b.tolist())),
        Case("float32 arrays", (X.astype(np.float32), W.astype(np.float32), b.astype(np.float32))),
    ]


def _forward_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, d, m, dtype in [(5, 3, 2, np.float64), (8, 4, 6, np.float32), (1, 10, 1, np.float64),
                           (16, 7, 3, np.float64)]:
        cases.append(Case(f"random {np.dtype(dtype).name}, X ({n}, {d}), W ({d}, {m})", _layer(rng, n, d, m, dtype)))
    return cases


LINEAR_FORWARD = Exercise(
    name="linear_forward",
    arg_names=("X", "W", "b"),
    reference=reference.linear_forward,
    fixed_cases=_forward_fixed,
    random_cases=_forward_random,
    mistakes=mistakes.FORWARD_BANK,
    output=ARRAY,
    seed=502,
)

linear_forward = make_check(LINEAR_FORWARD, "Check ``fn(X, W, b)``: X (n, d) @ W (d, m) + b (m,), shape (n, m); "
                            "float32 inputs may give a float32 result.")

# --- linear_backward -----------------------------------------------------------------


def _backward_fixed() -> list[Case]:
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0], [-2.0, 1.0]])
    W = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    dout = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, -0.5, 0.25]])
    return [
        Case("one example, 2 inputs -> 3 outputs, dout = [[1, 2, 3]]", (np.array([[1.0, 2.0, 3.0]]), X[:1], W)),
        Case("a batch of 4, 2 inputs -> 3 outputs", (dout, X, W)),
        Case("one output column", (dout[:, :1], X, W[:, :1])),
        Case("square W (2, 2), 3 examples", (np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]]), X[:3],
                                            np.array([[1.0, 2.0], [3.0, 4.0]]))),
        Case("plain Python lists", (dout.tolist(), X.tolist(), W.tolist())),
        Case("float32 arrays", (dout.astype(np.float32), X.astype(np.float32), W.astype(np.float32))),
    ]


def _backward_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, d, m, dtype in [(5, 3, 2, np.float64), (8, 4, 6, np.float32), (1, 10, 1, np.float64),
                           (16, 7, 3, np.float64), (6, 4, 4, np.float64)]:
        X, W, _ = _layer(rng, n, d, m, dtype)
        dout = rng.normal(size=(n, m)).astype(dtype) / n
        cases.append(Case(f"random {np.dtype(dtype).name}, dout ({n}, {m}), X ({n}, {d}), W ({d}, {m})",
                          (dout, X, W)))
    return cases


LINEAR_BACKWARD = Exercise(
    name="linear_backward",
    arg_names=("dout", "X", "W"),
    reference=reference.linear_backward,
    fixed_cases=_backward_fixed,
    random_cases=_backward_random,
    mistakes=mistakes.BACKWARD_BANK,
    output=Several(names=("dX", "dW", "db"), parts=(ARRAY, ARRAY, ARRAY)),
    seed=503,
)

linear_backward = make_check(
    LINEAR_BACKWARD,
    "Check ``fn(dout, X, W)``: returns (dX, dW, db) = (dout @ W.T, X.T @ dout, dout.sum(axis=0)); float32 inputs "
    "may give float32 results.",
)

# --- relu_backward -------------------------------------------------------------------


def _relu_fixed() -> list[Case]:
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    dout = np.array([1.0, -1.0, 3.0, -2.0, 0.5])
    return [
        Case("z = [-2, -0.5, 0, 0.5, 2], dout = [1, -1, 3, -2, 0.5] (z == 0 gives 0)", (dout, z)),
        Case("every z exactly 0", (np.array([1.0, -2.0, 3.0]), np.zeros(3))),
        Case("a 2-D batch", (np.array([[1.0, 2.0], [-3.0, 4.0]]), np.array([[0.3, -0.1], [2.0, 0.0]]))),
        Case("plain Python lists", ([0.5, -0.5, 1.5], [1.0, 0.0, -1.0])),
        Case("float32 arrays", (np.array([2.0, -1.0, 0.25], np.float32), np.array([1.5, 0.0, 3.0], np.float32))),
    ]


def _relu_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for shape, dtype in [((7,), np.float64), ((4, 3), np.float32), ((2, 3, 4), np.float64), ((20, 5), np.float64)]:
        z = rng.normal(size=shape)
        z[rng.random(size=shape) < 0.2] = 0.0
        dout = rng.normal(size=shape)
        cases.append(Case(f"random {np.dtype(dtype).name}, shape {shape}, some z exactly 0",
                          (dout.astype(dtype), z.astype(dtype))))
    return cases


RELU_BACKWARD = Exercise(
    name="relu_backward",
    arg_names=("dout", "z"),
    reference=reference.relu_backward,
    fixed_cases=_relu_fixed,
    random_cases=_relu_random,
    mistakes=mistakes.RELU_BANK,
    output=ARRAY,
    seed=504,
)

relu_backward = make_check(
    RELU_BACKWARD, "Check ``fn(dout, z)``: dout where the pre-activation z > 0, else 0 (0 at z == 0); float32 "
    "inputs may give a float32 result."
)

# --- two_layer_grads -----------------------------------------------------------------

PARAM_KEYS = ("W1", "b1", "W2", "b2")


class LossAndGrads(Output):
    """What two_layer_grads returns, ``(loss, grads)``: one number, then a dict of one array per parameter, read as
    five parts (the loss, then the gradients in the order of :data:`PARAM_KEYS`), each named in a sentence."""

    what = "a pair (loss, grads)"
    shape_hint = L.TWO_LAYER_SHAPE_HINT
    names = ("loss", *(f"grads['{key}']" for key in PARAM_KEYS))

    def convert(self, value: Any, name: str, label: str) -> tuple[np.ndarray, ...]:
        if value is None:
            raise Problem(M.RETURNED_NONE.format(name=name, label=label))
        if is_torch_tensor(value):
            raise Problem(M.RETURNED_TENSOR.format(name=name, label=label))
        loss, grads = several(value, ("loss", "grads"), name, label)
        if loss is None:
            raise Problem(M.RETURNED_NONE.format(name=f"{name} (loss)", label=label))
        parts = SCALAR.convert(loss, f"{name} (loss)", label)
        if not isinstance(grads, dict):
            raise Problem(M.RETURNED_WRONG_TYPE.format(name=f"{name} (grads)", label=label,
                                                       type=type(grads).__name__, what=L.TWO_LAYER_NOT_A_DICT))
        if sorted(map(str, grads)) != sorted(PARAM_KEYS) or len(grads) != len(PARAM_KEYS):
            raise Problem(M.RETURNED_WRONG_KEYS.format(name=f"{name} (grads)", label=label,
                                                       got=", ".join(map(str, grads)) or "none",
                                                       names=", ".join(PARAM_KEYS)))
        for key, part in zip(PARAM_KEYS, self.names[1:], strict=True):
            item = grads[key]
            if item is None:
                raise Problem(M.RETURNED_NONE.format(name=f"{name} ({part})", label=label))
            parts += ARRAY.convert(item, f"{name} ({part})", label)
        return parts


LOSS_AND_GRADS = LossAndGrads()


def _net(X, W1, b1, W2, b2, y, dtype: Any = np.float64, label_dtype: Any = np.int64) -> tuple:
    """The arguments ``(params, X, y)`` of one case, in the dtypes given."""
    params = {key: np.array(value, dtype=dtype) for key, value in zip(PARAM_KEYS, (W1, b1, W2, b2), strict=True)}
    return params, np.array(X, dtype=dtype), np.array(y, dtype=label_dtype)


NET_X = [[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5], [2.0, 1.0]]
NET_W1 = [[0.5, -1.0, 0.25], [0.75, 0.5, -0.5]]
NET_B1 = [0.1, -0.2, 0.3]
NET_W2 = [[1.0, -1.0], [0.5, 0.5], [-0.5, 1.5]]
NET_B2 = [0.2, -0.1]
NET_Y = [0, 1, 1, 0]
"""The fixed network: 4 examples, 2 inputs, 3 hidden units, 2 classes. Its pre-activations z1 are
[[2.1, -0.2, -0.45], [-0.025, 1.05, -0.2], [-0.775, -1.45, 1.175], [1.85, -1.7, 0.3]]: each unit is on for some
examples and off for others."""


def _two_layer_fixed() -> list[Case]:
    four_classes = [[1.0, -1.0, 0.5, 0.0], [0.5, 0.5, -0.5, 1.0], [-0.5, 1.5, 0.25, -1.0]]
    return [
        Case("4 examples, 2 inputs, 3 hidden units, 2 classes", _net(NET_X, NET_W1, NET_B1, NET_W2, NET_B2, NET_Y)),
        Case("one example (n = 1)", _net(NET_X[:1], NET_W1, NET_B1, NET_W2, NET_B2, NET_Y[:1])),
        Case("one hidden unit (hidden = 1), 3 classes",
             _net(NET_X, [row[:1] for row in NET_W1], NET_B1[:1], [[1.0, -0.5, 0.25]], [0.0, 0.1, -0.1],
                  [0, 1, 2, 1])),
        Case("a hidden unit off for every example (b1[2] = -5: it passes back no gradient)",
             _net(NET_X, NET_W1, [0.1, -0.2, -5.0], NET_W2, NET_B2, NET_Y)),
        Case("a pre-activation exactly 0 (z1[0, 1] = 0, where ReLU passes no gradient, as in relu_backward)",
             _net(NET_X, NET_W1, [0.1, 0.0, 0.3], NET_W2, NET_B2, NET_Y)),
        Case("4 classes, every example of class 3",
             _net(NET_X, NET_W1, NET_B1, four_classes, [0.2, -0.1, 0.0, 0.3], [3, 3, 3, 3])),
        Case("float32 inputs and parameters, int32 labels",
             _net(NET_X, NET_W1, NET_B1, NET_W2, NET_B2, NET_Y, np.float32, np.int32)),
    ]


TWO_LAYER_SHAPES = ((5, 3, 4, 2, np.float64), (8, 4, 6, 3, np.float64), (1, 5, 3, 4, np.float64),
                    (6, 3, 1, 3, np.float64), (16, 6, 8, 5, np.float64), (12, 4, 4, 4, np.float64),
                    (10, 4, 5, 3, np.float32))
"""(n, d, hidden, k, dtype) of the random cases: one example, one hidden unit, two classes, and d = hidden = k
(where a gradient filed under the wrong name has the right shape) among them."""


def _two_layer_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for n, d, hidden, k, dtype in TWO_LAYER_SHAPES:
        X = rng.normal(size=(n, d))
        W1, b1 = rng.normal(0.0, 0.8, size=(d, hidden)), rng.normal(0.0, 0.5, size=hidden)
        W2, b2 = rng.normal(0.0, 0.8, size=(hidden, k)), rng.normal(0.0, 0.5, size=k)
        y = rng.integers(0, k, size=n)
        labels = np.int32 if dtype == np.float32 else np.int64
        cases.append(Case(f"random {np.dtype(dtype).name}, n = {n}, d = {d}, hidden = {hidden}, k = {k}",
                          _net(X, W1, b1, W2, b2, y, dtype, labels)))
    return cases


TWO_LAYER_GRADS = Exercise(
    name="two_layer_grads",
    arg_names=("params", "X", "y"),
    reference=reference.two_layer_grads,
    fixed_cases=_two_layer_fixed,
    random_cases=_two_layer_random,
    mistakes=mistakes.TWO_LAYER_BANK,
    output=LOSS_AND_GRADS,
    seed=506,
)

two_layer_grads = make_check(
    TWO_LAYER_GRADS,
    "Check ``fn(params, X, y)``: the mean loss of linear -> ReLU -> linear -> softmax cross-entropy and the gradient "
    "of every parameter, returned as ``(loss, grads)`` with grads keyed W1, b1, W2, b2 like params and each gradient "
    "shaped like its parameter; the loss and each gradient are compared with the reference one by one, and params, "
    "X and y must be left unchanged.",
)

# --- numerical_gradient --------------------------------------------------------------


def sum_of_squares(x):
    return np.sum(x**2)


def cubic(x):
    return np.sum(x**3) / 3 + x.flat[0] * x.flat[-1]


def sin_mix(x):
    return np.sum(np.sin(x) * np.arange(1, x.size + 1).reshape(x.shape))


TANH_A = np.array([[0.5, -1.0, 0.2], [1.5, 0.3, -0.7]])


def tanh_layer(x):
    return np.sum(np.tanh(x @ TANH_A))


def logsumexp(x):
    return np.log(np.sum(np.exp(x)))


FUNCTIONS = {"sum(x**2)": sum_of_squares, "sum(x**3)/3 + x[0]*x[-1]": cubic, "sum(sin(x) * [1, 2, ...])": sin_mix,
             "log(sum(exp(x)))": logsumexp}


def _numgrad_fixed() -> list[Case]:
    return [
        Case("sum(x**2) at x = [1, -2, 3], default eps", (sum_of_squares, np.array([1.0, -2.0, 3.0]))),
        Case("sum(x**3)/3 + x[0]*x[-1] at x = [0.5, 1, -1.5], eps = 0.1",
             (cubic, np.array([0.5, 1.0, -1.5]), 0.1)),
        Case("sum(sin(x) * [1, 2, 3, 4]), eps = 1e-2", (sin_mix, np.array([0.0, 1.0, 2.0, -1.0]), 1e-2)),
        Case("a single entry, x = [0.5], eps = 1e-3", (cubic, np.array([0.5]), 1e-3)),
        Case("a 2-D x of shape (3, 2): sum(tanh(x @ A)), eps = 1e-4",
             (tanh_layer, np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]), 1e-4)),
        Case("log(sum(exp(x))), eps = 0.5", (logsumexp, np.array([1.0, 2.0, 3.0]), 0.5)),
    ]


def _numgrad_random(rng: np.random.Generator) -> list[Case]:
    cases = []
    for (name, fn), shape, eps in zip(FUNCTIONS.items(), [(5,), (3, 3), (2, 4), (7,)], [1e-6, 0.1, 1e-3, 0.05],
                                      strict=True):
        x = rng.normal(size=shape)
        cases.append(Case(f"random x of shape {shape}, {name}, eps = {eps:g}", (fn, x, eps)))
    return cases


NUMERICAL_GRADIENT = Exercise(
    name="numerical_gradient",
    arg_names=("f", "x", "eps"),
    reference=reference.numerical_gradient,
    fixed_cases=_numgrad_fixed,
    random_cases=_numgrad_random,
    mistakes=mistakes.NUMGRAD_BANK,
    output=ARRAY,
    seed=505,
)

numerical_gradient = make_check(
    NUMERICAL_GRADIENT,
    "Check ``fn(f, x, eps=1e-6)``: centred differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every "
    "entry i, an array shaped like x, with x left unchanged.",
)
