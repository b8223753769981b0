"""Bring your own functions from an earlier lesson into this notebook: ``bring("adamw_step", "train_val_split")``.

For each exercise named, :func:`bring` finds the earlier lesson's notebook beside this one (``06_optimizers.ipynb``
for ``adamw_step``) and reads from it only the definition of that function or class, with the notebook's own
functions it calls and the imports and plain constants they read. It writes those definitions into the cell that
called it, as ``%load`` does, and defines them. So the notebook holds your code itself: it runs after a restart
and when it is graded on its own. A definition that is still unfinished is not brought: the cell says so and
names ``check.use_reference``.

Where the earlier notebook is not beside this one (on Colab, say, unless you uploaded it), name its folder: on Colab,
mount your Google Drive and ``bring("adamw_step", folder="/content/drive/MyDrive/Colab Notebooks")`` finds the copy
Colab saved there. Or paste your definitions into the cell instead: the check cell after it re-checks them either
way.
"""

from __future__ import annotations

import ast
import itertools
import json
import linecache
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import messages as M
from .exercises import EXERCISES

LESSON_OF = {name: lesson for lesson, names in EXERCISES.items() for name in names}
_BROUGHT = itertools.count(1)


@dataclass(frozen=True)
class Found:
    """What an earlier notebook holds for one exercise: its definition's source (with what it needs), or why not."""

    name: str
    notebook: str
    source: str | None = None
    problem: str | None = None


COPY_PREFIX = "Copy of "
"""What Colab puts before a notebook's name when it saves the learner's copy in Google Drive."""


def notebook_of(name: str, folder: Path) -> Path | None:
    """The earlier lesson's notebook that defines exercise ``name``, in ``folder``: ``NN_*.ipynb``, or the copy of it
    Colab saved in Google Drive, ``Copy of NN_*.ipynb``."""
    number = LESSON_OF[name].removeprefix("lesson")
    found = sorted(folder.glob(f"{number}_*.ipynb")) or sorted(folder.glob(f"{COPY_PREFIX}{number}_*.ipynb"))
    return found[0] if found else None


def _code_cells(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in data.get("cells", []) if cell.get("cell_type") == "code"]


def _unfinished(node: ast.AST) -> bool:
    """Whether a definition still raises NotImplementedError anywhere in its body (a stub left as handed out)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Raise) and inner.exc is not None:
            raised = inner.exc.func if isinstance(inner.exc, ast.Call) else inner.exc
            if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                return True
    return False


def _names_read(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _constant(node: ast.AST) -> bool:
    """Whether an assigned value is a plain constant (``1e-12``, ``-1``, ``2 ** 10``), not a computation on data."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    if isinstance(node, ast.BinOp):
        return _constant(node.left) and _constant(node.right)
    return False


def _bindings(cells: list[tuple[ast.Module, str]]) -> dict[str, str]:
    """The notebook's top-level imports and plain constants, by the name each binds: the source of the last."""
    bound = {}
    for tree, source in cells:
        for statement in tree.body:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                names = [(a.asname or a.name).split(".")[0] for a in statement.names]
            elif (isinstance(statement, ast.Assign) and all(isinstance(t, ast.Name) for t in statement.targets)
                  and _constant(statement.value)):
                names = [t.id for t in statement.targets]
            else:
                continue
            for name in names:
                bound[name] = ast.get_source_segment(source, statement)
    return bound


def _parsed(cells: list[str]) -> list[tuple[ast.Module, str]]:
    parsed = []
    for source in cells:
        try:
            parsed.append((ast.parse(source), source))
        except SyntaxError:
            continue
    return parsed


def _definitions(cells: list[tuple[ast.Module, str]]) -> dict[str, tuple[ast.AST, str]]:
    """Every top-level function and class the cells define -> (its node, its cell's source): the last definition
    of each, as running the notebook leaves it."""
    return {statement.name: (statement, source) for tree, source in cells for statement in tree.body
            if isinstance(statement, ast.FunctionDef | ast.ClassDef)}


def _needed(name: str, defined: dict) -> list[str]:
    """``name`` and the notebook's own functions it calls, directly or through others: callees first."""
    order: list[str] = []

    def visit(current: str) -> None:
        if current in order:
            return
        order.append(current)  # marks it visited; moved after its callees below
        for called in sorted(_names_read(defined[current][0]) & defined.keys() - {current}):
            visit(called)
        order.remove(current)
        order.append(current)

    visit(name)
    return order


MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
"""nbgrader's markers, which a notebook from an nbgrader course may carry: not part of the definition."""


def _source(definition: ast.AST, source: str) -> str:
    start = min([definition.lineno, *(d.lineno for d in getattr(definition, "decorator_list", []))])
    lines = source.splitlines()[start - 1:definition.end_lineno]
    return "\n".join(line for line in lines if not line.strip().startswith(MARKERS))


def find(name: str, path: Path) -> Found:
    """Exercise ``name``'s definition in the notebook at ``path`` (the last one, as running the notebook leaves
    it), with the notebook's own functions it calls."""
    try:
        cells = _code_cells(path)
    except (OSError, ValueError, KeyError, TypeError):
        return Found(name, path.name, problem=M.BRING_UNREADABLE.format(notebook=path.name))
    parsed = _parsed(cells)
    defined = _definitions(parsed)
    if name not in defined:
        return Found(name, path.name, problem=M.BRING_NOT_FOUND.format(name=name, notebook=path.name))
    needed = _needed(name, defined)
    for each in needed:
        if _unfinished(defined[each][0]):
            return Found(name, path.name, problem=M.BRING_UNFINISHED.format(name=each, notebook=path.name))
    bindings = _bindings(parsed)
    read = set().union(*(_names_read(defined[each][0]) for each in needed)) - defined.keys()
    support = list(dict.fromkeys(source for n, source in bindings.items() if n in read))  # in notebook order
    definitions = "\n\n\n".join(_source(*defined[each]) for each in needed)
    return Found(name, path.name, source=("\n".join(support) + "\n\n\n" if support else "") + definitions)


def cell_text(call: str, found: list[Found]) -> str:
    """The cell that :func:`bring` leaves: the call, commented out, then each definition or why it is missing."""
    parts = [f"# {call}"]
    for item in found:
        if item.source is not None:
            parts.append(f"# Your {item.name}, from {item.notebook}:\n{item.source}")
        else:
            parts.append("\n".join(f"# {line}" for line in item.problem.splitlines()))
    return "\n\n\n".join(parts) + "\n"


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def bring(*names: str, folder: str | Path = ".") -> None:
    """Bring your own definitions of the exercises ``names`` from the earlier lessons' notebooks in ``folder``
    (this notebook's own folder unless you say otherwise) into this cell, and define them."""
    unknown = [name for name in names if name not in LESSON_OF]
    if unknown or not names:
        print(M.BRING_UNKNOWN.format(names=", ".join(map(repr, unknown)) or "nothing"))
        return
    where = Path(folder)
    found = []
    for name in names:
        path = notebook_of(name, where)
        if path is None:
            number = LESSON_OF[name].removeprefix("lesson")
            found.append(Found(name, f"{number}_*.ipynb", problem=M.BRING_NO_NOTEBOOK.format(
                name=name, number=number, folder=where.resolve())))
        else:
            found.append(find(name, path))
    call = "bring(" + ", ".join(map(repr, names)) + (f", folder={str(folder)!r}" if str(folder) != "." else "") + ")"
    text = cell_text(call, found)
    shell = _shell()
    brought = [item for item in found if item.source is not None]
    for item in found:
        print(M.BRING_DONE.format(name=item.name, notebook=item.notebook) if item.source else item.problem)
    if shell is None:
        print(text)
        return
    shell.set_next_input(text, replace=True)
    if brought:
        code = "\n\n\n".join(item.source for item in brought) + "\n"
        filename = f"<brought-{next(_BROUGHT)}>"
        linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)  # for tracebacks
        exec(compile(code, filename, "exec"), shell.user_ns)
        print(M.BRING_IN_CELL)
