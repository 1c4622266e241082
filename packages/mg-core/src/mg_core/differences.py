"""diff: the n-th forward difference along an axis (the array API's, NumPy's `np.diff`)."""

from __future__ import annotations

import operator
from typing import SupportsIndex

from .comparison import not_equal
from .joining import concat
from .manipulation import broadcast_to
from .shape import normalize_axis
from .tensor import Tensor

__all__ = ["diff"]


def _edge(value: Tensor, x: Tensor, axis: int, name: str) -> Tensor:
    """`prepend`/`append` as a tensor: a 0-d one is repeated across the other axes."""
    if not isinstance(value, Tensor):
        raise TypeError(f"diff: {name} must be a Tensor, got {type(value).__name__}")
    if value.ndim == 0:
        shape = list(x.shape)
        shape[axis] = 1
        return broadcast_to(value, tuple(shape))
    if value.ndim != x.ndim:
        raise ValueError(
            f"diff: {name} has shape {value.shape} but x has {x.ndim} dimensions ({x.shape})"
        )
    return value


def diff(
    x: Tensor,
    /,
    *,
    axis: SupportsIndex = -1,
    n: SupportsIndex = 1,
    prepend: Tensor | None = None,
    append: Tensor | None = None,
) -> Tensor:
    """Return ``x[i+1] - x[i]`` along axis, applied n times; bool tensors give ``x[i+1] != x[i]``.

    ``prepend``/``append`` are joined to x along axis first (same shape except there; a 0-d
    tensor is repeated). Each difference shortens the axis by one; n=0 returns x.

    Raises:
        ValueError: if n is negative, x is 0-d, or prepend/append do not fit.
        AxisError: if axis is out of range.

    >>> diff(mg.asarray([1, 4, 9, 16]))
    tensor([3, 5, 7], dtype=int64)
    >>> diff(mg.asarray([[1.0, 2.0], [4.0, 8.0]]), axis=0, prepend=mg.asarray(0.0))
    tensor([[1., 2.],
            [3., 6.]], dtype=float64)
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"diff expects a Tensor, got {type(x).__name__}")
    order = operator.index(n)
    if order < 0:
        raise ValueError(f"diff: order n must be non-negative, got {order}")
    if x.ndim == 0:
        raise ValueError("diff needs a tensor with at least one dimension, got a 0-d tensor")
    ax = normalize_axis(axis, x.ndim)
    parts = [x]
    if prepend is not None:
        parts.insert(0, _edge(prepend, x, ax, "prepend"))
    if append is not None:
        parts.append(_edge(append, x, ax, "append"))
    out = concat(parts, axis=ax) if len(parts) > 1 else x
    before = (slice(None),) * ax
    for _ in range(order):
        upper = out[(*before, slice(1, None))]
        lower = out[(*before, slice(None, -1))]
        out = not_equal(upper, lower) if out.dtype.kind == "b" else upper - lower
    return out
