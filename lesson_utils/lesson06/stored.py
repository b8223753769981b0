"""torch.optim's trajectories of the course's batteries, stored beside the checks.

A battery is the same on every call with the same ``seed`` and ``cases``, so
what ``torch.optim`` does on the default batteries and on those of the lesson's
grade cells is computed once, when the course is built, and kept in
:data:`PATH`: a check then compares the learner's steps with these
arrays and needs neither torch nor its first optimizer step (which imports
``torch._dynamo``, most of a second).

Each trajectory is filed under the name of its run in its battery and kept
beside what defines that run (:class:`StoredRun`): the optimizer, its
hyperparameters, the problem and the shapes, which must be the same exactly, and
the numbers it starts from (the start, the first gradients, the learning rates),
which must agree within :data:`INPUT_RTOL`. Those numbers come out of BLAS and
NumPy's SIMD kernels, which differ in their last bits from one processor to
another, so they are never compared bit for bit. A run that is no longer the
stored one is computed live, never compared with a stale trajectory. The tests
recompute every stored trajectory with torch and compare (``--update-golden``
rewrites the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PATH = Path(__file__).with_name("torch_trajectories.npz")

INPUT_RTOL = 1e-9
INPUT_ATOL = 1e-12
"""How closely a run's starting numbers must agree with the stored ones. Another processor's matmul, ``exp`` or
sum rounds differently in the last bits (about 1e-16 relative per operation, 1e-13 after the few hundred
operations of a battery's set-up); any real change of a battery (another seed, shape or learning rate) moves them
by far more than 1e-9."""

_loaded: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class StoredRun:
    """What defines one run of a battery: compared exactly (:meth:`definition`) or within a tolerance (arrays)."""

    torch_name: str
    hyper: str
    description: str
    start: dict
    first_grads: dict
    lrs: np.ndarray

    def definition(self) -> str:
        shapes = [(k, tuple(np.shape(self.start[k]))) for k in sorted(self.start)]
        return repr((self.torch_name, self.hyper, self.description, shapes, len(self.lrs)))

    def arrays(self) -> dict[str, np.ndarray]:
        """The numbers the run starts from, by the names they are stored under."""
        found = {"lrs": np.asarray(self.lrs, dtype=np.float64)}
        for prefix, values in (("start", self.start), ("grad0", self.first_grads)):
            found.update({f"{prefix}.{k}": np.asarray(v, dtype=np.float64) for k, v in values.items()})
        return found


def name(key: tuple) -> str:
    """The file's name for the trajectory cached under ``key`` (``(exercise, hidden, battery, probe, run)``)."""
    return "/".join(str(part) for part in key)


def _entries() -> dict[str, dict[str, Any]]:
    if not _loaded and PATH.is_file():
        with np.load(PATH) as data:
            for item in data.files:
                key, _, part = item.rpartition(":")
                _loaded.setdefault(key, {})[part] = data[item]
        _loaded.setdefault("", {})  # loaded, even when empty
    return _loaded


def same_run(entry: dict[str, Any], run: StoredRun) -> bool:
    """Is the stored ``entry`` the trajectory of ``run``: the same definition, and its numbers within tolerance?"""
    if str(entry.get("definition")) != run.definition():
        return False
    for part, value in run.arrays().items():
        kept = entry.get(part)
        if kept is None or kept.shape != value.shape or not np.allclose(kept, value, rtol=INPUT_RTOL,
                                                                       atol=INPUT_ATOL, equal_nan=True):
            return False
    return True


def lookup(key: tuple, run: StoredRun) -> list[dict] | None:
    """The stored trajectory (a dict of float64 arrays per step) for ``key``, if it is ``run``'s; else None."""
    entry = _entries().get(name(key))
    if entry is None or not same_run(entry, run):
        return None
    params = sorted(part.removeprefix("step.") for part in entry if part.startswith("step."))
    steps = len(entry[f"step.{params[0]}"]) if params else 0
    return [{k: np.array(entry[f"step.{k}"][step], dtype=np.float64) for k in params} for step in range(steps)]


def write(trajectories: dict[tuple, tuple[StoredRun, list[dict]]], path: Path = PATH) -> None:
    """Store ``key -> (run, trajectory)``, replacing the file."""
    arrays = {}
    for key, (run, trajectory) in sorted(trajectories.items(), key=lambda item: name(item[0])):
        arrays[f"{name(key)}:definition"] = np.array(run.definition())
        arrays.update({f"{name(key)}:{part}": value for part, value in run.arrays().items()})
        for param in trajectory[0]:
            arrays[f"{name(key)}:step.{param}"] = np.stack([np.asarray(step[param], dtype=np.float64)
                                                            for step in trajectory])
    np.savez_compressed(path, **arrays)
    _loaded.clear()
