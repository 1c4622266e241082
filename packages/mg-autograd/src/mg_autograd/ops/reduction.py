"""Reductions: forward and backward side by side."""

from __future__ import annotations

from typing import TypeAlias, cast

import mg_core as core

from mg_autograd.function import Context, Function

__all__ = ["Sum", "normalize_axes"]

Shape: TypeAlias = "tuple[int, ...]"


def normalize_axes(axis: int | tuple[int, ...] | None, ndim: int) -> tuple[int, ...]:
    """Return ``axis`` as a tuple of non-negative axes of an ``ndim``-d tensor (None: all).

    Raises:
        IndexError: for an axis out of range.
        ValueError: for a repeated axis.

    >>> normalize_axes(-1, 3), normalize_axes(None, 2), normalize_axes((0, -2), 3)
    ((2,), (0, 1), (0, 1))
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise IndexError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
    result = tuple(a % ndim for a in axes)
    if len(set(result)) != len(result):
        raise ValueError(f"duplicate value in 'axis': {axis}")
    return result


class Sum(Function):
    """Sum over axes; backward broadcasts the gradient back over the reduced axes."""

    @staticmethod
    def forward(
        ctx: Context, x: core.Tensor, axis: int | tuple[int, ...] | None, keepdims: bool
    ) -> core.Tensor:
        # Only what backward needs; the axes are normalised there, off the forward path.
        ctx.reduced = (x.shape, axis)
        return core.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        shape, axis = cast("tuple[Shape, int | tuple[int, ...] | None]", ctx.reduced)
        # Methods, not core functions: under create_graph, grad is an mg_autograd.Tensor.
        # Broadcasting adds leading axes itself, so the reshape (reduced axes back as size 1)
        # is needed only when some axes survived and the reduced ones were not kept.
        if grad.ndim not in (0, len(shape)):
            axes = normalize_axes(axis, len(shape))
            grad = grad.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))
        return grad.broadcast_to(shape), None, None
