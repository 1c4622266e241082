"""Array API manipulation functions: thin wrappers over Tensor's view methods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import SupportsIndex

from .shape import Axes, ShapeLike, broadcast_shapes
from .tensor import Tensor

__all__ = [
    "broadcast_arrays",
    "broadcast_to",
    "expand_dims",
    "matrix_transpose",
    "permute_dims",
    "reshape",
    "squeeze",
]


def reshape(x: Tensor, /, shape: ShapeLike) -> Tensor:
    """Return `x` with a new shape: a view when strides allow, else a copy (-1 is inferred).

    >>> reshape(mg.arange(6), (2, 3)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    if isinstance(shape, Sequence):
        return x.reshape(tuple(shape))
    return x.reshape(shape)


def broadcast_to(x: Tensor, /, shape: ShapeLike) -> Tensor:
    """Return a view of `x` repeated along size-1 or new leading axes (stride 0), no copy.

    >>> broadcast_to(mg.asarray([1, 2]), (2, 2)).tolist()
    [[1, 2], [1, 2]]
    """
    return x.broadcast_to(shape)


def broadcast_arrays(*tensors: Tensor) -> list[Tensor]:
    """Return views of `tensors` broadcast to their common shape.

    >>> [t.shape for t in broadcast_arrays(mg.zeros((2, 1)), mg.zeros(3))]
    [(2, 3), (2, 3)]
    """
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return [t.broadcast_to(shape) for t in tensors]


def permute_dims(x: Tensor, /, axes: Sequence[SupportsIndex]) -> Tensor:
    """Return the view of `x` whose axis i is axis `axes[i]` of `x`.

    >>> permute_dims(mg.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    return x.permute(axes)


def matrix_transpose(x: Tensor, /) -> Tensor:
    """Return the view of `x` with its last two axes swapped.

    >>> matrix_transpose(mg.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    return x.mT


def expand_dims(x: Tensor, /, axis: SupportsIndex = 0) -> Tensor:
    """Return the view of `x` with a new size-1 axis at `axis`.

    >>> expand_dims(mg.zeros(3), axis=-1).shape
    (3, 1)
    """
    return x.unsqueeze(axis)


def squeeze(x: Tensor, /, axis: Axes = None) -> Tensor:
    """Return the view of `x` without the size-1 axes `axis` (all of them if None).

    >>> squeeze(mg.zeros((1, 3, 1)), axis=0).shape
    (3, 1)
    """
    return x.squeeze(axis)
