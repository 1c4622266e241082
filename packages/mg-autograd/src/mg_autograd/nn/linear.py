"""`Linear` (an affine map over the last axis) and `Identity`."""

from __future__ import annotations

import math

import mg_core as core

from mg_autograd.nn import functional as F
from mg_autograd.nn import init
from mg_autograd.nn.module import Module
from mg_autograd.nn.parameter import Parameter
from mg_autograd.tensor import Tensor

__all__ = ["Identity", "Linear"]


class Linear(Module):
    """Apply ``y = x @ weight.T + bias`` to the last axis of the input.

    ``weight`` (out_features, in_features) and ``bias`` (out_features) start as PyTorch's:
    U(-k, k) with k = 1 / sqrt(in_features).

    Raises:
        ValueError: when called on an input whose last axis is not ``in_features`` long.

    >>> import mg_autograd as ag
    >>> layer = ag.nn.Linear(3, 2)
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
    >>> layer(ag.tensor([[1.0, 2.0, 3.0]])).shape
    (1, 2)
    >>> layer(ag.tensor([[1.0, 2.0]]))
    Traceback (most recent call last):
    ValueError: Linear(in_features=3, ...) expected input with 3 features ..., got shape (1, 2)
    """

    weight: Parameter
    bias: Parameter | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        dtype: core.DType = core.float32,
        generator: core.random.Generator | None = None,
    ) -> None:
        super().__init__()
        if in_features < 0 or out_features < 0:
            raise ValueError(f"Linear sizes must be >= 0, got ({in_features}, {out_features})")
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(core.zeros((out_features, in_features), dtype=dtype))
        self.bias = Parameter(core.zeros((out_features,), dtype=dtype)) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: core.random.Generator | None = None) -> None:
        """Draw fresh weights: kaiming_uniform(a=sqrt(5)) for weight, U(-k, k) for bias."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self!r} expected input with {self.in_features} features in its last "
                f"dimension, got shape {x.shape}"
            )
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Return the input unchanged (a placeholder layer).

    >>> import mg_autograd as ag
    >>> ag.nn.Identity()(ag.tensor([1.0]))
    tensor([1.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return x
