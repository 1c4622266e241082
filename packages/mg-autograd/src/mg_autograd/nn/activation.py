"""Activation modules: each calls its `nn.functional` function (PyTorch's names and reprs)."""

from __future__ import annotations

from mg_autograd.nn import functional as F
from mg_autograd.nn.module import Module
from mg_autograd.tensor import Tensor

__all__ = ["GELU", "LeakyReLU", "ReLU", "SiLU", "Sigmoid", "Softmax", "Tanh"]


class ReLU(Module):
    """``max(x, 0)`` elementwise.

    >>> import mg_autograd as ag
    >>> ReLU()(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``.

    >>> import mg_autograd as ag
    >>> LeakyReLU(0.1)(ag.tensor([-1.0, 2.0]))
    tensor([-0.1000,  2.0000])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class GELU(Module):
    """``x * Φ(x)`` (Φ the normal CDF); ``approximate="tanh"`` uses the tanh formula.

    >>> import mg_autograd as ag
    >>> GELU()(ag.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8413])
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)`` (swish).

    >>> import mg_autograd as ag
    >>> SiLU()(ag.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.silu(x)


class Tanh(Module):
    """The hyperbolic tangent, elementwise.

    >>> import mg_autograd as ag
    >>> Tanh()(ag.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``, elementwise.

    >>> import mg_autograd as ag
    >>> Sigmoid()(ag.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class Softmax(Module):
    """Exponentiate and normalise along ``dim`` so each slice sums to 1.

    >>> import mg_autograd as ag
    >>> Softmax(dim=1)
    Softmax(dim=1)
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
