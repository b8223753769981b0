"""The capstone's real data set: 1,797 handwritten digits of 8 x 8 pixels, shipped with the package.

See ``DIGITS_LICENSE.md`` beside this file for where the digits come from and their licence (CC BY 4.0).
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import numpy as np

DIGITS = Path(__file__).with_name("digits.csv.gz")
PIXEL_MAX = 16
"""The pixels count the ink in 4 x 4 blocks of a 32 x 32 scan: whole numbers from 0 to 16."""


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(DIGITS, "rt", encoding="ascii") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.int64)
    return table[:, :-1], table[:, -1]


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: X of shape (1797, 64), the pixels scaled to 0 ... 1 (float64), one row per image read row by
    row; y of shape (1797,), the digit each image shows (int64, 0 to 9). Fresh arrays on every call."""
    pixels, digits = _digits()
    return pixels / PIXEL_MAX, digits.copy()
