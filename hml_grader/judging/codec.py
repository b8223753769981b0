"""Plain-data encoding of the record, between the sandboxed grading kernel and the trusted grader.

Only data crosses: numbers, strings, lists, tuples, dicts, sets, NumPy arrays and
scalars of numeric dtypes, random generators (as their state) and CPU tensors. Any
other object, such as an instance of a learner's class, crosses as an *opaque*
description: its type name, whether it is callable, which of the learner's classes
it is an instance of, and a one-level snapshot of its attributes. Decoding never
imports or calls anything named by the data, and never unpickles.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import sys
from typing import Any

import numpy as np

MAX_DEPTH = 12
MAX_ITEMS = 100_000
MAX_ATTRS = 64
MAX_TEXT = 10_000
NUMERIC_KINDS = "biufc"


class CodecError(ValueError):
    """Data from the grading kernel that is not in the expected form."""


def _array(value: np.ndarray) -> dict:
    data = np.array(value, order="C", copy=True)
    return {"$nd": [data.dtype.str, list(data.shape), base64.b64encode(data.tobytes()).decode("ascii")]}


def _is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and type(value) is torch.Tensor


class Encoder:
    """Turns values into JSON-ready trees; the same object always gets the same opaque handle."""

    def __init__(self, learner_classes: dict[str, type] | None = None):
        self.learner_classes = learner_classes or {}
        self.handles: dict[int, int] = {}
        self.kept: list[Any] = []  # keeps encoded objects alive so that their ids stay unique

    def encode(self, value: Any, depth: int = 0, shallow: bool = False) -> Any:
        if depth > MAX_DEPTH:
            return {"$obj": self._handle(value), "type": type(value).__name__, "callable": callable(value)}
        kind = type(value)
        if value is None or kind in (bool, int, str):
            return value if kind is not str else value[:MAX_TEXT]
        if kind is float:
            return value if math.isfinite(value) else {"$float": repr(value)}
        if kind in (list, tuple, set, frozenset):
            items = [self.encode(v, depth + 1, shallow) for v in list(value)[:MAX_ITEMS]]
            return items if kind is list else {"$" + kind.__name__: items}
        if kind is dict:
            return {"$dict": [[self.encode(k, depth + 1, shallow), self.encode(v, depth + 1, shallow)]
                              for k, v in list(value.items())[:MAX_ITEMS]]}
        if kind is np.ndarray and value.dtype.kind in NUMERIC_KINDS:
            return _array(value)
        if isinstance(value, np.generic) and kind.__module__ == "numpy" and value.dtype.kind in NUMERIC_KINDS:
            return {"$np": _array(np.asarray(value))["$nd"]}
        if kind is np.random.Generator:
            return {"$rng": self.encode(value.bit_generator.state, depth + 1)}
        if _is_tensor(value):
            tensor = value.detach().cpu()
            return {"$tensor": _array(tensor.numpy())["$nd"], "requires_grad": bool(value.requires_grad)}
        return self._opaque(value, depth, shallow)

    def _handle(self, value: Any) -> int:
        key = id(value)
        if key not in self.handles:
            self.handles[key] = len(self.handles) + 1
            self.kept.append(value)
        return self.handles[key]

    def _opaque(self, value: Any, depth: int, shallow: bool) -> dict:
        out: dict[str, Any] = {
            "$obj": self._handle(value),
            "type": type(value).__name__,
            "callable": callable(value),
            "instance_of": sorted(n for n, c in self.learner_classes.items() if _isinstance(value, c)),
        }
        if not shallow:
            attrs = {}
            for name in _public_names(value)[:MAX_ATTRS]:
                try:
                    attrs[name] = self.encode(getattr(value, name), depth + 1, shallow=True)
                except Exception:  # a property that raises is simply not described
                    continue
            out["attrs"] = attrs
        return out


def _isinstance(value: Any, cls: type) -> bool:
    try:
        return isinstance(value, cls)
    except Exception:
        return False


def _public_names(value: Any) -> list[str]:
    try:
        names = dir(value)
    except Exception:
        return []
    return [n for n in names if isinstance(n, str) and not (n.startswith("__") and n.endswith("__"))]


def describe_class(cls: type) -> dict:
    """What the grader's stand-in for a learner's class needs: its callable attributes."""
    names = []
    for name in _public_names(cls):
        try:
            if callable(getattr(cls, name)):
                names.append(name)
        except Exception:
            continue
    return {"methods": names[:MAX_ATTRS]}


SIGNATURE_RTOL = 1e-7
SIGNATURE_ATOL = 1e-9
"""How closely the sums of a call's floating-point inputs must agree between the sandbox and the grader. The two
may run on different processors (a Dask cluster), whose BLAS and SIMD kernels round the checks' own arithmetic
differently in the last bits: about 1e-16 relative per operation, and an absolute 1e-16 or so in a number that is
all round-off, such as a gradient at an exact optimum (hence the absolute part). An input that is really another
one differs by far more; one that differs by less gets the verdict of the input it is all but equal to."""


def signature(value: Any) -> list:
    """What identifies a call's inputs, the same in both processes for the same inputs on any processor.

    Everything exact (types, shapes, dtypes, integers, strings, a generator's state) goes into a digest; each
    floating-point number or array gives its sum and the sum of its magnitudes, as text, which
    :func:`same_signature` compares within :data:`SIGNATURE_RTOL` and :data:`SIGNATURE_ATOL`, never bit for bit.
    """
    digest = hashlib.sha256()
    sums: list[str] = []

    def add_floats(values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.complex128 if values.dtype.kind == "c" else np.float64)
        for part in (values.real, values.imag) if values.dtype.kind == "c" else (values,):
            with np.errstate(all="ignore"):
                sums.extend((repr(float(np.sum(part))), repr(float(np.sum(np.abs(part))))))

    def walk(v: Any, depth: int) -> None:
        kind = type(v)
        digest.update(kind.__name__.encode())
        if depth > MAX_DEPTH:
            return
        if v is None or kind in (bool, int, str):
            digest.update(repr(v).encode())
        elif kind is float:
            add_floats(np.array(v))
        elif kind in (list, tuple):
            digest.update(str(len(v)).encode())
            for item in v:
                walk(item, depth + 1)
        elif kind is dict:
            for k, item in v.items():
                walk(k, depth + 1)
                walk(item, depth + 1)
        elif isinstance(v, np.ndarray | np.generic) and np.asarray(v).dtype.kind in NUMERIC_KINDS:
            array = np.array(v, order="C", copy=True)
            digest.update(f"{array.dtype.str}{array.shape}".encode())
            if array.dtype.kind in "fc":
                add_floats(array)
            else:
                digest.update(array.tobytes())
        elif kind is np.random.Generator:
            digest.update(repr(v.bit_generator.state).encode())

    walk(value, 0)
    return [digest.hexdigest()[:16], sums]


def same_signature(recorded: Any, computed: list) -> bool:
    """Is the ``recorded`` signature (from the sandbox, untrusted) that of the same inputs as ``computed``?"""
    if type(recorded) is not list or len(recorded) != 2 or recorded[0] != computed[0]:
        return False
    got, expected = recorded[1], computed[1]
    if type(got) is not list or len(got) != len(expected) or not all(type(x) is str for x in got):
        return False
    try:
        a, b = np.array([float(x) for x in got]), np.array([float(x) for x in expected])
    except ValueError:
        return False
    # pairs of (sum, sum of magnitudes): each within SIGNATURE_RTOL of its magnitudes
    scale = np.repeat(np.nan_to_num(np.maximum(np.abs(a[1::2]), np.abs(b[1::2])), posinf=0.0), 2)
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.isclose(a, b, rtol=SIGNATURE_RTOL, atol=SIGNATURE_ATOL, equal_nan=True)
                           | (np.abs(a - b) <= SIGNATURE_RTOL * scale)))


# --- decoding (in the trusted grader) ------------------------------------------------


class Opaque:
    """The grader's stand-in for an object of the learner's: its recorded attributes, nothing more."""

    _type_name = "object"

    def __repr__(self) -> str:
        return f"<{self._type_name}>"


class OpaqueCallable(Opaque):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from .judge import Diverged  # the judge defines what a stray call means

        raise Diverged(f"a {self._type_name} object was called outside a check's call of the learner's code")


class Decoder:
    """Turns trees from :class:`Encoder` back into values; opaque handles map to one stand-in each."""

    def __init__(self, learner_classes: dict[str, type] | None = None):
        self.learner_classes = learner_classes or {}
        self.objects: dict[int, Any] = {}

    def decode(self, tree: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH + 2:
            raise CodecError("nested too deeply")
        if tree is None or type(tree) in (bool, int, float, str):
            return tree
        if type(tree) is list:
            return [self.decode(v, depth + 1) for v in tree]
        if type(tree) is not dict or len(tree) == 0:
            raise CodecError(f"unexpected {type(tree).__name__}")
        tag = next(iter(tree))
        body = tree[tag]
        if tag == "$float":
            if body not in ("nan", "inf", "-inf"):
                raise CodecError("bad float")
            return float(body)
        if tag in ("$tuple", "$set", "$frozenset"):
            items = [self.decode(v, depth + 1) for v in _list(body)]
            return {"$tuple": tuple, "$set": set, "$frozenset": frozenset}[tag](items)
        if tag == "$dict":
            return {self.decode(k, depth + 1): self.decode(v, depth + 1) for k, v in (_pair(p) for p in _list(body))}
        if tag == "$nd":
            return _decode_array(body)
        if tag == "$np":
            return _decode_array(body)[()]
        if tag == "$rng":
            generator = np.random.default_rng()
            try:
                generator.bit_generator.state = self.decode(body, depth + 1)
            except (TypeError, ValueError, KeyError) as error:
                raise CodecError(f"bad generator state: {error}") from None
            return generator
        if tag == "$tensor":
            import torch

            tensor = torch.from_numpy(_decode_array(body).copy())
            return tensor.requires_grad_(True) if tree.get("requires_grad") and tensor.is_floating_point() else tensor
        if tag == "$obj":
            return self._opaque(tree, depth)
        raise CodecError(f"unknown tag {tag[:20]!r}")

    def _opaque(self, tree: dict, depth: int) -> Any:
        handle = tree["$obj"]
        if type(handle) is not int:
            raise CodecError("bad handle")
        if handle in self.objects:
            return self.objects[handle]
        bases = [self.learner_classes[n] for n in tree.get("instance_of", []) if n in self.learner_classes]
        base = OpaqueCallable if tree.get("callable") else Opaque
        cls = type(str(tree.get("type", "object"))[:100], (*bases, base), {"_type_name": str(tree.get("type"))[:100]})
        obj = object.__new__(cls)
        self.objects[handle] = obj
        attrs = tree.get("attrs", {})
        if type(attrs) is not dict:
            raise CodecError("bad attributes")
        for name, value in attrs.items():
            if type(name) is str and name.isidentifier():
                obj.__dict__[name] = self.decode(value, depth + 1)
        return obj


def _list(body: Any) -> list:
    if type(body) is not list:
        raise CodecError("expected a list")
    return body


def _pair(body: Any) -> tuple[Any, Any]:
    if type(body) is not list or len(body) != 2:
        raise CodecError("expected a pair")
    return body[0], body[1]


def _decode_array(body: Any) -> np.ndarray:
    if type(body) is not list or len(body) != 3:
        raise CodecError("bad array")
    dtype_text, shape, data = body
    try:
        dtype = np.dtype(dtype_text)
    except TypeError:
        raise CodecError("bad dtype") from None
    if dtype.kind not in NUMERIC_KINDS or type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise CodecError("bad array header")
    raw = base64.b64decode(data, validate=True)
    if len(raw) != dtype.itemsize * math.prod(shape):
        raise CodecError("array size does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def dumps(tree: Any) -> str:
    return json.dumps(tree, separators=(",", ":"), allow_nan=False)
