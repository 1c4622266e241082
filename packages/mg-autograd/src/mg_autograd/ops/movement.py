"""Movement ops: views of mg_core tensors, with backward side by side.

Each forward returns a view sharing memory with its input (reshape copies only when strides
cannot express the new shape), so these Functions set ``is_view``: the output shares the
input's version counter. Squeeze, unsqueeze and view are `Reshape`; transpose and ``.T`` are
`Permute`; ``broadcast_to``/``expand`` are `Expand`, whose backward is `sum_to_shape`.
"""

from __future__ import annotations

from types import EllipsisType
from typing import TypeAlias, cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.unbroadcast import sum_to_shape

__all__ = ["Expand", "Index", "IndexKey", "Permute", "Reshape", "Scatter"]

Shape: TypeAlias = "tuple[int, ...]"
IndexItem: TypeAlias = "int | slice | EllipsisType | None"
#: A basic index: ints, slices (any step), None and one ``...``, alone or in a tuple.
IndexKey: TypeAlias = "IndexItem | tuple[IndexItem, ...]"


def _shape(ctx: Context) -> Shape:
    return cast("Shape", ctx.input_shape)


class Reshape(Function):
    """Same elements, new shape; the gradient is reshaped back."""

    is_view = True

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, shape: Shape) -> core.Tensor:
        ctx.input_shape = x.shape
        return core.reshape(x, shape)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        return grad.reshape(_shape(ctx)), None


class Expand(Function):
    """Broadcast to a larger shape (zero strides); backward is `sum_to_shape`, its adjoint."""

    is_view = True

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, shape: Shape) -> core.Tensor:
        ctx.input_shape = x.shape
        return core.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        return sum_to_shape(grad, _shape(ctx)), None


class Permute(Function):
    """Reorder axes; the gradient is permuted by the inverse permutation."""

    is_view = True

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, dims: Shape) -> core.Tensor:
        out = core.permute_dims(x, dims)  # first: mg_core validates dims
        inverse = [0] * x.ndim
        for i, d in enumerate(dims):
            inverse[d % x.ndim] = i
        ctx.inverse = tuple(inverse)
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        return grad.permute(cast("Shape", ctx.inverse)), None


class Index(Function):
    """Basic indexing ``x[key]``; backward writes the gradient into zeros, through the same key."""

    is_view = True

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, key: IndexKey) -> core.Tensor:
        ctx.input_shape = x.shape
        ctx.key = key
        return x[key]

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        key = cast("IndexKey", ctx.key)
        # Under create_graph grad is an mg_autograd.Tensor (typed as core's, Note [Duck-typed
        # backward]): then the scatter is recorded as an op too.
        graded: object = grad
        if isinstance(graded, core.Tensor):
            return scatter(graded, _shape(ctx), key), None
        return cast("core.Tensor", Scatter.apply(graded, _shape(ctx), key)), None


def scatter(values: core.Tensor, shape: Shape, key: IndexKey) -> core.Tensor:
    """Return zeros of ``shape`` with ``values`` written into the view ``[key]``.

    >>> scatter(core.asarray([1.0, 2.0]), (2, 3), (slice(None), 1)).tolist()
    [[0.0, 1.0, 0.0], [0.0, 2.0, 0.0]]
    """
    out = core.zeros(shape, dtype=values.dtype)
    out[key] = values
    return out


class Scatter(Function):
    """Index's backward as an op (for ``create_graph``); its own backward is indexing."""

    @staticmethod
    def forward(ctx: Context, values: core.Tensor, shape: Shape, key: IndexKey) -> core.Tensor:
        ctx.key = key
        return scatter(values, shape, key)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        return grad[cast("IndexKey", ctx.key)], None, None
