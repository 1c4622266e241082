"""Elementwise ops: forward and backward side by side; broadcast inputs use `sum_to_shape`.

Backward formulas use only operators and methods (``grad * b``, ``-grad``, ``x ** c``), never
``core.multiply(...)``: with ``backward(create_graph=True)`` the engine passes differentiable
`mg_autograd.Tensor` objects instead of mg_core tensors, and the same formula then records its
own graph (see Note [Duck-typed backward] in docs/autograd.md).
"""

from __future__ import annotations

from typing import TypeAlias, cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.unbroadcast import sum_to_shape

__all__ = ["Add", "Cast", "Div", "Mul", "Neg", "Pow", "Sub"]

MaybeTensor: TypeAlias = "core.Tensor | None"
Shape: TypeAlias = "tuple[int, ...]"


def _input_shapes(ctx: Context) -> tuple[Shape, Shape]:
    return cast("tuple[Shape, Shape]", ctx.input_shapes)


class Add(Function):
    """Elementwise sum; each input's gradient is the output gradient summed to its shape."""

    @staticmethod
    def forward(ctx: Context, a: core.Tensor, b: core.Tensor) -> core.Tensor:
        ctx.input_shapes = (a.shape, b.shape)
        return a + b  # the operator: mg_core's hot path (no scalar dispatch)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor]:
        a_shape, b_shape = _input_shapes(ctx)
        grad_a = sum_to_shape(grad, a_shape) if ctx.needs_input_grad[0] else None
        grad_b = sum_to_shape(grad, b_shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Sub(Function):
    """Elementwise difference ``a - b``; ``b`` receives the negated gradient."""

    @staticmethod
    def forward(ctx: Context, a: core.Tensor, b: core.Tensor) -> core.Tensor:
        ctx.input_shapes = (a.shape, b.shape)
        return a - b  # the operator: mg_core's hot path (no scalar dispatch)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor]:
        a_shape, b_shape = _input_shapes(ctx)
        grad_a = sum_to_shape(grad, a_shape) if ctx.needs_input_grad[0] else None
        grad_b = None
        if ctx.needs_input_grad[1]:
            grad_b = sum_to_shape(-grad, b_shape)
        return grad_a, grad_b


class Mul(Function):
    """Elementwise product; d(a*b)/da = b and d(a*b)/db = a."""

    @staticmethod
    def forward(ctx: Context, a: core.Tensor, b: core.Tensor) -> core.Tensor:
        ctx._saved = (a, b)  # save_for_backward's effect without its checks: a call per op
        return a * b  # the operator: mg_core's hot path (no scalar dispatch)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor]:
        a, b = ctx.saved_tensors
        grad_a: MaybeTensor = None
        grad_b: MaybeTensor = None
        if ctx.needs_input_grad[0]:
            grad_a = sum_to_shape(grad * b, a.shape)
        if ctx.needs_input_grad[1]:
            grad_b = sum_to_shape(grad * a, b.shape)
        return grad_a, grad_b


class Div(Function):
    """Elementwise quotient; d(a/b)/da = 1/b and d(a/b)/db = -a/b**2."""

    @staticmethod
    def forward(ctx: Context, a: core.Tensor, b: core.Tensor) -> core.Tensor:
        ctx._saved = (a, b)  # as in Mul
        return a / b  # the operator: mg_core's hot path (no scalar dispatch)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor]:
        a, b = ctx.saved_tensors
        grad_a: MaybeTensor = None
        grad_b: MaybeTensor = None
        if ctx.needs_input_grad[0]:
            grad_a = sum_to_shape(grad / b, a.shape)
        if ctx.needs_input_grad[1]:
            grad_b = sum_to_shape(-(grad * a / (b * b)), b.shape)
        return grad_a, grad_b


class Neg(Function):
    """Elementwise negation; the gradient is negated too."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        return core.negative(x)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        return -grad if ctx.needs_input_grad[0] else None


class Pow(Function):
    """``x ** c`` for a constant Python number ``c``; the gradient is ``c * x ** (c - 1)``."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, exponent: float) -> core.Tensor:
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return core.pow(x, exponent)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        (x,) = ctx.saved_tensors
        exponent = cast("float", ctx.exponent)
        if exponent == 0:
            # x**0 is constant 1; the general formula would give 0 * x**-1 = nan at x == 0.
            return grad * 0.0, None
        return grad * (x ** (exponent - 1) * exponent), None


class Cast(Function):
    """Convert to another dtype; the gradient is converted back to the input's dtype."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, dtype: core.DType) -> core.Tensor:
        ctx.source = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        return grad.astype(cast("core.DType", ctx.source)), None
