"""Differentiable views, bound as `Tensor` methods: reshape, expand, permute, index, ...

Each is a thin call into a movement `Function` (ops/movement.py) that returns an mg_core view
sharing memory, and the version counter, with its input. squeeze, unsqueeze and view are
`Reshape`; transpose and ``.T`` are `Permute`.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, SupportsIndex, TypeAlias, cast

from mg_autograd.ops.indexing import AdvancedIndex, core_key, is_advanced_key
from mg_autograd.ops.movement import Expand, Index, IndexKey, Permute, Reshape

if TYPE_CHECKING:
    from mg_autograd.tensor import Axis, Tensor

__all__ = [
    "Dims",
    "broadcast_to",
    "expand",
    "getitem",
    "permute",
    "reshape",
    "squeeze",
    "transpose",
    "unsqueeze",
    "view",
]

#: Axis arguments given either as ``t.permute(1, 0)`` or as ``t.permute((1, 0))``.
Dims: TypeAlias = "SupportsIndex | Sequence[SupportsIndex]"


def reshape(x: Tensor, *shape: Dims) -> Tensor:
    """Return the elements with a new shape (one size may be -1); a view when possible.

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0, 3.0, 4.0]).reshape(2, -1)
    tensor([[1., 2.],
            [3., 4.]])
    """
    return Reshape.apply_first(x, _dims(shape))


def view(x: Tensor, *shape: Dims) -> Tensor:
    """Same as `reshape` (mg_core copies only when strides cannot express the shape).

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0]).view(2, 1).shape
    (2, 1)
    """
    return reshape(x, *shape)


def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    """Return a view repeated along new leading and size-1 axes (zero strides, no copy).

    The gradient is summed back over the repeated axes (`sum_to_shape`).

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0]).broadcast_to((2, 2))
    tensor([[1., 2.],
            [1., 2.]])
    """
    return Expand.apply_first(x, tuple(shape))


def expand(x: Tensor, *sizes: Dims) -> Tensor:
    """Return `broadcast_to` where a size of -1 keeps the existing size (PyTorch's rule).

    >>> import mg_autograd as ag
    >>> ag.tensor([[1.0], [2.0]]).expand(-1, 3).shape
    (2, 3)
    """
    return Expand.apply_first(x, x.data.expand(*_dims(sizes)).shape)


def permute(x: Tensor, *dims: Dims) -> Tensor:
    """Return the view with axes reordered: output axis i is input axis ``dims[i]``.

    >>> import mg_autograd as ag
    >>> ag.tensor([[1.0, 2.0, 3.0]]).permute(1, 0).shape
    (3, 1)
    """
    return Permute.apply_first(x, _dims(dims))


def transpose(x: Tensor, dim0: SupportsIndex, dim1: SupportsIndex) -> Tensor:
    """Return the view with axes ``dim0`` and ``dim1`` swapped.

    >>> import mg_autograd as ag
    >>> ag.tensor([[1.0, 2.0]]).transpose(0, 1).tolist()
    [[1.0], [2.0]]
    """
    order = list(range(x.ndim))
    a = _axis(dim0, x.ndim)
    b = _axis(dim1, x.ndim)
    order[a], order[b] = order[b], order[a]
    return Permute.apply_first(x, tuple(order))


def squeeze(x: Tensor, axis: Axis = None) -> Tensor:
    """Return the view without size-1 axes (only those in ``axis`` if given).

    >>> import mg_autograd as ag
    >>> ag.tensor([[[1.0], [2.0]]]).squeeze().shape
    (2,)
    """
    return Reshape.apply_first(x, x.data.squeeze(axis).shape)


def unsqueeze(x: Tensor, axis: SupportsIndex) -> Tensor:
    """Return the view with a new size-1 axis at ``axis``.

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0]).unsqueeze(0).shape
    (1, 2)
    """
    return Reshape.apply_first(x, x.data.unsqueeze(axis).shape)


def getitem(x: Tensor, key: IndexKey) -> Tensor:
    """``x[key]``: basic keys (ints, slices, None, ...) give a differentiable view; advanced keys
    (integer tensors, lists, NumPy arrays, bool masks, mixed with basic items) give a copy whose
    gradient is added back at the key, so a repeated index accumulates.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    >>> x[1, ::-2].sum().backward()
    >>> x.grad
    tensor([[0., 0., 0.],
            [1., 0., 1.]])
    >>> x.grad = None
    >>> x[[1, 1, 0], -1].sum().backward()
    >>> x.grad
    tensor([[0., 0., 1.],
            [0., 0., 2.]])
    """
    if type(key) is int:  # the common case, first: is_advanced_key walks the key
        return Index.apply(x, key)
    data_key = core_key(key)
    if is_advanced_key(data_key):  # index arrays or masks: a copy, backward via add_at
        return AdvancedIndex.apply(x, data_key)
    return Index.apply(x, cast("IndexKey", data_key))


def _dims(args: tuple[Dims, ...]) -> tuple[int, ...]:
    """Accept both ``t.permute(1, 0)`` and ``t.permute((1, 0))`` (PyTorch's convention)."""
    if len(args) == 1 and isinstance(args[0], Sequence):
        return tuple(operator.index(d) for d in args[0])
    return tuple(operator.index(cast("SupportsIndex", d)) for d in args)


def _axis(axis: SupportsIndex, ndim: int) -> int:
    a = operator.index(axis)
    if not -ndim <= a < ndim:
        raise IndexError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
    return a % ndim
