"""The backward engine: topological order, gradient accumulation, pruning, freeing.

It is deliberately boring. A first pass (explicit stack, no recursion, so a graph 100,000 ops
deep is fine) counts, for every node, how many graph edges consume its output. The second pass is
Kahn's topological sort: a node runs once all its consumers have run, so its output gradient is
complete; gradients for a node or a leaf are summed in one helper; edges to inputs that do not
require grad are None in `Node.inputs` and never walked (pruning). See docs/autograd.md.

Gradients are mg_core tensors, except under ``create_graph=True``: then they are
`mg_autograd.Tensor` objects and every backward formula records its own graph.
"""

from __future__ import annotations

import math
from typing import TypeAlias, TypeVar

import mg_core as core

from mg_autograd.function import FREED_MESSAGE, Hook, Node
from mg_autograd.grad_mode import is_anomaly_enabled, set_grad_enabled
from mg_autograd.hooks import run_hooks
from mg_autograd.rebase import drop_stale_edges
from mg_autograd.tensor import Tensor

__all__ = ["backward"]

_K = TypeVar("_K")
#: A gradient in flight: an mg_core tensor, or a Tensor when the graph is being recorded.
Grad: TypeAlias = "core.Tensor | Tensor"


def backward(
    root: Tensor,
    gradient: Tensor | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate d(root)/d(leaf) (times ``gradient``) into ``leaf.grad`` for every leaf.

    This is what `Tensor.backward` runs; see there for the arguments.

    Raises:
        RuntimeError: if ``root`` does not require grad, if ``gradient`` is omitted for a
            tensor with more than one element, if the graph was freed by an earlier backward,
            if a saved tensor was modified in place, or if an op's backward raised.
        ValueError: if ``gradient``'s shape differs from ``root``'s.

    >>> import mg_autograd as ag
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> backward(x * x * x)
    >>> x.grad
    tensor(12.)
    """
    if not root.requires_grad:
        raise RuntimeError("backward() on a tensor that does not require grad and has no grad_fn")
    retain = create_graph if retain_graph is None else retain_graph
    seed_data = _seed_gradient(root, gradient)
    seed: Grad = seed_data
    if create_graph:
        keep = gradient is not None and gradient.dtype is root.dtype
        seed = gradient if gradient is not None and keep else Tensor(seed_data)
    with set_grad_enabled(create_graph):
        start = root.grad_fn
        if start is None:
            _accumulate_leaf(root, seed)
            return
        _run_graph(start, seed, retain, create_graph)


def _run_graph(start: Node, seed: Grad, retain_graph: bool, create_graph: bool) -> None:
    anomaly = is_anomaly_enabled()
    if Node.rebases:  # some tensor was written by x[key] = value: Note [Rebased tensors]
        drop_stale_edges(start)
    pending = _count_consumers(start)
    grads: dict[Node, Grad] = {start: seed}
    leaf_grads: dict[Tensor, Grad] = {}
    ready = [start]
    while ready:
        node = ready.pop()
        if node._freed:
            raise RuntimeError(FREED_MESSAGE)
        grad = grads.pop(node, None)  # None: a user backward returned None for a needed input
        inputs = node.inputs
        result = (None,) * len(inputs) if grad is None else _run_node(node, grad, create_graph)
        if not retain_graph:
            node.free_saved()
        # One pass per node over (input, gradient): check, then route. This loop is the
        # engine's hot path, so the common case is inlined and the rest is in helpers.
        i = -1
        for tensor, g in zip(inputs, result):  # noqa: B905 (lengths checked by _run_node)
            i += 1
            if tensor is None:
                continue
            if g is not None:
                data = tensor.data
                if type(g) is core.Tensor and not create_graph and g.shape == data.shape:
                    # The common case: an mg_core gradient, cast to the input's dtype if needed.
                    if g.dtype is not data.dtype:
                        g = g.astype(data.dtype)
                else:
                    g = _checked(node, i, g, tensor, create_graph)
                if anomaly:
                    _check_nan(node, i, g)
            parent = tensor._grad_fn
            if parent is None:
                if g is not None:
                    _add(leaf_grads, tensor, g)
                continue
            if g is not None:
                # `_add` inlined (this loop runs once per edge): the one other place grads sum.
                previous = grads.get(parent)
                grads[parent] = g if previous is None else previous + g
            left = pending[parent] - 1  # one dict read and one write per edge, not two reads
            pending[parent] = left
            if not left:
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


def _run_node(node: Node, grad: Grad, create_graph: bool) -> tuple[object, ...]:
    """Run the node's hooks and backward; return one (unchecked) gradient per input."""
    versions = node._versions  # flat (index, tensor, version, ...); inlined: runs per node
    for k in range(1, len(versions), 3):
        counter = versions[k]._vc  # type: ignore[attr-defined]  # a Tensor, see Node
        if counter is not None and counter.value != versions[k + 1]:
            node.check_versions()  # raises, naming the op and the argument, if it was saved
    if node.hooks:
        grad = _hooked(node.hooks, grad)
    if create_graph:
        raw = _call_backward(node, grad, create_graph)
    else:
        # `_call_backward` inlined for the common case (a call per node shows on long graphs);
        # a try block costs nothing in CPython 3.11 until something raises.
        try:
            raw = node.function.backward(node, grad)
        except Exception as error:
            message = f"{node.name()} raised {type(error).__name__}: {error}"
            raise RuntimeError(_with_trace(node, message)) from error
    # Typed loosely on purpose: user Functions may return anything, so every item is checked.
    result: tuple[object, ...] = raw if type(raw) is tuple else (raw,)
    if len(result) != len(node.inputs):
        raise RuntimeError(
            f"{node.function.__name__}.backward returned {len(result)} gradients but forward "
            f"took {len(node.inputs)} arguments (return None for arguments without a gradient)"
        )
    return result


def _checked(node: Node, i: int, g: object, tensor: Tensor, create_graph: bool) -> Grad:
    """Input ``i``'s gradient off the common path: a Tensor, create_graph, or a bad value."""
    if isinstance(g, (core.Tensor, Tensor)) and g.shape == tensor.data.shape:
        return _as_input_grad(g, tensor, create_graph)
    raise _bad_gradient(node, i, g, tensor)


def _call_backward(node: Node, grad: Grad, create_graph: bool) -> object:
    """Call the node's backward; an exception inside it is re-raised naming the op."""
    try:
        if create_graph:
            return _backward_recorded(node, grad)
        return node.function.backward(node, grad)
    except Exception as error:
        message = f"{node.name()} raised {type(error).__name__}: {error}"
        if create_graph:
            message += (
                " (with create_graph=True, backward receives mg_autograd.Tensors, not mg_core "
                "tensors: write it with operators and methods; see Note [Duck-typed backward] "
                "in docs/autograd.md)"
            )
        raise RuntimeError(_with_trace(node, message)) from error


def _backward_recorded(node: Node, grad: Grad) -> object:
    """Run backward on Tensors: the saved tensors become the (graph-connected) inputs."""
    saved = node._saved
    lifted = tuple(_lift_saved(t, node.inputs) for t in saved)
    node._saved = lifted  # type: ignore[assignment]  # Note [Duck-typed backward]
    try:
        return node.function.backward(node, grad if isinstance(grad, Tensor) else Tensor(grad))
    finally:
        node._saved = saved


def _lift_saved(saved: core.Tensor, inputs: tuple[Tensor | None, ...]) -> Tensor:
    for tensor in inputs:
        if tensor is not None and tensor.data is saved:
            return tensor
    return Tensor(saved)  # a constant: it does not require grad


def _as_input_grad(g: Grad, tensor: Tensor, create_graph: bool) -> Grad:
    """As in PyTorch, a gradient has its input's dtype (float32 x times float64 y, say)."""
    if create_graph:
        g = g if isinstance(g, Tensor) else Tensor(g)
        return g if g.dtype is tensor.data.dtype else g.astype(tensor.data.dtype)
    if isinstance(g, Tensor):  # a user backward built its result from Tensors
        g = g.data
    return g if g.dtype is tensor.data.dtype else g.astype(tensor.data.dtype)


def _hooked(hooks: list[Hook], grad: Grad) -> Grad:
    wrapped = grad if isinstance(grad, Tensor) else Tensor(grad)
    new = run_hooks(hooks, wrapped)
    return new if isinstance(grad, Tensor) else new.data


def _with_trace(node: Node, message: str) -> str:
    """Add where the node was created, if `detect_anomaly` recorded it."""
    text = message
    if node.trace:
        text += f"\n\n{node.name()} was created at (detect_anomaly):\n{node.trace}"
    return text


def _check_nan(node: Node, i: int, g: Grad) -> None:
    data = g.data if isinstance(g, Tensor) else g
    if any(math.isnan(v) for v in _flat(data)):
        message = f"{node.name()} returned NaN in its gradient for argument {i}"
        raise RuntimeError(_with_trace(node, message))


def _flat(data: core.Tensor) -> list[float]:
    values = core.reshape(data, (data.size,)).tolist()
    assert isinstance(values, list)
    return [float(v) for v in values]  # type: ignore[arg-type]  # 1-d: a list of numbers


def _bad_gradient(node: Node, i: int, grad: object, tensor: Tensor) -> Exception:
    name = node.function.__name__
    if not isinstance(grad, (core.Tensor, Tensor)):
        return TypeError(f"{name}.backward must return mg_core tensors, got {type(grad).__name__}")
    return RuntimeError(
        f"{name}.backward returned a gradient of shape {grad.shape} for argument {i} "
        f"of shape {tensor.shape}"
    )


def _add(grads: dict[_K, Grad], key: _K, grad: Grad) -> None:
    """The one place gradients are summed: a tensor used twice gets both contributions."""
    previous = grads.get(key)
    grads[key] = grad if previous is None else previous + grad


def _accumulate_leaf(leaf: Tensor, grad: Grad) -> None:
    if leaf._hooks:
        grad = _hooked(leaf._hooks, grad)
    # Leaf gradients accumulate across backward calls, as in PyTorch; zero them between steps.
    if isinstance(grad, Tensor):  # create_graph: .grad keeps its graph
        # `* 1.0` rather than `grad` itself: fresh memory, recorded like any op (see below).
        leaf.grad = grad * 1.0 if leaf.grad is None else leaf.grad + grad
    elif leaf.grad is None:
        # Copy: `grad` may be the caller's gradient, a broadcast view, or shared with another
        # leaf (Add passes its gradient through), and .grad must own its memory.
        leaf.grad = Tensor(grad.copy())
    else:
        leaf.grad = Tensor(core.add(leaf.grad.data, grad))
