"""Loss modules: thin wrappers that fix a `functional` loss's ``reduction``."""

from __future__ import annotations

from mg_autograd.nn import functional as F
from mg_autograd.nn.module import Module
from mg_autograd.tensor import Tensor

__all__ = ["MSELoss"]


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
        self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error between input and target (see `functional.mse_loss`).

    >>> import mg_autograd as ag
    >>> ag.nn.MSELoss(reduction="sum")(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 0.0]))
    tensor(5.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, self.reduction)
