"""Matrix products: matmul (the `@` operator), vecdot and tensordot, on the gemm kernel.

The kernel multiplies operands of two or more dimensions with broadcast batch dimensions, in
place on any strides (a transposed view costs nothing). The array API rules around it live here:
1-d operands gain a dimension and lose it again, and both operands are promoted to one dtype.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Final, SupportsIndex

from ._kernels import Storage
from ._kernels import matmul as matmul_kernel
from .dtype import promote_types
from .manipulation import broadcast_to, moveaxis, permute_dims
from .shape import Shape, broadcast_shapes, dense_layout, normalize_axis
from .tensor import Tensor, new_tensor

__all__ = ["matmul", "tensordot", "vecdot"]

_TENSOR: Final[tuple[type, ...]] = (Tensor,)


def matmul(x1: Tensor, x2: Tensor, /) -> Tensor:
    """Return the matrix product `x1 @ x2`, with NumPy's rules for 1-d and batched operands.

    A 1-d x1 is a row vector and a 1-d x2 a column vector; the added dimension is removed from
    the result. Dimensions before the last two broadcast. ValueError names both shapes and the
    dimension that disagrees.

    >>> a = mg.asarray([[1.0, 2.0], [3.0, 4.0]])
    >>> matmul(a, mg.asarray([1.0, 1.0]))
    tensor([3., 7.], dtype=float64)
    >>> (a @ a.T).tolist()
    [[5.0, 11.0], [11.0, 25.0]]
    """
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype is x2.dtype:
        s1, s2 = x1.shape, x2.shape
        if len(s1) == 2 and len(s2) == 2 and s1[1] == s2[0]:  # two matrices: the hot path
            return _product(x1, x2, (s1[0], s2[1]))
    if not (isinstance(x1, _TENSOR) and isinstance(x2, _TENSOR)):  # untyped callers
        raise TypeError(
            f"matmul: expected two Tensors, got {type(x1).__name__} and {type(x2).__name__}"
        )
    shape1, shape2 = x1.shape, x2.shape
    if not shape1 or not shape2:
        raise ValueError(
            f"matmul: shapes {shape1} and {shape2}: operands need at least 1 dimension (use * "
            "to multiply by a 0-d tensor)"
        )
    a = x1 if len(shape1) > 1 else x1.reshape(1, shape1[0])
    b = x2 if len(shape2) > 1 else x2.reshape(shape2[0], 1)
    if a.shape[-1] != b.shape[-2]:
        where2 = "dimension -2" if len(shape2) > 1 else "dimension 0"
        raise ValueError(
            f"matmul: shapes {shape1} and {shape2} do not match: x1's dimension -1 (size "
            f"{a.shape[-1]}) differs from x2's {where2} (size {b.shape[-2]})"
        )
    batch = _batch_shape(shape1, shape2, a.shape[:-2], b.shape[:-2])
    dtype = a.dtype if a.dtype is b.dtype else promote_types(a.dtype, b.dtype)
    if a.dtype is not dtype:
        a = a.astype(dtype)
    if b.dtype is not dtype:
        b = b.astype(dtype)
    shape = (*batch, a.shape[-2], b.shape[-1])
    result = _product(a, b, shape)
    if len(shape1) == 1:
        result = result.reshape(*shape[:-2], shape[-1])
    if len(shape2) == 1:
        result = result.reshape(result.shape[:-1])
    return result


def _product(a: Tensor, b: Tensor, shape: Shape) -> Tensor:
    """``a @ b`` into a new C-contiguous tensor of `shape`: operands of one dtype, checked."""
    n, strides = dense_layout(shape)
    out = Storage.empty(a.dtype.name, n)  # the kernel writes every element
    if n:
        matmul_kernel(out, 0, strides, shape,
                      a.buffer.storage, a.offset, a.strides, a.shape,
                      b.buffer.storage, b.offset, b.strides, b.shape)  # fmt: skip
    return new_tensor(out, a.dtype, shape, strides)


def _batch_shape(shape1: Shape, shape2: Shape, batch1: Shape, batch2: Shape) -> Shape:
    """The broadcast of the two batch shapes; ValueError naming the operands' shapes."""
    out: list[int] = []
    for d in range(-max(len(batch1), len(batch2)), 0):
        s1 = batch1[d] if -d <= len(batch1) else 1
        s2 = batch2[d] if -d <= len(batch2) else 1
        if s1 != s2 and s1 != 1 and s2 != 1:
            raise ValueError(
                f"matmul: shapes {shape1} and {shape2} do not match: batch dimension {d - 2} "
                f"has sizes {s1} and {s2}, which do not broadcast"
            )
        out.append(s2 if s1 == 1 else s1)
    return tuple(out)


def vecdot(x1: Tensor, x2: Tensor, /, *, axis: int = -1) -> Tensor:
    """Return the dot product of x1 and x2 along `axis`, broadcasting the other dimensions.

    `axis` must lie in [-N, -1], N being the smaller rank; both sizes along it must agree.

    >>> vecdot(mg.asarray([[1.0, 2.0], [3.0, 4.0]]), mg.asarray([1.0, 10.0]))
    tensor([21., 43.], dtype=float64)
    """
    ndim = min(x1.ndim, x2.ndim)
    ax = operator.index(axis)
    if not -ndim <= ax <= -1:
        raise ValueError(
            f"vecdot: axis {ax} must lie in [-{ndim}, -1] for shapes {x1.shape} and {x2.shape}"
        )
    if x1.shape[ax] != x2.shape[ax]:
        raise ValueError(
            f"vecdot: shapes {x1.shape} and {x2.shape} do not match along axis {ax} "
            f"(sizes {x1.shape[ax]} and {x2.shape[ax]})"
        )
    try:
        shape = broadcast_shapes(x1.shape, x2.shape)
    except ValueError as error:
        raise ValueError(
            f"vecdot: shapes {x1.shape} and {x2.shape} do not broadcast ({error})"
        ) from error
    a = moveaxis(broadcast_to(x1, shape), ax, -1)
    b = moveaxis(broadcast_to(x2, shape), ax, -1)
    k = a.shape[-1]
    rows = matmul(a.reshape(*a.shape[:-1], 1, k), b.reshape(*b.shape[:-1], k, 1))
    return rows.reshape(a.shape[:-1])


def tensordot(
    x1: Tensor,
    x2: Tensor,
    /,
    *,
    axes: int | tuple[Sequence[SupportsIndex], Sequence[SupportsIndex]] = 2,
) -> Tensor:
    """Contract x1's axes `axes[0]` with x2's `axes[1]` (an int N: x1's last N with x2's first N).

    The result has x1's remaining axes, then x2's.

    >>> tensordot(mg.ones((2, 3, 4)), mg.ones((3, 4, 5)), axes=2).shape
    (2, 5)
    >>> tensordot(mg.asarray([1.0, 2.0]), mg.asarray([3.0, 4.0]), axes=([0], [0]))
    tensor(11., dtype=float64)
    """
    if isinstance(axes, int):
        if axes < 0 or axes > min(x1.ndim, x2.ndim):
            raise ValueError(
                f"tensordot: axes={axes} must lie in [0, {min(x1.ndim, x2.ndim)}] for shapes "
                f"{x1.shape} and {x2.shape}"
            )
        ax1 = list(range(x1.ndim - axes, x1.ndim))
        ax2 = list(range(axes))
    else:
        if len(axes[0]) != len(axes[1]):
            raise ValueError(
                f"tensordot: axes {tuple(axes[0])} and {tuple(axes[1])} differ in length"
            )
        ax1 = [normalize_axis(a, x1.ndim) for a in axes[0]]
        ax2 = [normalize_axis(a, x2.ndim) for a in axes[1]]
    for a1, a2 in zip(ax1, ax2, strict=True):
        if x1.shape[a1] != x2.shape[a2]:
            raise ValueError(
                f"tensordot: shapes {x1.shape} and {x2.shape} do not match: x1's axis {a1} "
                f"(size {x1.shape[a1]}) differs from x2's axis {a2} (size {x2.shape[a2]})"
            )
    free1 = [d for d in range(x1.ndim) if d not in ax1]
    free2 = [d for d in range(x2.ndim) if d not in ax2]
    k = 1
    for d in ax1:
        k *= x1.shape[d]
    a = permute_dims(x1, [*free1, *ax1])
    b = permute_dims(x2, [*ax2, *free2])
    m_shape = a.shape[: len(free1)]
    n_shape = b.shape[len(ax2) :]
    a2d = a.reshape(_size(m_shape), k)
    b2d = b.reshape(k, _size(n_shape))
    return matmul(a2d, b2d).reshape(*m_shape, *n_shape)


def _size(shape: Shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n
