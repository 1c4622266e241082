"""Where the windows of one pooling call lie: the geometry max and average pooling share.

`pool_windows` checks the arguments and works out the window count per axis (``ceil_mode``
included) and how far ``ceil_mode``'s last windows run past the padding; `PoolWindows.views`
pads an input (with zeros for the average, -inf for the maximum) and returns the kh * kw
window views (`_windows.window_views`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mg_autograd.nn._windows import Pair, output_size, pad2d, pair, window_views
from mg_autograd.tensor import Tensor

__all__ = ["PoolWindows", "overhang", "pool_output_size", "pool_windows"]

IntPair = tuple[int, int]


@dataclass(frozen=True)
class PoolWindows:
    """The windows of one pooling call; each field is (height, width).

    ``extra`` counts the rows/columns past the bottom/right padding that ``ceil_mode``'s last
    windows reach.
    """

    kernel: IntPair
    stride: IntPair
    padding: IntPair
    dilation: IntPair
    out_hw: IntPair
    extra: IntPair

    def views(self, x: Tensor, fill: float) -> list[Tensor]:
        """Pad ``x`` with ``fill`` and return its (..., out_h, out_w) window views, row-major.

        >>> import mg_autograd as ag
        >>> g = pool_windows((1, 1, 2), 1, None, 0, 1, False, "pool")
        >>> [v.tolist() for v in g.views(ag.tensor([[[1.0, 2.0]]]), 0.0)]
        [[[[1.0, 2.0]]]]
        """
        padded = pad2d(x, self.padding, fill, self.extra)
        args = (self.kernel, self.stride, self.dilation, self.out_hw)
        return [view for _, _, view in window_views(padded, *args)]


def pool_windows(
    shape: tuple[int, ...],
    kernel_size: Pair,
    stride: Pair | None,
    padding: Pair,
    dilation: Pair,
    ceil_mode: bool,
    what: str,
) -> PoolWindows:
    """Check pooling arguments for an input of ``shape`` and lay out its windows.

    ``stride`` defaults to the kernel size.

    Raises:
        ValueError: for an input that is not (N, C, H, W) or (C, H, W), padding above half the
            (dilated) kernel, or a window that does not fit.

    >>> g = pool_windows((1, 5, 5), 2, None, 0, 1, True, "max_pool2d")
    >>> g.stride, g.out_hw, g.extra
    ((2, 2), (3, 3), (1, 1))
    """
    if len(shape) not in (3, 4):
        raise ValueError(f"{what} expects (N, C, H, W) or (C, H, W) input, got {shape}")
    k = pair(kernel_size, "kernel_size")
    s = k if stride is None else pair(stride, "stride")
    p, d = pair(padding, "padding"), pair(dilation, "dilation")
    span = (d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1)
    if 2 * p[0] > span[0] or 2 * p[1] > span[1]:
        dilated = f" dilated by {d} to {span}" if d != (1, 1) else ""
        raise ValueError(f"{what}: padding {p} must be at most half the kernel size {k}{dilated}")
    size = shape[-2:]
    out = [pool_output_size(size[a], k[a], s[a], p[a], d[a], ceil_mode, what) for a in (0, 1)]
    extra = [overhang(size[a], k[a], s[a], p[a], d[a], out[a]) for a in (0, 1)]
    return PoolWindows(k, s, p, d, (out[0], out[1]), (extra[0], extra[1]))


def pool_output_size(
    size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool, what: str
) -> int:
    """Return the number of pooling windows along one axis, rounding up if ``ceil_mode``.

    PyTorch's rule: with ``ceil_mode`` a last, partial window is kept only if it starts inside
    the input or the left padding (it may run past the right padding).

    >>> [pool_output_size(5, 2, 2, 0, 1, ceil, "max_pool2d") for ceil in (False, True)]
    [2, 3]
    """
    if not ceil_mode:
        return output_size(size, kernel, stride, padding, dilation, what)
    if stride < 1 or padding < 0 or dilation < 1:
        raise ValueError(f"{what}: stride and dilation must be >= 1 and padding >= 0")
    span = dilation * (kernel - 1) + 1
    n = (size + 2 * padding - span + stride - 1) // stride + 1
    if (n - 1) * stride >= size + padding:
        n -= 1
    if n < 1:
        raise ValueError(
            f"{what}: a window of {span} does not fit an axis of {size} padded by {padding}"
        )
    return n


def overhang(size: int, kernel: int, stride: int, padding: int, dilation: int, n: int) -> int:
    """Return how far ``n`` windows run past the padded axis (ceil_mode's last window), or 0.

    >>> overhang(5, 2, 2, 0, 1, 3)
    1
    """
    span = dilation * (kernel - 1) + 1
    return max(0, (n - 1) * stride + span - (size + 2 * padding))
