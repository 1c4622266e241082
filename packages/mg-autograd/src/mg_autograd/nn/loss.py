"""Loss modules: thin wrappers that fix a `functional` loss's ``reduction``."""

from __future__ import annotations

from mg_autograd.nn import functional as F
from mg_autograd.nn.module import Module
from mg_autograd.tensor import Tensor

# (the class weights of the two losses below are buffers, so they follow `to(dtype)`)

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "MSELoss"]


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


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits (N, C, ...) against class indices or probabilities.

    See `functional.cross_entropy` for ``weight``, ``ignore_index`` and ``label_smoothing``.

    >>> import mg_autograd as ag
    >>> CrossEntropyLoss()
    CrossEntropyLoss()
    """

    weight: Tensor | None

    def __init__(
        self,
        weight: Tensor | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits against targets in [0, 1], computed stably.

    >>> import mg_autograd as ag
    >>> BCEWithLogitsLoss()(ag.tensor([0.0]), ag.tensor([1.0]))
    tensor(0.6931)
    """

    weight: Tensor | None
    pos_weight: Tensor | None

    def __init__(
        self,
        weight: Tensor | None = None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, self.reduction, self.pos_weight
        )
