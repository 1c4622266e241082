"""Shape manipulation: views that never copy (except reshape when strides forbid a view).

The array API functions; Tensor's methods (`reshape`, `permute`, `squeeze`, ...) call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import SupportsIndex

from .shape import (
    Axes,
    Shape,
    ShapeLike,
    as_shape,
    broadcast_shapes,
    broadcast_strides,
    contiguous_strides,
    normalize_axes,
    normalize_axis,
    reshape_strides,
    resolve_shape,
    size_of,
)
from .tensor import Tensor, make_tensor

__all__ = [
    "broadcast_arrays",
    "broadcast_to",
    "expand_dims",
    "flip",
    "matrix_transpose",
    "moveaxis",
    "permute_dims",
    "reshape",
    "reshape_plan",
    "squeeze",
    "unstack",
]


def reshape(x: Tensor, /, shape: ShapeLike) -> Tensor:
    """Return the elements of `x` with a new shape: a view when strides allow, else a copy.

    One size may be -1 (inferred). ValueError if the sizes do not match.

    >>> reshape(mg.arange(6), (2, -1))
    tensor([[0, 1, 2],
            [3, 4, 5]], dtype=int64)
    >>> reshape(mg.arange(6), 4)
    Traceback (most recent call last):
    ValueError: cannot reshape tensor of size 6 into shape (4,)
    """
    new = resolve_shape((shape,), x.size)
    strides = reshape_strides(x.shape, x.strides, new)
    if strides is None:
        dense = x.copy()
        return make_tensor(dense.buffer, new, contiguous_strides(new), 0)
    return make_tensor(x.buffer, new, strides, x.offset)


@lru_cache(maxsize=1024)
def reshape_plan(
    shape: Shape, strides: Shape, dims: tuple[SupportsIndex, ...]
) -> tuple[Shape, Shape | None]:
    """Return (new shape, view strides or None if a copy is needed): `Tensor.reshape`'s cache.

    `dims` are the arguments as given (one may be -1); raises like `reshape`.

    >>> reshape_plan((2, 3), (3, 1), (3, -1))
    ((3, 2), (2, 1))
    """
    new = resolve_shape((dims,), size_of(shape))
    return new, reshape_strides(shape, strides, new)


def broadcast_to(x: Tensor, /, shape: ShapeLike) -> Tensor:
    """Return a view of `x` repeated along size-1 or new leading axes (stride 0), no copy.

    Its repeated elements share memory: write into `x`, not into this view.

    >>> broadcast_to(mg.asarray([1, 2]), (2, 2)).tolist()
    [[1, 2], [1, 2]]
    >>> broadcast_to(mg.zeros(3), (4,))
    Traceback (most recent call last):
    ValueError: cannot broadcast shape (3,) to shape (4,)
    """
    new = as_shape(shape)
    return make_tensor(x.buffer, new, broadcast_strides(x.shape, x.strides, new), x.offset)


def broadcast_arrays(*tensors: Tensor) -> list[Tensor]:
    """Return views of `tensors` broadcast to their common shape.

    >>> [t.shape for t in broadcast_arrays(mg.zeros((2, 1)), mg.zeros(3))]
    [(2, 3), (2, 3)]
    """
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return [broadcast_to(t, shape) for t in tensors]


def permute_dims(x: Tensor, /, axes: Sequence[SupportsIndex]) -> Tensor:
    """Return the view of `x` whose axis i is axis `axes[i]` of `x`.

    >>> permute_dims(mg.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    >>> permute_dims(mg.zeros((2, 3)), (0, 0))
    Traceback (most recent call last):
    ValueError: permute: (0, 0) is not a permutation of the 2 axes
    """
    order = [normalize_axis(a, x.ndim) for a in axes]
    if sorted(order) != list(range(x.ndim)):
        raise ValueError(f"permute: {tuple(axes)} is not a permutation of the {x.ndim} axes")
    shape = tuple([x.shape[a] for a in order])
    return make_tensor(x.buffer, shape, tuple([x.strides[a] for a in order]), x.offset)


def matrix_transpose(x: Tensor, /) -> Tensor:
    """Return the view of `x` with its last two axes swapped.

    >>> matrix_transpose(mg.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    return x.transpose(-2, -1)


def expand_dims(x: Tensor, /, axis: SupportsIndex = 0) -> Tensor:
    """Return the view of `x` with a new size-1 axis at position `axis` of the result.

    >>> expand_dims(mg.zeros(3), axis=-1).shape
    (3, 1)
    """
    a = normalize_axis(axis, x.ndim + 1)
    shape = (*x.shape[:a], 1, *x.shape[a:])
    return make_tensor(x.buffer, shape, (*x.strides[:a], 0, *x.strides[a:]), x.offset)


def squeeze(x: Tensor, /, axis: Axes = None) -> Tensor:
    """Return the view of `x` without the size-1 axes `axis` (all of them if None).

    >>> squeeze(mg.zeros((1, 3, 1)), axis=0).shape
    (3, 1)
    >>> squeeze(mg.zeros((1, 3)), axis=1)
    Traceback (most recent call last):
    ValueError: cannot squeeze axis 1 of size 3 in (1, 3)
    """
    if axis is None:
        axes = tuple(i for i, d in enumerate(x.shape) if d == 1)
    else:
        axes = normalize_axes(axis, x.ndim)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"cannot squeeze axis {a} of size {x.shape[a]} in {x.shape}")
    keep = [i for i in range(x.ndim) if i not in axes]
    shape = tuple([x.shape[i] for i in keep])
    return make_tensor(x.buffer, shape, tuple([x.strides[i] for i in keep]), x.offset)


def flip(x: Tensor, /, *, axis: Axes = None) -> Tensor:
    """Return the view of `x` with the order of elements reversed along `axis` (all if None).

    A negative stride, no copy.

    >>> flip(mg.asarray([[1, 2], [3, 4]]), axis=1)
    tensor([[2, 1],
            [4, 3]], dtype=int64)
    """
    axes = normalize_axes(axis, x.ndim)
    strides = list(x.strides)
    offset = x.offset
    for a in axes:
        if x.shape[a] > 1:  # an empty or size-1 axis reads no other element
            offset += (x.shape[a] - 1) * strides[a]
            strides[a] = -strides[a]
    return make_tensor(x.buffer, x.shape, tuple(strides), offset)


def moveaxis(
    x: Tensor,
    source: SupportsIndex | Sequence[SupportsIndex],
    destination: SupportsIndex | Sequence[SupportsIndex],
    /,
) -> Tensor:
    """Return the view of `x` with axes `source` moved to positions `destination`.

    >>> moveaxis(mg.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    >>> moveaxis(mg.zeros((2, 3)), (0, 1), 0)
    Traceback (most recent call last):
    ValueError: moveaxis: 2 source axes but 1 destinations
    """
    src, dst = _axis_list(source, x.ndim), _axis_list(destination, x.ndim)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: {len(src)} source axes but {len(dst)} destinations")
    order = [a for a in range(x.ndim) if a not in src]
    for d, a in sorted(zip(dst, src, strict=True)):
        order.insert(d, a)
    return permute_dims(x, order)


def _axis_list(axes: SupportsIndex | Sequence[SupportsIndex], ndim: int) -> list[int]:
    """Axes in the order given (not sorted, unlike `normalize_axes`); ValueError on repeats."""
    items = list(axes) if isinstance(axes, Sequence) else [axes]
    out = [normalize_axis(a, ndim) for a in items]
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {tuple(out)}")
    return out


def unstack(x: Tensor, /, *, axis: SupportsIndex = 0) -> tuple[Tensor, ...]:
    """Return the views of `x` along `axis`, one per index (the inverse of `stack`).

    >>> [t.tolist() for t in unstack(mg.asarray([[1, 2], [3, 4]]), axis=1)]
    [[1, 3], [2, 4]]
    """
    a = normalize_axis(axis, x.ndim)
    lead = (slice(None),) * a
    return tuple(x[(*lead, i)] for i in range(x.shape[a]))
