"""cross_entropy and nll_loss: class indices (or probabilities) against log-probabilities.

Class indices become a one-hot mask (an arange along the class axis compared with the
targets), a constant: the picked log-probability is a masked sum, so no gather op is needed.
Without class weights or smoothing the whole loss is one `CrossEntropyIndices` node
(cross_entropy_fused.py); otherwise the gradient comes from `Where` and `log_softmax`.
``weight``, ``ignore_index``,
``label_smoothing`` and the "mean" reduction (divided by the summed weights of the counted
targets) follow PyTorch.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import mg_core as core

from mg_autograd.ops.compare import Where
from mg_autograd.ops.cross_entropy_fused import cross_entropy_indices
from mg_autograd.ops.loss import check_reduction, reduce
from mg_autograd.ops.softmax import log_softmax

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["cross_entropy", "nll_loss"]


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
        TypeError: for class indices that are not integers.
        IndexError: for a class index out of range.

    >>> import mg_autograd as ag
    >>> logits = ag.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
    >>> ag.cross_entropy(logits, ag.tensor([0, 2]))
    tensor(0.6691, grad_fn=<CrossEntropyIndicesBackward>)
    """
    check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    class_axis, weight = _class_axis_and_weight(input, weight, "cross_entropy")
    target_data = target if isinstance(target, core.Tensor) else target.data
    if target_data.dtype.kind != "f" and weight is None and label_smoothing == 0.0:
        # The common case as one graph node (ops/cross_entropy_fused.py).
        counted, onehot, count = _class_masks(
            target_data, input.shape, ignore_index, "cross_entropy"
        )
        counted = core.expand_dims(counted, axis=class_axis)
        return cross_entropy_indices(input, onehot, counted, count, reduction)
    logp = log_softmax(input, class_axis)
    if target_data.dtype.kind == "f":
        return _probabilities(logp, target, weight, reduction, label_smoothing)
    return _picked(
        logp, target_data, weight, ignore_index, reduction, label_smoothing, "cross_entropy"
    )


def nll_loss(
    input: Tensor,
    target: Tensor | core.Tensor,
    weight: Tensor | core.Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices under log-probabilities ``input``.

    Shapes, ``weight``, ``ignore_index`` and ``reduction`` as `cross_entropy`, which is
    ``nll_loss(log_softmax(logits, 1), target)``.

    Raises:
        ValueError: for mismatched shapes or an unknown reduction.
        IndexError: for a class index out of range.

    >>> import mg_autograd as ag
    >>> ag.nll_loss(ag.tensor([[-0.5, -1.0], [-2.0, -0.1]]), ag.tensor([1, 1]))
    tensor(0.5500)
    """
    check_reduction(reduction)
    _, weight = _class_axis_and_weight(input, weight, "nll_loss")
    target_data = target if isinstance(target, core.Tensor) else target.data
    return _picked(input, target_data, weight, ignore_index, reduction, 0.0, "nll_loss")


def _class_axis_and_weight(
    input: Tensor, weight: Tensor | core.Tensor | None, name: str
) -> tuple[int, Tensor | core.Tensor | None]:
    """The class axis (0 for an unbatched input, else 1) and ``weight`` shaped along it."""
    if input.ndim == 0:
        raise ValueError(f"{name}: input must have a class axis, got a 0-d tensor")
    class_axis = 0 if input.ndim == 1 else 1
    classes = input.shape[class_axis]
    if weight is None:
        return class_axis, None
    if weight.shape != (classes,):
        raise ValueError(
            f"{name}: weight must have shape ({classes},) for {classes} classes, got {weight.shape}"
        )
    along = [1] * input.ndim
    along[class_axis] = classes
    return class_axis, weight.reshape(tuple(along))


def _picked(
    logp: Tensor,
    target: core.Tensor,
    weight: Tensor | core.Tensor | None,
    ignore_index: int,
    reduction: str,
    smoothing: float,
    name: str,
) -> Tensor:
    """Minus the (weighted) log-probability of each target class, mixed with the uniform
    term when smoothing, then reduced; "mean" divides by the counted targets' weights."""
    class_axis = 0 if logp.ndim == 1 else 1
    classes = logp.shape[class_axis]
    counted, onehot, _ = _class_masks(target, logp.shape, ignore_index, name)
    weighted = logp if weight is None else logp * weight
    loss = -Where.apply(onehot, weighted, 0.0).sum(axis=class_axis)
    counted_f = counted.astype(logp.dtype)
    if smoothing > 0.0:
        uniform = -weighted.sum(axis=class_axis) * counted_f
        loss = loss * (1.0 - smoothing) + uniform * (smoothing / classes)
    if reduction != "mean":
        return reduce(loss, reduction)
    if weight is None:
        return loss.sum() / counted_f.sum()
    return loss.sum() / Where.apply(onehot, weight, 0.0).sum()


def _class_masks(
    target: core.Tensor, shape: tuple[int, ...], ignore_index: int, name: str
) -> tuple[core.Tensor, core.Tensor, int]:
    """Check class indices against an input of ``shape``; return (counted, onehot, count).

    ``counted`` is True where the target is not ``ignore_index``; ``onehot`` is True at each
    counted target's class, along the class axis; ``count`` is how many targets count. A
    counted target out of range has no class to be True at, so it shows as fewer hits in
    ``onehot`` than counted targets: the range check costs one count, not a mask per bound.
    """
    class_axis = 0 if len(shape) == 1 else 1
    classes = shape[class_axis]
    expected = shape[:class_axis] + shape[class_axis + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"{name}: target shape {target.shape} does not match input shape "
            f"{shape} (expected {expected} for class indices)"
        )
    if target.dtype.kind not in "iu":
        raise TypeError(f"{name}: class indices must be integers, got {target.dtype.name}")
    counted = core.not_equal(target, ignore_index)
    picks = core.equal(
        _class_ids(classes, len(shape), class_axis), core.expand_dims(target, axis=class_axis)
    )
    onehot = core.logical_and(picks, core.expand_dims(counted, axis=class_axis))
    count = int(core.count_nonzero(counted))
    if int(core.count_nonzero(onehot)) != count:
        raise IndexError(f"{name}: a target is out of range for {classes} classes")
    return counted, onehot, count


@lru_cache(maxsize=64)
def _class_ids(classes: int, ndim: int, class_axis: int) -> core.Tensor:
    """0, 1, ..., classes - 1 along ``class_axis`` of an ``ndim``-d shape (never written to)."""
    along = [1] * ndim
    along[class_axis] = classes
    return core.arange(classes).reshape(tuple(along))


def _probabilities(
    logp: Tensor,
    target: Tensor | core.Tensor,
    weight: Tensor | core.Tensor | None,
    reduction: str,
    smoothing: float,
) -> Tensor:
    """Minus the expected log-probability under the (smoothed) target distribution."""
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
