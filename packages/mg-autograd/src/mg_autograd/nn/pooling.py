"""2-d pooling over (N, C, H, W) or (C, H, W) inputs: `AvgPool2d`, `MaxPool2d` and functions."""

from __future__ import annotations

import math

from mg_autograd.nn._windows import Pair, output_size, pad2d, pair, window_views
from mg_autograd.nn.module import Module
from mg_autograd.ops.compare import maximum
from mg_autograd.tensor import Tensor

__all__ = ["AvgPool2d", "MaxPool2d", "avg_pool2d", "max_pool2d"]


def _pool_geometry(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None,
    padding: Pair,
    what: str,
    dilation: tuple[int, int] = (1, 1),
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    if input.ndim not in (3, 4):
        raise ValueError(f"{what} expects (N, C, H, W) or (C, H, W) input, got {input.shape}")
    k = pair(kernel_size, "kernel_size")
    s = k if stride is None else pair(stride, "stride")
    p = pair(padding, "padding")
    if 2 * p[0] > k[0] or 2 * p[1] > k[1]:
        raise ValueError(f"{what}: padding {p} must be at most half the kernel size {k}")
    out_hw = (
        output_size(input.shape[-2], k[0], s[0], p[0], dilation[0], what),
        output_size(input.shape[-1], k[1], s[1], p[1], dilation[1], what),
    )
    return k, s, p, out_hw


def avg_pool2d(
    input: Tensor, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0
) -> Tensor:
    """Average each window (padding counts as zeros, PyTorch's ``count_include_pad=True``).

    ``stride`` defaults to ``kernel_size``.

    >>> import mg_autograd as ag
    >>> avg_pool2d(ag.tensor([[[1.0, 2.0], [3.0, 6.0]]]), 2)
    tensor([[[3.]]])
    """
    k, s, p, out_hw = _pool_geometry(input, kernel_size, stride, padding, "avg_pool2d")
    total: Tensor | None = None
    for _, _, view in window_views(pad2d(input, p), k, s, (1, 1), out_hw):
        total = view if total is None else total + view
    assert total is not None
    return total / (k[0] * k[1])


def max_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
    dilation: Pair = 1,
) -> Tensor:
    """Take the largest element of each window (padding never wins: it is -inf).

    ``stride`` defaults to ``kernel_size``. Where a window holds several equal maxima the
    gradient is shared between them (PyTorch gives it all to one).

    >>> import mg_autograd as ag
    >>> max_pool2d(ag.tensor([[[1.0, 2.0], [3.0, 6.0]]]), 2)
    tensor([[[6.]]])
    """
    d = pair(dilation, "dilation")
    k, s, p, out_hw = _pool_geometry(input, kernel_size, stride, padding, "max_pool2d", d)
    best: Tensor | None = None
    for _, _, view in window_views(pad2d(input, p, -math.inf), k, s, d, out_hw):
        best = view if best is None else maximum(best, view)
    assert best is not None
    return best


class MaxPool2d(Module):
    """Take the maximum over ``kernel_size`` windows moved by ``stride`` (default: the kernel).

    >>> import mg_autograd as ag
    >>> import mg_core as core
    >>> ag.nn.MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    def __init__(
        self, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0, dilation: Pair = 1
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation

    def forward(self, x: Tensor) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode=False"
        )


class AvgPool2d(Module):
    """Average over ``kernel_size`` windows moved by ``stride`` (default: the kernel size).

    >>> import mg_autograd as ag
    >>> import mg_core as core
    >>> ag.nn.AvgPool2d(2)(ag.tensor(core.ones((1, 3, 4, 4), dtype=core.float32))).shape
    (1, 3, 2, 2)
    """

    def __init__(self, kernel_size: Pair, stride: Pair | None = None, padding: Pair = 0) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
