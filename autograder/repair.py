"""Read a submitted file into the notebook that is graded, without changing the file.

Unreadable and empty files, and another lesson's notebook, are graded as the blank
release (0 points) with a flag. Old nbformat versions are converted. Grade cells are
put back as the release has them: a deleted one restored, a duplicated one kept
once, an edited one replaced, all at their place in the release's order.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field

import nbformat
from nbformat.corpus.words import generate_corpus_id

from . import messages as M


@dataclass
class Staged:
    notebook: nbformat.NotebookNode
    flags: list[str] = field(default_factory=list)
    blank: bool = False
    """True when the file could not be graded as the learner's work (graded as the blank release)."""


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell) -> bool:
    meta = _nbgrader(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def grade_id(cell) -> str | None:
    value = _nbgrader(cell).get("grade_id")
    return value if isinstance(value, str) else None


def _read(data: bytes) -> tuple[nbformat.NotebookNode | None, list[str]]:
    if not data.strip():
        return None, [M.FLAG_EMPTY]
    try:
        text = data.decode("utf-8")
        raw = json.loads(text)
        version = raw.get("nbformat") if isinstance(raw, dict) else None
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError,
            nbformat.ValidationError, RecursionError) as error:
        detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        return None, [M.FLAG_UNREADABLE.format(error=detail)]
    return nb, [M.FLAG_OLD_FORMAT.format(version=version)] if version != 4 else []


def stage(data: bytes, lesson: str, release: nbformat.NotebookNode, other_releases: dict[str, set[str]]) -> Staged:
    """The notebook to grade for submitted bytes ``data`` of ``lesson`` (``release``: its released notebook).

    ``other_releases`` maps every other lesson to its grade ids, to recognise a notebook handed in for the
    wrong lesson.
    """
    nb, flags = _read(data)
    if nb is None:
        return Staged(copy.deepcopy(release), flags, blank=True)
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
    # A solution cell handed in twice keeps its metadata on the last copy only (nbgrader refuses duplicates).
    by_id: dict[str, list] = {}
    for cell in kept:
        gid = grade_id(cell)
        if gid:
            by_id.setdefault(gid, []).append(cell)
    for copies in by_id.values():
        for extra in copies[:-1]:
            extra.metadata.pop("nbgrader", None)
    out = list(kept)
    for index, release_cell in enumerate(release):
        if not is_test_cell(release_cell):
            continue
        position = _after_anchor(out, release, index)
        out.insert(position, copy.deepcopy(release_cell))
    return out, flags


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
