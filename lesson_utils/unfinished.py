"""Cells that need an exercise the learner has not finished: one sentence instead of a traceback, and
``use_reference(NAME)`` to go on with the course's version of that one exercise.

In a notebook, an unfinished exercise raises ``NotImplementedError`` from its own body. A cell that calls it, or
that needs a value a cell above could not make because of it (a ``NameError``, or any error in a cell that reads
such a value, which may be left over from earlier), would show a traceback; instead the learner reads which
exercise it needs and what to do. Any other error keeps its usual traceback.

``use_reference("train_val_split")`` puts the course's version in the notebook under the exercise's own name, so
that the pictures and demos that follow can run. It is marked: a check given it refuses it, since the
exercise still needs the learner's own. Where the course's versions are withheld (a notebook being graded), it
says so and changes nothing.
"""

from __future__ import annotations

import ast
import functools
import importlib
import linecache
from typing import Any

from . import messages as M
from .exercises import EXERCISES
from .withheld import Withheld

MARK = "course_reference"
"""The attribute that marks the course's version of an exercise, given out by :func:`use_reference`."""

EXERCISE_NUMBER = {name: (lesson, number) for lesson, names in EXERCISES.items()
                   for number, name in enumerate(names, start=1)}
"""Exercise name -> (lesson, its number in the lesson)."""

_given_out: set[str] = set()
"""The exercises whose course version :func:`use_reference` has put in this notebook."""

_blocked: dict[str, str] = {}
"""Each name a cell could not give a value to -> the unfinished exercise that stopped that cell."""


def _marked(value: Any, name: str) -> Any:
    if isinstance(value, type):
        return type(value.__name__, (value,), {MARK: name, "__module__": value.__module__,
                                               "__qualname__": value.__qualname__, "__doc__": value.__doc__})

    @functools.wraps(value)
    def course_version(*args: Any, **kwargs: Any) -> Any:
        return value(*args, **kwargs)

    setattr(course_version, MARK, name)
    return course_version


def reference(name: str) -> Any:
    """The course's version of exercise ``name``, marked as such; :class:`Withheld` where it is not there."""
    lesson, _ = EXERCISE_NUMBER[name]
    module = importlib.import_module(f"lesson_utils.{lesson}.reference")
    if not module.__dict__.get(name):
        raise Withheld(f"the course's {name}")
    return _marked(getattr(module, name), name)


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def use_reference(name: str) -> Any:
    """Go on with the course's version of exercise ``name``: in a notebook it takes the name ``name`` there (and
    nothing is returned); elsewhere it is returned. Your own exercise still needs your own version."""
    if name not in EXERCISE_NUMBER:
        print(M.REFERENCE_UNKNOWN.format(name=name))
        return None
    try:
        course_version = reference(name)
    except Withheld:
        print(M.REFERENCE_WITHHELD.format(name=name))
        return None
    finished(name)
    shell = _shell()
    print(M.REFERENCE_IN_USE.format(name=name, **_where(name)))
    if shell is None:
        return course_version
    shell.push({name: course_version})
    _given_out.add(name)
    return None


def _where(name: str) -> dict[str, str | int]:
    lesson, number = EXERCISE_NUMBER[name]
    return {"lesson": lesson.removeprefix("lesson"), "number": number}


def references_in_use() -> list[str]:
    """The exercises whose name in this notebook still holds the course's version from :func:`use_reference`."""
    shell = _shell()
    if shell is None:
        return []
    return sorted(name for name in _given_out if is_reference(shell.user_ns.get(name), name))


def is_reference(fn: Any, name: str) -> bool:
    """Whether ``fn`` is the course's version of ``name``, as :func:`use_reference` gives it out."""
    return getattr(fn, MARK, None) == name


def finished(name: str) -> None:
    """Exercise ``name`` passed its check, or the course's version is in use: cells no longer wait for it."""
    for value in [value for value, exercise in _blocked.items() if exercise == name]:
        del _blocked[value]


class _Assigned(ast.NodeVisitor):
    """The names a cell gives values to at its top level (not inside the functions or classes it defines)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def _defines(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.names.add(node.name)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _defines

    def visit_Lambda(self, node: ast.Lambda) -> None:
        pass

    def visit_alias(self, node: ast.alias) -> None:
        self.names.add((node.asname or node.name).split(".")[0])


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def read(source: str) -> list[str]:
    """The names the cell ``source`` reads, in the order they first appear."""
    tree = _parse(source)
    if tree is None:
        return []
    found = [(node.lineno, node.col_offset, node.id) for node in ast.walk(tree)
             if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)]
    return list(dict.fromkeys(name for _, _, name in sorted(found)))


def assigned(source: str, from_line: int = 1) -> set[str]:
    """The names the cell ``source`` gives values to at its top level, in the statements that end on or after
    line ``from_line`` (none if it does not parse)."""
    tree = _parse(source)
    if tree is None:
        return set()
    visitor = _Assigned()
    for statement in tree.body:
        if (statement.end_lineno or statement.lineno) >= from_line:
            visitor.visit(statement)
    return visitor.names


def _cell(shell: Any, tb: Any) -> tuple[str, int]:
    """The source of the notebook cell whose run raised (its frame runs in the notebook's namespace), and the
    line it raised on."""
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "<module>" and frame.f_globals is shell.user_global_ns:
            return "".join(linecache.getlines(frame.f_code.co_filename)), tb.tb_lineno
        tb = tb.tb_next
    return "", 1


def _raised_in(tb: Any) -> str | None:
    """The exercise whose own body raised, from the last frame of the traceback (a method names its class)."""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    owner = getattr(code, "co_qualname", code.co_name).split(".")[0]
    return owner if owner in EXERCISE_NUMBER else None


def _in_the_cell(error: BaseException) -> bool:
    """Whether the error was raised by the cell's own code, not inside anything it called (a cell to fill in)."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_code.co_name == "<module>"


def sentence(error: BaseException, source: str = "", line: int = 1) -> str | None:
    """The one sentence for an error an unfinished exercise caused, or ``None`` for any other error. ``source``
    is the cell that raised, on ``line``: the names it would have given values to from there on now wait for that
    exercise too, and an error in a cell that reads a name still waiting is put down to it (the name may hold a
    value from before)."""
    if hasattr(error, "_render_traceback_"):  # a check's failure, say: it has its own sentence
        return None
    exercise = None
    name = getattr(error, "name", None) if isinstance(error, NameError) else None
    own = assigned(source)
    waiting = [value for value in read(source) if value in _blocked and value not in own]
    if isinstance(error, NotImplementedError) and error.__traceback__ is not None and _raised_in(error.__traceback__):
        exercise = _raised_in(error.__traceback__)
        said = M.NEEDS_EXERCISE.format(name=exercise, **_where(exercise))
    elif isinstance(error, NotImplementedError) and error.__traceback__ is not None and _in_the_cell(error):
        said = M.FILL_THIS_CELL
    elif name in EXERCISE_NUMBER:
        exercise = name
        said = M.NEEDS_EXERCISE_CELL.format(name=name, **_where(name))
    elif name in _blocked or waiting:
        value = name if name in _blocked else waiting[0]
        exercise = _blocked[value]
        said = M.NEEDS_VALUE.format(value=value, name=exercise, **_where(exercise))
    else:
        return None
    if exercise is not None:
        for value in assigned(source, from_line=line):
            _blocked[value] = exercise
    return said


def ran(result: Any) -> None:
    """After a cell that ran without error: the names it gave values to wait for nothing any more."""
    if result.success:
        for value in assigned(result.info.raw_cell or ""):
            _blocked.pop(value, None)


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """IPython's handler for the errors :func:`install` names: the sentence, shown as the cell's error, or the
    usual traceback."""
    said = sentence(value, *_cell(shell, tb))
    if said is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    else:
        shell._showtraceback(etype, value, [said])  # how IPython shows any traceback; the kernel sends it on


def install() -> None:
    """In a notebook, show the one sentence for errors an unfinished exercise causes. Installing again changes
    nothing: the same handler replaces itself, and the same callback is not added twice."""
    shell = _shell()
    if shell is None:
        return
    shell.set_custom_exc((Exception,), _handler)
    if ran not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", ran)
