"""Keep the graph right after ``x[key] = value`` rebased ``x``: Note [Rebased tensors].

Nodes hold their inputs as Tensor objects and the engine reads ``tensor._grad_fn`` when it
walks an edge, but a rebase changes ``x._grad_fn`` for everyone. Two kinds of edge need
fixing before backward walks a graph, both decided by creation order (`Node.seq`):

- an edge recorded *before* the write must lead to the old ``x``: it is pointed at the stand-in
  the `SetItem` node holds as its first input (`as_of`);
- an edge to a view of ``x`` taken before the write but consumed *after* it reads the new
  values: PyTorch regenerates such a view's ``grad_fn``, and so does `refreshed_view`, with a
  copy of the view's node whose input is ``x`` as it was when the view was consumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mg_autograd.function import NODE_DEFAULTS, Node

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["as_of", "drop_stale_edges", "refreshed_view"]


def drop_stale_edges(start: Node) -> None:
    """Fix every edge reachable from ``start`` that a rebase made stale (see the module doc).

    Walks each node once (explicit stack); the engine runs it only while a rebase node lives.
    """
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for i, tensor in enumerate(node.inputs):
            if tensor is None:
                continue
            current = refreshed_view(as_of(tensor, node.seq), node.seq)
            if current is not tensor:
                node.inputs = (*node.inputs[:i], current, *node.inputs[i + 1 :])
            parent = None if current is None else current._grad_fn
            if parent is not None and parent not in seen:
                seen.add(parent)
                stack.append(parent)


def as_of(tensor: Tensor | None, seq: int) -> Tensor | None:
    """The tensor as it was when node number ``seq`` was recorded: later rebases undone."""
    while tensor is not None:
        parent = tensor._grad_fn
        if parent is None or not parent.function.rebases_input or parent.seq < seq:
            return tensor
        tensor = parent.inputs[0]
    return tensor


def refreshed_view(tensor: Tensor | None, seq: int) -> Tensor | None:
    """``tensor``, or a regenerated view if its base was rebased after the view was taken and
    before node number ``seq`` consumed it (views of views are followed to the base)."""
    if tensor is None:
        return None
    node = tensor._grad_fn
    base = tensor._base
    if node is None or base is None or not node.function.is_view or node.seq > seq:
        return tensor
    if base.data.buffer.storage is not tensor.data.buffer.storage:
        return tensor  # the "view" copied (a reshape of a non-contiguous tensor)
    then = refreshed_view(as_of(base, node.seq), node.seq)
    now = refreshed_view(as_of(base, seq), seq)
    if now is then or now is None:
        return tensor
    return _regenerated(tensor, node, now)


def _regenerated(view: Tensor, node: Node, base: Tensor) -> Tensor:
    """The same view op, recorded again on ``base``; it shares ``view``'s data."""
    from mg_autograd.tensor import node_output  # here: tensor.py imports assign.py, which needs us

    inputs = (base if base.requires_grad else None, *node.inputs[1:])
    fresh = Node(node.function, (base.requires_grad, *node.needs_input_grad[1:]), inputs)
    # View ops keep only shapes and keys in the ctx's __dict__; the node's own rarely-set
    # fields (hooks, trace, _freed) live there too and stay with the old node.
    fresh.__dict__.update(
        (name, value) for name, value in node.__dict__.items() if name not in NODE_DEFAULTS
    )
    out = node_output(view.data, fresh)
    out._base = view._base
    return out
