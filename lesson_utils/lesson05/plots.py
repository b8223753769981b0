"""Pictures for lesson 05: a small computation graph drawn with boxes and arrows.

NumPy only at import time; matplotlib is imported inside the function that draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Node = tuple[str, float, float | None]
"""(name, data, grad): grad None before the backward pass."""


def graph_of(root: Any, names: Mapping[str, Any]) -> tuple[list[Node], list[tuple[str, str, str]]]:
    """Nodes and edges of a Value graph, for :func:`draw_graph`.

    Works with any class whose objects have ``data``, ``grad`` and ``_prev``
    (and, optionally, ``_op``). ``names`` maps a name to each node you want
    labelled; the others are named after their operation.
    """
    label = {id(node): name for name, node in names.items()}
    nodes, edges, seen = [], [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for child in getattr(node, "_prev", ()):
            visit(child)
        name = label.setdefault(id(node), f"{getattr(node, '_op', '') or 'node'}#{len(label)}")
        nodes.append((name, float(node.data), float(node.grad)))
        for child in getattr(node, "_prev", ()):
            edges.append((label[id(child)], name, getattr(node, "_op", "")))

    visit(root)
    return nodes, edges


def _columns(nodes: Sequence[Node], edges: Sequence[tuple[str, str, str]]) -> dict[str, int]:
    """Each node's column: one after its latest input; a leaf sits just before its first use, so that no arrow
    skips a column (and passes through a box on its way)."""
    column = {name: 0 for name, _, _ in nodes}
    for _ in nodes:
        for src, dst, _ in edges:
            column[dst] = max(column[dst], column[src] + 1)
    has_inputs = {dst for _, dst, _ in edges}
    for name, _, _ in nodes:
        uses = [column[dst] for src, dst, _ in edges if src == name]
        if name not in has_inputs and uses:
            column[name] = min(uses) - 1
    return column


def draw_graph(nodes: Sequence[Node], edges: Sequence[tuple[str, str, str]], *, title: str = "", ax=None):
    """Draw a computation graph left to right: one box per node (name, data, grad), an arrow per input,
    labelled with the operation."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.6))
    column = _columns(nodes, edges)
    by_column: dict[int, list[str]] = {}
    for name, _, _ in nodes:
        by_column.setdefault(column[name], []).append(name)
    position = {}
    for col, names in by_column.items():
        for row, name in enumerate(names):
            position[name] = (col * 2.6, (len(names) - 1) / 2 - row)
    for src, dst, op in edges:
        (x0, y0), (x1, y1) = position[src], position[dst]
        ax.annotate("", xy=(x1 - 0.85, y1), xytext=(x0 + 0.85, y0),
                    arrowprops={"arrowstyle": "->", "color": "0.4", "lw": 1.2})
        ax.text((x0 + x1) / 2 + 0.2, (y0 + y1) / 2 + 0.12, op, ha="center", va="bottom", fontsize=10,
                color="tab:purple", fontweight="bold")
    for name, data, grad in nodes:
        x, y = position[name]
        text = f"{name}\ndata {data:.4g}" + ("" if grad is None else f"\ngrad {grad:.4g}")
        ax.text(x, y, text, ha="center", va="center", fontsize=9.5, family="monospace",
                bbox={"boxstyle": "round,pad=0.4", "facecolor": "#e8f0fb" if grad is None else "#fdf1e2",
                      "edgecolor": "0.3"})
    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    ax.set_xlim(min(xs) - 1.2, max(xs) + 1.2)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax
