"""Sliding 2-d windows as strided views: the shared machinery of convolution and pooling.

(Pooling's own geometry, ``ceil_mode`` included, is `_pool_windows`.)

For a kernel of kh x kw, window offset (i, j) selects, from every output position at once,
the input element at that offset: one strided slice (a view, no copy). Summing or maximising
over the kh * kw slices gives pooling; stacking them gives convolution's im2col columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import EllipsisType
from typing import TypeAlias, cast

import mg_core as core

from mg_autograd.ops.movement import IndexKey, Scatter
from mg_autograd.ops.unary import recording
from mg_autograd.tensor import Tensor

__all__ = ["Pair", "add_blocks", "output_size", "pad2d", "pair", "window_keys", "window_views"]

Pair: TypeAlias = "int | tuple[int, int]"


def pair(value: Pair, name: str) -> tuple[int, int]:
    """Return ``value`` as (height, width); an int serves both.

    >>> pair(3, "kernel_size"), pair((1, 2), "stride")
    ((3, 3), (1, 2))
    """
    out = (value, value) if isinstance(value, int) else tuple(value)
    if len(out) != 2 or not all(isinstance(v, int) for v in out):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    return out[0], out[1]


def output_size(size: int, kernel: int, stride: int, padding: int, dilation: int, what: str) -> int:
    """Return the number of window positions along one axis; ValueError if there are none."""
    span = dilation * (kernel - 1) + 1
    if stride < 1 or padding < 0 or dilation < 1:
        raise ValueError(f"{what}: stride and dilation must be >= 1 and padding >= 0")
    n = (size + 2 * padding - span) // stride + 1
    if n < 1:
        raise ValueError(
            f"{what}: a window of {span} does not fit an axis of {size} padded by {padding}"
        )
    return n


def pad2d(
    x: Tensor, padding: tuple[int, int], value: float = 0.0, extra: tuple[int, int] = (0, 0)
) -> Tensor:
    """Pad the last two axes of ``x`` by ``padding`` on each side with ``value`` (differentiable).

    ``extra`` adds that many more rows at the bottom and columns at the right (the room
    ``ceil_mode``'s last windows need).

    >>> import mg_autograd as ag
    >>> pad2d(ag.tensor([[[[1.0]]]]), (1, 0)).tolist()
    [[[[0.0], [1.0], [0.0]]]]
    >>> pad2d(ag.tensor([[[[1.0]]]]), (0, 0), extra=(0, 1)).tolist()
    [[[[1.0, 0.0]]]]
    """
    ph, pw = padding
    if ph == 0 and pw == 0 and extra == (0, 0):
        return x
    *lead, h, w = x.shape
    shape = (*lead, h + 2 * ph + extra[0], w + 2 * pw + extra[1])
    inside = (..., slice(ph, ph + h), slice(pw, pw + w))
    out = Scatter.apply(x, shape, inside)  # zeros with x written inside
    if value != 0.0:
        border = core.full(shape, value, dtype=x.dtype)
        border[inside] = 0.0
        out = out + Tensor(border)
    return out


def add_blocks(
    blocks: Iterable[tuple[core.Tensor, IndexKey]], shape: tuple[int, ...]
) -> core.Tensor:
    """Sum each ``block`` into ``zeros(shape)[key]`` (the adjoint of taking those slices).

    In place when not recording; under ``create_graph`` (the blocks are graph Tensors) one
    recorded `Scatter` per block, so the sum stays differentiable.

    >>> add_blocks([(core.ones((2,)), (slice(0, 2),)), (core.ones((2,)), (slice(1, 3),))], (3,))
    tensor([1., 2., 1.], dtype=float64)
    """
    total: core.Tensor | None = None
    for block, key in blocks:
        if recording(block):
            placed = cast("core.Tensor", Scatter.apply(block, shape, key))
            total = placed if total is None else total + placed
        else:
            if total is None:
                total = core.zeros(shape, dtype=block.dtype)
            view = total[key]
            view += block
    assert total is not None, "add_blocks needs at least one block"
    return total


def window_keys(
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    out_hw: tuple[int, int],
) -> list[tuple[EllipsisType, slice, slice]]:
    """Return, per kernel offset (row-major), the key of its (..., out_h, out_w) window view.

    >>> window_keys((1, 2), (1, 2), (1, 1), (1, 2))
    [(Ellipsis, slice(0, 1, 1), slice(0, 3, 2)), (Ellipsis, slice(0, 1, 1), slice(1, 4, 2))]
    """
    keys = []
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            top, left = i * dilation[0], j * dilation[1]
            rows = slice(top, top + stride[0] * (out_hw[0] - 1) + 1, stride[0])
            cols = slice(left, left + stride[1] * (out_hw[1] - 1) + 1, stride[1])
            keys.append((..., rows, cols))
    return keys


def window_views(
    x: Tensor,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    out_hw: tuple[int, int],
) -> Iterator[tuple[int, int, Tensor]]:
    """Yield (i, j, view) for each kernel offset; each view has shape (..., out_h, out_w)."""
    for n, key in enumerate(window_keys(kernel, stride, dilation, out_hw)):
        i, j = divmod(n, kernel[1])
        yield i, j, x[key]
