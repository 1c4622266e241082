"""`Linear`: ``input @ weight.T + bias`` as one graph node, the Function behind ``nn.Linear``.

Composed of `MatMul`, a transpose view and `Add`, a layer costs three nodes forward and three
backward; fused it costs one each, which matters in small models where per-op overhead is most
of the time (PyTorch fuses it the same way, as ``addmm``). The backward uses only operators and
methods, so it also runs on differentiable tensors under ``create_graph`` (Note [Duck-typed
backward] in docs/autograd.md):

    d input  = grad @ weight                      (..., out) @ (out, in)
    d weight = grad_2d^T @ input_2d               batch axes flattened: (out, N) @ (N, in)
    d bias   = grad_2d.sum(0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import mg_core as core

from mg_autograd.function import Context, Function

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["Linear"]

MaybeTensor: TypeAlias = "core.Tensor | None"


class Linear(Function):
    """``input @ weight.T + bias`` (bias may be None); ``weight`` is (out, in), input (..., in)."""

    @staticmethod
    def forward(
        ctx: Context, input: core.Tensor, weight: core.Tensor, bias: core.Tensor | None
    ) -> core.Tensor:
        ctx._saved = (input, weight)  # save_for_backward without its checks (as Mul does)
        out = core.matmul(input, weight.mT)  # one GEMM; the transpose is a strided view
        if bias is None:
            return out
        if bias.dtype is out.dtype:
            out += bias  # in place: `out` is fresh, and a (out,) bias broadcasts over its rows
            return out
        return out + bias  # promotes, as the composed ops would

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor, MaybeTensor]:
        input, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_input = grad @ weight if needs[0] else None
        # Rows of a 2-d view: every batch axis of input and grad flattened into one.
        rows = grad if grad.ndim == 2 else grad.reshape(-1, grad.shape[-1])
        inputs = input if input.ndim == 2 else input.reshape(-1, input.shape[-1])
        grad_weight = rows.T @ inputs if needs[1] else None
        grad_bias = rows.sum(0) if needs[2] else None
        return grad_input, grad_weight, grad_bias


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Return ``input @ weight.T + bias`` as one differentiable op.

    ``bias`` must be None or of shape (out,): `nn.functional.linear` checks the shapes and
    composes other bias shapes from matmul and add.

    >>> import mg_autograd as ag
    >>> w = ag.tensor([[1.0, 2.0]], requires_grad=True)
    >>> y = linear(ag.tensor([[1.0, 1.0], [2.0, 0.0]]), w, ag.tensor([0.5]))
    >>> y.sum().backward()
    >>> y, w.grad
    (tensor([[3.5000],
            [2.5000]], grad_fn=<LinearBackward>), tensor([[3., 1.]]))
    """
    return Linear.apply(input, weight, bias)
