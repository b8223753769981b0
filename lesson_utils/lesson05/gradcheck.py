"""A gradient check for your own code: compare analytic gradients with centred differences,
parameter by parameter, in float64, and recognise the usual slips.

    from lesson_utils.lesson05.gradcheck import gradient_check
    errors = gradient_check(lambda p: loss(p, X, y), params, grads)

``f`` takes a dict of parameters and returns the loss (a number); ``params``
and ``analytic_grads`` are dicts with the same keys. Nothing you pass in is changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np

TOLERANCE = 1e-6
"""A relative error below this counts as agreement (float64, smooth functions)."""

ROUND_OFF = 1e-8
"""Below this, a relative error is float64 round-off: its digits differ from one processor to another and say
nothing about the gradient, so it is shown as :data:`BELOW_ROUND_OFF`."""
BELOW_ROUND_OFF = "< 1e-8"

OK = "ok"
MISMATCH = "MISMATCH"

NOTE_SHAPE = "has shape {got}, but {name} has shape {expected}"
NOTE_TRANSPOSED = "is the transpose of the numerical gradient (shape {got} instead of {expected})"
NOTE_TRANSPOSED_SQUARE = "is the transpose of the numerical gradient"
NOTE_RATIO = "is exactly {ratio}x the numerical gradient"
NOTE_SIGN = "has the wrong sign: it is exactly -1x the numerical gradient"
NOTE_ZERO = "is all zeros, but the numerical gradient is not"
NOTE_MISSING = "is missing from analytic_grads"


def centred_differences(loss: Callable[[], Any], x: np.ndarray, eps: float) -> np.ndarray:
    """(loss() with x[i] + eps - loss() with x[i] - eps) / (2 eps) for every entry i of the float64 array ``x``,
    which ``loss`` reads: each entry is nudged in place, one at a time, and put back exactly as it was."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(loss())
        x[i] = old - eps
        f_minus = float(loss())
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def numerical_gradients(f: Callable[[dict], Any], params: Mapping[str, Any], eps: float = 1e-6) -> dict:
    """Centred-difference gradient of ``f(params)`` for every parameter, in float64.

    Each parameter is perturbed in a float64 copy, one entry at a time; ``params`` is not changed.
    """
    work = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
    return {name: centred_differences(lambda: f(work), x, eps) for name, x in work.items()}


def relative_error(analytic, numerical) -> float:
    """||a - n|| / (||a|| + ||n||), 0 when both are zero."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - n) / denominator)


def _simple_ratio(ratio: float) -> str | None:
    """'2', '0.5', '1/3', '-1' ... if ``ratio`` is a small fraction (denominator up to 100), else None."""
    fraction = Fraction(ratio).limit_denominator(100)
    if fraction == 0 or abs(float(fraction) - ratio) > 1e-6 * abs(ratio) or abs(fraction.numerator) > 1000:
        return None
    if fraction.denominator == 1:
        return str(fraction.numerator)
    if fraction.denominator in (2, 4, 5, 8, 10):
        return f"{float(fraction):g}"
    return f"{fraction.numerator}/{fraction.denominator}"


def explain(name: str, analytic, numerical, tolerance: float = TOLERANCE) -> str | None:
    """A short sentence about a known slip that makes ``analytic`` differ from ``numerical``, or None."""
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
    if a.shape != n.shape:
        if a.ndim == 2 and a.T.shape == n.shape and relative_error(a.T, n) < tolerance:
            return NOTE_TRANSPOSED.format(got=a.shape, expected=n.shape)
        return NOTE_SHAPE.format(got=a.shape, expected=n.shape, name=name)
    if not np.any(n) or relative_error(a, n) < tolerance:
        return None
    if not np.any(a):
        return NOTE_ZERO
    if a.ndim == 2 and a.shape[0] == a.shape[1] and relative_error(a.T, n) < tolerance:
        return NOTE_TRANSPOSED_SQUARE
    ratio = float(np.sum(a * n) / np.sum(n * n))
    if relative_error(a, ratio * n) < tolerance:
        simple = _simple_ratio(ratio)
        if simple == "-1":
            return NOTE_SIGN
        return NOTE_RATIO.format(ratio=simple if simple is not None else f"{ratio:.4g}")
    return None


def gradient_check(
    f: Callable[[dict], Any],
    params: Mapping[str, Any],
    analytic_grads: Mapping[str, Any],
    *,
    eps: float = 1e-6,
    tolerance: float = TOLERANCE,
    verbose: bool = True,
) -> dict[str, float]:
    """Compare ``analytic_grads`` with centred differences of ``f``, one parameter at a time.

    Prints one line per parameter: its relative error ||a - n|| / (||a|| + ||n||)
    ("< 1e-8" where it is only round-off), "ok" or "MISMATCH", and, for a mismatch it recognises, what is wrong (a
    transposed gradient, a wrong sign, exactly k times too large ...). Returns
    {name: relative error} (inf where the shapes differ or a gradient is missing).
    """
    numerical = numerical_gradients(f, params, eps)
    errors: dict[str, float] = {}
    width = max(len(f"d{name}") for name in params)
    for name in params:
        label = f"d{name}".ljust(width)
        if name not in analytic_grads:
            errors[name] = float("inf")
            line = f"{label}  {MISMATCH}: d{name} {NOTE_MISSING}"
        else:
            analytic = np.asarray(analytic_grads[name], dtype=np.float64)
            same_shape = analytic.shape == numerical[name].shape
            errors[name] = relative_error(analytic, numerical[name]) if same_shape else float("inf")
            verdict = OK if errors[name] < tolerance else MISMATCH
            shown = BELOW_ROUND_OFF if errors[name] < ROUND_OFF else f"{errors[name]:.1e}"
            line = f"{label}  relative error {shown}  {verdict}"
            note = explain(name, analytic, numerical[name], tolerance) if verdict == MISMATCH else None
            if note:
                line += f": d{name} {note}"
        if verbose:
            print(line)
    return errors
