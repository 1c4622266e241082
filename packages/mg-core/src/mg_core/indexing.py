"""Basic indexing: turn an index key into the (shape, strides, offset) of a view.

Pure functions on shapes and strides (in elements). Integers (negative count from the end),
slices with any step, `None` (a new axis of size 1) and one `...` give views; advanced
indexing (integer arrays, boolean masks) is not supported yet and raises TypeError.
"""

from __future__ import annotations

import operator
from types import EllipsisType
from typing import Final, SupportsIndex, TypeAlias

from .shape import Shape

__all__ = ["IndexKey", "basic_index"]

IndexItem: TypeAlias = "SupportsIndex | slice | EllipsisType | None"
IndexKey: TypeAlias = "IndexItem | tuple[IndexItem, ...]"


def basic_index(
    key: IndexKey, shape: Shape, strides: Shape, offset: int
) -> tuple[Shape, Shape, int]:
    """Return the (shape, strides, offset) of the view `key` selects.

    Raises IndexError naming the index, axis and size when an integer is out of range.

    >>> basic_index((1, slice(None, None, -1)), (2, 3), (3, 1), 0)
    ((3,), (-1,), 5)
    >>> basic_index((None, 0), (2, 3), (3, 1), 0)
    ((1, 3), (0, 1), 0)
    >>> basic_index(5, (3,), (1,), 0)
    Traceback (most recent call last):
    IndexError: index 5 is out of bounds for axis 0 with size 3
    """
    if isinstance(key, int) and not isinstance(key, bool) and shape:  # t[i]: the common case
        i = _int_index(key, 0, shape[0])
        return shape[1:], strides[1:], offset + i * strides[0]
    items = _expand_ellipsis(key if isinstance(key, tuple) else (key,), len(shape))
    new_shape: list[int] = []
    new_strides: list[int] = []
    axis = 0
    for item in items:
        if item is None:
            new_shape.append(1)
            new_strides.append(0)
            continue
        size, stride = shape[axis], strides[axis]
        if isinstance(item, slice):
            start, stop, step = item.indices(size)
            n = len(range(start, stop, step))
            if n:  # an empty view keeps the offset it had, always inside the storage
                offset += start * stride
            new_shape.append(n)
            new_strides.append(stride * step)
        else:
            offset += _int_index(item, axis, size) * stride
        axis += 1
    return tuple(new_shape), tuple(new_strides), offset


def _expand_ellipsis(items: tuple[IndexItem, ...], ndim: int) -> tuple[IndexItem, ...]:
    """Replace `...` (or its absence at the end) by full slices; check the number of indices."""
    consumed = 0
    at = -1
    for k, item in enumerate(items):
        if item is Ellipsis:  # `is`: items may be arrays, whose == is elementwise
            if at >= 0:
                raise IndexError("an index can only have a single ellipsis ('...')")
            at = k
        elif item is not None:
            consumed += 1
    if consumed > ndim:
        raise IndexError(
            f"too many indices for tensor: tensor is {ndim}-dimensional, "
            f"but {consumed} were indexed"
        )
    fill = (_FULL,) * (ndim - consumed)
    if at < 0:
        return items + fill
    return items[:at] + fill + items[at + 1 :]


_FULL: Final = slice(None)


def _int_index(item: object, axis: int, size: int) -> int:
    if isinstance(item, bool):
        raise TypeError("boolean indices are not supported yet (they would be a mask)")
    try:
        i = operator.index(item)  # type: ignore[arg-type]  # TypeError below explains
    except TypeError:
        raise TypeError(
            "only integers, slices (`:`), ellipsis (`...`) and None are valid indices "
            f"for now; got {type(item).__name__} (advanced indexing is not supported yet)"
        ) from None
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size {size}")
    return i + size if i < 0 else i
