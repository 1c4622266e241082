"""Selection primitives: where, maximum/minimum (ties split the gradient), clamp; and the
ordering comparisons ``> >= < <=``, which give bool tensors outside the graph.

Their gradients route the output gradient to whichever input was selected, by masks computed
from the inputs' data: a mask is piecewise constant, so it carries no gradient of its own, and
under ``create_graph`` the routing is itself a recorded `Where` (`route`). Routing uses where,
not a multiplication by the mask, so an inf upstream gradient does not turn into ``0 * inf``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias, cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.unary import constant, recording
from mg_autograd.ops.unbroadcast import sum_to_shape

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = [
    "Clamp",
    "Compare",
    "Maximum",
    "Minimum",
    "Where",
    "clamp",
    "clip",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "maximum",
    "minimum",
    "route",
    "where",
]

MaybeTensor: TypeAlias = "core.Tensor | None"
Shape: TypeAlias = "tuple[int, ...]"
#: A bound or a branch: a Tensor (maybe differentiable), an mg_core tensor or a Python number.
Operand: TypeAlias = "Tensor | core.Tensor | float"


def _shape(x: object) -> Shape:
    return x.shape if isinstance(x, core.Tensor) else ()


def route(mask: core.Tensor, grad: core.Tensor) -> core.Tensor:
    """``grad`` where ``mask`` holds, else 0: recorded as `Where` under create_graph."""
    if recording(grad):
        return cast("core.Tensor", Where.apply(mask, grad, 0.0))
    return core.where(mask, grad, core.zeros((), dtype=grad.dtype))


class Where(Function):
    """``a`` where ``cond`` holds, else ``b``; each branch gets the gradient where it was taken."""

    @staticmethod
    def forward(
        ctx: Context, cond: core.Tensor, a: core.Tensor | float, b: core.Tensor | float
    ) -> core.Tensor:
        given: object = cond  # user input: check it whatever the annotation says
        if not isinstance(given, core.Tensor) or given.dtype is not core.bool:
            name = given.dtype.name if isinstance(given, core.Tensor) else type(given).__name__
            raise TypeError(f"where: the condition must be a bool tensor, got {name}")
        ctx.save_for_backward(cond)
        ctx.shapes = (_shape(a), _shape(b))
        return core.where(cond, a, b)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[None, MaybeTensor, MaybeTensor]:
        (cond,) = ctx.saved_tensors
        a_shape, b_shape = cast("tuple[Shape, Shape]", ctx.shapes)
        grad_a = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_a = sum_to_shape(route(constant(cond), grad), a_shape)
        if ctx.needs_input_grad[2]:
            grad_b = sum_to_shape(route(core.logical_not(constant(cond)), grad), b_shape)
        return None, grad_a, grad_b


def _split_ties(
    ctx: Context, grad: core.Tensor, a_wins: core.Tensor, b_wins: core.Tensor
) -> tuple[MaybeTensor, MaybeTensor]:
    """Route the gradient to the winner; on a tie each input gets half (as PyTorch)."""
    a, b = ctx.saved_tensors
    a_data, b_data = constant(a), constant(b)
    tie = core.equal(a_data, b_data)
    half = grad * 0.5
    grad_a = grad_b = None
    if ctx.needs_input_grad[0]:
        grad_a = sum_to_shape(route(a_wins, grad) + route(tie, half), a.shape)
    if ctx.needs_input_grad[1]:
        grad_b = sum_to_shape(route(b_wins, grad) + route(tie, half), b.shape)
    return grad_a, grad_b


class Maximum(Function):
    """Elementwise larger of two tensors (NaN propagates); ties split the gradient evenly."""

    @staticmethod
    def forward(ctx: Context, a: core.Tensor, b: core.Tensor | float) -> core.Tensor:
        other = _as_bound(b, a.dtype, "maximum")
        ctx.save_for_backward(a, other)
        return core.maximum(a, other)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor]:
        a, b = (constant(t) for t in ctx.saved_tensors)
        return _split_ties(ctx, grad, core.greater(a, b), core.less(a, b))


class Minimum(Function):
    """Elementwise smaller of two tensors (NaN propagates); ties split the gradient evenly."""

    @staticmethod
    def forward(ctx: Context, a: core.Tensor, b: core.Tensor | float) -> core.Tensor:
        other = _as_bound(b, a.dtype, "minimum")
        ctx.save_for_backward(a, other)
        return core.minimum(a, other)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor]:
        a, b = (constant(t) for t in ctx.saved_tensors)
        return _split_ties(ctx, grad, core.less(a, b), core.greater(a, b))


class Clamp(Function):
    """``min(max(x, lo), hi)`` with optional bounds; gradients follow PyTorch's clamp.

    ``x`` gets the gradient where ``lo <= x <= hi`` (bounds included), ``lo`` where
    ``x < lo`` and ``lo < hi``, ``hi`` where ``x > hi`` or ``hi < lo``.
    """

    @staticmethod
    def forward(
        ctx: Context,
        x: core.Tensor,
        lo: core.Tensor | float | None,
        hi: core.Tensor | float | None,
    ) -> core.Tensor:
        bounds = [_as_bound(b, x.dtype, "clamp") for b in (lo, hi) if b is not None]
        out = x.copy()
        if lo is not None:
            out = core.maximum(out, bounds[0])
        if hi is not None:
            out = core.minimum(out, bounds[-1])
        ctx.save_for_backward(x, *bounds)
        ctx.present = (lo is not None, hi is not None)
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor, MaybeTensor]:
        has_lo, has_hi = cast("tuple[bool, bool]", ctx.present)
        x, *bounds = (constant(t) for t in ctx.saved_tensors)
        lo = bounds[0] if has_lo else None
        hi = bounds[-1] if has_hi else None
        grads: list[MaybeTensor] = [None, None, None]
        if ctx.needs_input_grad[0]:
            inside = core.ones(x.shape, dtype=core.bool)
            if lo is not None:
                inside = core.logical_and(inside, core.greater_equal(x, lo))
            if hi is not None:
                inside = core.logical_and(inside, core.less_equal(x, hi))
            grads[0] = sum_to_shape(route(inside, grad), x.shape)
        if ctx.needs_input_grad[1] and lo is not None:
            below = core.less(x, lo)
            if hi is not None:
                below = core.logical_and(below, core.less(lo, hi))
            grads[1] = sum_to_shape(route(below, grad), lo.shape)
        if ctx.needs_input_grad[2] and hi is not None:
            above = core.greater(x, hi)
            if lo is not None:
                above = core.logical_or(above, core.less(hi, lo))
            grads[2] = sum_to_shape(route(above, grad), hi.shape)
        return grads[0], grads[1], grads[2]


def _as_bound(bound: core.Tensor | float, dtype: core.DType, what: str) -> core.Tensor:
    """A Python number as a 0-d tensor of the input's dtype (a weak scalar, as PyTorch)."""
    if isinstance(bound, core.Tensor):
        return bound
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        raise TypeError(f"{what}: expected a tensor or a number, got {type(bound).__name__}")
    # NEP 50: the number is weak, so float32 stays float32 but an int tensor with 0.5 floats.
    return core.full((), bound, dtype=core.result_type(dtype, bound))


class Compare(Function):
    """An elementwise comparison: a bool tensor, outside the graph (it has no gradient)."""

    @staticmethod
    def forward(
        ctx: Context,
        a: core.Tensor,
        b: core.Tensor | float,
        op: Callable[[core.Tensor, core.Tensor | float], core.Tensor],
    ) -> core.Tensor:
        return op(a, b)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[None, None, None]:
        return None, None, None  # never called: a bool output records no node


def greater(input: Tensor, other: Operand) -> Tensor:
    """Return ``input > other`` elementwise as a bool tensor (also the ``>`` operator).

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 3.0]) > 2.0
    tensor([False, True], dtype=bool)
    """
    return Compare.apply(input, other, core.greater)


def greater_equal(input: Tensor, other: Operand) -> Tensor:
    """Return ``input >= other`` elementwise as a bool tensor (also the ``>=`` operator).

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0]) >= 2.0
    tensor([False, True], dtype=bool)
    """
    return Compare.apply(input, other, core.greater_equal)


def less(input: Tensor, other: Operand) -> Tensor:
    """Return ``input < other`` elementwise as a bool tensor (also the ``<`` operator).

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 3.0]) < 2.0
    tensor([True, False], dtype=bool)
    """
    return Compare.apply(input, other, core.less)


def less_equal(input: Tensor, other: Operand) -> Tensor:
    """Return ``input <= other`` elementwise as a bool tensor (also the ``<=`` operator).

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 3.0]) <= 1.0
    tensor([True, False], dtype=bool)
    """
    return Compare.apply(input, other, core.less_equal)


def where(condition: Tensor | core.Tensor, input: Operand, other: Operand) -> Tensor:
    """Return ``input`` where ``condition`` holds, else ``other`` (all broadcast together).

    Each branch gets the gradient only where it was taken.

    Raises:
        TypeError: if ``condition`` is not a bool tensor.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([-1.0, 2.0], requires_grad=True)
    >>> ag.where(x > 0, x, 0.0)
    tensor([0., 2.], grad_fn=<WhereBackward>)
    """
    return Where.apply(condition, input, other)


def maximum(input: Tensor, other: Operand) -> Tensor:
    """Return the elementwise larger value (broadcast); a tie gives each input half the gradient.

    >>> import mg_autograd as ag
    >>> a = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> ag.maximum(a, ag.tensor([1.0, 0.0])).sum().backward()
    >>> a.grad
    tensor([0.5000, 1.0000])
    """
    return Maximum.apply(input, other)


def minimum(input: Tensor, other: Operand) -> Tensor:
    """Return the elementwise smaller value (broadcast); a tie gives each input half the gradient.

    >>> import mg_autograd as ag
    >>> ag.minimum(ag.tensor([1.0, 2.0]), ag.tensor([2.0, 0.0]))
    tensor([1., 0.])
    """
    return Minimum.apply(input, other)


def clamp(input: Tensor, min: Operand | None = None, max: Operand | None = None) -> Tensor:
    """Limit values to ``[min, max]`` (tensor or number bounds, either may be None).

    As PyTorch: ``min(max(x, min), max)``, so ``max`` wins when ``min > max``.

    Raises:
        ValueError: if both bounds are None.

    >>> import mg_autograd as ag
    >>> ag.clamp(ag.tensor([-2.0, 0.5, 3.0]), -1.0, 1.0)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min is None and max is None:
        raise ValueError("clamp: at least one of 'min' and 'max' must be given")
    return Clamp.apply(input, min, max)


#: NumPy's name for `clamp`.
clip = clamp
