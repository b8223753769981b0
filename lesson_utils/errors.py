"""The one exception a learner meets: a check that did not pass."""

from __future__ import annotations

from typing import Any

from . import messages as M

RED = "\x1b[31m"
BOLD = "\x1b[1m"
RESET = "\x1b[0m"


class CheckFailed(AssertionError):
    """A check found a problem with the learner's function.

    It is an ``AssertionError``, so nbgrader and pytest count it as a failed
    test. ``case`` is the input that failed (a tuple of arguments, or ``None``
    when no case ran) and ``mistake`` the id of the known mistake it matched,
    or ``None``. ``hint`` is the exercise whose hints the rendering offers (``None`` at grading: no offer).
    """

    def __init__(self, message: str, *, case: Any = None, mistake: str | None = None):
        super().__init__(message)
        self.message = message
        self.case = case
        self.mistake = mistake
        self.hint: str | None = None

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback: the diagnosis, and where the hints are."""
        shown = [f"{RED}{BOLD}❌ Not yet:{RESET}{RED} {self.message}{RESET}"]
        if self.hint is not None:
            shown.append(M.HINT_OFFER.format(name=self.hint))
        return shown
