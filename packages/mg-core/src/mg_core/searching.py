"""Searching: `nonzero` and `searchsorted` (array API)."""

from __future__ import annotations

from typing import Literal

from ._kernels import Storage, count_nonzero
from ._kernels import nonzero as nonzero_kernel
from ._kernels import searchsorted as searchsorted_kernel
from .creation import TensorLike, asarray, full
from .dtype import int64, result_type
from .shape import contiguous_strides, size_of
from .tensor import Tensor, new_tensor

__all__ = ["nonzero", "searchsorted"]


def nonzero(x: Tensor, /) -> tuple[Tensor, ...]:
    """Return the indices of the nonzero elements of `x`, one int64 tensor per axis.

    The coordinates are in C (row-major) order; NaN counts as nonzero, -0.0 does not.
    ValueError for a 0-d tensor, as the array API says.

    >>> nonzero(mg.asarray([[0, 3], [4, 0]]))
    (tensor([0, 1], dtype=int64), tensor([1, 0], dtype=int64))
    """
    if x.ndim == 0:
        raise ValueError("nonzero is not defined for 0-d tensors; index x[None] for a 1-d one")
    storage = x.buffer.storage
    count = count_nonzero(storage, x.offset, x.strides, x.shape)
    out = Storage.empty(int64.name, count * x.ndim)
    nonzero_kernel(out, 0, storage, x.offset, x.strides, x.shape, count)
    whole = new_tensor(out, int64, (x.ndim, count), (count, 1))
    return tuple(whole[d] for d in range(x.ndim))


def searchsorted(
    x1: Tensor,
    x2: TensorLike,
    /,
    *,
    side: Literal["left", "right"] = "left",
    sorter: Tensor | None = None,
) -> Tensor:
    """Return where the elements of `x2` would be inserted into the sorted 1-d `x1` (int64).

    `x2` may be a tensor, a Python scalar (weak, NEP 50) or anything `asarray` takes.
    side='left' gives the first suitable position, 'right' the last. `sorter` (int64 indices
    that sort x1, e.g. from argsort) lets x1 stay unsorted. Both inputs are compared in their
    promoted dtype; NaNs order last, as `sort` puts them.

    >>> x = mg.asarray([1.0, 2.0, 2.0, 3.0])
    >>> searchsorted(x, mg.asarray([2.0, 5.0]))
    tensor([1, 4], dtype=int64)
    >>> searchsorted(x, 2.0, side="right")
    tensor(3, dtype=int64)
    """
    if x1.ndim != 1:
        raise ValueError(f"searchsorted: x1 must be a 1-d tensor, got shape {x1.shape}")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if sorter is not None:
        if sorter.shape != x1.shape:
            raise ValueError(
                f"searchsorted: sorter must be a tensor of shape {x1.shape}, got {sorter.shape}"
            )
        x1 = x1[sorter]
    if not isinstance(x2, (Tensor, bool, int, float)):
        x2 = asarray(x2)  # lists, NumPy arrays: strong dtypes
    dtype = result_type(x1, x2)
    values = x2 if isinstance(x2, Tensor) else full((), x2, dtype)
    if x1.dtype is not dtype:
        x1 = x1.astype(dtype)
    if values.dtype is not dtype:
        values = values.astype(dtype)
    strides = contiguous_strides(values.shape)
    out = Storage.empty(int64.name, size_of(values.shape))
    if values.size:
        searchsorted_kernel(out, 0, strides, x1.buffer.storage, x1.offset, x1.strides[0],
                            x1.shape[0], values.buffer.storage, values.offset, values.strides,
                            values.shape, side == "right")  # fmt: skip
    return new_tensor(out, int64, values.shape, strides)
