"""Activations: relu is a primitive (a kernel of its own); the rest compose earlier primitives.

leaky_relu and elu are `Where`s; gelu is erf or tanh arithmetic; silu is ``x * sigmoid(x)``;
softplus is `log1pexp` (stable for any finite input) switched to ``x`` past ``threshold``, as
PyTorch's, and logsigmoid is ``-log1pexp(-x)``. Compositions get first and second derivatives
from their parts.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final, TypeAlias

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.compare import Where, route
from mg_autograd.ops.unary import constant, erf, exp, log, sigmoid, tanh

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = [
    "Relu",
    "elu",
    "gelu",
    "leaky_relu",
    "log1pexp",
    "logsigmoid",
    "relu",
    "silu",
    "softplus",
]

MaybeTensor: TypeAlias = "core.Tensor | None"

_SQRT_HALF: Final = math.sqrt(0.5)
_SQRT_TWO_OVER_PI: Final = math.sqrt(2.0 / math.pi)


class Relu(Function):
    """``max(x, 0)``; the gradient passes where ``x > 0`` (0 at 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        ctx.save_for_backward(x)
        return core.relu(x)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        return route(core.greater(constant(x), 0), grad)


def relu(x: Tensor) -> Tensor:
    """Return ``max(x, 0)`` elementwise; the gradient at 0 is 0, as PyTorch's.

    >>> import mg_autograd as ag
    >>> ag.relu(ag.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
    """
    return Relu.apply_first(x)


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """Return ``x`` where ``x > 0``, else ``negative_slope * x`` (so the slope at 0 is that).

    >>> import mg_autograd as ag
    >>> ag.leaky_relu(ag.tensor([-2.0, 3.0]), 0.5)
    tensor([-1.,  3.])
    """
    return Where.apply(core.greater(x.data, 0), x, x * negative_slope)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit: ``x * Phi(x)``, exactly (erf) or with PyTorch's tanh formula.

    Raises:
        ValueError: if ``approximate`` is not ``"none"`` or ``"tanh"``.

    >>> import mg_autograd as ag
    >>> ag.gelu(ag.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    >>> ag.gelu(ag.tensor([1.0]), approximate="tanh")
    tensor([0.8412])
    """
    if approximate == "none":
        return x * (erf(x * _SQRT_HALF) + 1.0) * 0.5
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * _SQRT_TWO_OVER_PI
        return x * (tanh(inner) + 1.0) * 0.5
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(x: Tensor) -> Tensor:
    """Return ``x * sigmoid(x)`` (swish).

    >>> import mg_autograd as ag
    >>> ag.silu(ag.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7311])
    """
    return x * sigmoid(x)


def log1pexp(x: Tensor) -> Tensor:
    """Return ``log(1 + e ** x)`` without overflow: finite value and gradient for any finite x.

    With ``m = max(x, 0)`` held constant it is ``m + log(e ** -m + e ** (x - m))``: both
    exponentials are at most 1, and the gradient is exactly ``sigmoid(x)``.

    >>> import mg_autograd as ag
    >>> log1pexp(ag.tensor([-1000.0, 0.0, 1000.0]))
    tensor([0.0000e+00, 6.9315e-01, 1.0000e+03])
    """
    m = core.relu(x.data)
    return log(exp(x - m) + core.exp(-m)) + m


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Return ``log(1 + e ** (beta x)) / beta``, or ``x`` where ``beta x > threshold`` (PyTorch).

    >>> import mg_autograd as ag
    >>> ag.softplus(ag.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.0000])
    """
    scaled = x * beta
    return Where.apply(core.greater(scaled.data, threshold), x, log1pexp(scaled) / beta)


def logsigmoid(x: Tensor) -> Tensor:
    """Return ``log(sigmoid(x))``, finite with finite gradients for any finite x.

    >>> import mg_autograd as ag
    >>> ag.logsigmoid(ag.tensor([0.0, -1000.0]))
    tensor([-6.9315e-01, -1.0000e+03])
    """
    return -log1pexp(-x)


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """Return ``x`` where ``x > 0``, else ``alpha * (e ** x - 1)`` (slope ``alpha`` at 0).

    >>> import mg_autograd as ag
    >>> ag.elu(ag.tensor([-1.0, 2.0]))
    tensor([-0.6321,  2.0000])
    """
    positive = core.greater(x.data, 0)
    # The exponential sees 0 where x > 0: its branch is discarded there, and e ** 1000 would
    # make that branch's zero gradient 0 * inf = nan.
    negative_part = exp(Where.apply(positive, 0.0, x)) - 1.0
    return Where.apply(positive, x, negative_part * alpha)
