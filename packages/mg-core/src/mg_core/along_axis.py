"""take_along_axis: pick, along one axis, the elements an index tensor names at each position."""

from __future__ import annotations

from typing import SupportsIndex

from .creation import arange
from .shape import normalize_axis
from .tensor import Tensor

__all__ = ["take_along_axis"]


def take_along_axis(x: Tensor, indices: Tensor, /, *, axis: SupportsIndex = -1) -> Tensor:
    """Return ``out[..., i, ...] = x[..., indices[..., i, ...], ...]`` along axis (NumPy's).

    ``indices`` is an integer tensor with x's number of dimensions; along the other axes it
    broadcasts with x. Negative indices count from the end. The inverse of an argsort:
    ``take_along_axis(x, argsort(x, axis=a), axis=a)`` sorts x.

    Raises:
        TypeError: if indices is not an integer tensor.
        ValueError: if the numbers of dimensions differ or the other axes do not broadcast.
        IndexError: for an index out of range.

    >>> x = mg.asarray([[10, 30, 20], [60, 40, 50]])
    >>> take_along_axis(x, mg.asarray([[2, 0], [1, 1]]), axis=1)
    tensor([[20, 10],
            [40, 40]], dtype=int64)
    """
    if not isinstance(indices, Tensor):
        raise TypeError(f"take_along_axis: indices must be a Tensor, got {type(indices).__name__}")
    if indices.dtype.kind not in "iu":
        raise TypeError(f"take_along_axis: indices must be integers, got dtype {indices.dtype}")
    if indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices has {indices.ndim} dimensions (shape {indices.shape}) "
            f"but x has {x.ndim} (shape {x.shape})"
        )
    ax = normalize_axis(axis, x.ndim)
    key: list[Tensor] = []
    for d, n in enumerate(x.shape):
        if d == ax:
            key.append(indices)
            continue
        along = [1] * x.ndim
        along[d] = n
        key.append(arange(n).reshape(tuple(along)))
    return x[tuple(key)]
