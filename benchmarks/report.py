"""How every benchmark states a target: one line that `benchmarks/all.py` collects into the results table."""

from __future__ import annotations

import os

TARGET_LINE = "target {verdict}: {what} ({figure})"
"""The line a benchmark prints for each target it measures; `all.py` keeps the lines that start with "target "."""

CORES = os.cpu_count() or 1


def target(what: str, met: bool, figure: str) -> None:
    """Print whether a measured ``figure`` meets the target described by ``what``."""
    print(TARGET_LINE.format(verdict="met" if met else "MISSED", what=what, figure=figure))


def ratio(ours: float, baseline: float) -> str:
    """``ours / baseline`` as printed in every table (a dash when the baseline is zero)."""
    return f"{ours / baseline:.2f}" if baseline > 0 else "-"
