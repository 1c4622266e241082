"""Reductions over axes: sum, prod, max, min, all, any, mean, argmax, argmin.

`reduce` (and `reduce_sum`) fold into an output that has stride 0 along the reduced axes, so
one kernel call covers any set of axes; the output starts at the operation's identity (0 for
sum and any, 1 for prod and all, the lowest value for max, the highest for min). argmax and
argmin work along the last axis, so the reduced axis is moved there first (a view).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, SupportsIndex

from ._kernels import ArgReduceOp, ReduceOp, Storage, arg_reduce, reduce, sum_all
from ._kernels import count_nonzero as count_nonzero_kernel
from .buffer import Scalar
from .dtype import (
    DType,
    DTypeLike,
    all_dtypes,
    as_dtype,
    bool_,
    float64,
    int64,
    int_bounds,
    uint64,
)
from .elementwise import divide
from .manipulation import moveaxis, permute_dims
from .shape import Axes, Shape, dense_layout, normalize_axes, normalize_axis, size_of
from .tensor import Tensor, new_tensor

__all__ = [
    "all",
    "any",
    "argmax",
    "argmin",
    "count_nonzero",
    "max",
    "mean",
    "min",
    "prod",
    "reduced_rows",
    "sum",
]


def sum(
    x: Tensor, axis: Axes = None, keepdims: bool = False, *, dtype: DTypeLike | None = None
) -> Tensor:
    """Return the sum of `x` over `axis` (None: all axes; an int or a tuple of ints).

    Signed integer and bool tensors sum in int64, unsigned ones in uint64 (as NumPy on
    Linux); floats keep their dtype; `dtype` sums in that dtype instead. An empty sum is 0. Raises
    AxisError (a ValueError and IndexError) for an out-of-range axis, ValueError for a
    repeated one.

    >>> x = mg.asarray([[1, 2, 3], [4, 5, 6]], dtype="int32")
    >>> sum(x), sum(x, axis=1), sum(x, axis=(0, 1), keepdims=True)
    (tensor(21, dtype=int64), tensor([ 6, 15], dtype=int64), tensor([[21]], dtype=int64))
    """
    dtype = _SUM_DTYPES.get(x.dtype.kind, x.dtype) if dtype is None else as_dtype(dtype)
    if axis is None and not keepdims and x.dtype is dtype:  # the hot path: a loss, a total
        return new_tensor(sum_all(x.buffer.storage, x.offset, x.strides, x.shape), dtype, (), ())
    return _sum(x, normalize_axes(axis, x.ndim), keepdims, dtype)


def prod(
    x: Tensor,
    /,
    *,
    axis: Axes = None,
    dtype: DTypeLike | None = None,
    keepdims: bool = False,
) -> Tensor:
    """Return the product over `axis`; dtypes as `sum` (integers wrap). An empty product is 1.

    >>> prod(mg.asarray([[1, 2], [3, 4]], dtype="int8"), axis=0)
    tensor([3, 8], dtype=int64)
    >>> prod(mg.asarray([2, 3]), dtype="float32")
    tensor(6., dtype=float32)
    """
    dtype = _SUM_DTYPES.get(x.dtype.kind, x.dtype) if dtype is None else as_dtype(dtype)
    return _reduce(_PROD, x, normalize_axes(axis, x.ndim), keepdims, dtype, dtype, 1)


def max(x: Tensor, /, *, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return the largest element over `axis` (NaN if any is NaN), in x's dtype.

    Raises ValueError for an empty reduction, which has no identity (as NumPy).

    >>> max(mg.asarray([[1.0, 5.0], [3.0, 2.0]]), axis=1)
    tensor([5., 3.], dtype=float64)
    """
    axes = normalize_axes(axis, x.ndim)
    _check_not_empty("maximum", x, axes)
    return _reduce(_MAX, x, axes, keepdims, x.dtype, x.dtype, _LOWEST[x.dtype])


def min(x: Tensor, /, *, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return the smallest element over `axis` (NaN if any is NaN), in x's dtype.

    >>> min(mg.asarray([[1, 5], [3, 2]], dtype="uint8"))
    tensor(1, dtype=uint8)
    >>> min(mg.zeros((0, 2)))
    Traceback (most recent call last):
    ValueError: zero-size array to reduction operation minimum which has no identity
    """
    axes = normalize_axes(axis, x.ndim)
    _check_not_empty("minimum", x, axes)
    return _reduce(_MIN, x, axes, keepdims, x.dtype, x.dtype, _HIGHEST[x.dtype])


def all(x: Tensor, /, *, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return whether every element over `axis` is true (nonzero; NaN is true). Empty: True.

    >>> all(mg.asarray([[1, 0], [2, 3]]), axis=1)
    tensor([False,  True], dtype=bool)
    """
    return _reduce(_ALL, x, normalize_axes(axis, x.ndim), keepdims, x.dtype, bool_, 1)


def any(x: Tensor, /, *, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return whether some element over `axis` is true (nonzero). Empty: False.

    >>> any(mg.asarray([[0.0, 0.0], [0.0, 0.5]]), axis=1)
    tensor([False,  True], dtype=bool)
    """
    return _reduce(_ANY, x, normalize_axes(axis, x.ndim), keepdims, x.dtype, bool_, 0)


def count_nonzero(x: Tensor, /, *, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return how many elements over `axis` are nonzero (NaN counts), as int64.

    >>> count_nonzero(mg.asarray([[0.0, 1.0], [float("nan"), 0.0]]), axis=0)
    tensor([1, 1], dtype=int64)
    """
    if axis is None and not keepdims:  # the total: one kernel call that returns the count
        n = count_nonzero_kernel(x.buffer.storage, x.offset, x.strides, x.shape)
        return new_tensor(Storage.from_list(int64.name, [n]), int64, (), ())
    axes = normalize_axes(axis, x.ndim)
    truth = x if x.dtype is bool_ else x.astype(bool_)
    return _reduce(_SUM, truth, axes, keepdims, int64, int64, 0)


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


def argmax(x: Tensor, /, *, axis: SupportsIndex | None = None, keepdims: bool = False) -> Tensor:
    """Return the int64 index of the first largest element along `axis` (None: flattened).

    A NaN counts as the largest (the first NaN wins), as in NumPy. ValueError if empty.

    >>> argmax(mg.asarray([[1, 7, 7], [9, 0, 2]]), axis=1)
    tensor([1, 0], dtype=int64)
    >>> argmax(mg.asarray([[1, 7], [9, 0]]))
    tensor(2, dtype=int64)
    """
    return _arg_reduce(_ARGMAX, "argmax", x, axis, keepdims)


def argmin(x: Tensor, /, *, axis: SupportsIndex | None = None, keepdims: bool = False) -> Tensor:
    """Return the int64 index of the first smallest element along `axis` (None: flattened).

    >>> argmin(mg.asarray([[1, 7], [9, 0]]), axis=0, keepdims=True)
    tensor([[0, 1]], dtype=int64)
    """
    return _arg_reduce(_ARGMIN, "argmin", x, axis, keepdims)


def reduced_rows(x: Tensor, axes: Shape) -> tuple[Tensor, Shape]:
    """Return `x` with the `axes` merged into one last axis (a view when the strides allow),
    and the shape of the axes kept: the layout of the kernels that reduce the last axis.

    >>> rows, kept = reduced_rows(mg.zeros((2, 3, 4)), (0, 2))
    >>> rows.shape, kept
    ((3, 8), (3,))
    """
    kept = [i for i in range(x.ndim) if i not in axes]
    kept_shape = tuple([x.shape[i] for i in kept])
    view = permute_dims(x, kept + list(axes)) if axes != tuple(range(len(kept), x.ndim)) else x
    count = size_of(tuple([x.shape[a] for a in axes]))
    return view.reshape((*kept_shape, count)), kept_shape


def result_shape(shape: Shape, axes: Shape, keepdims: bool) -> Shape:
    """The shape of a reduction of `shape` over `axes`.

    >>> result_shape((2, 3, 4), (1,), False), result_shape((2, 3, 4), (1,), True)
    ((2, 4), (2, 1, 4))
    """
    if keepdims:
        return tuple([1 if i in axes else d for i, d in enumerate(shape)])
    return tuple([d for i, d in enumerate(shape) if i not in axes])


# Enum members read once: `ReduceOp.MAX` is a descriptor lookup on every access.
_SUM: Final = ReduceOp.SUM
_PROD: Final = ReduceOp.PROD
_MAX: Final = ReduceOp.MAX
_MIN: Final = ReduceOp.MIN
_ALL: Final = ReduceOp.ALL
_ANY: Final = ReduceOp.ANY
_ARGMAX: Final = ArgReduceOp.ARGMAX
_ARGMIN: Final = ArgReduceOp.ARGMIN

_SUM_DTYPES: Final = {"b": int64, "i": int64, "u": uint64}  # as NumPy on 64-bit Linux


def _identity(dtype: DType, low: bool) -> Scalar:
    if dtype.kind == "f":
        return float("-inf") if low else float("inf")
    return int_bounds(dtype)[0 if low else 1]


_LOWEST: Final = {d: _identity(d, True) for d in all_dtypes()}
_HIGHEST: Final = {d: _identity(d, False) for d in all_dtypes()}


def _check_not_empty(name: str, x: Tensor, axes: Shape) -> None:
    if 0 in x.shape and 0 in [x.shape[a] for a in axes]:  # even if the result is empty too
        raise ValueError(f"zero-size array to reduction operation {name} which has no identity")


def _sum(x: Tensor, axes: tuple[int, ...], keepdims: bool, dtype: DType) -> Tensor:
    return _reduce(_SUM, x, axes, keepdims, dtype, dtype, 0)


def _reduce(
    op: ReduceOp,
    x: Tensor,
    axes: Shape,
    keepdims: bool,
    dtype: DType,
    out_dtype: DType,
    identity: Scalar,
) -> Tensor:
    """Fold `x` (converted to `dtype`) over `axes` into an output starting at `identity`."""
    src = x if x.dtype is dtype else x.astype(dtype)
    shape = x.shape
    n, out_strides, result, result_strides = _reduced_layout(shape, axes, keepdims)
    if identity == 0:
        out = Storage(out_dtype.name, n)  # zero-filled
    else:
        out = Storage.filled(out_dtype.name, n, identity)
    if 0 not in shape:
        reduce(op, out, 0, out_strides, src.buffer.storage, src.offset, src.strides, shape)
    return new_tensor(out, out_dtype, result, result_strides)


@lru_cache(maxsize=4096)
def _reduced_layout(shape: Shape, axes: Shape, keepdims: bool) -> tuple[int, Shape, Shape, Shape]:
    """(size, strides over `shape` with 0 on `axes`, result shape, its strides) of a reduction
    output: cached, because training reduces the same shapes over the same axes every step."""
    kept = tuple([1 if i in axes else d for i, d in enumerate(shape)])
    n, strides = dense_layout(kept)
    out_strides = tuple([0 if i in axes else s for i, s in enumerate(strides)])
    result = kept if keepdims else tuple([d for i, d in enumerate(shape) if i not in axes])
    return n, out_strides, result, dense_layout(result)[1]


def _arg_reduce(
    op: ArgReduceOp, name: str, x: Tensor, axis: SupportsIndex | None, keepdims: bool
) -> Tensor:
    if axis is None:
        src = x.reshape(-1)
        result = (1,) * x.ndim if keepdims else ()
    else:
        ax = normalize_axis(axis, x.ndim)
        src = moveaxis(x, ax, -1)
        result = result_shape(x.shape, (ax,), keepdims)
    if src.shape[-1] == 0:
        raise ValueError(f"attempt to get {name} of an empty sequence")
    n, strides = dense_layout(src.shape[:-1])
    out = Storage.empty(int64.name, n)  # every element is written below
    if n:
        arg_reduce(
            op, out, 0, (*strides, 0), src.buffer.storage, src.offset, src.strides, src.shape
        )
    return new_tensor(out, int64, result, dense_layout(result)[1])
