"""Sorting: `sort` and `argsort` along one axis (array API), stable, NaNs last.

Both move the sorted axis last as a view and let the kernel walk it with any strides; the
output is laid out in the input's axis order, so no copy is made either way.
"""

from __future__ import annotations

from typing import SupportsIndex

from ._kernels import Storage
from ._kernels import argsort as argsort_kernel
from ._kernels import sort as sort_kernel
from .dtype import int64
from .shape import contiguous_strides, normalize_axis, size_of
from .tensor import Tensor, new_tensor

__all__ = ["argsort", "sort"]


def sort(
    x: Tensor,
    /,
    *,
    axis: SupportsIndex = -1,
    descending: bool = False,
    stable: bool = True,
) -> Tensor:
    """Return a sorted copy of `x` along `axis`.

    The sort is always stable (`stable=False` is allowed and gives the same result). NaNs go
    last; `descending=True` gives the reverse order (NaNs first) while equal elements keep
    their original order. float16/bfloat16 compare as floats, bool as False < True.

    >>> sort(mg.asarray([[3.0, float("nan"), 1.0], [2.0, 0.0, -1.0]]))
    tensor([[ 1.,  3., nan],
            [-1.,  0.,  2.]], dtype=float64)
    >>> sort(mg.asarray([1, 3, 2]), descending=True)
    tensor([3, 2, 1], dtype=int64)
    """
    del stable  # every sort here is stable
    return _sorted(x, axis, descending, indices=False)


def argsort(
    x: Tensor,
    /,
    *,
    axis: SupportsIndex = -1,
    descending: bool = False,
    stable: bool = True,
) -> Tensor:
    """Return the int64 indices that sort `x` along `axis` (`sort`'s order and stability).

    >>> argsort(mg.asarray([2, 1, 2, 0]))
    tensor([3, 1, 0, 2], dtype=int64)
    >>> argsort(mg.asarray([2, 1, 2, 0]), descending=True)
    tensor([0, 2, 1, 3], dtype=int64)
    """
    del stable
    return _sorted(x, axis, descending, indices=True)


def _sorted(x: Tensor, axis: SupportsIndex, descending: bool, indices: bool) -> Tensor:
    a = normalize_axis(axis, x.ndim)  # AxisError for a 0-d x, as NumPy
    dtype = int64 if indices else x.dtype
    out = Storage.empty(dtype.name, size_of(x.shape))  # the kernel writes every element
    result = new_tensor(out, dtype, x.shape, contiguous_strides(x.shape))
    if not result.size:
        return result
    order = [*range(a), *range(a + 1, x.ndim), a]  # the sorted axis last, as views
    src = x.permute(order)
    dst = result.permute(order)
    kernel = argsort_kernel if indices else sort_kernel
    kernel(out, 0, dst.strides, x.buffer.storage, src.offset, src.strides, src.shape, descending)
    return result
