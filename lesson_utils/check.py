"""Exercise checks: call ``check.NAME(your_function)`` after writing it.

Each check runs your function on fixed and random cases, prints a line per
case, and either returns quietly (all pass) or raises :class:`CheckFailed`
with one sentence that says what is wrong and what to do.
"""

from .errors import CheckFailed
from .lesson01.check import cross_entropy, mse

__all__ = ["CheckFailed", "cross_entropy", "mse"]
