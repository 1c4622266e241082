"""`SetItem`: the recorded in-place write ``x[key] = value`` (see `mg_autograd.assign`).

Forward writes ``value`` (broadcast) into ``x``'s data at ``key`` and returns that same data.
Backward splits the incoming gradient: ``value`` gets it at the written positions (summed
over the axes ``value`` was broadcast along; every duplicate of an advanced index gets its
share, as in PyTorch), and the old ``x`` gets it with the written positions zeroed, because
those elements no longer depend on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.unary import recording
from mg_autograd.ops.unbroadcast import sum_to_shape

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["SetItem"]

MaybeTensor: TypeAlias = "core.Tensor | None"
Shape: TypeAlias = "tuple[int, ...]"


class SetItem(Function):
    """``x[key] = value`` in place; the output is ``x``'s own (now modified) data."""

    rebases_input = True

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, value: object, key: object) -> core.Tensor:
        x[key] = value  # type: ignore[index, assignment]  # mg_core validates key and value
        ctx.key = key
        ctx.value_shape = value.shape if isinstance(value, core.Tensor) else ()
        return x

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor, None]:
        grad_x = _zeroed_at(grad, ctx.key) if ctx.needs_input_grad[0] else None
        grad_value = None
        if ctx.needs_input_grad[1]:
            grad_value = _gathered(grad, ctx.key, cast("Shape", ctx.value_shape))
        return grad_x, grad_value, None


def _zeroed_at(grad: core.Tensor, key: object) -> core.Tensor:
    """A copy of ``grad`` with zeros at ``key``: the overwritten elements get no gradient."""
    if recording(grad):  # create_graph: the zeroing is itself a recorded write
        kept = cast("Tensor", grad) * 1.0  # fresh memory, so grad itself is left alone
        kept[key] = 0.0
        return cast("core.Tensor", kept)
    out = grad.copy()
    out[key] = 0.0  # type: ignore[index]
    return out


def _gathered(grad: core.Tensor, key: object, shape: Shape) -> core.Tensor:
    """``grad[key]`` summed back to the shape ``value`` had before broadcasting."""
    picked = grad[key]  # type: ignore[index]
    extra = len(shape) - picked.ndim
    if extra > 0:  # value had leading size-1 axes that broadcasting dropped (NumPy allows it)
        picked = picked.reshape((1,) * extra + picked.shape)
    return sum_to_shape(picked, shape)
