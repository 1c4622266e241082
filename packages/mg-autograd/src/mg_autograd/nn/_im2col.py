"""im2col as one Function: the window columns of a padded image, and their scatter-add back.

Composed from views, im2col's backward would be kh * kw scatters of one column block each
into a zero image (one zero image per kernel offset) and a sum of them all; `Im2col` instead
adds every block into one zero image in place. Under ``create_graph`` it is written with
recorded scatters (Note [Duck-typed backward] in docs/autograd.md).
"""

from __future__ import annotations

from types import EllipsisType
from typing import cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.nn._windows import add_blocks, window_keys
from mg_autograd.tensor import Tensor

__all__ = ["Im2col", "im2col"]

IntPair = tuple[int, int]
Layout = tuple[tuple[int, ...], IntPair, list[tuple[EllipsisType, slice, slice]]]


def im2col(
    x: Tensor,
    kernel: IntPair,
    stride: IntPair,
    padding: IntPair,
    dilation: IntPair,
    out_hw: IntPair,
) -> Tensor:
    """Return the (N, C, kh * kw, out_h, out_w) columns of (N, C, H, W) ``x`` zero-padded.

    Column k holds, for every output position, the input element at kernel offset k
    (row-major); the geometry is conv2d's, already checked.

    >>> import mg_autograd as ag
    >>> im2col(ag.tensor([[[[1.0, 2.0, 3.0]]]]), (1, 2), (1, 1), (0, 0), (1, 1), (1, 2)).tolist()
    [[[[[1.0, 2.0]], [[2.0, 3.0]]]]]
    """
    return Im2col.apply(x, kernel, stride, padding, dilation, out_hw)


class Im2col(Function):
    """`im2col`; the backward adds each column block back at its window offset."""

    @staticmethod
    def forward(
        ctx: Context,
        x: core.Tensor,
        kernel: IntPair,
        stride: IntPair,
        padding: IntPair,
        dilation: IntPair,
        out_hw: IntPair,
    ) -> core.Tensor:
        ctx.layout = (x.shape, padding, window_keys(kernel, stride, dilation, out_hw))
        (ph, pw), keys = padding, ctx.layout[2]
        padded = x
        if padding != (0, 0):
            padded = core.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        return core.stack([padded[key] for key in keys], axis=2)

    @staticmethod
    def backward(
        ctx: Context, grad: core.Tensor
    ) -> tuple[core.Tensor | None, None, None, None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None, None, None, None
        shape, (ph, pw), keys = cast("Layout", ctx.layout)
        n, c, h, w = shape
        plane = (n, c, h + 2 * ph, w + 2 * pw)
        total = add_blocks(((grad[:, :, k], key) for k, key in enumerate(keys)), plane)
        return total[..., ph : ph + h, pw : pw + w], None, None, None, None, None
