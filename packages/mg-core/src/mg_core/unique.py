"""Unique elements: the array API's unique_values/counts/inverse/all and NumPy's `unique`.

One stable argsort of the flattened input does all the work: in sorted order, a group of
equal elements starts wherever an element differs from the one before it. The first element
of each group is the earliest occurrence (the sort is stable); counts are the gaps between
group starts, and each position's group comes from searching the starts. NaNs are distinct,
as the array API says (NaN != NaN); `unique(..., equal_nan=True)` merges them as NumPy does.
"""

from __future__ import annotations

from typing import NamedTuple

from ._kernels import BinaryOp, Storage, binary
from .creation import arange
from .dtype import bool_
from .searching import nonzero, searchsorted
from .shape import contiguous_strides, size_of
from .sorting import argsort
from .tensor import Tensor, new_tensor

__all__ = [
    "UniqueAllResult",
    "UniqueCountsResult",
    "UniqueInverseResult",
    "unique",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
]


class UniqueAllResult(NamedTuple):
    """The four results of `unique_all`."""

    values: Tensor
    indices: Tensor
    inverse_indices: Tensor
    counts: Tensor


class UniqueCountsResult(NamedTuple):
    """The two results of `unique_counts`."""

    values: Tensor
    counts: Tensor


class UniqueInverseResult(NamedTuple):
    """The two results of `unique_inverse`."""

    values: Tensor
    inverse_indices: Tensor


def unique_all(x: Tensor, /) -> UniqueAllResult:
    """Return the sorted unique values of `x`, their first indices, inverse and counts.

    `indices` index the flattened x; `inverse_indices` has x's shape, and
    `values[inverse_indices]` rebuilds x. Each NaN is its own unique value.

    >>> r = unique_all(mg.asarray([3, 1, 3, 2]))
    >>> r.values, r.indices, r.inverse_indices, r.counts
    (tensor([1, 2, 3], dtype=int64), tensor([1, 3, 0], dtype=int64), \
tensor([2, 0, 2, 1], dtype=int64), tensor([1, 1, 2], dtype=int64))
    """
    return UniqueAllResult(*_unique(x, equal_nan=False))


def unique_counts(x: Tensor, /) -> UniqueCountsResult:
    """Return the sorted unique values of `x` and how often each occurs.

    >>> unique_counts(mg.asarray([2.0, float("nan"), 2.0, float("nan")]))
    UniqueCountsResult(values=tensor([ 2., nan, nan], dtype=float64), \
counts=tensor([2, 1, 1], dtype=int64))
    """
    values, _, _, counts = _unique(x, equal_nan=False)
    return UniqueCountsResult(values, counts)


def unique_inverse(x: Tensor, /) -> UniqueInverseResult:
    """Return the sorted unique values of `x` and, per element of x, its value's index.

    >>> values, inverse = unique_inverse(mg.asarray([[5, 4], [5, 5]]))
    >>> values, inverse.tolist()
    (tensor([4, 5], dtype=int64), [[1, 0], [1, 1]])
    """
    values, _, inverse, _ = _unique(x, equal_nan=False)
    return UniqueInverseResult(values, inverse)


def unique_values(x: Tensor, /) -> Tensor:
    """Return the sorted unique values of `x` (flattened); each NaN is kept.

    >>> unique_values(mg.asarray([[1, 0], [1, 1]]))
    tensor([0, 1], dtype=int64)
    """
    return _unique(x, equal_nan=False)[0]


def unique(
    x: Tensor,
    /,
    *,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    equal_nan: bool = True,
) -> Tensor | tuple[Tensor, ...]:
    """NumPy's `unique` for a flattened input: the values, then the requested extras.

    As NumPy, NaNs count as one value unless equal_nan=False, and `inverse` has x's shape.

    >>> unique(mg.asarray([2, 1, 2]), return_counts=True)
    (tensor([1, 2], dtype=int64), tensor([1, 2], dtype=int64))
    >>> unique(mg.asarray([float("nan"), float("nan")]))
    tensor([nan], dtype=float64)
    """
    values, index, inverse, counts = _unique(x, equal_nan=equal_nan)
    extras = [
        t
        for t, wanted in ((index, return_index), (inverse, return_inverse), (counts, return_counts))
        if wanted
    ]
    return (values, *extras) if extras else values


def _unique(x: Tensor, *, equal_nan: bool) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """values, first indices, inverse (x's shape) and counts."""
    flat = x.reshape(-1)
    n = flat.shape[0]
    order = argsort(flat)
    ordered = flat[order]
    starts = nonzero(_group_starts(ordered, equal_nan))[0]  # sorted positions, ascending
    values = ordered[starts]
    index = order[starts]
    bounds = _append(starts, n)
    counts = bounds[1:] - bounds[:-1]
    # The group of sorted position i is the last start <= i.
    group = searchsorted(starts, arange(n), side="right") - 1
    inverse = new_tensor(Storage.empty("int64", n), group.dtype, (n,), (1,))
    if n:
        inverse[order] = group  # scatter: position order[i] belongs to group[i]
    return values, index, inverse.reshape(x.shape), counts


def _group_starts(ordered: Tensor, equal_nan: bool) -> Tensor:
    """A bool tensor: True where a sorted element differs from the one before it."""
    n = ordered.shape[0]
    starts = new_tensor(Storage.filled("bool", n, 1), bool_, (n,), (1,))
    if n < 2:
        return starts
    after, before = ordered[1:], ordered[:-1]
    differs = _compare(BinaryOp.NOT_EQUAL, after, before)
    if equal_nan and ordered.dtype.kind == "f":
        both_nan = _compare(
            BinaryOp.LOGICAL_AND,
            _compare(BinaryOp.NOT_EQUAL, after, after),
            _compare(BinaryOp.NOT_EQUAL, before, before),
        )
        differs = _compare(BinaryOp.LOGICAL_XOR, differs, both_nan)  # NaN != NaN, so NaN pairs
    starts[1:] = differs
    return starts


def _compare(op: BinaryOp, a: Tensor, b: Tensor) -> Tensor:
    """op(a, b) elementwise into a bool tensor (same shapes, same dtypes)."""
    strides = contiguous_strides(a.shape)
    out = Storage.empty("bool", size_of(a.shape))
    binary(op, out, 0, strides, a.buffer.storage, a.offset, a.strides,
           b.buffer.storage, b.offset, b.strides, a.shape)  # fmt: skip
    return new_tensor(out, bool_, a.shape, strides)


def _append(t: Tensor, value: int) -> Tensor:
    """The 1-d int64 t with `value` appended."""
    n = t.shape[0]
    out = new_tensor(Storage.filled("int64", n + 1, value), t.dtype, (n + 1,), (1,))
    out[:n] = t
    return out
