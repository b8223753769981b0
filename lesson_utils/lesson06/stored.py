"""torch.optim's trajectories of the course's batteries, stored beside the checks.

A battery is the same on every call with the same ``seed`` and ``cases``, so
what ``torch.optim`` does on the default batteries and on those of the lesson's
grade cells is computed once, when the course is built, and kept in
:data:`PATH`: a check then compares the learner's steps with these
arrays and needs neither torch nor its first optimizer step (which imports
``torch._dynamo``, most of a second). Each trajectory carries a fingerprint of
its run (optimizer, learning rates, hyperparameters, start and first gradient);
a run whose fingerprint differs from the stored one is computed live, so a
changed battery is never compared with a stale trajectory. The tests recompute
every stored trajectory with torch and compare (``--update-golden`` rewrites
the file).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

PATH = Path(__file__).with_name("torch_trajectories.npz")

_loaded: dict[str, dict[str, Any]] = {}


def name(key: tuple) -> str:
    """The file's name for the trajectory cached under ``key`` (``(exercise, hidden, battery, probe, run)``)."""
    return "/".join(str(part) for part in key)


def fingerprint(torch_name: str, start: dict, first_grads: dict, lrs: tuple, hyper: tuple) -> str:
    digest = hashlib.sha256(repr((torch_name, tuple(map(float, lrs)), repr(hyper), sorted(start))).encode())
    for values in (start, first_grads):
        for key in sorted(values):
            digest.update(np.ascontiguousarray(values[key], dtype=np.float64).tobytes())
    return digest.hexdigest()


def _entries() -> dict[str, dict[str, Any]]:
    if not _loaded and PATH.is_file():
        with np.load(PATH) as data:
            for item in data.files:
                key, _, part = item.rpartition(":")
                _loaded.setdefault(key, {})[part] = data[item]
        _loaded.setdefault("", {})  # loaded, even when empty
    return _loaded


def lookup(key: tuple, fingerprint_: str) -> list[dict] | None:
    """The stored trajectory (a dict of float64 arrays per step) for ``key``, if its run is the same; else None."""
    entry = _entries().get(name(key))
    if entry is None or str(entry.get("fingerprint")) != fingerprint_:
        return None
    params = sorted(k for k in entry if k != "fingerprint")
    steps = len(entry[params[0]]) if params else 0
    return [{k: np.array(entry[k][step], dtype=np.float64) for k in params} for step in range(steps)]


def write(trajectories: dict[tuple, tuple[str, list[dict]]], path: Path = PATH) -> None:
    """Store ``key -> (fingerprint, trajectory)``, replacing the file."""
    arrays = {}
    for key, (print_, trajectory) in sorted(trajectories.items(), key=lambda item: name(item[0])):
        arrays[f"{name(key)}:fingerprint"] = np.array(print_)
        for param in trajectory[0]:
            arrays[f"{name(key)}:{param}"] = np.stack([np.asarray(step[param], dtype=np.float64)
                                                       for step in trajectory])
    np.savez_compressed(path, **arrays)
    _loaded.clear()
