"""cumulative_sum and cumulative_prod (array API 2024.12) on the kernels' `scan`.

The kernel scans the last axis, so it is given the tensor with `axis` moved last (a view) and
an output view whose strides are the result's own strides permuted the same way: the result
comes out C-contiguous in the caller's axis order without a second copy. With
`include_initial` the result has one more element along `axis`, the identity (0 or 1), and the
kernel writes the rest one step further on.
"""

from __future__ import annotations

from typing import Final, SupportsIndex

from ._kernels import ScanOp, Storage, scan
from .dtype import DType, DTypeLike, as_dtype, int64, uint64
from .shape import dense_layout, normalize_axis
from .tensor import Tensor, new_tensor

__all__ = ["cumulative_prod", "cumulative_sum"]

_CUMSUM: Final = ScanOp.CUMSUM
_CUMPROD: Final = ScanOp.CUMPROD
_ACCUMULATE: Final = {"b": int64, "i": int64, "u": uint64}  # as sum, NumPy on 64-bit Linux


def cumulative_sum(
    x: Tensor,
    /,
    *,
    axis: SupportsIndex | None = None,
    dtype: DTypeLike | None = None,
    include_initial: bool = False,
) -> Tensor:
    """Return the running sums along `axis`; dtypes as `sum` unless `dtype` is given.

    `axis` may be omitted only for a tensor of at most one dimension (a 0-d tensor counts as
    1-d). Each step rounds to the dtype, as NumPy's `cumulative_sum`.

    >>> cumulative_sum(mg.asarray([[1, 2, 3], [4, 5, 6]], dtype="int8"), axis=1)
    tensor([[ 1,  3,  6],
            [ 4,  9, 15]], dtype=int64)
    >>> cumulative_sum(mg.asarray([1.5, 2.0]), include_initial=True)
    tensor([0. , 1.5, 3.5], dtype=float64)
    """
    return _scan(_CUMSUM, x, axis, dtype, include_initial, 0)


def cumulative_prod(
    x: Tensor,
    /,
    *,
    axis: SupportsIndex | None = None,
    dtype: DTypeLike | None = None,
    include_initial: bool = False,
) -> Tensor:
    """Return the running products along `axis` (see `cumulative_sum`); integers wrap.

    >>> cumulative_prod(mg.asarray([1, 2, 3, 4]), include_initial=True)
    tensor([ 1,  1,  2,  6, 24], dtype=int64)
    """
    return _scan(_CUMPROD, x, axis, dtype, include_initial, 1)


def _scan(
    op: ScanOp,
    x: Tensor,
    axis: SupportsIndex | None,
    dtype: DTypeLike | None,
    include_initial: bool,
    identity: int,
) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"expected a Tensor, got {type(x).__name__}")
    if axis is None:
        if x.ndim > 1:
            raise ValueError(
                f"axis is required for a tensor of more than one dimension (shape {x.shape})"
            )
        x, ax = x.reshape(-1), 0
    else:
        ax = normalize_axis(axis, x.ndim)
    out_dtype: DType = _ACCUMULATE.get(x.dtype.kind, x.dtype) if dtype is None else as_dtype(dtype)
    src = x if x.dtype is out_dtype else x.astype(out_dtype)
    shape = list(x.shape)
    shape[ax] += int(include_initial)
    out_shape = tuple(shape)
    n, strides = dense_layout(out_shape)
    if identity == 0:
        out = Storage(out_dtype.name, n)  # zero-filled: the initial zeros are already there
    else:
        out = Storage.filled(out_dtype.name, n, identity)
    if src.size:
        order = [i for i in range(x.ndim) if i != ax] + [ax]
        moved_shape = tuple([src.shape[i] for i in order])
        src_strides = tuple([src.strides[i] for i in order])
        out_strides = tuple([strides[i] for i in order])
        offset = strides[ax] if include_initial else 0
        scan(op, out, offset, out_strides,
             src.buffer.storage, src.offset, src_strides, moved_shape)  # fmt: skip
    return new_tensor(out, out_dtype, out_shape, strides)
