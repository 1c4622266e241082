"""2-d pooling over (N, C, H, W) or (C, H, W) inputs: `AvgPool2d`, `MaxPool2d` and functions.

Both walk the kh * kw window offsets as strided views (`_windows`). ``ceil_mode`` pads the
bottom and right with the room the last, partial windows need: zeros for the average (left
out of the divisor as PyTorch does), -inf for the maximum (never picked). Where each window's
maximum lies, and so where its gradient goes, is `_max_pool`'s job.
"""

from __future__ import annotations

import math
from typing import Literal, overload

import mg_core as core

from mg_autograd.grad_mode import is_grad_enabled
from mg_autograd.nn._max_pool import WindowMax, window_argmax, window_max
from mg_autograd.nn._pool_windows import PoolWindows, pool_windows
from mg_autograd.nn._windows import Pair
from mg_autograd.nn.module import Module
from mg_autograd.tensor import Tensor

__all__ = ["AvgPool2d", "MaxPool2d", "avg_pool2d", "max_pool2d"]


def _window_counts(size: int, g: PoolWindows, axis: int, include_pad: bool) -> list[int]:
    """How many elements each window along ``axis`` averages over (PyTorch's divisor)."""
    k, s, p = g.kernel[axis], g.stride[axis], g.padding[axis]
    counts = []
    for o in range(g.out_hw[axis]):
        start = o * s - p
        end = min(start + k, size + p)  # the overhang past the padding never counts
        counts.append(end - start if include_pad else min(end, size) - max(start, 0))
    return counts


def _divisor(
    input: Tensor, g: PoolWindows, count_include_pad: bool, divisor_override: int | None
) -> float | core.Tensor:
    if divisor_override is not None:
        return float(divisor_override)
    rows = _window_counts(input.shape[-2], g, 0, count_include_pad)
    cols = _window_counts(input.shape[-1], g, 1, count_include_pad)
    if all(r == g.kernel[0] for r in rows) and all(c == g.kernel[1] for c in cols):
        return float(g.kernel[0] * g.kernel[1])
    column = core.asarray(rows, dtype=input.dtype).reshape((-1, 1))
    return column * core.asarray(cols, dtype=input.dtype)


def avg_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Average each window, with PyTorch's arguments and divisor rules.

    ``stride`` defaults to ``kernel_size``. ``count_include_pad`` counts padding (as zeros) in
    the divisor; the part of a ``ceil_mode`` window past the padding never counts.
    ``divisor_override`` replaces the divisor everywhere.

    Raises:
        ValueError: for padding above half the kernel, a window that does not fit, or a
            ``divisor_override`` of 0.

    >>> import mg_autograd as ag
    >>> avg_pool2d(ag.tensor([[[1.0, 2.0], [3.0, 6.0]]]), 2)
    tensor([[[3.]]])
    >>> avg_pool2d(ag.tensor([[[1.0, 2.0, 3.0]]]), (1, 2), ceil_mode=True)
    tensor([[[1.5000, 3.0000]]])
    """
    if divisor_override == 0:
        raise ValueError("avg_pool2d: divisor_override must not be 0")
    g = pool_windows(input.shape, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    views = g.views(input, 0.0)
    total = views[0]
    for view in views[1:]:
        total = total + view
    divisor = _divisor(input, g, count_include_pad, divisor_override)
    return total / (divisor if isinstance(divisor, float) else Tensor(divisor))


@overload
def max_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = ...,
    padding: Pair = ...,
    dilation: Pair = ...,
    ceil_mode: bool = ...,
    return_indices: Literal[False] = ...,
) -> Tensor: ...
@overload
def max_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = ...,
    padding: Pair = ...,
    dilation: Pair = ...,
    ceil_mode: bool = ...,
    *,
    return_indices: Literal[True],
) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = ...,
    padding: Pair = ...,
    dilation: Pair = ...,
    ceil_mode: bool = ...,
    return_indices: bool = ...,
) -> Tensor | tuple[Tensor, Tensor]: ...
def max_pool2d(
    input: Tensor,
    kernel_size: Pair,
    stride: Pair | None = None,
    padding: Pair = 0,
    dilation: Pair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Take the largest element of each window (padding never wins: it is -inf).

    ``stride`` defaults to ``kernel_size``. The gradient of each window goes to the one element
    PyTorch picks: the first maximum in row-major order (Note [Max-pool ties]).
    ``return_indices`` also returns that element's flat index into each (H, W) plane (int64).

    Raises:
        ValueError: for padding above half the kernel or a window that does not fit.

    >>> import mg_autograd as ag
    >>> max_pool2d(ag.tensor([[[1.0, 2.0], [3.0, 6.0]]]), 2)
    tensor([[[6.]]])
    >>> max_pool2d(ag.tensor([[[5.0, 5.0, 1.0]]]), (1, 2), ceil_mode=True, return_indices=True)
    (tensor([[[5., 1.]]]), tensor([[[0, 2]]]))
    """
    g = pool_windows(input.shape, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    if not return_indices and not (input.requires_grad and is_grad_enabled()):
        return Tensor(window_max(input.data, g))  # no gradient: no need to know where
    values, index = window_argmax(input.data, g)
    *lead, h, w = input.shape
    planes = core.arange(math.prod(lead), dtype=core.int64).reshape((*lead, 1, 1)) * (h * w)
    out = WindowMax.apply(input, values, (index + planes).reshape(-1))
    return (out, Tensor(index)) if return_indices else out


class MaxPool2d(Module):
    """Take the maximum over ``kernel_size`` windows moved by ``stride`` (default: the kernel).

    The options are `max_pool2d`'s. With ``return_indices=True`` the module returns
    ``(values, indices)``, as PyTorch's does; `Module.__call__` is typed for the usual single
    Tensor, so typed code that sets it unpacks ``forward``'s result instead.

    >>> import mg_autograd as ag
    >>> import mg_core as core
    >>> ag.nn.MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> ag.nn.MaxPool2d((1, 2), return_indices=True).forward(ag.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    (tensor([[[3., 2.]]]), tensor([[[1, 2]]]))
    """

    def __init__(
        self,
        kernel_size: Pair,
        stride: Pair | None = None,
        padding: Pair = 0,
        dilation: Pair = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    # Module.forward is typed to return a Tensor; return_indices=True returns a pair.
    def forward(self, x: Tensor) -> Tensor | tuple[Tensor, Tensor]:  # type: ignore[override]
        return max_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Average over ``kernel_size`` windows moved by ``stride`` (default: the kernel size).

    The options are `avg_pool2d`'s.

    >>> import mg_autograd as ag
    >>> import mg_core as core
    >>> ag.nn.AvgPool2d(2)(ag.tensor(core.ones((1, 3, 4, 4), dtype=core.float32))).shape
    (1, 3, 2, 2)
    """

    def __init__(
        self,
        kernel_size: Pair,
        stride: Pair | None = None,
        padding: Pair = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
