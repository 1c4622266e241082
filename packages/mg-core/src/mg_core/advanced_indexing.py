"""Advanced indexing: integer index arrays and boolean masks, mixed with basic indices.

The rules are NumPy's. Index arrays (tensors, lists, NumPy arrays) broadcast together; a
boolean mask of ndim k consumes k axes and stands for its `nonzero()` coordinates; once any
index is advanced, integers count as 0-d index arrays. The broadcast index dimensions replace
the advanced indices where they stand when those are adjacent in the key, else they come first.

How: basic indices (slices, None) first give a view with the advanced axes kept whole; each
advanced index then adds `index * stride` into one int64 offset per broadcast position
(`index_offsets` wraps negatives and checks bounds); `gather` copies, `scatter` writes.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from types import EllipsisType
from typing import Final, SupportsIndex, TypeAlias

from ._kernels import Storage, gather, index_offsets, scatter
from .dtype import int64
from .indexing import expand_ellipsis
from .searching import nonzero
from .shape import (
    AxisError,
    Shape,
    broadcast_shapes,
    broadcast_strides,
    contiguous_strides,
    drop_leading_ones,
    size_of,
)
from .tensor import Tensor, new_tensor

__all__ = ["add_at", "advanced_getitem", "advanced_setitem", "take"]

_FULL: Final = slice(None)


@dataclass(frozen=True)
class _Positions:
    """Where advanced indexing reads or writes: base + offsets[i] + rest . rest_strides."""

    base: Tensor  # the basic view; its storage and offset
    offsets: Tensor  # int64, dense, shape `index_shape`
    index_shape: Shape  # the broadcast shape of the index arrays
    rest_shape: Shape  # the view's non-advanced axes, in order
    rest_strides: Shape
    lead: int  # rest axes placed before the index dims in the result (0 unless adjacent)

    @property
    def result_shape(self) -> Shape:
        """The shape `x[key]` has."""
        r = self.rest_shape
        return r[: self.lead] + self.index_shape + r[self.lead :]


def advanced_getitem(x: Tensor, key: object) -> Tensor:
    """Return `x[key]` for a key with index arrays or masks: always a fresh copy.

    >>> x = mg.arange(12).reshape(3, 4)
    >>> advanced_getitem(x, ([0, 2], slice(1, 3)))
    tensor([[ 1,  2],
            [ 9, 10]], dtype=int64)
    >>> advanced_getitem(x, mg.asarray([False, True, False]))
    tensor([[4, 5, 6, 7]], dtype=int64)
    >>> advanced_getitem(x, (slice(None), [4]))
    Traceback (most recent call last):
    IndexError: index 4 is out of bounds for axis 1 with size 4
    """
    p = _positions(x, key)
    count = size_of(p.index_shape)
    inner = size_of(p.rest_shape)
    out = Storage.empty(x.dtype.name, count * inner)
    if count and inner:
        gather(out, 0, p.base.buffer.storage, p.base.offset, p.rest_strides, p.rest_shape,
               p.offsets.buffer.storage, 0, count)  # fmt: skip
    gathered = p.index_shape + p.rest_shape
    t = new_tensor(out, x.dtype, gathered, contiguous_strides(gathered))
    if p.lead == 0:
        return t
    k = len(p.index_shape)
    order = [*range(k, k + p.lead), *range(k), *range(k + p.lead, len(gathered))]
    return t.permute(order).contiguous()


def advanced_setitem(x: Tensor, key: object, value: Tensor) -> None:
    """Write `value` (already x's dtype, broadcast to the indexed shape) at `x[key]`.

    A position that several indices name keeps the last value written there, as in NumPy.

    >>> x = mg.zeros(4, dtype="int64")
    >>> advanced_setitem(x, [3, 0, 3], mg.asarray([1, 2, 5]))
    >>> x
    tensor([2, 0, 0, 5], dtype=int64)
    """
    _scatter_into(x, key, value, accumulate=False)


def add_at(x: Tensor, key: object, values: Tensor) -> None:
    """Add `values` (broadcast to the shape of `x[key]`) into x at `key`, in place.

    NumPy's `np.add.at`: a position that several indices name receives every value (unlike
    `x[key] += values`). Any key (basic or advanced); the sum is in x's dtype (values are
    converted to it; integers wrap). The backward of advanced indexing.

    >>> x = mg.zeros(3, dtype="float32")
    >>> add_at(x, [0, 2, 0], mg.asarray([1.0, 2.0, 3.0]))
    >>> x
    tensor([4., 0., 2.], dtype=float32)
    """
    if values.dtype is not x.dtype:
        values = values.astype(x.dtype)
    _scatter_into(x, key, values, accumulate=True)


def _scatter_into(x: Tensor, key: object, value: Tensor, *, accumulate: bool) -> None:
    p = _positions(x, key)
    if value.ndim > len(p.result_shape):
        value = value.reshape(drop_leading_ones(value.shape, len(p.result_shape)))
    values = value.broadcast_to(p.result_shape)
    k = len(p.index_shape)
    if p.lead:  # to (*index dims, *rest) order, the order the offsets run in
        order = [*range(p.lead, p.lead + k), *range(p.lead), *range(p.lead + k, values.ndim)]
        values = values.permute(order)
    if values.buffer.storage is x.buffer.storage:
        values = values.copy()  # scatter must not read what it writes
    count = size_of(p.index_shape)
    if not count or not size_of(p.rest_shape):
        return
    if k != 1:
        values = values.reshape((count, *p.rest_shape))  # a view when it can be
    scatter(p.base.buffer.storage, p.base.offset, p.rest_strides, p.rest_shape,
            values.buffer.storage, values.offset, values.strides,
            p.offsets.buffer.storage, 0, count, accumulate)  # fmt: skip


def take(x: Tensor, indices: object, /, *, axis: SupportsIndex | None = None) -> Tensor:
    """Return the elements of `x` at `indices` along `axis` (x flattened if None): a copy.

    The array API's take; `indices` may be any integer index array. Negative indices count
    from the end; out of range raises IndexError naming index, axis and size.

    >>> x = mg.asarray([[1, 2, 3], [4, 5, 6]])
    >>> take(x, [2, 0], axis=1)
    tensor([[3, 1],
            [6, 4]], dtype=int64)
    >>> take(x, mg.asarray([-1]))
    tensor([6], dtype=int64)
    """
    if axis is None:
        if x.ndim != 1:
            x = x.reshape(-1)
        axis = 0
    a = operator.index(axis)
    if not -x.ndim <= a < x.ndim:
        raise AxisError(f"axis {a} is out of bounds for tensor of dimension {x.ndim}")
    a %= x.ndim
    index = _as_index_tensor(indices, check=False)
    if index.dtype.kind not in "iu":
        raise IndexError(f"take: indices must have an integer dtype, got {index.dtype}")
    return advanced_getitem(x, (_FULL,) * a + (index,))


# --- the key ------------------------------------------------------------------------------


def _positions(x: Tensor, key: object) -> _Positions:
    """Resolve an advanced key against x: the basic view, the offsets and the result layout."""
    normalized = tuple(_normalize_items(key))
    expanded = expand_ellipsis(normalized, x.ndim, _consumed)
    if len(expanded) < len(normalized):  # `...` for no axis still separates, as in NumPy
        at = next(k for k, item in enumerate(normalized) if item is Ellipsis)  # no ==
        expanded = (*expanded[:at], Ellipsis, *expanded[at:])
    items = _expand_masks(x, expanded)
    # After the masks, each item is None, a slice, an int, an integer index tensor, an
    # _OnNewAxis, or the Ellipsis marker of an empty `...`.
    advanced = [
        k
        for k, item in enumerate(items)
        if not (item is None or item is Ellipsis or isinstance(item, slice))
    ]
    basic_key: list[slice | None] = []
    view_axis: dict[int, int] = {}  # item position -> axis of the basic view
    source_axis: dict[int, int] = {}  # item position -> axis of x (for messages)
    axis = 0
    for k, item in enumerate(items):
        if item is Ellipsis:  # only the separating marker is left
            continue
        if item is None:
            basic_key.append(None)
            continue
        if isinstance(item, _OnNewAxis):  # indexes an axis of length 1 it adds itself
            view_axis[k] = len(basic_key)
            source_axis[k] = axis
            basic_key.append(None)
            continue
        view_axis[k] = len(basic_key)
        source_axis[k] = axis
        basic_key.append(item if isinstance(item, slice) else _FULL)
        axis += 1
    base = x[tuple(basic_key)]
    index_tensors = [_as_int_tensor(items[k]) for k in advanced]
    try:
        index_shape = broadcast_shapes(*(t.shape for t in index_tensors))
    except ValueError:
        arrays = [t for k, t in zip(advanced, index_tensors, strict=True) if not _is_int(items[k])]
        shapes = " ".join(_numpy_shape(t.shape) for t in arrays)  # NumPy leaves ints out
        raise IndexError(
            f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}"
        ) from None
    count = size_of(index_shape)
    offsets = Storage.empty(int64.name, count)
    for n, (k, t) in enumerate(zip(advanced, index_tensors, strict=True)):
        v = view_axis[k]
        strides = broadcast_strides(t.shape, t.strides, index_shape)
        index_offsets(offsets, 0, t.buffer.storage, t.offset, strides, index_shape,
                      base.shape[v], source_axis[k], base.strides[v], n > 0)  # fmt: skip
    if not advanced:  # slices only (add_at): one position, offset 0 from the view
        offsets = Storage.filled(int64.name, 1, 0)
    rest = [v for v in range(base.ndim) if v not in {view_axis[k] for k in advanced}]
    adjacent = not advanced or advanced == list(range(advanced[0], advanced[-1] + 1))
    first = view_axis[advanced[0]] if advanced else 0
    return _Positions(
        base=base,
        offsets=new_tensor(offsets, int64, index_shape, contiguous_strides(index_shape)),
        index_shape=index_shape,
        rest_shape=tuple(base.shape[v] for v in rest),
        rest_strides=tuple(base.strides[v] for v in rest),
        lead=sum(1 for v in rest if v < first) if adjacent else 0,
    )


@dataclass(frozen=True)
class _OnNewAxis:
    """A 0-d boolean mask: an index array over a new axis of length 1 (NumPy's x[True])."""

    index: Tensor


_Item: TypeAlias = "Tensor | slice | int | _OnNewAxis | EllipsisType | None"


def _normalize_items(key: object) -> list[_Item]:
    """Each index item as a slice, None, `...`, an int, or a Tensor (arrays, lists, bools)."""
    raw: Sequence[object] = key if isinstance(key, tuple) else (key,)
    items: list[_Item] = []
    for item in raw:
        if item is None or isinstance(item, slice):
            items.append(item)
        elif item is Ellipsis:
            items.append(Ellipsis)
        elif isinstance(item, bool):
            items.append(_as_index_tensor(item))
        elif isinstance(item, int):
            items.append(item)
        elif _is_integer_scalar(item):
            items.append(operator.index(item))  # type: ignore[arg-type]  # has __index__
        else:
            items.append(_as_index_tensor(item))
    return items


def _is_integer_scalar(item: object) -> bool:
    """A 0-d integer tensor or NumPy integer: an int, as NumPy treats it."""
    if getattr(item, "ndim", None) == 0:
        return getattr(getattr(item, "dtype", None), "kind", None) in ("i", "u")
    return hasattr(item, "__index__") and not hasattr(item, "ndim")


def _consumed(item: object) -> int:
    """How many axes of the indexed tensor an item uses up."""
    if item is None or item is Ellipsis:
        return 0
    if isinstance(item, Tensor) and item.dtype.kind == "b":
        return item.ndim
    return 1


def _expand_masks(x: Tensor, items: tuple[object, ...]) -> list[_Item]:
    """Replace each boolean mask by the integer index tensors of its nonzero coordinates."""
    out: list[_Item] = []
    axis = 0
    for item in items:
        if isinstance(item, Tensor) and item.dtype.kind == "b":
            if item.ndim == 0:  # x[True]: a new axis of length 1, indexed by [0] or []
                out.append(_OnNewAxis(_as_index_tensor([0] if item.item() else [])))
                continue
            for d, n in enumerate(item.shape):
                size = x.shape[axis + d]
                if n != size:
                    raise IndexError(
                        f"boolean index did not match indexed tensor along axis {axis + d}; "
                        f"size of axis is {size} but size of corresponding boolean axis is {n}"
                    )
            out.extend(nonzero(item))
            axis += item.ndim
            continue
        out.append(item)  # type: ignore[arg-type]  # the items _normalize_items made
        if item is not None and item is not Ellipsis:
            axis += 1
    return out


def _as_index_tensor(obj: object, *, check: bool = True) -> Tensor:
    """An index array as a Tensor; an empty list is an (empty) int64 index, as in NumPy.

    With `check`, IndexError unless its dtype is integer or bool."""
    from .creation import asarray

    if isinstance(obj, (list, tuple)) and len(obj) == 0:
        return new_tensor(Storage.empty(int64.name, 0), int64, (0,), (1,))
    t = asarray(obj)  # type: ignore[arg-type]  # asarray raises TypeError for the rest
    if check and t.dtype.kind not in "biu":
        raise IndexError(
            "arrays used as indices must be of integer (or boolean) type, "
            f"got {t.dtype} (only integers, slices (`:`), ellipsis (`...`), None and "
            "integer or boolean arrays are valid indices)"
        )
    return t


def _is_int(item: object) -> bool:
    return isinstance(item, int)


def _numpy_shape(shape: Shape) -> str:
    """A shape as NumPy's messages print it: (2,), (1,3), ()."""
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ",".join(map(str, shape)) + ")"


def _as_int_tensor(item: object) -> Tensor:
    if isinstance(item, _OnNewAxis):
        return item.index
    if isinstance(item, Tensor):
        return item
    return new_tensor(Storage.filled(int64.name, 1, operator.index(item)), int64, (), ())  # type: ignore[arg-type]
