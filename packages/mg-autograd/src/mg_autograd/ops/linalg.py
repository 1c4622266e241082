"""Matrix product: `MatMul`, the Function behind ``a @ b`` and `matmul`.

d(a @ b)/da = grad @ b^T and d(a @ b)/db = a^T @ grad, computed on the operands as matmul saw
them (1-d operands as a row or a column, batch dimensions broadcast), then summed back over the
broadcast batch dimensions and reshaped to each input's shape. Like every backward here, the
formulas use only operators and methods, so they also run on differentiable tensors under
``create_graph`` (Note [Duck-typed backward] in docs/autograd.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.unbroadcast import sum_to_shape

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["MatMul", "matmul"]

MaybeTensor: TypeAlias = "core.Tensor | None"
Shape: TypeAlias = "tuple[int, ...]"


def _as_matrix_shapes(a: Shape, b: Shape) -> tuple[Shape, Shape, Shape]:
    """The shapes matmul multiplies (1-d a as a row, 1-d b as a column) and their product's."""
    a2 = (1, a[0]) if len(a) == 1 else a
    b2 = (b[0], 1) if len(b) == 1 else b
    batch = core.broadcast_shapes(a2[:-2], b2[:-2])
    return a2, b2, (*batch, a2[-2], b2[-1])


class MatMul(Function):
    """``a @ b`` with NumPy's rules for 1-d and batched operands (see `mg_core.matmul`)."""

    @staticmethod
    def forward(ctx: Context, a: core.Tensor, b: core.Tensor) -> core.Tensor:
        ctx.save_for_backward(a, b)
        return core.matmul(a, b)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor]:
        a, b = ctx.saved_tensors
        a2_shape, b2_shape, full = _as_matrix_shapes(a.shape, b.shape)
        g = grad.reshape(full)
        grad_a: MaybeTensor = None
        grad_b: MaybeTensor = None
        if ctx.needs_input_grad[0]:
            product = g @ b.reshape(b2_shape).transpose(-2, -1)
            grad_a = sum_to_shape(product, a2_shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            product = a.reshape(a2_shape).transpose(-2, -1) @ g
            grad_b = sum_to_shape(product, b2_shape).reshape(b.shape)
        return grad_a, grad_b


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Return the differentiable matrix product ``a @ b`` (NumPy/PyTorch rules).

    >>> import mg_autograd as ag
    >>> w = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> y = ag.matmul(ag.tensor([1.0, 1.0]), w)
    >>> y.sum().backward()
    >>> y, w.grad
    (tensor([4., 6.], grad_fn=<MatMulBackward>), tensor([[1., 1.],
            [1., 1.]]))
    """
    return MatMul.apply(a, b)
