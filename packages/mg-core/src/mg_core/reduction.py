"""Reductions over axes: sum and mean, on the kernels' reduce_sum.

`reduce_sum` adds into an output that has stride 0 along the reduced axes, so one kernel call
covers any set of axes; the output starts zero-filled (Storage is zero-initialised).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from ._kernels import Storage, reduce_sum
from .dtype import DType, float64, int64, uint64
from .elementwise import divide
from .shape import Axes, dense_layout, normalize_axes, size_of
from .tensor import Tensor, new_tensor

__all__ = ["mean", "sum"]


def sum(x: Tensor, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return the sum of `x` over `axis` (None: all axes; an int or a tuple of ints).

    Signed integer and bool tensors sum in int64, unsigned ones in uint64 (as NumPy on
    Linux); floats keep their dtype. Raises
    AxisError (a ValueError and IndexError) for an out-of-range axis, ValueError for a
    repeated one.

    >>> x = mg.asarray([[1, 2, 3], [4, 5, 6]], dtype="int32")
    >>> sum(x), sum(x, axis=1), sum(x, axis=(0, 1), keepdims=True)
    (tensor(21, dtype=int64), tensor([ 6, 15], dtype=int64), tensor([[21]], dtype=int64))
    """
    dtype = _SUM_DTYPES.get(x.dtype.kind, x.dtype)
    if axis is None and not keepdims and x.dtype is dtype:  # the hot path: a loss, a total
        out = Storage(dtype.name, 1)
        if x.size:
            reduce_sum(out, 0, _zeros(len(x.shape)), x.buffer.storage, x.offset, x.strides, x.shape)
        return new_tensor(out, dtype, (), ())
    return _sum(x, normalize_axes(axis, x.ndim), keepdims, dtype)


def mean(x: Tensor, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return the arithmetic mean over `axis`; integer tensors give float64, as in NumPy.

    An empty reduction gives NaN.

    >>> mean(mg.asarray([[1, 2], [3, 5]]), axis=0)
    tensor([2. , 3.5], dtype=float64)
    """
    axes = normalize_axes(axis, x.ndim)
    total = _sum(x, axes, keepdims, x.dtype if x.dtype.kind == "f" else float64)
    count = size_of(tuple(x.shape[a] for a in axes))
    return divide(total, count)


@lru_cache(maxsize=64)
def _zeros(ndim: int) -> tuple[int, ...]:
    return (0,) * ndim


_SUM_DTYPES: Final = {"b": int64, "i": int64, "u": uint64}  # as NumPy on 64-bit Linux


def _sum(x: Tensor, axes: tuple[int, ...], keepdims: bool, dtype: DType) -> Tensor:
    src = x if x.dtype is dtype else x.astype(dtype)
    shape = x.shape
    ndim = len(shape)
    if len(axes) == ndim:  # everything: the common case of losses, kept cheap
        kept = (1,) * ndim
        out_strides = (0,) * ndim
        n = 1
    else:
        kept = tuple([1 if i in axes else d for i, d in enumerate(shape)])
        n, strides = dense_layout(kept)
        out_strides = tuple([0 if i in axes else s for i, s in enumerate(strides)])
    out = Storage(dtype.name, n)
    if 0 not in shape:
        reduce_sum(out, 0, out_strides, src.buffer.storage, src.offset, src.strides, shape)
    if keepdims:
        return new_tensor(out, dtype, kept, dense_layout(kept)[1])
    result = tuple([d for i, d in enumerate(shape) if i not in axes])
    return new_tensor(out, dtype, result, dense_layout(result)[1])
