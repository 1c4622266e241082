"""Pure helpers on shapes and strides: broadcasting, contiguity, axes, reshape-as-view.

Strides here are counted in ELEMENTS, as the kernels take them (NumPy counts bytes).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import lru_cache
from typing import SupportsIndex, TypeAlias

__all__ = [
    "Axes",
    "AxisError",
    "Shape",
    "ShapeLike",
    "as_shape",
    "broadcast_shapes",
    "broadcast_strides",
    "check_view",
    "contiguous_strides",
    "dense_layout",
    "drop_leading_ones",
    "flatten_dims",
    "is_contiguous",
    "normalize_axes",
    "normalize_axis",
    "reshape_strides",
    "resolve_shape",
    "size_of",
]

Shape: TypeAlias = tuple[int, ...]
ShapeLike: TypeAlias = "SupportsIndex | Sequence[SupportsIndex]"
Axes: TypeAlias = "SupportsIndex | Sequence[SupportsIndex] | None"
"""An axis, several axes, or None for all of them."""


class AxisError(ValueError, IndexError):
    """An axis is out of range for the tensor's rank (a ValueError and an IndexError, as in NumPy).

    >>> normalize_axis(2, 2)
    Traceback (most recent call last):
    mg_core.shape.AxisError: axis 2 is out of bounds for tensor of dimension 2
    """


def as_shape(shape: ShapeLike) -> Shape:
    """Return `shape` (an int or a sequence of ints) as a tuple.

    ValueError if a size is negative, or if the product of the non-zero sizes does not fit in
    int64 (NumPy's rule, zeros ignored: the shape is refused before any allocation is tried).

    >>> as_shape(3), as_shape([2, 3])
    ((3,), (2, 3))
    >>> as_shape((2, -1))
    Traceback (most recent call last):
    ValueError: negative dimension -1 in shape (2, -1)
    >>> as_shape((2**62, 4))
    Traceback (most recent call last):
    ValueError: shape (4611686018427387904, 4) has more elements than fit in int64
    """
    if isinstance(shape, Sequence):
        dims = tuple(operator.index(d) for d in shape)
    else:
        dims = (operator.index(shape),)
    n = 1
    for d in dims:
        if d < 0:
            raise ValueError(f"negative dimension {d} in shape {dims}")
        n *= max(d, 1)
    if n > _INT64_MAX:
        raise ValueError(f"shape {dims} has more elements than fit in int64")
    return dims


_INT64_MAX = 2**63 - 1


def size_of(shape: Shape) -> int:
    """Return the number of elements of a tensor of this shape.

    >>> size_of((2, 3)), size_of(())
    (6, 1)
    """
    n = 1
    for d in shape:
        n *= d
    return n


@lru_cache(maxsize=1024)
def dense_layout(shape: Shape) -> tuple[int, Shape]:
    """Return (size, C-order strides) of `shape`: one cached lookup for the hot paths.

    >>> dense_layout((2, 3))
    (6, (3, 1))
    """
    return size_of(shape), contiguous_strides(shape)


@lru_cache(maxsize=1024)
def contiguous_strides(shape: Shape) -> Shape:
    """Return the C-order (row-major) strides of `shape`, in elements.

    >>> contiguous_strides((2, 3, 4))
    (12, 4, 1)
    """
    strides = [1] * len(shape)
    step = 1
    for i in range(len(shape) - 1, -1, -1):
        strides[i] = step
        step *= max(shape[i], 1)
    return tuple(strides)


def is_contiguous(shape: Shape, strides: Shape) -> bool:
    """Return True if elements are laid out in C order with no gaps (size-1 axes may differ).

    >>> is_contiguous((2, 3), (3, 1)), is_contiguous((2, 3), (1, 2)), is_contiguous((1, 3), (7, 1))
    (True, False, True)
    """
    if 0 in shape:
        return True
    step = 1
    for d, s in zip(reversed(shape), reversed(strides), strict=True):
        if d != 1:
            if s != step:
                return False
            step *= d
    return True


def broadcast_shapes(*shapes: Shape) -> Shape:
    """Return the shape that `shapes` broadcast to (NumPy rules).

    Raises ValueError naming two shapes that conflict.

    >>> broadcast_shapes((3, 1), (4,))
    (3, 4)
    >>> broadcast_shapes((3, 4), (5, 4))
    Traceback (most recent call last):
    ValueError: cannot broadcast shapes (3, 4) and (5, 4)
    """
    if len(shapes) == 2 and shapes[0] == shapes[1]:
        return tuple(shapes[0])
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for k, shape in enumerate(shapes):
        for i, d in enumerate(shape, ndim - len(shape)):
            if d == out[i] or d == 1:
                continue
            if out[i] != 1:
                raise ValueError(_conflict(shapes[:k], shape, i - ndim))
            out[i] = d
    return tuple(out)


def drop_leading_ones(shape: Shape, ndim: int) -> Shape:
    """Return `shape` without its leading size-1 axes beyond `ndim` dimensions.

    NumPy lets the value of ``x[key] = value`` have more dimensions than ``x[key]`` if the
    extra leading ones have size 1. A shape whose extra axes are not all 1 is returned as is,
    so broadcasting reports it.

    >>> drop_leading_ones((1, 1, 3), 1), drop_leading_ones((2, 3), 1)
    ((3,), (2, 3))
    """
    extra = len(shape) - ndim
    if extra <= 0 or any(n != 1 for n in shape[:extra]):
        return shape
    return shape[extra:]


def broadcast_strides(shape: Shape, strides: Shape, out_shape: Shape) -> Shape:
    """Return strides that read (shape, strides) as `out_shape`: 0 on broadcast axes.

    Raises ValueError if `shape` does not broadcast to `out_shape`.

    >>> broadcast_strides((3, 1), (1, 1), (2, 3, 4))
    (0, 1, 0)
    >>> broadcast_strides((3,), (1,), (4,))
    Traceback (most recent call last):
    ValueError: cannot broadcast shape (3,) to shape (4,)
    """
    if shape == out_shape:
        return strides
    pad = len(out_shape) - len(shape)
    if pad < 0:
        raise ValueError(f"cannot broadcast shape {shape} to shape {out_shape}")
    out = [0] * len(out_shape)
    for i, (d, s) in enumerate(zip(shape, strides, strict=True), pad):
        if d == out_shape[i]:
            out[i] = s
        elif d != 1:
            raise ValueError(f"cannot broadcast shape {shape} to shape {out_shape}")
    return tuple(out)


def _conflict(earlier: Sequence[Shape], shape: Shape, axis: int) -> str:
    """Name an earlier shape whose size at `axis` (counted from the end) clashes with `shape`."""
    mine = shape[axis]
    other = next(s for s in earlier if len(s) >= -axis and s[axis] not in (1, mine))
    return f"cannot broadcast shapes {other} and {shape}"


def normalize_axis(axis: SupportsIndex, ndim: int) -> int:
    """Return `axis` in range(ndim), counting negative axes from the end; AxisError if outside.

    >>> normalize_axis(-1, 3)
    2
    """
    ax = operator.index(axis)
    if not -ndim <= ax < ndim:
        raise AxisError(f"axis {ax} is out of bounds for tensor of dimension {ndim}")
    return ax + ndim if ax < 0 else ax


def normalize_axes(axis: Axes, ndim: int) -> Shape:
    """Return the sorted axes named by `axis` (None means all); ValueError on duplicates.

    >>> normalize_axes((-1, 0), 3), normalize_axes(None, 2)
    ((0, 2), (0, 1))
    >>> normalize_axes((1, -1), 2)
    Traceback (most recent call last):
    ValueError: duplicate value in 'axis': (1, -1) names axis 1 twice for a tensor of dimension 2
    """
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int or not isinstance(axis, Sequence):  # int first: an ABC check is slow
        return (normalize_axis(axis, ndim),)
    axes = [normalize_axis(a, ndim) for a in axis]
    for i, a in enumerate(axes):
        if a in axes[:i]:
            raise ValueError(
                f"duplicate value in 'axis': {tuple(axis)} names axis {a} twice "
                f"for a tensor of dimension {ndim}"
            )
    return tuple(sorted(axes))


def reshape_strides(shape: Shape, strides: Shape, new_shape: Shape) -> Shape | None:
    """Return strides that view (shape, strides) as `new_shape` without a copy, or None.

    Sizes must match. Works run by run: each group of old axes that merges or splits must be
    contiguous within itself (the algorithm of NumPy's `_attempt_nocopy_reshape`).

    >>> reshape_strides((2, 3), (3, 1), (3, 2))
    (2, 1)
    >>> reshape_strides((2, 3), (1, 2), (6,)) is None  # a transposed tensor cannot flatten
    True
    """
    old = [(d, s) for d, s in zip(shape, strides, strict=True) if d != 1]
    if size_of(new_shape) == 0 or not old:
        return contiguous_strides(new_shape)
    out = [0] * len(new_shape)
    oi = ni = 0
    while ni < len(new_shape) and oi < len(old):
        if new_shape[ni] == 1:
            ni += 1
            continue
        o_end, n_end = oi + 1, ni + 1
        o_size, n_size = old[oi][0], new_shape[ni]
        while o_size != n_size:
            if o_size < n_size:
                o_size *= old[o_end][0]
                o_end += 1
            else:
                n_size *= new_shape[n_end]
                n_end += 1
        for k in range(oi, o_end - 1):
            if old[k][1] != old[k + 1][0] * old[k + 1][1]:
                return None
        step = old[o_end - 1][1]
        for k in range(n_end - 1, ni - 1, -1):
            out[k] = step
            step *= new_shape[k]
        oi, ni = o_end, n_end
    return tuple(out)


def check_view(n: int, shape: Shape, strides: Shape, offset: int) -> None:
    """Raise ValueError unless every element of the view lies in a buffer of `n` elements.

    >>> check_view(6, (2, 3), (3, 1), 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: view of shape (2, 3), strides (3, 1), offset 1 reaches elements 1..6, outside ...
    """
    if len(strides) != len(shape):
        raise ValueError(f"strides {strides} do not match shape {shape}")
    if size_of(shape):
        low = offset + sum(s * (d - 1) for d, s in zip(shape, strides, strict=True) if s < 0)
        high = offset + sum(s * (d - 1) for d, s in zip(shape, strides, strict=True) if s > 0)
        if low < 0 or high >= n:
            raise ValueError(
                f"view of shape {shape}, strides {strides}, offset {offset} reaches elements "
                f"{low}..{high}, outside a buffer of {n} elements"
            )


def flatten_dims(args: tuple[SupportsIndex | Sequence[SupportsIndex], ...]) -> list[int]:
    """Return f(2, 3) and f((2, 3)) arguments as one list of ints, as NumPy and PyTorch accept.

    >>> flatten_dims((2, 3)), flatten_dims(([2, 3],))
    ([2, 3], [2, 3])
    """
    if len(args) == 1 and isinstance(args[0], Sequence):
        return [operator.index(a) for a in args[0]]
    return [operator.index(a) for a in args]  # type: ignore[arg-type]  # ints here


def resolve_shape(args: tuple[SupportsIndex | Sequence[SupportsIndex], ...], size: int) -> Shape:
    """Return the shape that reshape arguments `args` name for `size` elements (-1 inferred).

    >>> resolve_shape((3, -1), 6)
    (3, 2)
    >>> resolve_shape(((4,),), 6)
    Traceback (most recent call last):
    ValueError: cannot reshape tensor of size 6 into shape (4,)
    """
    dims = flatten_dims(args)
    unknown = [i for i, d in enumerate(dims) if d == -1]
    if len(unknown) > 1 or any(d < -1 for d in dims):
        raise ValueError(f"invalid shape {tuple(dims)}: sizes must be >= 0, one may be -1")
    if unknown:
        known = size_of(tuple(d for d in dims if d != -1))
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape tensor of size {size} into shape {tuple(dims)}")
        dims[unknown[0]] = size // known
    if size_of(tuple(dims)) != size:
        raise ValueError(f"cannot reshape tensor of size {size} into shape {tuple(dims)}")
    return tuple(dims)
