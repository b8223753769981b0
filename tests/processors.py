"""Another processor's arithmetic, on this one: NumPy with its wider SIMD paths switched off."""

from __future__ import annotations

import os


def wide_simd_paths() -> list[str]:
    """NumPy's dispatched SIMD paths that this processor has beyond NumPy's baseline (``X86_V4``, ``AVX512_ICL``
    ...): switched off, ``exp``, ``log1p``, ``tanh`` and sums round as on a processor without them."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # NumPy 1.x
        from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
    return [name for name in umath.__cpu_dispatch__ if umath.__cpu_features__.get(name)]


def narrow_simd_env() -> dict[str, str] | None:
    """The environment of a process whose NumPy uses none of those paths; None where there are none to switch off."""
    paths = wide_simd_paths()
    return {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(paths)} if paths else None


NO_WIDE_PATHS = "this processor has no SIMD paths beyond NumPy's baseline to switch off"
