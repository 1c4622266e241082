"""Depthwise 2-d convolution (``groups == in_channels``) straight from whole-tensor ops.

Note [Depthwise by offsets]: output channel ``c * M + m`` (M filters per input channel) is
``sum over (i, j) of w[c * M + m, 0, i, j] * x_padded[c, i * dh + r * sh, j * dw + s * sw]``.
Each kernel offset (i, j) is one strided slice of the padded input for every (n, c, r, s) at
once, so the forward is kh * kw multiply-accumulates over the whole batch: no im2col copy and
no batched matmul of tiny per-channel blocks (which is what made depthwise slow).

When the rows of a window step by one (``sh == 1``) each offset's slice is taken from the
flattened (H * W) plane as *one* long 1-d run of ``out_h * cols`` elements, ``cols`` being the
padded width divided by ``sw``: row r + 1 starts exactly where row r's run ends. The kernels
then see long inner loops instead of ``out_w``-element rows; the ``cols - out_w`` columns at
the end of each row are wasted work (they wrap into the next row) and are cut off at the end.
The plane gets extra zero columns if ``sw`` does not divide its width, and extra zero rows so
the last run stays inside it. With ``sh > 1`` that trick would compute whole skipped rows, so
each offset is the plain 2-d (out_h, out_w) slice instead.

The backward mirrors the forward, per offset: the input gradient adds ``grad * w[.., k]``
into the same slice of a zero padded plane, the weight gradient is ``(grad * slice).sum``
over the batch and positions (for long runs, N * C batched dot products: `matmul` with no
full-size temporary), the bias gradient the sum of ``grad``. It is written with
operators and methods (Note [Duck-typed backward] in docs/autograd.md), so ``create_graph``
records it; only the writes into zeros dispatch on the mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.nn._windows import add_blocks, pad2d
from mg_autograd.ops.joining import stack
from mg_autograd.ops.movement import IndexKey, Scatter
from mg_autograd.ops.unary import recording
from mg_autograd.tensor import Tensor

__all__ = ["DepthwiseConv2d", "OffsetLayout", "depthwise_conv2d", "offset_layout"]

IntPair = tuple[int, int]
#: Run length from which the weight gradient's per-offset sums are batched dot products
#: (`matmul`) rather than a product and a sum: about where they cost the same (measured at
#: batch 64, 16 channels, float32: 1.0 vs 0.5 ms at 80 elements, 1.4 vs 2.4 ms at 840).
_DOT_MIN = 384
_ALL = slice(None)  # spelled out, not `...`: these keys index on every call
Grads = tuple["core.Tensor | None", "core.Tensor | None", "core.Tensor | None", None]


@dataclass(frozen=True)
class OffsetLayout:
    """Where a depthwise convolution's kernel offsets lie in the padded (and widened) input.

    ``plane`` is the (rows, width) of the zero-padded plane (padding plus any extra room);
    ``keys`` index, per kernel offset, the slice of the (N, C, rows * width) flattened input
    (``flat``) or of the (N, C, rows, width) plane that offset multiplies; each slice is
    (N, C, 1, *positions), its new axis broadcasting against the M filters of a channel. The
    output is (out_h, cols), of which the first ``out_w`` columns are real.
    """

    in_hw: IntPair
    padding: IntPair
    plane: IntPair
    out_hw: IntPair
    cols: int
    flat: bool
    keys: tuple[IndexKey, ...]
    positions: tuple[int, ...]


def offset_layout(
    in_hw: IntPair,
    kernel: IntPair,
    stride: IntPair,
    padding: IntPair,
    dilation: IntPair,
    out_hw: IntPair,
) -> OffsetLayout:
    """Lay out Note [Depthwise by offsets] for one input size (all checks already done).

    >>> g = offset_layout((4, 4), (3, 3), (1, 1), (1, 1), (1, 1), (4, 4))
    >>> g.plane, g.cols, g.positions, g.keys[4][-1]
    ((7, 6), 6, (24,), slice(7, 31, 1))
    """
    height = in_hw[0] + 2 * padding[0]
    width = in_hw[1] + 2 * padding[1]
    (sh, sw), (dh, dw) = stride, dilation
    offsets = [(i * dh, j * dw) for i in range(kernel[0]) for j in range(kernel[1])]
    if sh != 1:
        keys = tuple(_rect_key(top, left, stride, out_hw) for top, left in offsets)
        return OffsetLayout(in_hw, padding, (height, width), out_hw, out_hw[1], False, keys, out_hw)
    while width % sw != 0 or width // sw < out_hw[1]:
        width += 1
    cols = width // sw
    length = out_hw[0] * cols
    last = (kernel[0] - 1) * dh * width + (kernel[1] - 1) * dw + (length - 1) * sw + 1
    rows = max(height, -(-last // width))
    starts = [top * width + left for top, left in offsets]
    keys = tuple((_ALL, _ALL, None, slice(a, a + (length - 1) * sw + 1, sw)) for a in starts)
    return OffsetLayout(in_hw, padding, (rows, width), out_hw, cols, True, keys, (length,))


def _rect_key(top: int, left: int, stride: IntPair, out_hw: IntPair) -> IndexKey:
    rows = slice(top, top + stride[0] * (out_hw[0] - 1) + 1, stride[0])
    cols = slice(left, left + stride[1] * (out_hw[1] - 1) + 1, stride[1])
    return (_ALL, _ALL, None, rows, cols)


def depthwise_conv2d(
    x: Tensor, weight: Tensor, bias: Tensor | None, layout: OffsetLayout
) -> Tensor:
    """Convolve each channel of (N, C, H, W) ``x`` with its own (C * M, 1, kh, kw) filters.

    Shapes are conv2d's, already checked; see Note [Depthwise by offsets].

    >>> import mg_autograd as ag
    >>> layout = offset_layout((1, 3), (1, 2), (1, 1), (0, 0), (1, 1), (1, 2))
    >>> x, w = ag.tensor([[[[1.0, 2.0, 3.0]]]]), ag.tensor([[[[1.0, 10.0]]]])
    >>> depthwise_conv2d(x, w, None, layout)
    tensor([[[[21., 32.]]]])
    """
    return DepthwiseConv2d.apply(x, weight, bias, layout)


class DepthwiseConv2d(Function):
    """conv2d with ``groups == in_channels``; Note [Depthwise by offsets]."""

    @staticmethod
    def forward(
        ctx: Context, x: core.Tensor, weight: core.Tensor, bias: core.Tensor | None, g: OffsetLayout
    ) -> core.Tensor:
        ctx.layout = g
        ctx.save_for_backward(x, weight)
        n, c = x.shape[0], x.shape[1]
        m = weight.shape[0] // c
        # (K, 1, C, M, 1[, 1]): per offset k, a weight that broadcasts against (N, C, M, ...).
        taps = _taps(weight, c, m, len(g.positions))
        views = _offset_views(_padded_core(x, g), g)
        acc = views[0] * taps[0]
        for k in range(1, len(views)):
            acc += views[k] * taps[k]
        out = acc.reshape((n, c * m, g.out_hw[0], g.cols))
        # A contiguous result, as PyTorch's: elementwise ops on the narrowed view take 2-3x
        # their time on a contiguous tensor, so the bias add (or a copy) drops the columns.
        if bias is not None:
            return _narrow(out, g) + bias.reshape((1, c * m, 1, 1))
        return _narrow(out, g).copy() if g.cols != g.out_hw[1] else out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> Grads:
        g = cast("OffsetLayout", ctx.layout)
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        n, c = x.shape[0], x.shape[1]
        m = weight.shape[0] // c
        grad_b = grad.sum(axis=(0, 2, 3)) if need_b else None
        wide = _widen(grad, g).reshape((n, c, m, *g.positions))
        grad_x = _input_grad(wide, weight, g, x.shape) if need_x else None
        grad_w = _weight_grad(wide, x, g, weight.shape) if need_w else None
        return grad_x, grad_w, grad_b, None


def _taps(weight: core.Tensor, c: int, m: int, spatial: int) -> core.Tensor:
    """The weight as (K, 1, C, M, 1...): ``taps[k]`` is offset k's per-channel factor."""
    kernel = weight.shape[2] * weight.shape[3]
    by_offset = weight.reshape((c, m, kernel)).permute((2, 0, 1))
    return by_offset.reshape((kernel, 1, c, m) + (1,) * spatial)


def _padded_core(x: core.Tensor, g: OffsetLayout) -> core.Tensor:
    """``x`` in the zero plane of Note [Depthwise by offsets] (mg_core only: the forward)."""
    n, c, h, w = x.shape
    ph, pw = g.padding
    if g.plane == (h, w):
        return x
    out = core.zeros((n, c, *g.plane), dtype=x.dtype)
    out[..., ph : ph + h, pw : pw + w] = x
    return out


def _padded(x: core.Tensor, g: OffsetLayout) -> core.Tensor:
    """``x`` in the zero plane, in either mode (recorded under ``create_graph``)."""
    if not recording(x):
        return _padded_core(x, g)
    extra = (g.plane[0] - g.in_hw[0] - 2 * g.padding[0], g.plane[1] - g.in_hw[1] - 2 * g.padding[1])
    return cast("core.Tensor", pad2d(cast("Tensor", x), g.padding, 0.0, extra))


def _offset_views(plane: core.Tensor, g: OffsetLayout) -> list[core.Tensor]:
    """Per kernel offset, the (N, C, 1, *positions) slice of the padded plane."""
    if g.flat:
        plane = plane.reshape((plane.shape[0], plane.shape[1], g.plane[0] * g.plane[1]))
    return [plane[key] for key in g.keys]


def _narrow(out: core.Tensor, g: OffsetLayout) -> core.Tensor:
    """Drop the wasted columns past ``out_w`` (a view)."""
    return out if g.cols == g.out_hw[1] else out[..., : g.out_hw[1]]


def _widen(grad: core.Tensor, g: OffsetLayout) -> core.Tensor:
    """``grad`` with zeros in the wasted columns: (N, C * M, out_h, cols)."""
    if g.cols == g.out_hw[1]:
        return grad
    shape = (*grad.shape[:3], g.cols)
    key = (..., slice(0, g.out_hw[1]))
    if recording(grad):
        return cast("core.Tensor", Scatter.apply(grad, shape, key))
    out = core.zeros(shape, dtype=grad.dtype)
    out[key] = grad
    return out


def _input_grad(
    wide: core.Tensor, weight: core.Tensor, g: OffsetLayout, shape: tuple[int, ...]
) -> core.Tensor:
    """Add ``grad * w[.., k]`` into each offset's slice of a zero plane; cut the padding off."""
    n, c, m = wide.shape[:3]
    taps = _taps(weight, c, m, len(g.positions))
    spread = (n, c, g.plane[0] * g.plane[1]) if g.flat else (n, c, *g.plane)
    terms = (
        (wide * taps[k] if m == 1 else (wide * taps[k]).sum(axis=2, keepdims=True), key)
        for k, key in enumerate(g.keys)
    )
    total = add_blocks(terms, spread)
    ph, pw = g.padding
    inside = total.reshape((n, c, *g.plane))[..., ph : ph + shape[2], pw : pw + shape[3]]
    if recording(wide) or g.plane == (shape[2], shape[3]):
        return inside
    return inside.copy()  # contiguous, as the forward's result


def _weight_grad(
    wide: core.Tensor, x: core.Tensor, g: OffsetLayout, shape: tuple[int, ...]
) -> core.Tensor:
    """Per offset, ``(grad * slice)`` summed over the batch and positions: (C, M) each."""
    axes = (0, *range(3, 3 + len(g.positions)))
    views = _offset_views(_padded(x, g), g)
    if recording(wide) or not g.flat or g.positions[0] < _DOT_MIN:
        sums = [(wide * view).sum(axis=axes) for view in views]
    else:  # long runs: N * C batched dot products, and no (N, C, M, L) temporary
        sums = [core.matmul(wide, view.mT).sum(axis=(0, 3)) for view in views]
    if recording(wide):
        joined = cast("core.Tensor", stack(cast("list[Tensor]", sums), 2))
    else:
        joined = core.stack(sums, axis=2)
    return joined.reshape(shape)
