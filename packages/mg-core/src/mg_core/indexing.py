"""Basic indexing: turn an index key into the (shape, strides, offset) of a view.

Pure functions on shapes and strides (in elements). Integers (negative count from the end),
slices with any step, `None` (a new axis of size 1) and one `...` give views; keys with
integer arrays or boolean masks (`is_advanced_key`) go to advanced_indexing.py, which copies.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Final, SupportsIndex, TypeAlias

from .shape import Shape

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["IndexKey", "basic_index", "expand_ellipsis", "is_advanced_key"]

IndexItem: TypeAlias = "SupportsIndex | slice | EllipsisType | Tensor | list[Any] | None"
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


def is_advanced_key(key: object) -> bool:
    """Return True if `key` has an index array, a list or a boolean (advanced indexing).

    0-d integer tensors and NumPy integers count as integers, as in NumPy.

    >>> is_advanced_key((0, slice(None))), is_advanced_key(([0, 1], 0)), is_advanced_key(True)
    (False, True, True)
    """
    if isinstance(key, list):
        return True
    return any(_is_advanced_item(item) for item in (key if isinstance(key, tuple) else (key,)))


def _is_advanced_item(item: object) -> bool:
    if item is None or item is Ellipsis or isinstance(item, slice):
        return False
    if isinstance(item, bool):
        return True
    if isinstance(item, int):
        return False
    if isinstance(item, (list, tuple)):
        return True
    dtype = getattr(item, "dtype", None)
    if dtype is None:  # anything else: basic_index explains what it takes
        return False
    kind = getattr(dtype, "kind", None)
    return kind == "b" or getattr(item, "ndim", 0) != 0 or kind not in ("i", "u")


def expand_ellipsis(
    items: tuple[Any, ...], ndim: int, consumed: Callable[[object], int]
) -> tuple[Any, ...]:
    """Replace `...` by full slices, where `consumed(item)` counts the axes an item uses.

    >>> expand_ellipsis((0, Ellipsis), 3, lambda item: 1)
    (0, slice(None, None, None), slice(None, None, None))
    """
    return _expand_ellipsis(items, ndim, consumed)


def _expand_ellipsis(
    items: tuple[Any, ...], ndim: int, used: Callable[[object], int] | None = None
) -> tuple[Any, ...]:
    """Replace `...` (or its absence at the end) by full slices; check the number of indices."""
    consumed = 0
    at = -1
    for k, item in enumerate(items):
        if item is Ellipsis:  # `is`: items may be arrays, whose == is elementwise
            if at >= 0:
                raise IndexError("an index can only have a single ellipsis ('...')")
            at = k
        elif used is not None:
            consumed += used(item)
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
            "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
            f"arrays are valid indices; got {type(item).__name__}"
        ) from None
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size {size}")
    return i + size if i < 0 else i
