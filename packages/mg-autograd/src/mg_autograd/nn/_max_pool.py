"""Where each max-pooling window's maximum is, chosen as PyTorch chooses, and its gradient.

Note [Max-pool ties]: PyTorch's CPU kernel starts each window at its first non-padding element
with -inf and scans the window row by row, taking an element when it is greater than the best
so far or NaN. So among equal maxima the first in row-major order wins, the last NaN wins over
everything, and a window of -inf points at its first real element. The whole gradient of the
window goes to that one element.

The usual case is one `argmax` (NumPy's: the first maximum) over the kh * kw window views
stacked; it agrees with the scan unless a window holds NaN (argmax takes the first NaN, the
scan the last) or a padded window's maximum is -inf (argmax may take the padding). Then we run
the scan itself, one whole-tensor step per window offset: slower, and exact.
"""

from __future__ import annotations

import math
from typing import cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.nn._pool_windows import PoolWindows
from mg_autograd.ops.indexing import IndexAdd, index_add
from mg_autograd.ops.unary import recording
from mg_autograd.tensor import Tensor

__all__ = ["WindowMax", "window_argmax", "window_max"]


class WindowMax(Function):
    """The window maxima ``values`` of ``x``, found at flat positions ``key`` of ``x``.

    ``values`` is ``x.reshape(-1)[key]`` already computed (`window_argmax` finds both); the
    backward adds the gradient back at ``key`` (windows overlap, so positions may repeat).
    """

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, values: core.Tensor, key: core.Tensor) -> core.Tensor:
        ctx.input_shape = x.shape
        ctx.save_for_backward(key)
        return values

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        shape = cast("tuple[int, ...]", ctx.input_shape)
        size = (math.prod(shape),)
        (key,) = ctx.saved_tensors
        flat = grad.reshape(-1)
        if recording(grad):  # create_graph: a recorded scatter, whose backward is a gather
            out = cast("core.Tensor", IndexAdd.apply(flat, size, key))
        else:
            out = index_add(size, key, flat)
        return out.reshape(shape), None, None


def window_argmax(x: core.Tensor, g: PoolWindows) -> tuple[core.Tensor, core.Tensor]:
    """Return each window's maximum and its flat (h * W + w) index in its (H, W) plane."""
    views = _views(x, g)
    stacked = core.stack(views, axis=0)  # (kh * kw, ..., out_h, out_w): contiguous slices
    best = stacked[0]
    for i in range(1, len(views)):
        best = core.maximum(best, stacked[i])  # NaN wins, as in PyTorch
    padded_any = g.padding != (0, 0) or g.extra != (0, 0)
    if bool(core.any(core.isnan(best))) or (padded_any and bool(core.any(best == -math.inf))):
        return best, _scan(views, g, x.shape[-1])
    offset = core.argmax(stacked, axis=0)  # the first maximum in row-major window order
    corner = _corners(g, x.shape[-1])
    row_step = g.dilation[0] * x.shape[-1]
    if g.kernel[1] == 1:  # (integer division is the slow step: skip it when we can)
        return best, corner + offset * row_step
    row = offset // g.kernel[1]
    col = offset - row * g.kernel[1]
    return best, corner + row * row_step + col * g.dilation[1]


def window_max(x: core.Tensor, g: PoolWindows) -> core.Tensor:
    """Return each window's maximum only (NaN wins): the forward when no gradient is needed."""
    views = _views(x, g)
    best = views[0]
    for view in views[1:]:
        best = core.maximum(best, view)
    return best


def _views(x: core.Tensor, g: PoolWindows) -> list[core.Tensor]:
    """The kh * kw window views of ``x`` padded with -inf, each (..., out_h, out_w)."""
    return [view.data for view in g.views(Tensor(x), -math.inf)]


def _corners(g: PoolWindows, width: int) -> core.Tensor:
    """Flat index of each window's top-left corner (negative or off the row in the padding)."""
    rows = core.arange(g.out_hw[0], dtype=core.int64) * g.stride[0] - g.padding[0]
    cols = core.arange(g.out_hw[1], dtype=core.int64) * g.stride[1] - g.padding[1]
    return rows.reshape((-1, 1)) * width + cols


def _first_real(out: int, stride: int, padding: int, dilation: int) -> list[int]:
    """Per window, the first input position (along one axis) that is not padding."""
    firsts = []
    for o in range(out):
        start = o * stride - padding
        skip = 0 if start >= 0 else (-start + dilation - 1) // dilation
        firsts.append(start + skip * dilation)
    return firsts


def _scan(views: list[core.Tensor], g: PoolWindows, width: int) -> core.Tensor:
    """Note [Max-pool ties]'s scan, one `where` per window offset, over the padded views."""
    rows = _first_real(g.out_hw[0], g.stride[0], g.padding[0], g.dilation[0])
    cols = _first_real(g.out_hw[1], g.stride[1], g.padding[1], g.dilation[1])
    index = core.asarray(rows, dtype=core.int64).reshape((-1, 1)) * width
    index = index + core.asarray(cols, dtype=core.int64)
    corner = _corners(g, width)
    best = core.full(views[0].shape, -math.inf, dtype=views[0].dtype)
    for n, view in enumerate(views):
        i, j = divmod(n, g.kernel[1])
        step = i * g.dilation[0] * width + j * g.dilation[1]
        better = core.logical_or(core.greater(view, best), core.isnan(view))
        best = core.where(better, view, best)
        index = core.where(better, corner + step, index)
    return core.broadcast_to(index, best.shape).copy()
