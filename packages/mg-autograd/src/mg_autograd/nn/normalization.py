"""Normalisation layers: `BatchNorm1d`, `BatchNorm2d` (over the batch) and `LayerNorm`."""

from __future__ import annotations

from collections.abc import Sequence

import mg_core as core

from mg_autograd.nn import functional as F
from mg_autograd.nn import init
from mg_autograd.nn.module import Module
from mg_autograd.nn.parameter import Parameter
from mg_autograd.tensor import Tensor

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]


class _BatchNorm(Module):
    """Shared by `BatchNorm1d` and `BatchNorm2d`, which differ only in the input ranks taken."""

    ranks: tuple[int, ...] = ()
    weight: Parameter | None
    bias: Parameter | None
    running_mean: Tensor | None
    running_var: Tensor | None
    num_batches_tracked: Tensor | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        bias: bool = True,
        dtype: core.DType = core.float32,
    ) -> None:
        super().__init__()
        self.num_features = num_features
        self.use_bias = bias
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        shape = (num_features,)
        self.register_parameter(
            "weight", Parameter(core.ones(shape, dtype=dtype)) if affine else None
        )
        with_bias = affine and bias
        self.register_parameter(
            "bias", Parameter(core.zeros(shape, dtype=dtype)) if with_bias else None
        )
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(core.zeros(shape, dtype=dtype)))
            self.register_buffer("running_var", Tensor(core.ones(shape, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(core.zeros((), dtype=core.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_parameters(self) -> None:
        """Set weight to ones, bias to zeros and the running statistics to their start."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)
        if self.running_mean is not None and self.running_var is not None:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self.ranks:
            wanted = " or ".join(f"{r}D" for r in self.ranks)
            raise ValueError(f"{type(self).__name__} expected {wanted} input, got shape {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}) expected {self.num_features} "
                f"channels (axis 1), got shape {x.shape}"
            )
        momentum = self.momentum
        use_batch = self.training or self.running_mean is None
        if self.training and self.num_batches_tracked is not None:
            self.num_batches_tracked.data[...] = self.num_batches_tracked.data + 1
            if momentum is None:  # a cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked.item())
        return F.batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            use_batch,
            0.0 if momentum is None else momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.use_bias}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Normalise each feature over the batch (input (N, C) or (N, C, L)), then scale and shift.

    Training uses the batch's statistics and updates ``running_mean``/``running_var`` by
    ``momentum``; evaluation uses the running ones.

    >>> import mg_autograd as ag
    >>> bn = ag.nn.BatchNorm1d(2)
    >>> bn(ag.tensor([[1.0, 10.0], [3.0, 30.0]]))
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]], grad_fn=<AddBackward>)
    >>> bn.running_mean
    tensor([0.2000, 2.0000])
    """

    ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Normalise each channel of (N, C, H, W) images over batch and space; see `BatchNorm1d`.

    >>> import mg_autograd as ag
    >>> ag.nn.BatchNorm2d(3)
    BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    ranks = (4,)


class LayerNorm(Module):
    """Normalise over the last axes (``normalized_shape``) of each sample, then scale and shift.

    >>> import mg_autograd as ag
    >>> ag.nn.LayerNorm(2)(ag.tensor([[1.0, 3.0], [2.0, 2.0]]))
    tensor([[-1.0000,  1.0000],
            [ 0.0000,  0.0000]], grad_fn=<AddBackward>)
    """

    weight: Parameter | None
    bias: Parameter | None

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: core.DType = core.float32,
    ) -> None:
        super().__init__()
        shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        self.normalized_shape = shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.weight = Parameter(core.ones(shape, dtype=dtype)) if elementwise_affine else None
        self.bias = (
            Parameter(core.zeros(shape, dtype=dtype)) if elementwise_affine and bias else None
        )
        if self.weight is None:
            self.register_parameter("weight", None)
        if self.bias is None:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )
