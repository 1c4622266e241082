"""The backward engine: topological order, gradient accumulation, pruning, freeing.

It is deliberately boring. A first pass (explicit stack, no recursion, so a graph 100,000 ops
deep is fine) counts, for every node, how many graph edges consume its output. The second pass is
Kahn's topological sort: a node runs once all its consumers have run, so its output gradient is
complete; gradients for a node or a leaf are summed in one helper; edges to inputs that do not
require grad are None in `Node.inputs` and never walked (pruning). See docs/autograd.md.
"""

from __future__ import annotations

from typing import TypeVar

import mg_core as core

from mg_autograd.function import FREED_MESSAGE, Node
from mg_autograd.tensor import Tensor

__all__ = ["backward"]

_K = TypeVar("_K")


def backward(root: Tensor, gradient: Tensor | None = None, retain_graph: bool = False) -> None:
    """Accumulate d(root)/d(leaf) (times ``gradient``) into ``leaf.grad`` for every leaf.

    This is what `Tensor.backward` runs; see there for the arguments.

    Raises:
        RuntimeError: if ``root`` does not require grad, if ``gradient`` is omitted for a
            tensor with more than one element, or if the graph was freed by an earlier backward.
        ValueError: if ``gradient``'s shape differs from ``root``'s.

    >>> import mg_autograd as ag
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> backward(x * x * x)
    >>> x.grad
    tensor(12.)
    """
    if not root.requires_grad:
        raise RuntimeError("backward() on a tensor that does not require grad and has no grad_fn")
    seed = _seed_gradient(root, gradient)
    start = root.grad_fn
    if start is None:
        _accumulate_leaf(root, seed)
        return
    pending = _count_consumers(start)
    grads: dict[Node, core.Tensor] = {start: seed}
    leaf_grads: dict[Tensor, core.Tensor] = {}
    ready = [start]
    while ready:
        node = ready.pop()
        if node.ctx.is_freed:
            raise RuntimeError(FREED_MESSAGE)
        grad = grads.pop(node, None)  # None: a user backward returned None for a needed input
        input_grads = _run_node(node, grad) if grad is not None else (None,) * len(node.inputs)
        if not retain_graph:
            node.ctx.free_saved()
        for tensor, g in zip(node.inputs, input_grads, strict=True):
            if tensor is None:
                continue
            parent = tensor._grad_fn
            if parent is None:
                if g is not None:
                    _add(leaf_grads, tensor, g)
                continue
            if g is not None:
                _add(grads, parent, g)
            pending[parent] -= 1
            if pending[parent] == 0:
                ready.append(parent)
    for leaf, g in leaf_grads.items():
        _accumulate_leaf(leaf, g)


def _count_consumers(start: Node) -> dict[Node, int]:
    """Return, for each node reachable from ``start``, how many edges consume its output.

    An explicit stack, not recursion; each node is expanded once, on its first discovery.
    """
    pending = {start: 0}
    stack = [start]
    while stack:
        for tensor in stack.pop().inputs:
            if tensor is None or tensor._grad_fn is None:
                continue
            parent = tensor._grad_fn
            if parent in pending:
                pending[parent] += 1
            else:
                pending[parent] = 1
                stack.append(parent)
    return pending


def _seed_gradient(root: Tensor, gradient: Tensor | None) -> core.Tensor:
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this tensor has shape "
                f"{root.shape}, so pass backward(gradient=...) with that shape"
            )
        return core.ones(root.shape, dtype=root.dtype)
    if gradient.shape != root.shape:
        raise ValueError(f"gradient has shape {gradient.shape} but the tensor has {root.shape}")
    data = gradient.data
    return data if data.dtype is root.dtype else data.astype(root.dtype)


def _run_node(node: Node, grad: core.Tensor) -> tuple[core.Tensor | None, ...]:
    """Call the node's backward and check its result against the forward inputs."""
    raw = node.function.backward(node.ctx, grad)
    # Typed loosely on purpose: user Functions may return anything, so every item is checked.
    result: tuple[object, ...] = raw if isinstance(raw, tuple) else (raw,)
    if len(result) != len(node.inputs):
        raise RuntimeError(
            f"{node.function.__name__}.backward returned {len(result)} gradients but forward "
            f"took {len(node.inputs)} arguments (return None for arguments without a gradient)"
        )
    checked: list[core.Tensor | None] = []
    for i, (tensor, g) in enumerate(zip(node.inputs, result, strict=True)):
        if tensor is None or g is None:
            checked.append(None)
        elif isinstance(g, core.Tensor) and g.shape == tensor.data.shape:
            # As in PyTorch, a gradient has its input's dtype (float32 x times float64 y, say).
            checked.append(g if g.dtype is tensor.data.dtype else g.astype(tensor.data.dtype))
        else:
            raise _bad_gradient(node, i, g, tensor)
    return tuple(checked)


def _bad_gradient(node: Node, i: int, grad: object, tensor: Tensor) -> Exception:
    name = node.function.__name__
    if not isinstance(grad, core.Tensor):
        return TypeError(f"{name}.backward must return mg_core tensors, got {type(grad).__name__}")
    return RuntimeError(
        f"{name}.backward returned a gradient of shape {grad.shape} for argument {i} "
        f"of shape {tensor.shape}"
    )


def _add(grads: dict[_K, core.Tensor], key: _K, grad: core.Tensor) -> None:
    """The one place gradients are summed: a tensor used twice gets both contributions."""
    previous = grads.get(key)
    grads[key] = grad if previous is None else core.add(previous, grad)


def _accumulate_leaf(leaf: Tensor, grad: core.Tensor) -> None:
    # Leaf gradients accumulate across backward calls, as in PyTorch; zero them between steps.
    if leaf.grad is None:
        # Copy: `grad` may be the caller's gradient, a broadcast view, or shared with another
        # leaf (Add passes its gradient through), and .grad must own its memory.
        leaf.grad = Tensor(grad.copy())
    else:
        leaf.grad = Tensor(core.add(leaf.grad.data, grad))
