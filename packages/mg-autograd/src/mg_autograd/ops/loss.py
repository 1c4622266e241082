"""Regression and binary losses composed from earlier ops, and the shared `reduce`.

cross_entropy and nll_loss are in cross_entropy.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import mg_core as core

from mg_autograd.ops.activation import log1pexp
from mg_autograd.ops.compare import clamp
from mg_autograd.ops.unary import abs, log

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "check_reduction",
    "l1_loss",
    "mse_loss",
    "reduce",
]

REDUCTIONS: Final = ("mean", "sum", "none")


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` ("mean", "sum" or "none") to an elementwise loss.

    Raises:
        ValueError: for another reduction.

    >>> import mg_autograd as ag
    >>> reduce(ag.tensor([1.0, 2.0]), "mean")
    tensor(1.5000)
    """
    check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def check_reduction(reduction: str) -> None:
    """Raise ValueError unless ``reduction`` is "mean", "sum" or "none"."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error ``(input - target) ** 2``, reduced by ``reduction``.

    >>> import mg_autograd as ag
    >>> ag.mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    check_reduction(reduction)
    diff = input - target
    return reduce(diff * diff, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor | core.Tensor,
    weight: Tensor | core.Tensor | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | core.Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of ``sigmoid(input)`` against ``target``, computed from the logits.

    ``(1 - y) x + (1 + (p - 1) y) log(1 + e ** -x)`` with ``p = pos_weight`` (1 if None): the
    log term is `log1pexp`, so logits of +-1000 give finite losses and gradients. ``weight``
    scales each element (broadcast).

    >>> import mg_autograd as ag
    >>> ag.binary_cross_entropy_with_logits(ag.tensor([1000.0, -1000.0]), ag.tensor([1.0, 0.0]))
    tensor(0.)
    """
    check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"binary_cross_entropy_with_logits: target shape {target.shape} must equal the "
            f"input shape {input.shape}"
        )
    log_term = log1pexp(-input)
    if pos_weight is not None:
        log_term = log_term * ((pos_weight - 1.0) * target + 1.0)
    loss = input * (1.0 - target) + log_term
    if weight is not None:
        loss = loss * weight
    return reduce(loss, reduction)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error ``|input - target|``, reduced by ``reduction``.

    >>> import mg_autograd as ag
    >>> ag.l1_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(1.5000)
    """
    check_reduction(reduction)
    return reduce(abs(input - target), reduction)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor | core.Tensor,
    weight: Tensor | core.Tensor | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy of probabilities ``input`` against ``target``.

    As PyTorch, each log is clamped at -100, so a probability of exactly 0 or 1 gives a
    finite loss. Prefer `binary_cross_entropy_with_logits`, which is stable for any logit.

    Raises:
        ValueError: if the shapes differ, or for an unknown reduction.

    >>> import mg_autograd as ag
    >>> ag.binary_cross_entropy(ag.tensor([0.5, 1.0]), ag.tensor([1.0, 0.0]))
    tensor(50.3466)
    """
    check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"binary_cross_entropy: target shape {target.shape} must equal the input shape "
            f"{input.shape}"
        )
    log_p = clamp(log(input), min=-100.0)
    log_not_p = clamp(log(1.0 - input), min=-100.0)
    loss = -(log_p * target + log_not_p * (1.0 - target))
    if weight is not None:
        loss = loss * weight
    return reduce(loss, reduction)
