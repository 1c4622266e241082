"""`draw_dot`: the graph behind a tensor as a Graphviz digraph, like micrograd's notebook.

The Python `graphviz` package is an optional extra (``pip install 'mg-autograd[graphviz]'``),
imported only when `draw_dot` is called; building the digraph needs only that package, and
rendering it to an image also needs Graphviz's ``dot`` program.
"""

from __future__ import annotations

import math
from typing import Protocol

import mg_core as core

from mg_autograd.function import Node
from mg_autograd.rebase import drop_stale_edges
from mg_autograd.tensor import Tensor

__all__ = ["DotGraph", "draw_dot"]


class DotGraph(Protocol):
    """The part of ``graphviz.Digraph`` that `draw_dot` uses and returns."""

    @property
    def source(self) -> str:
        """The DOT source text."""
        ...

    def node(self, name: str, label: str | None = None, **attrs: str) -> None:
        """Add a node."""

    def edge(self, tail_name: str, head_name: str, **attrs: str) -> None:
        """Add an edge."""


def draw_dot(root: Tensor, rankdir: str = "LR", max_values: int = 8) -> DotGraph:
    """Return a ``graphviz.Digraph`` of the graph that produced ``root``.

    Tensors are boxes (label, shape, dtype, and values and grad when they have at most
    ``max_values`` elements); ops are ellipses named like ``grad_fn`` (``MulBackward``).
    Only tensors that require grad are in the graph (constants are pruned, as in backward).
    In Jupyter the returned object displays itself; ``.render()`` writes an image.

    Raises:
        ImportError: if the ``graphviz`` Python package is not installed.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> dot = draw_dot((x * x).sum())
    >>> print(dot.source.splitlines()[0])
    digraph {
    >>> for line in dot.source.splitlines():
    ...     if "Backward" in line:
    ...         print(line.strip())
    t0_op [label=SumBackward shape=ellipse]
    t1_op [label=MulBackward shape=ellipse]
    """
    try:
        import graphviz  # type: ignore[import-untyped, unused-ignore]  # optional extra
    except ImportError as error:
        raise ImportError(
            "draw_dot needs the graphviz Python package: pip install 'mg-autograd[graphviz]' "
            "(rendering to an image also needs Graphviz's `dot` program)"
        ) from error
    dot: DotGraph = graphviz.Digraph(graph_attr={"rankdir": rankdir})
    names: dict[int, str] = {}  # id(tensor) -> t0, t1, ... in discovery order

    def name_of(t: Tensor) -> str:
        return names.setdefault(id(t), f"t{len(names)}")

    drawn: set[int] = set()
    if Node.rebases and root.grad_fn is not None:  # draw the edges backward would follow
        drop_stale_edges(root.grad_fn)
    stack = [root]
    while stack:  # explicit stack: a 10,000-op chain is fine
        tensor = stack.pop()
        if id(tensor) in drawn:
            continue
        drawn.add(id(tensor))
        name = name_of(tensor)
        dot.node(name, _tensor_label(tensor, max_values), shape="box")
        node = tensor.grad_fn
        if node is None:
            continue
        op = f"{name}_op"
        dot.node(op, node.name(), shape="ellipse")
        dot.edge(op, name)
        for parent in node.inputs:
            if parent is not None:
                dot.edge(name_of(parent), op)
                stack.append(parent)
    return dot


def _tensor_label(tensor: Tensor, max_values: int) -> str:
    lines = [f"{'leaf' if tensor.is_leaf else 'tensor'} {tensor.shape} {tensor.dtype.name}"]
    if tensor.size <= max_values:
        lines.append(f"data {_values(tensor.data)}")
        if tensor.grad is not None:
            lines.append(f"grad {_values(tensor.grad.data)}")
    return "\\n".join(lines)  # DOT's escape for a centred line break


def _values(data: core.Tensor) -> str:
    values = core.reshape(data, (data.size,)).tolist()
    assert isinstance(values, list)
    return "[" + ", ".join(_number(v) for v in values) + "]"  # type: ignore[arg-type]


def _number(v: float) -> str:
    return f"{v:.4g}" if math.isfinite(v) else str(v)
