"""Shape ops that build a new tensor from copies of pieces: concat, stack, tile, repeat, pad,
roll, tril/triu; and `split`, which returns views.

Everything here runs on the kernels' strided `copy` (which also converts dtypes): the result
is allocated once with `Storage.empty` and each piece is written into its own strided view of
it, or a stride-0 view is copied out (tile, repeat). No elementwise arithmetic is involved.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from typing import SupportsIndex

from ._kernels import Storage
from ._kernels import copy as copy_kernel
from .buffer import Scalar
from .dtype import DType, result_type
from .shape import (
    Axes,
    Shape,
    broadcast_strides,
    contiguous_strides,
    normalize_axes,
    normalize_axis,
    size_of,
)
from .tensor import Tensor, make_tensor, new_tensor

__all__ = [
    "concat",
    "copy_into",
    "empty_tensor",
    "pad",
    "repeat",
    "roll",
    "split",
    "stack",
    "tile",
    "tril",
    "triu",
]


def empty_tensor(shape: Shape, dtype: DType) -> Tensor:
    """Return an uninitialised C-contiguous tensor (every element must be written).

    >>> empty_tensor((2, 3), mg.int32).strides
    (3, 1)
    """
    return new_tensor(Storage.empty(dtype.name, size_of(shape)), dtype, shape,
                      contiguous_strides(shape))  # fmt: skip


def copy_into(target: Tensor, src: Tensor) -> None:
    """Write `src` (broadcast, converted to target's dtype) into the view `target`.

    The caller makes sure the two do not overlap.

    >>> t = mg.zeros(3)
    >>> copy_into(t[1:], mg.asarray([5]))
    >>> t
    tensor([0., 5., 5.], dtype=float64)
    """
    strides = broadcast_strides(src.shape, src.strides, target.shape)
    if target.size:
        copy_kernel(target.buffer.storage, target.offset, target.strides,
                    src.buffer.storage, src.offset, strides, target.shape)  # fmt: skip


def _along(t: Tensor, axis: int, start: int, stop: int) -> Tensor:
    """The view t[..., start:stop, ...] with the slice on `axis`."""
    key = (slice(None),) * axis + (slice(start, stop),)
    return t[key]


def concat(tensors: Sequence[Tensor], /, *, axis: SupportsIndex | None = 0) -> Tensor:
    """Join tensors along an existing axis (all of them flattened if `axis` is None).

    The dtype is `result_type` of the inputs. ValueError if the other sizes differ.

    >>> concat([mg.asarray([[1, 2]]), mg.asarray([[3, 4], [5, 6]])])
    tensor([[1, 2],
            [3, 4],
            [5, 6]], dtype=int64)
    >>> concat([mg.zeros((1, 2)), mg.zeros((1, 3))])
    Traceback (most recent call last):
    ValueError: concat: shapes (1, 2) and (1, 3) differ outside axis 0
    """
    if not tensors:
        raise ValueError("concat needs at least one tensor")
    if axis is None:
        tensors = [t.reshape(-1) for t in tensors]
        axis = 0
    first = tensors[0]
    ax = normalize_axis(axis, first.ndim)
    for t in tensors[1:]:
        if t.ndim != first.ndim or t.shape[:ax] + t.shape[ax + 1 :] != (
            first.shape[:ax] + first.shape[ax + 1 :]
        ):
            raise ValueError(f"concat: shapes {first.shape} and {t.shape} differ outside axis {ax}")
    total = sum(t.shape[ax] for t in tensors)
    out = empty_tensor((*first.shape[:ax], total, *first.shape[ax + 1 :]), result_type(*tensors))
    start = 0
    for t in tensors:
        stop = start + t.shape[ax]
        copy_into(_along(out, ax, start, stop), t)
        start = stop
    return out


def stack(tensors: Sequence[Tensor], /, *, axis: SupportsIndex = 0) -> Tensor:
    """Join tensors of one shape along a new axis at position `axis` of the result.

    >>> stack([mg.asarray([1, 2]), mg.asarray([3, 4])], axis=1)
    tensor([[1, 3],
            [2, 4]], dtype=int64)
    """
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    for t in tensors[1:]:
        if t.shape != tensors[0].shape:
            raise ValueError(
                f"stack: all shapes must be equal, got {tensors[0].shape} and {t.shape}"
            )
    ax = normalize_axis(axis, tensors[0].ndim + 1)
    return concat([t.unsqueeze(ax) for t in tensors], axis=ax)


def split(
    x: Tensor, indices_or_sections: SupportsIndex | Sequence[SupportsIndex], axis: SupportsIndex = 0
) -> list[Tensor]:
    """Return views of `x` cut along `axis` (NumPy's split): into N equal parts, or at indices.

    ValueError if N parts cannot be equal.

    >>> [t.tolist() for t in split(mg.arange(6), 3)]
    [[0, 1], [2, 3], [4, 5]]
    >>> [t.tolist() for t in split(mg.arange(5), [2, 3])]
    [[0, 1], [2], [3, 4]]
    """
    ax = normalize_axis(axis, x.ndim)
    n = x.shape[ax]
    if isinstance(indices_or_sections, Sequence):
        cuts = [operator.index(i) for i in indices_or_sections]
    else:
        parts = operator.index(indices_or_sections)
        if parts <= 0 or n % parts:
            raise ValueError(f"split: {n} elements along axis {ax} do not divide into {parts}")
        cuts = [k * (n // parts) for k in range(1, parts)]
    bounds = [0, *cuts, n]
    return [_along(x, ax, a, b) for a, b in itertools.pairwise(bounds)]  # slice semantics, as NumPy


def tile(x: Tensor, reps: SupportsIndex | Sequence[SupportsIndex]) -> Tensor:
    """Return `x` repeated `reps` times along each axis (NumPy's tile).

    >>> tile(mg.asarray([[1, 2]]), (2, 2))
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]], dtype=int64)
    """
    counts = (
        [operator.index(r) for r in reps] if isinstance(reps, Sequence) else [operator.index(reps)]
    )
    if any(r < 0 for r in counts):
        raise ValueError(f"tile: negative repetition in {tuple(counts)}")
    ndim = max(len(counts), x.ndim)
    counts = [1] * (ndim - len(counts)) + counts
    shape = (1,) * (ndim - x.ndim) + x.shape
    strides = (0,) * (ndim - x.ndim) + x.strides
    wide = make_tensor(x.buffer, _interleave(counts, shape), _interleave([0] * ndim, strides),
                       x.offset)  # fmt: skip
    return wide.copy().reshape([r * d for r, d in zip(counts, shape, strict=True)])


def _interleave(a: Sequence[int], b: Sequence[int]) -> Shape:
    return tuple(v for pair in zip(a, b, strict=True) for v in pair)


def repeat(
    x: Tensor, repeats: SupportsIndex | Sequence[SupportsIndex], axis: SupportsIndex | None = None
) -> Tensor:
    """Repeat each element `repeats` times along `axis` (flattened first if None), as NumPy.

    `repeats` is one count or one count per element along the axis.

    >>> repeat(mg.asarray([[1, 2], [3, 4]]), 2, axis=1)
    tensor([[1, 1, 2, 2],
            [3, 3, 4, 4]], dtype=int64)
    >>> repeat(mg.asarray([1, 2, 3]), [0, 1, 2])
    tensor([2, 3, 3], dtype=int64)
    """
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    ax = normalize_axis(axis, x.ndim)
    n = x.shape[ax]
    if isinstance(repeats, Sequence):
        counts = [operator.index(r) for r in repeats]
        if len(counts) != n or any(r < 0 for r in counts):
            raise ValueError(f"repeat: need {n} non-negative counts along axis {ax}, got {counts}")
        pieces = [repeat(_along(x, ax, i, i + 1), c, ax) for i, c in enumerate(counts)]
        return concat(pieces, axis=ax) if pieces else x.copy()
    r = operator.index(repeats)
    if r < 0:
        raise ValueError(f"repeat: negative count {r}")
    shape = (*x.shape[: ax + 1], r, *x.shape[ax + 1 :])
    strides = (*x.strides[: ax + 1], 0, *x.strides[ax + 1 :])
    wide = make_tensor(x.buffer, shape, strides, x.offset).copy()
    return wide.reshape((*x.shape[:ax], n * r, *x.shape[ax + 1 :]))


def pad(
    x: Tensor,
    pad_width: SupportsIndex | Sequence[SupportsIndex] | Sequence[Sequence[SupportsIndex]],
    mode: str = "constant",
    constant_values: Scalar = 0,
) -> Tensor:
    """Return `x` with `constant_values` added before and after each axis (NumPy's pad).

    `pad_width` is n, (before, after), or one (before, after) per axis.

    >>> pad(mg.asarray([[1, 2]]), ((1, 0), (0, 2)))
    tensor([[0, 0, 0, 0],
            [1, 2, 0, 0]], dtype=int64)
    """
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    widths = _pad_widths(pad_width, x.ndim)
    shape = tuple(b + d + a for (b, a), d in zip(widths, x.shape, strict=True))
    out = _creation.full(shape, constant_values, x.dtype)
    interior = out[tuple(slice(b, b + d) for (b, _), d in zip(widths, x.shape, strict=True))]
    copy_into(interior, x)
    return out


def _pad_widths(pad_width: object, ndim: int) -> list[tuple[int, int]]:
    """NumPy's forms: n, (n,), (before, after), ((before, after),) or one pair per axis."""
    if not isinstance(pad_width, Sequence):
        pairs = [(_index(pad_width),) * 2] * ndim
    elif pad_width and not isinstance(pad_width[0], Sequence):
        pairs = [_pair(pad_width)] * ndim
    else:
        pairs = [_pair(p) for p in pad_width]
        if len(pairs) == 1:
            pairs = pairs * ndim
    if len(pairs) != ndim:
        raise ValueError(f"pad: {len(pairs)} (before, after) pairs for {ndim} axes")
    if any(b < 0 or a < 0 for b, a in pairs):
        raise ValueError(f"pad: negative width in {pairs}")
    return pairs


def _pair(obj: object) -> tuple[int, int]:
    if not isinstance(obj, Sequence) or len(obj) not in (1, 2):
        raise ValueError(f"pad: cannot read {obj!r} as (before, after)")
    return _index(obj[0]), _index(obj[-1])


def _index(value: object) -> int:
    if not isinstance(value, SupportsIndex):
        raise TypeError(f"pad: widths must be integers, got {value!r}")
    return operator.index(value)


def roll(x: Tensor, shift: SupportsIndex | Sequence[SupportsIndex], axis: Axes = None) -> Tensor:
    """Shift elements along `axis` with wrap-around (all elements, flattened, if None).

    >>> roll(mg.arange(5), 2)
    tensor([3, 4, 0, 1, 2], dtype=int64)
    >>> roll(mg.asarray([[1, 2], [3, 4]]), (1, 1), axis=(0, 1)).tolist()
    [[4, 3], [2, 1]]
    """
    if axis is None:
        if isinstance(shift, Sequence):
            raise ValueError("roll: one shift when axis is None")
        return roll(x.reshape(-1), shift, 0).reshape(x.shape)
    axes = list(axis) if isinstance(axis, Sequence) else [axis]
    shifts = list(shift) if isinstance(shift, Sequence) else [shift] * len(axes)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes")
    normalize_axes(axes, x.ndim)  # AxisError/ValueError with the facts
    out = x
    for a, s in zip(axes, shifts, strict=True):
        out = _roll_axis(out, normalize_axis(a, x.ndim), operator.index(s))
    return out if out is not x else x.copy()


def _roll_axis(x: Tensor, ax: int, shift: int) -> Tensor:
    n = x.shape[ax]
    out = empty_tensor(x.shape, x.dtype)
    k = shift % n if n else 0
    copy_into(_along(out, ax, k, n), _along(x, ax, 0, n - k))
    copy_into(_along(out, ax, 0, k), _along(x, ax, n - k, n))
    return out


def tril(x: Tensor, /, *, k: int = 0) -> Tensor:
    """Return a copy of the matrices in `x` with the elements above diagonal `k` zeroed.

    >>> tril(mg.ones((3, 3), dtype="int32"))
    tensor([[1, 0, 0],
            [1, 1, 0],
            [1, 1, 1]], dtype=int32)
    """
    return _triangle(x, k, lower=True)


def triu(x: Tensor, /, *, k: int = 0) -> Tensor:
    """Return a copy of the matrices in `x` with the elements below diagonal `k` zeroed.

    >>> triu(mg.ones((2, 3)), k=1)
    tensor([[0., 1., 1.],
            [0., 0., 1.]], dtype=float64)
    """
    return _triangle(x, k, lower=False)


def _triangle(x: Tensor, k: int, lower: bool) -> Tensor:
    """Copy, then zero one triangle row by row through strided writes of a 0-d zero."""
    if x.ndim < 2:
        raise ValueError(f"tril/triu need at least 2 dimensions, got shape {x.shape}")
    out = x.copy()
    rows, cols = x.shape[-2:]
    zero = _creation.zeros((), x.dtype)
    for i in range(rows):
        cut = min(max(i + k + 1 if lower else i + k, 0), cols)
        key = slice(cut, None) if lower else slice(0, cut)
        copy_into(out[..., i, key], zero)
    return out


from . import creation as _creation  # noqa: E402  # creation imports tensor, as we do
