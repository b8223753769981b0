"""What the grader reads in a notebook's code without running it: the lesson's imports (for the judge's
namespace), and code that reaches into the course's own modules, other modules, the interpreter or IPython, for
the instructor's attention. None of it changes a score: the judge (:mod:`hml_grader.judging.judge`) does.
"""

from __future__ import annotations

import ast

from . import messages as M

SUSPICIOUS_NAMES = frozenset({
    "input_transformers_cleanup", "input_transformers_post", "ast_transformers", "register_magic_function",
    "__builtins__", "builtins", "modules", "ctypes", "gc", "_getframe", "settrace", "setprofile",
})


def python_source(cell_source: str) -> str:
    """A cell's text as plain Python (magics become calls, which are then dropped)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell_source)


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _course_import(node: ast.stmt) -> str | None:
    """The module named when the learner imports the course's own code beyond ``lesson_utils.check``."""
    modules = []
    if isinstance(node, ast.ImportFrom) and node.module:
        modules = [node.module] if node.level == 0 else []
        if node.module == "lesson_utils":
            modules = [f"lesson_utils.{a.name}" for a in node.names]
    elif isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
    for module in modules:
        if module.startswith("lesson_utils.") and module != "lesson_utils.check":
            return module
    return None


def course_imports(sources: list[str]) -> list[str]:
    """The course's own modules (beyond ``lesson_utils.check``) that ``sources`` import at their top level, or name
    in a string (a dynamic import of a lesson's answers)."""
    found: list[str] = []
    for tree in parse_cells(sources):
        modules = [_course_import(node) for node in tree.body] + _named_modules(tree) if tree else []
        found += [m for m in modules if m and m not in found]
    return found


def _named_modules(tree: ast.AST) -> list[str]:
    """Course modules that withhold answers, named in a string anywhere in the code (a dynamic import)."""
    from lesson_utils.withheld import WITHHELD

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "lesson_utils" in node.value:
            text = node.value.strip()
            if text.split(".")[-1] in WITHHELD and text not in found:
                found.append(text[:80])
    return found


def parse_cells(sources: list[str]) -> list[ast.Module | None]:
    trees = []
    for text in sources:
        try:
            trees.append(ast.parse(python_source(text)))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            trees.append(None)
    return trees


def import_statements(sources: list[str]) -> str:
    """The top-level imports of trusted cells (the instructor's notebook), as source."""
    trees = [tree for tree in parse_cells(sources) if tree]
    nodes = [n for tree in trees for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    return ast.unparse(ast.Module(body=nodes, type_ignores=[]))


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def tampering(sources: list[str]) -> list[str]:
    """One sentence per statement that changes a module, the interpreter or IPython, anywhere in ``sources``."""
    found: list[str] = []
    for index, tree in enumerate(parse_cells(sources)):
        if tree is None:
            continue
        modules = {n for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                   for n in _bound_names(node)} | {"sys", "np", "numpy", "check", "lesson_utils", "torch"}
        for node in ast.walk(tree):
            what = None
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            elif isinstance(node, ast.Delete):
                targets = node.targets
            for target in targets:
                if isinstance(target, ast.Attribute | ast.Subscript) and _root_name(target) in modules:
                    what = ast.unparse(target)
            is_setattr = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("setattr", "delattr")
            if is_setattr and node.args and _root_name(node.args[0]) in modules:
                what = ast.unparse(node)
            if isinstance(node, ast.Attribute) and node.attr in SUSPICIOUS_NAMES:
                what = ast.unparse(node)
            if isinstance(node, ast.Name) and node.id in ("__builtins__", "builtins"):
                what = node.id
            if what:
                sentence = M.FLAG_TAMPERING.format(cell=index + 1, line=getattr(node, "lineno", 0), what=what[:80])
                if sentence not in found:
                    found.append(sentence)
    return found
