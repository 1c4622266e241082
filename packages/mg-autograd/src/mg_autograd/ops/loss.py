"""Losses composed from earlier ops: cross_entropy, mse_loss, binary_cross_entropy_with_logits.

Class indices become a one-hot mask (indices compared with an arange along the class axis),
which is a constant: the picked log-probability is a masked sum, so no gather op is needed and
the gradient comes from `Where` and `log_softmax`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import mg_core as core

from mg_autograd.ops.activation import log1pexp
from mg_autograd.ops.compare import Where
from mg_autograd.ops.softmax import log_softmax

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["binary_cross_entropy_with_logits", "cross_entropy", "mse_loss", "reduce"]

REDUCTIONS: Final = ("mean", "sum", "none")


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` ("mean", "sum" or "none") to an elementwise loss.

    Raises:
        ValueError: for another reduction.

    >>> import mg_autograd as ag
    >>> reduce(ag.tensor([1.0, 2.0]), "mean")
    tensor(1.5000)
    """
    _check_reduction(reduction)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean squared error ``(input - target) ** 2``, reduced by ``reduction``.

    >>> import mg_autograd as ag
    >>> ag.mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    _check_reduction(reduction)
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
    _check_reduction(reduction)
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


def cross_entropy(
    input: Tensor,
    target: Tensor | core.Tensor,
    weight: Tensor | core.Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy between logits ``input`` and class indices (or class probabilities).

    ``input`` is ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``; ``target`` holds integer class
    indices of shape ``()``, ``(N,)`` or ``(N, d1, ...)``, or float probabilities shaped like
    ``input``. As PyTorch: ``weight`` (shape ``(C,)``) scales each class, targets equal to
    ``ignore_index`` count for nothing, "mean" divides by the summed weights of the counted
    targets, and ``label_smoothing`` mixes in the uniform distribution over classes.

    Raises:
        ValueError: for mismatched shapes, a smoothing outside [0, 1] or an unknown reduction.
        IndexError: for a class index out of range.

    >>> import mg_autograd as ag
    >>> logits = ag.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
    >>> ag.cross_entropy(logits, ag.tensor([0, 2]))
    tensor(0.7553, grad_fn=<DivBackward>)
    """
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    if input.ndim == 0:
        raise ValueError("cross_entropy: input must have a class axis, got a 0-d tensor")
    class_axis = 0 if input.ndim == 1 else 1
    classes = input.shape[class_axis]
    logp = log_softmax(input, class_axis)
    if weight is not None:
        if weight.shape != (classes,):
            raise ValueError(
                f"cross_entropy: weight must have shape ({classes},) for {classes} classes, "
                f"got {weight.shape}"
            )
        along = [1] * input.ndim
        along[class_axis] = classes
        weight = weight.reshape(tuple(along))
    target_data = target if isinstance(target, core.Tensor) else target.data
    if target_data.dtype.kind == "f":
        return _cross_entropy_probabilities(logp, target, weight, reduction, label_smoothing)
    return _cross_entropy_indices(
        logp, target_data, weight, ignore_index, reduction, label_smoothing
    )


def _cross_entropy_indices(
    logp: Tensor,
    target: core.Tensor,
    weight: Tensor | core.Tensor | None,
    ignore_index: int,
    reduction: str,
    smoothing: float,
) -> Tensor:
    class_axis = 0 if logp.ndim == 1 else 1
    classes = logp.shape[class_axis]
    expected = logp.shape[:class_axis] + logp.shape[class_axis + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"cross_entropy: target shape {target.shape} does not match input shape "
            f"{logp.shape} (expected {expected} for class indices)"
        )
    if target.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: class indices must be integers, got {target.dtype.name}")
    counted = core.not_equal(target, ignore_index)
    bad = core.logical_and(
        counted, core.logical_or(core.less(target, 0), core.greater_equal(target, classes))
    )
    if core.any(bad):
        raise IndexError(f"cross_entropy: a target is out of range for {classes} classes")
    along = [1] * logp.ndim
    along[class_axis] = classes
    onehot = core.equal(
        core.arange(classes).reshape(tuple(along)), core.expand_dims(target, axis=class_axis)
    )
    weighted = logp if weight is None else logp * weight
    picked = -Where.apply(onehot, weighted, 0.0).sum(axis=class_axis)
    counted_f = counted.astype(logp.dtype)
    if weight is None:
        total = counted_f.sum()
    else:
        target_weight = Where.apply(onehot, weight, 0.0).sum(axis=class_axis)
        total = (target_weight * counted_f).sum()
    loss = picked
    if smoothing > 0.0:
        uniform = -weighted.sum(axis=class_axis) * counted_f
        loss = picked * (1.0 - smoothing) + uniform * (smoothing / classes)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / total


def _cross_entropy_probabilities(
    logp: Tensor,
    target: Tensor | core.Tensor,
    weight: Tensor | core.Tensor | None,
    reduction: str,
    smoothing: float,
) -> Tensor:
    class_axis = 0 if logp.ndim == 1 else 1
    classes = logp.shape[class_axis]
    if target.shape != logp.shape:
        raise ValueError(
            f"cross_entropy: probability targets must have the input's shape {logp.shape}, "
            f"got {target.shape}"
        )
    if smoothing > 0.0:
        target = target * (1.0 - smoothing) + smoothing / classes
    weighted = logp * target if weight is None else logp * target * weight
    loss = -weighted.sum(axis=class_axis)
    if reduction == "mean":
        return loss.sum() / (logp.size // classes if classes else 0)
    return reduce(loss, reduction)
