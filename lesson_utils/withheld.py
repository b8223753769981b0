"""A lesson's answers, imported only where they are there to be read.

Each lesson keeps what would give its exercises away -- its ``reference`` solutions, its bank of known
``mistakes`` and any stored expected values -- in modules of its own, listed in :data:`WITHHELD`. When a
notebook is graded, those files are empty inside the learner's kernel: there the checks only write down
what the learner's functions return, and the grader judges it elsewhere. A check module reaches them
through :func:`withheld`, which gives the real module where it can be read and, in the grading kernel, a
stand-in whose every value raises :class:`Withheld` when used, so that the check knows to stop judging.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import messages as M

WITHHELD = ("reference", "mistakes", "stored")
"""The modules of each lesson package that are empty in the grading kernel (and, with them, their data files)."""


class Withheld(BaseException):
    """Something only the grader can read was needed: here, the judging of this case is left to the grader.

    A ``BaseException``, so that the harness's handling of what the learner's code raises does not take it for
    the learner's error."""

    def __init__(self, what: str):
        super().__init__(M.WITHHELD.format(what=what))
        self.what = what

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


class _Missing:
    """Stands in for a withheld module's value: any use of it raises :class:`Withheld`."""

    def __init__(self, what: str):
        self._what = what

    def _stop(self, *args: Any, **kwargs: Any) -> Any:
        raise Withheld(self._what)

    __call__ = __iter__ = __len__ = __getitem__ = __contains__ = __bool__ = _stop

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise Withheld(self._what)

    def __repr__(self) -> str:
        return f"<withheld {self._what}>"


class _Module:
    """A lesson's withheld module: its real values when it can be read, :class:`_Missing` ones when not."""

    def __init__(self, name: str):
        self._name = name
        try:
            self._module: Any = importlib.import_module(name)
        except ImportError:
            self._module = None

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        try:
            return getattr(self._module, attr)
        except AttributeError:
            return _Missing(f"{self._name}.{attr}")

    def __repr__(self) -> str:
        return f"<lesson module {self._name}>"


def withheld(package: str, *names: str) -> tuple[Any, ...]:
    """The modules ``names`` of ``package`` (each one of :data:`WITHHELD`), read through :class:`_Module`."""
    for name in names:
        if name not in WITHHELD:
            raise ValueError(f"{name} is not one of the modules withheld at grading: {WITHHELD}")
    return tuple(_Module(f"{package}.{name}") for name in names)
