"""`Conv2d` and `conv2d`: 2-d cross-correlation over (N, C, H, W) images, im2col on the GEMM."""

from __future__ import annotations

import math

import mg_core as core

from mg_autograd.nn import init
from mg_autograd.nn._depthwise import depthwise_conv2d, offset_layout
from mg_autograd.nn._im2col import im2col
from mg_autograd.nn._windows import Pair, output_size, pair
from mg_autograd.nn.module import Module
from mg_autograd.nn.parameter import Parameter
from mg_autograd.ops.linalg import matmul
from mg_autograd.tensor import Tensor

__all__ = ["Conv2d", "conv2d"]


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
    groups: int = 1,
) -> Tensor:
    """Cross-correlate (N, C, H, W) ``input`` with (O, C / groups, kh, kw) ``weight``, as PyTorch.

    ``groups`` splits the channels into that many groups, each convolved with its own
    O / groups filters. ``groups=C`` is a depthwise convolution, computed directly as one
    multiply-accumulate per kernel offset (Note [Depthwise by offsets] in ``nn/_depthwise.py``),
    as is a single-channel input; the other cases are im2col and a GEMM.

    Raises:
        ValueError: if ``groups`` does not divide O, if C is not ``groups`` times the weight's
            channels, or if the kernel does not fit the input.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]])
    >>> conv2d(x, ag.tensor([[[[1.0, -1.0]]]]))
    tensor([[[[-1., -1.],
              [-1., -1.]]]])
    >>> conv2d(ag.tensor([[[[1.0]], [[2.0]]]]), ag.tensor([[[[3.0]]], [[[4.0]]]]), groups=2)
    tensor([[[[3.]],
    <BLANKLINE>
             [[8.]]]])
    """
    _check_shapes(input, weight, groups)
    kernel = (weight.shape[2], weight.shape[3])
    s, p, d = pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation")
    out_hw = (
        output_size(input.shape[2], kernel[0], s[0], p[0], d[0], "conv2d"),
        output_size(input.shape[3], kernel[1], s[1], p[1], d[1], "conv2d"),
    )
    # Depthwise (one input channel per group, a single-channel image included): Note
    # [Depthwise by offsets]. Its batched GEMM would be N * C products of tiny blocks.
    if groups == input.shape[1]:
        layout = offset_layout((input.shape[2], input.shape[3]), kernel, s, p, d, out_hw)
        return depthwise_conv2d(input, weight, bias, layout)
    out = im2col_conv2d(input, weight, kernel, s, p, d, out_hw, groups)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


def im2col_conv2d(
    input: Tensor,
    weight: Tensor,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    out_hw: tuple[int, int],
    groups: int,
) -> Tensor:
    """Compute conv2d without bias as im2col and one (batched) GEMM; shapes already checked.

    conv2d's path for every ``groups`` but the depthwise one (benchmarks call it directly).

    >>> import mg_autograd as ag
    >>> x, w = ag.tensor([[[[1.0, 2.0, 3.0]]]]), ag.tensor([[[[1.0, 10.0]]]])
    >>> im2col_conv2d(x, w, (1, 2), (1, 1), (0, 0), (1, 1), (1, 2), 1)
    tensor([[[[21., 32.]]]])
    """
    # im2col: the kh * kw window views stacked give columns (N, C * kh * kw, out_h * out_w),
    # channel-major, so each group's columns are one contiguous block of rows. One batched
    # GEMM over a group axis: (G, O/G, K) @ (N, G, K, L) -> (N, G, O/G, L), K = C/G * kh * kw.
    n, c, o = input.shape[0], input.shape[1], weight.shape[0]
    k = c // groups * kernel[0] * kernel[1]
    columns = im2col(input, kernel, stride, padding, dilation, out_hw)
    if groups == 1:  # the plain GEMM, no group axis: (O, K) @ (N, K, L)
        columns = columns.reshape(n, k, out_hw[0] * out_hw[1])
        out = matmul(weight.reshape(o, k), columns)
    else:
        columns = columns.reshape(n, groups, k, out_hw[0] * out_hw[1])
        out = matmul(weight.reshape(groups, o // groups, k), columns)
    return out.reshape(n, o, *out_hw)


def _check_shapes(input: Tensor, weight: Tensor, groups: int) -> None:
    if input.ndim != 4 or weight.ndim != 4:
        raise ValueError(
            f"conv2d expects 4-d input (N, C, H, W) and weight (O, C / groups, kh, kw), got "
            f"{input.shape} and {weight.shape}"
        )
    if groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    if weight.shape[0] % groups != 0:
        raise ValueError(
            f"conv2d: groups={groups} must divide the weight's {weight.shape[0]} output "
            f"channels, got weight of shape {weight.shape}"
        )
    if input.shape[1] != weight.shape[1] * groups:
        raise ValueError(
            f"conv2d: weight {weight.shape} with groups={groups} expects "
            f"{weight.shape[1] * groups} input channels, got input of shape {input.shape}"
        )


class Conv2d(Module):
    """A 2-d convolution layer: ``out_channels`` filters of ``in_channels / groups x kernel_size``.

    Weights start as PyTorch's (kaiming_uniform with a = sqrt(5); bias U(-k, k), k =
    1 / sqrt(fan_in)).

    >>> import mg_autograd as ag
    >>> conv = ag.nn.Conv2d(3, 8, kernel_size=3, padding=1)
    >>> conv
    Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> conv(ag.tensor(core.zeros((2, 3, 5, 5), dtype=core.float32))).shape
    (2, 8, 5, 5)
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Pair,
        stride: Pair = 1,
        padding: Pair = 0,
        dilation: Pair = 1,
        groups: int = 1,
        bias: bool = True,
        dtype: core.DType = core.float32,
        generator: core.random.Generator | None = None,
    ) -> None:
        super().__init__()
        for name, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if groups < 1 or channels % groups != 0:
                raise ValueError(
                    f"Conv2d: {name} ({channels}) must be divisible by groups ({groups})"
                )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.stride = pair(stride, "stride")
        self.padding = pair(padding, "padding")
        self.dilation = pair(dilation, "dilation")
        self.groups = groups
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(core.zeros(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(core.zeros((out_channels,), dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: core.random.Generator | None = None) -> None:
        """Draw fresh weights as PyTorch's Conv2d does."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            fan_in, _ = init.fan_in_and_fan_out(self.weight)
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"{type(self).__name__}({self.in_channels}, {self.out_channels}) expected input "
                f"(N, {self.in_channels}, H, W), got shape {x.shape}"
            )
        return conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
