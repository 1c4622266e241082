"""`CrossEntropyIndices`: cross-entropy of logits against class indices as one graph node.

The common case of `cross_entropy` (class indices, no class weights, no label smoothing), which
composed from `log_softmax`, `Where`, a negation, a sum and a division costs nine nodes and
as many backward calls. Fused, its forward is a handful of mg_core ops and its backward one
formula, as PyTorch computes it:

    d logits = (softmax(logits) * counted - onehot(target)) * scale

``counted`` is 0 along targets equal to ``ignore_index``; ``scale`` is the incoming gradient,
divided by the number of counted targets for "mean". Under ``create_graph`` the softmax is
recomputed from the (then differentiable) logits, so second derivatives stay exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.softmax import softmax

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["CrossEntropyIndices"]


class CrossEntropyIndices(Function):
    """Cross-entropy of ``logits`` (class axis 0 if 1-d, else 1) and checked class indices.

    ``onehot`` marks each counted target's class (all False for ignored ones), ``counted``
    the counted targets and ``count`` how many there are; the masks have the logits' rank
    (size 1 along the class axis for ``counted``) and are constants of the graph.
    """

    @staticmethod
    def forward(
        ctx: Context,
        logits: core.Tensor,
        onehot: core.Tensor,
        counted: core.Tensor,
        count: int,
        reduction: str,
    ) -> core.Tensor:
        axis = 0 if logits.ndim == 1 else 1
        # One logsumexp kernel (max-shifted, Note [Shift by the max]) instead of five ops.
        logp = logits - core.logsumexp(logits, axis=axis, keepdims=True)
        picked = core.where(onehot, logp, 0.0)
        ctx.save_for_backward(logits, logp, onehot, counted)
        ctx.axis, ctx.reduction = axis, reduction
        ctx.count = float(count)  # the "mean" divisor; 0.0 gives NaN, as PyTorch
        ctx.all_counted = count == counted.size
        if reduction == "none":
            return -core.sum(picked, axis=axis)
        total = -core.sum(picked)
        return total / ctx.count if reduction == "mean" else total

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor, None, None, None, None]:
        logits, logp, onehot, counted = ctx.saved_tensors
        if type(grad) is core.Tensor:
            probabilities = core.exp(logp)
        else:  # create_graph: grad and logits are differentiable (Note [Duck-typed backward])
            probabilities = softmax(logits, cast("int", ctx.axis))  # type: ignore[arg-type,assignment]
        if ctx.reduction == "none":
            scale = grad.reshape(counted.shape)
        elif ctx.reduction == "mean":
            scale = grad / cast("float", ctx.count)
        else:
            scale = grad
        if not ctx.all_counted:  # ignored targets get no gradient
            probabilities = probabilities * counted
        return (probabilities - onehot) * scale, None, None, None, None


def cross_entropy_indices(
    logits: Tensor, onehot: core.Tensor, counted: core.Tensor, count: int, reduction: str
) -> Tensor:
    """Apply `CrossEntropyIndices` (`cross_entropy` checks the arguments and builds the masks).

    >>> import mg_autograd as ag
    >>> import mg_core as core
    >>> logits = ag.tensor([[2.0, 0.0], [0.0, 0.0]], requires_grad=True)
    >>> onehot = core.asarray([[True, False], [False, True]])
    >>> counted = core.asarray([[True], [True]])
    >>> loss = cross_entropy_indices(logits, onehot, counted, 2, "mean")
    >>> loss.backward()
    >>> loss, logits.grad
    (tensor(0.4100, grad_fn=<CrossEntropyIndicesBackward>), tensor([[-0.0596,  0.0596],
            [ 0.2500, -0.2500]]))
    """
    return CrossEntropyIndices.apply(logits, onehot, counted, count, reduction)
