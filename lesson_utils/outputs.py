"""What a learner's function may return, and how it is read for comparison.

Every result is brought to a canonical form, a tuple of float64 arrays
(:data:`Parts`), or rejected with one plain sentence (:class:`Problem`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import messages as M


class Problem(Exception):
    """A problem that ends the check at once: the sentence for the learner,
    and the id of the known mistake it shows, if any."""

    def __init__(self, message: str, mistake: str | None = None):
        super().__init__(message)
        self.message = message
        self.mistake = mistake


def is_torch_tensor(value: Any) -> bool:
    return type(value).__module__.split(".")[0] == "torch"


def format_number(value: np.ndarray) -> str:
    if value.shape == ():
        return f"{float(value):.6g}"
    return np.array2string(value, precision=4, threshold=8)


def returned_count(value: Any) -> str:
    """What the learner returned instead of several values, for a sentence: '3 values' or 'one dict'."""
    return f"{len(value)} values" if isinstance(value, tuple | list) else f"one {type(value).__name__}"


def several(value: Any, names: tuple[str, ...], name: str, label: str) -> list:
    """``value`` as the list of its ``len(names)`` returned values, or the 'returned n values' :class:`Problem`."""
    if not isinstance(value, tuple | list) or len(value) != len(names):
        raise Problem(M.RETURNED_WRONG_COUNT.format(name=name, label=label, got=returned_count(value), n=len(names),
                                                    names=", ".join(names)))
    return list(value)


Parts = tuple[np.ndarray, ...]
"""A result in canonical form: one float64 array per returned value."""


class Output:
    """How to read what the learner's function returns (one number by default).

    ``convert`` turns a return value into :data:`Parts` or raises
    :class:`Problem` with the sentence for the learner.
    """

    what = "one number"
    shape_hint = M.SHAPE_HINT_SCALAR
    names: tuple[str, ...] = ()

    def convert(self, value: Any, name: str, label: str) -> Parts:
        if value is None:
            raise Problem(M.RETURNED_NONE.format(name=name, label=label))
        if is_torch_tensor(value):
            raise Problem(M.RETURNED_TENSOR.format(name=name, label=label))
        return (self._one(value, name, label),)

    def _one(self, value: Any, name: str, label: str) -> np.ndarray:
        if isinstance(value, list | tuple):
            raise Problem(M.RETURNED_SEQUENCE.format(name=name, label=label, type=type(value).__name__))
        if isinstance(value, bool) or not isinstance(value, int | float | np.number | np.ndarray):
            raise Problem(M.RETURNED_WRONG_TYPE.format(name=name, label=label, type=type(value).__name__,
                                                       what=self.what))
        return _numeric(value, name, label, self.what)


def _numeric(value: Any, name: str, label: str, what: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        array = np.asarray(value, dtype=object)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise Problem(M.RETURNED_WRONG_TYPE.format(name=name, label=label, type=f"array of {array.dtype}",
                                                   what=what))
    return array.astype(np.float64)


SCALAR = Output()


class ArrayOutput(Output):
    """An array (lists of numbers are accepted too), compared shape and values."""

    what = "an array of numbers"
    shape_hint = M.SHAPE_HINT_ARRAY

    def _one(self, value: Any, name: str, label: str) -> np.ndarray:
        if is_torch_tensor(value):
            raise Problem(M.RETURNED_TENSOR.format(name=name, label=label))
        if isinstance(value, bool) or not isinstance(value, int | float | np.number | np.ndarray | list | tuple):
            raise Problem(M.RETURNED_WRONG_TYPE.format(name=name, label=label, type=type(value).__name__,
                                                       what=self.what))
        return _numeric(value, name, label, self.what)


ARRAY = ArrayOutput()


@dataclass(frozen=True)
class Several(Output):
    """Several values returned together, as a tuple ``return a, b`` or as a dict with these keys."""

    names: tuple[str, ...] = ()
    parts: tuple[Output, ...] = ()
    keyed: bool = False

    @property
    def what(self) -> str:  # type: ignore[override]
        return "a dict" if self.keyed else f"{len(self.names)} values: {', '.join(self.names)}"

    def convert(self, value: Any, name: str, label: str) -> Parts:
        if value is None:
            raise Problem(M.RETURNED_NONE.format(name=name, label=label))
        if is_torch_tensor(value):
            raise Problem(M.RETURNED_TENSOR.format(name=name, label=label))
        names = ", ".join(self.names)
        if self.keyed:
            if not isinstance(value, dict):
                raise Problem(M.RETURNED_WRONG_TYPE.format(name=name, label=label, type=type(value).__name__,
                                                           what=f"a dict with the keys {names}"))
            if sorted(map(str, value)) != sorted(self.names):
                raise Problem(M.RETURNED_WRONG_KEYS.format(name=name, label=label,
                                                           got=", ".join(map(str, value)) or "none", names=names))
            items = [value[k] for k in self.names]
        else:
            items = several(value, self.names, name, label)
        parts = self.parts or (SCALAR,) * len(self.names)
        out = []
        for part_name, kind, item in zip(self.names, parts, items, strict=True):
            if item is None:
                raise Problem(M.RETURNED_NONE.format(name=f"{name} ({part_name})", label=label))
            out.extend(kind.convert(item, f"{name} ({part_name})", label))
        return tuple(out)
