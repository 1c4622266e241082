"""sort, argsort and topk: mg_core's (stable) argsort picks the order, `gather` moves the values.

The values are a `gather` of the input at the sorted indices, so their gradient is scattered
back through `mg_core.add_at` (`AdvancedIndex`); the indices carry no gradient.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, SupportsIndex

import mg_core as core

from mg_autograd.ops.extrema import ValuesIndices
from mg_autograd.ops.indexing import gather

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["argsort", "sort", "topk"]


def _order(x: Tensor, dim: SupportsIndex, descending: bool) -> core.Tensor:
    """The int64 indices that sort ``x`` along ``dim``; stable, NaNs count as the largest."""
    return core.argsort(x.data, axis=dim, descending=descending)


def _scalar(x: Tensor) -> ValuesIndices:
    from mg_autograd.tensor import Tensor  # here: tensor.py imports this module's users

    return ValuesIndices(x * 1.0, Tensor(core.zeros((), dtype=core.int64)))


def sort(
    x: Tensor, dim: SupportsIndex = -1, descending: bool = False, *, stable: bool = False
) -> ValuesIndices:
    """Return ``(values, indices)`` sorted along ``dim``, as PyTorch's sort.

    Every sort here is stable (``stable=True`` is accepted and changes nothing): equal
    elements keep their order, so the indices equal PyTorch's ``stable=True`` ones. NaNs
    sort as the largest value. The gradient of each value goes back to where it came from.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([3.0, 1.0, 2.0], requires_grad=True)
    >>> values, indices = ag.sort(x, descending=True)
    >>> values, indices
    (tensor([3., 2., 1.], grad_fn=<AdvancedIndexBackward>), tensor([0, 2, 1]))
    >>> (values * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    >>> x.grad
    tensor([  1., 100.,  10.])
    """
    from mg_autograd.tensor import Tensor

    del stable  # always stable
    if x.ndim == 0:
        return _scalar(x)
    order = _order(x, dim, descending)
    return ValuesIndices(gather(x, dim, order), Tensor(order))


def argsort(x: Tensor, dim: SupportsIndex = -1, descending: bool = False) -> Tensor:
    """Return the int64 indices that sort ``x`` along ``dim`` (stable; outside the graph).

    >>> import mg_autograd as ag
    >>> ag.argsort(ag.tensor([2.0, 1.0, 2.0, 0.0]))
    tensor([3, 1, 0, 2])
    """
    from mg_autograd.tensor import Tensor

    if x.ndim == 0:
        return Tensor(core.zeros((), dtype=core.int64))
    return Tensor(_order(x, dim, descending))


def topk(
    x: Tensor, k: SupportsIndex, dim: SupportsIndex = -1, largest: bool = True, sorted: bool = True
) -> ValuesIndices:
    """Return the ``k`` largest (or smallest) elements along ``dim`` and their indices.

    The result is always sorted (``sorted=False`` is accepted); ties keep their order.

    Raises:
        ValueError: if ``k`` is negative or larger than the size of ``dim``.

    >>> import mg_autograd as ag
    >>> ag.topk(ag.tensor([1.0, 5.0, 3.0, 4.0]), 2)
    ValuesIndices(values=tensor([5., 4.]), indices=tensor([1, 3]))
    """
    from mg_autograd.tensor import Tensor

    del sorted  # always sorted
    count = operator.index(k)
    if x.ndim == 0:
        if count not in (0, 1):
            raise ValueError(f"topk: k ({count}) is out of range for a 0-d tensor")
        return _scalar(x)
    order = _order(x, dim, largest)
    axis = operator.index(dim) % x.ndim
    size = x.shape[axis]
    if not 0 <= count <= size:
        raise ValueError(f"topk: k ({count}) is out of range for dim {axis} of size {size}")
    first = order[(slice(None),) * axis + (slice(0, count),)].copy()
    return ValuesIndices(gather(x, axis, first), Tensor(first))
