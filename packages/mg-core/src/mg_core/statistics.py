"""var, std and logsumexp over axes, on the kernels' `mean_var` and `logsumexp`.

Both kernels reduce the last axis, so the reduced axes are moved there and merged first
(`reduction.reduced_rows`: a view when the strides allow, else one copy). Integer and bool
tensors compute in float64, as NumPy's var and std do; floats keep their dtype. (`mean` lives
in reduction.py, on the sum kernel.)
"""

from __future__ import annotations

import math
from typing import Final

from ._kernels import Storage, mean_var
from ._kernels import logsumexp as logsumexp_kernel
from .dtype import DType, float64
from .elementwise import multiply
from .reduction import reduced_rows, result_shape
from .shape import Axes, dense_layout, normalize_axes
from .tensor import Tensor, new_tensor
from .unary import sqrt

__all__ = ["logsumexp", "std", "var"]


def var(
    x: Tensor,
    /,
    *,
    axis: Axes = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Tensor:
    """Return the variance over `axis`: sum((x - mean)**2) / (N - correction).

    `correction=1` is the unbiased sample variance (NumPy's `ddof=1`). N - correction <= 0
    gives inf (or NaN where every deviation is 0), an empty reduction NaN, as NumPy does
    (without its warnings). Two passes (mean first), so no catastrophic cancellation.

    >>> var(mg.asarray([1.0, 2.0, 3.0, 4.0]))
    tensor(1.25, dtype=float64)
    >>> var(mg.asarray([[1, 2], [3, 5]]), axis=1, correction=1)
    tensor([0.5, 2. ], dtype=float64)
    """
    if not isinstance(correction, (int, float)):
        raise TypeError(f"var: correction must be an int or float, got {type(correction).__name__}")
    axes = normalize_axes(axis, x.ndim)
    rows, kept = reduced_rows(_as_float(x), axes)
    dtype = rows.dtype
    n, strides = dense_layout(kept)
    mean_out, var_out = Storage.empty(dtype.name, n), Storage.empty(dtype.name, n)
    count = rows.shape[-1]
    ddof = int(correction) if correction in (0, 1) else 0
    if n:
        out_strides = (*strides, 0)
        mean_var(mean_out, 0, out_strides, var_out, 0, out_strides,
                 rows.buffer.storage, rows.offset, rows.strides, rows.shape, ddof=ddof)  # fmt: skip
    shape = result_shape(x.shape, axes, keepdims)
    result = new_tensor(var_out, dtype, shape, dense_layout(shape)[1])
    if correction in (0, 1):
        return result
    left = count - correction
    return multiply(result, count / left if left > 0 else math.inf)


def std(
    x: Tensor,
    /,
    *,
    axis: Axes = None,
    correction: int | float = 0.0,
    keepdims: bool = False,
) -> Tensor:
    """Return the standard deviation over `axis`: sqrt(var(x, axis, correction)).

    >>> std(mg.asarray([1.0, 3.0]), correction=1)
    tensor(1.41421356, dtype=float64)
    """
    return sqrt(var(x, axis=axis, correction=correction, keepdims=keepdims))


def logsumexp(x: Tensor, /, *, axis: Axes = None, keepdims: bool = False) -> Tensor:
    """Return log(sum(exp(x))) over `axis` without overflow (not in the array API standard).

    Integer and bool tensors give float64. An empty reduction gives -inf, an inf input inf,
    as scipy.special.logsumexp.

    >>> logsumexp(mg.asarray([1000.0, 1000.0]))
    tensor(1000.69314718, dtype=float64)
    """
    axes = normalize_axes(axis, x.ndim)
    rows, kept = reduced_rows(_as_float(x), axes)
    dtype = rows.dtype
    n, strides = dense_layout(kept)
    out = Storage.empty(dtype.name, n)  # every element is written below
    if n:
        logsumexp_kernel(out, 0, (*strides, 0),
                         rows.buffer.storage, rows.offset, rows.strides, rows.shape)  # fmt: skip
    shape = result_shape(x.shape, axes, keepdims)
    return new_tensor(out, dtype, shape, dense_layout(shape)[1])


_FLOAT: Final = "f"


def _as_float(x: Tensor) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"expected a Tensor, got {type(x).__name__}")
    dtype: DType = x.dtype if x.dtype.kind == _FLOAT else float64
    return x if x.dtype is dtype else x.astype(dtype)
