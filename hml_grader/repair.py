"""Read a submitted file into the notebook that is graded, without changing the file.

Unreadable and empty files, files over a budget of the intake (:data:`MAX_MB`,
:data:`MAX_DEPTH`, :data:`CELLS_PER_RELEASE_CELL`; checked before the file is parsed, or
read at all), and another lesson's notebook, are graded as the blank release (0 points)
with a flag. Old nbformat versions are converted. Grade cells are
put back as the release has them: a deleted one restored, a duplicated one kept
once, an edited one replaced, all at their place in the release's order.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
from nbformat.corpus.words import generate_corpus_id

from . import messages as M

MAX_MB = 20
"""A submission larger than this is not read at all. The course's notebooks with their outputs are 0.1-1.5 MB; a
learner's extra plots may add a few MB more."""
MAX_DEPTH = 64
"""Deepest JSON nesting a submission may have: a notebook is about 6 deep, widget state in outputs about 12."""
CELLS_PER_RELEASE_CELL = 10
"""A submission may have this many times the release's cells (and at least :data:`MIN_CELLS`): a learner adds
scratch cells, not thousands of them."""
MIN_CELLS = 200

SIZE, DEPTH, CELLS, TIME = "size", "depth", "cells", "time"
"""The budgets a submission can run out of (:attr:`Staged.over_budget`, and the grading result's)."""


@dataclass
class Staged:
    notebook: nbformat.NotebookNode
    flags: list[str] = field(default_factory=list)
    blank: bool = False
    """True when the file could not be graded as the learner's work (graded as the blank release)."""
    over_budget: str = ""
    """Which of the intake's budgets the file is over (:data:`SIZE`, :data:`DEPTH`, :data:`CELLS`), or ''."""


KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (fifo)"),
         (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def not_a_file(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (looked at, never followed or opened), or None."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        return f"unreadable ({error.strerror or type(error).__name__})"
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in KINDS if test(mode)), "not a regular file")


def _open_regular(path: Path):
    """``path`` opened for reading when it is a regular file, without following a link and without waiting on a
    pipe (the check and the open are one: it cannot be swapped between them); None when it is anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file ``path`` (at most ``limit``); None when it is anything else."""
    f = _open_regular(path)
    if f is None:
        return None
    with f:
        return f.read(limit)


def copy_regular(source: Path, target: Path) -> bool:
    """Copy the regular file ``source`` to ``target`` in blocks; False (and nothing written) when it is anything
    else."""
    f = _open_regular(source)
    if f is None:
        return False
    with f, target.open("wb") as out:
        for block in iter(lambda: f.read(1 << 20), b""):
            out.write(block)
    return True


def fingerprint(path: Path) -> str:
    """The SHA-256 of a regular file's bytes; for anything else, of what it is (never read through)."""
    digest = hashlib.sha256()
    kind = not_a_file(path)
    if kind is not None:
        target = os.readlink(path) if kind == KINDS[0][1] else ""
        digest.update(f"{kind}\0{target}".encode(errors="surrogateescape"))
        return digest.hexdigest()
    f = _open_regular(path)
    if f is None:
        digest.update(b"unreadable")
        return digest.hexdigest()
    with f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def refused(flag: str) -> Staged:
    """A submission graded as the blank release without being read, with ``flag``."""
    return Staged(nbformat.v4.new_notebook(), [flag], blank=True)


def too_large(size: int) -> Staged | None:
    """The refusal of a file of ``size`` bytes without reading it (graded as the blank release), or None."""
    if size <= MAX_MB * 2**20:
        return None
    return Staged(nbformat.v4.new_notebook(), [M.FLAG_TOO_LARGE.format(size=size / 2**20, limit=MAX_MB)],
                  blank=True, over_budget=SIZE)


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_OPEN, _CLOSE = np.frombuffer(b"[{", dtype=np.uint8), np.frombuffer(b"]}", dtype=np.uint8)


def json_depth(data: bytes) -> int:
    """How deeply the JSON text ``data`` nests its arrays and objects, found without parsing it (no recursion,
    one pass over the bytes with strings left out)."""
    codes = np.frombuffer(_STRING.sub(b'""', data), dtype=np.uint8)
    steps = np.isin(codes, _OPEN).astype(np.int64) - np.isin(codes, _CLOSE)
    return int(np.cumsum(steps).max(initial=0))


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell) -> bool:
    meta = _nbgrader(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def grade_id(cell) -> str | None:
    value = _nbgrader(cell).get("grade_id")
    return value if isinstance(value, str) else None


def _over_budget(data: bytes, raw, release: nbformat.NotebookNode) -> Staged | None:
    """The refusal of a submission over a budget of the intake, before anything else reads it; or None."""
    refused = too_large(len(data))
    if refused is not None:
        return refused
    if raw is None:
        depth = json_depth(data)
        if depth > MAX_DEPTH:
            return Staged(nbformat.v4.new_notebook(), [M.FLAG_TOO_DEEP.format(depth=depth, limit=MAX_DEPTH)],
                          blank=True, over_budget=DEPTH)
        return None
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if not isinstance(cells, list):  # an old nbformat keeps them in worksheets
        worksheets = raw.get("worksheets") if isinstance(raw, dict) else None
        cells = [c for w in worksheets if isinstance(w, dict) for c in w.get("cells", [])] \
            if isinstance(worksheets, list) else []
    limit = max(MIN_CELLS, CELLS_PER_RELEASE_CELL * len(release.cells))
    if len(cells) > limit:
        return Staged(nbformat.v4.new_notebook(), [M.FLAG_TOO_MANY_CELLS.format(
            cells=len(cells), limit=limit, factor=CELLS_PER_RELEASE_CELL, release=len(release.cells))],
            blank=True, over_budget=CELLS)
    return None


def _read(data: bytes, release: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode | None, list[str], str]:
    if not data.strip():
        return None, [M.FLAG_EMPTY], ""
    refused = _over_budget(data, None, release)
    if refused is not None:
        return None, refused.flags, refused.over_budget
    try:
        text = data.decode("utf-8")
        raw = json.loads(text)
        refused = _over_budget(data, raw, release)
        if refused is not None:
            return None, refused.flags, refused.over_budget
        version = raw.get("nbformat") if isinstance(raw, dict) else None
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError,
            nbformat.ValidationError, RecursionError) as error:
        detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        return None, [M.FLAG_UNREADABLE.format(error=detail)], ""
    return nb, [M.FLAG_OLD_FORMAT.format(version=version)] if version != 4 else [], ""


def stage(data: bytes, lesson: str, release: nbformat.NotebookNode, other_releases: dict[str, set[str]]) -> Staged:
    """The notebook to grade for submitted bytes ``data`` of ``lesson`` (``release``: its released notebook).

    ``other_releases`` maps every other lesson to its grade ids, to recognise a notebook handed in for the
    wrong lesson.
    """
    nb, flags, over_budget = _read(data, release)
    if nb is None:
        return Staged(copy.deepcopy(release), flags, blank=True, over_budget=over_budget)
    ours = {grade_id(c) for c in release.cells} - {None}
    theirs = {grade_id(c) for c in nb.cells} - {None}
    if not theirs & ours:
        for other, ids in other_releases.items():
            if theirs & ids:
                flags.append(M.FLAG_WRONG_LESSON.format(other=other, lesson=lesson))
                return Staged(copy.deepcopy(release), flags, blank=True)
    cells, more = restore_grade_cells(nb.cells, release.cells)
    nb.cells = cells
    _unique_ids(nb)
    return Staged(nb, flags + more)


def _normal(source) -> str:
    text = "".join(source) if isinstance(source, list) else str(source)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def restore_grade_cells(cells: list, release: list) -> tuple[list, list[str]]:
    """``cells`` with every test cell of ``release`` exactly once, in the release's place; and the flags."""
    flags: list[str] = []
    tests = [c for c in release if is_test_cell(c)]
    test_ids = [grade_id(c) for c in tests]
    seen: dict[str, list] = {}
    kept = []
    for cell in cells:
        gid = grade_id(cell)
        if gid in test_ids:
            seen.setdefault(gid, []).append(cell)
        else:
            kept.append(cell)
    order = [gid for gid in (grade_id(c) for c in cells) if gid in test_ids]
    first_seen = list(dict.fromkeys(order))
    if first_seen != [g for g in test_ids if g in first_seen]:
        flags.append(M.FLAG_CELLS_REORDERED)
    for cell in tests:
        gid = grade_id(cell)
        copies = seen.get(gid, [])
        if not copies:
            flags.append(M.FLAG_CELL_RESTORED.format(grade_id=gid))
        elif len(copies) > 1:
            flags.append(M.FLAG_CELL_DUPLICATED.format(grade_id=gid, count=len(copies)))
        elif _normal(copies[0].get("source", "")) != _normal(cell.source) or not is_test_cell(copies[0]):
            flags.append(M.FLAG_CELL_EDITED.format(grade_id=gid))
    flags += restore_answer_metadata(kept, release)
    out = list(kept)
    for index, release_cell in enumerate(release):
        if not is_test_cell(release_cell):
            continue
        position = _after_anchor(out, release, index)
        out.insert(position, copy.deepcopy(release_cell))
    return out, flags


def restore_answer_metadata(cells: list, release: list) -> list[str]:
    """Give every cell that is not a grade cell the nbgrader metadata the release has for its grade id, and none
    when the release has none (a cell the learner marked as graded carries no points); a cell handed in twice
    keeps it on the last copy only (nbgrader refuses duplicates). Returns the flags."""
    flags: list[str] = []
    released = {grade_id(c): c for c in release if grade_id(c) and not is_test_cell(c)}
    by_id: dict[str, list] = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        gid = grade_id(cell)
        original = released.get(gid)
        if original is None or original.cell_type != cell.get("cell_type"):
            cell.metadata.pop("nbgrader", None)
            flags.append(M.FLAG_METADATA_DROPPED.format(grade_id=str(gid)[:60]))
            continue
        if meta != original.metadata.get("nbgrader"):
            flags.append(M.FLAG_METADATA_RESTORED.format(grade_id=gid))
            cell.metadata["nbgrader"] = copy.deepcopy(original.metadata["nbgrader"])
        by_id.setdefault(gid, []).append(cell)
    for copies in by_id.values():
        for extra in copies[:-1]:
            extra.metadata.pop("nbgrader", None)
    return flags


def _after_anchor(cells: list, release: list, index: int) -> int:
    """Where a release test cell goes: right after the nearest earlier release cell found in ``cells``."""
    for back in range(index - 1, -1, -1):
        anchor = release[back]
        for position in range(len(cells) - 1, -1, -1):
            cell = cells[position]
            if cell is anchor:
                return position + 1
            gid = grade_id(anchor)
            if gid and grade_id(cell) == gid:
                return position + 1
            if not gid and cell.get("cell_type") == anchor.cell_type and anchor.get("id") and \
                    cell.get("id") == anchor.get("id"):
                return position + 1
    return len(cells)


def _unique_ids(nb: nbformat.NotebookNode) -> None:
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
        return
    used = set()
    for cell in nb.cells:
        if not cell.get("id") or cell["id"] in used:
            cell["id"] = generate_corpus_id()
        used.add(cell["id"])
