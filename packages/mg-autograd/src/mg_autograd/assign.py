"""``x[key] = value`` on an mg_autograd Tensor: an in-place write recorded in the graph.

The data is written into ``x``'s memory and ``x``'s version counter is bumped. When the write
must be recorded (grad mode on and ``x`` or ``value`` requires grad), ``x`` is *rebased*: its
``grad_fn`` becomes a `SetItem` node whose first input is a stand-in for the old ``x``. Nodes
recorded earlier still hold ``x`` itself as an input; `mg_autograd.rebase.drop_stale_edges`
fixes them before backward walks the graph. See Note [Rebased tensors] in docs/autograd.md.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from mg_autograd.function import Node
from mg_autograd.grad_mode import is_grad_enabled
from mg_autograd.ops.indexing import core_key
from mg_autograd.ops.setitem import SetItem

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["setitem"]

LEAF_MESSAGE = (
    "a leaf Variable that requires grad is being used in an in-place operation (x[key] = value); "
    "write under `with mg_autograd.no_grad():` (e.g. to initialise a parameter), or write into "
    "a non-leaf copy such as `y = x * 1`"
)


def setitem(x: Tensor, key: object, value: object) -> None:
    """``x[key] = value``: write ``value`` (broadcast) in place; differentiable like PyTorch's.

    ``key`` is anything ``x[key]`` takes (ints, slices, None, ``...``, integer index tensors,
    bool masks); ``value`` is a Tensor, an mg_core tensor or a Python number. ``value`` gets the
    gradient at the written positions, the old ``x`` gets it elsewhere.

    Raises:
        RuntimeError: if ``x`` is a leaf that requires grad (unless grad mode is off), or if
            ``x`` is a view of another tensor and the write would have to be recorded.
        IndexError, ValueError: for a key or value mg_core cannot write (shapes named).

    >>> import mg_autograd as ag
    >>> a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> v = ag.tensor(10.0, requires_grad=True)
    >>> y = a * 2
    >>> y[::2] = v
    >>> y
    tensor([10.,  4., 10.], grad_fn=<SetItemBackward>)
    >>> y.sum().backward()
    >>> a.grad, v.grad
    (tensor([0., 2., 0.]), tensor(2.))
    """
    # Imported here: tensor.py binds this function as a method.
    from mg_autograd.tensor import Tensor, node_output

    data_key = core_key(key)
    value_grad = isinstance(value, Tensor) and value.requires_grad
    if not (x.requires_grad or value_grad) or not is_grad_enabled():
        x.data[data_key] = value.data if isinstance(value, Tensor) else value  # type: ignore[index, assignment]
        x._counter().value += 1
        return
    if x.grad_fn is None and x.requires_grad:
        raise RuntimeError(LEAF_MESSAGE)
    _refuse_view(x)
    old = x if x.grad_fn is None else node_output(x.data, x.grad_fn)
    out = SetItem.apply(old, value, data_key)
    x._counter().value += 1
    node = out.grad_fn
    if node is not None:  # None for an integer x: nothing to differentiate
        x._grad_fn = node
        x._requires_grad = True
        Node.rebases += 1
        weakref.finalize(node, _forget_rebase)  # once no graph holds it, backward is as fast


def _forget_rebase() -> None:
    Node.rebases -= 1


def _refuse_view(x: Tensor) -> None:
    base = x._base
    if base is None or base.data.buffer.storage is not x.data.buffer.storage:
        return  # not a view, or one that copied (reshape of a non-contiguous tensor)
    raise RuntimeError(
        f"cannot record x[key] = value into a view (shape {x.shape}) of another tensor (shape "
        f"{base.shape}): mg_autograd cannot rebase the viewed tensor's graph, so its gradient "
        "would be wrong; write into the base tensor itself with one key (`base[i, j] = v`, "
        "not `base[i][j] = v`), or into a copy of the view (`x * 1`), or under no_grad()"
    )
