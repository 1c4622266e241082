"""Max/min reductions: amax/amin (ties share the gradient) and max/min along a dim (with indices).

One primitive, `Extremum`, serves all four. Forward marks the elements that receive gradient:
every element equal to the extremum for amax/amin and full max()/min() (each of k ties gets
1/k, as PyTorch), or only the first one for max(dim)/min(dim), whose gradient PyTorch sends to
the returned index. Backward routes the (broadcast) gradient to the marked elements.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple, SupportsIndex, TypeAlias, cast, overload

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.compare import route
from mg_autograd.ops.reduction import normalize_axes

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["Extremum", "ValuesIndices", "amax", "amin", "max", "min"]

MaybeTensor: TypeAlias = "core.Tensor | None"
Shape: TypeAlias = "tuple[int, ...]"
Dims: TypeAlias = "SupportsIndex | Sequence[SupportsIndex] | None"


class ValuesIndices(NamedTuple):
    """What ``max(dim)``/``min(dim)`` return, as PyTorch: the values and their int64 indices."""

    values: Tensor
    indices: Tensor


def _keepdims_shape(shape: Shape, axes: tuple[int, ...]) -> Shape:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Extremum(Function):
    """Max or min over ``axes``; the gradient goes to the marked extremal elements.

    ``first_only`` marks one element per reduced slice (a single axis): the one the index
    output names. Otherwise every tie is marked and the gradient is divided among them.
    """

    @staticmethod
    def forward(
        ctx: Context,
        x: core.Tensor,
        axes: tuple[int, ...],
        keepdim: bool,
        largest: bool,
        first_only: bool,
    ) -> core.Tensor:
        if any(x.shape[a] == 0 for a in axes) or (not axes and x.size == 0):
            name = "max" if largest else "min"
            raise ValueError(
                f"{name}: cannot reduce over an empty axis of a tensor of shape {x.shape} "
                f"(axes {axes})"
            )
        reduce = core.max if largest else core.min
        out = reduce(x, axis=axes, keepdims=True)
        if first_only:
            (axis,) = axes
            index = (core.argmax if largest else core.argmin)(x, axis=axis, keepdims=True)
            marked = core.equal(_positions(x.shape, axis), index)
            ctx.save_for_backward(marked)
        else:
            marked = core.equal(x, out)
            count = core.sum(marked.astype(x.dtype), axis=axes, keepdims=True)
            ctx.save_for_backward(marked, count)
        ctx.shapes = (x.shape, out.shape)
        return (
            out
            if keepdim
            else out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))
        )

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, None, None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None, None, None
        shape, kept = cast("tuple[Shape, Shape]", ctx.shapes)
        saved = ctx.saved_tensors
        spread = grad.reshape(kept).broadcast_to(shape)
        routed = route(saved[0], spread)
        if len(saved) == 2:
            routed = routed / saved[1]
        return routed, None, None, None, None


def _positions(shape: Shape, axis: int) -> core.Tensor:
    """Each element's index along ``axis``, shaped to broadcast against ``shape``."""
    along = [1] * len(shape)
    along[axis] = shape[axis]
    return core.arange(shape[axis]).reshape(tuple(along))


def _axes(dim: Dims, ndim: int) -> tuple[int, ...]:
    """Normalised axes; a 0-d tensor accepts dim 0 or -1 (as PyTorch) and reduces nothing."""
    if dim is None:
        return tuple(range(ndim))
    listed = tuple(dim) if isinstance(dim, Sequence) else (dim,)
    axes = normalize_axes(tuple(operator.index(d) for d in listed), ndim or 1)
    return axes if ndim else ()


def amax(x: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """Return the maximum over ``dim`` (all axes if None); k tied maxima get 1/k of the gradient.

    Raises:
        ValueError: for an empty tensor. IndexError: for a dim out of range.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([[1.0, 3.0], [3.0, 2.0]], requires_grad=True)
    >>> ag.amax(x).backward()
    >>> x.grad
    tensor([[0.0000, 0.5000],
            [0.5000, 0.0000]])
    """
    return Extremum.apply(x, _axes(dim, x.ndim), keepdim, True, False)


def amin(x: Tensor, dim: Dims = None, keepdim: bool = False) -> Tensor:
    """Return the minimum over ``dim`` (all axes if None); k tied minima get 1/k of the gradient.

    >>> import mg_autograd as ag
    >>> ag.amin(ag.tensor([[1.0, 3.0], [0.0, 2.0]]), dim=1)
    tensor([1., 0.])
    """
    return Extremum.apply(x, _axes(dim, x.ndim), keepdim, False, False)


def _along(x: Tensor, dim: SupportsIndex, keepdim: bool, largest: bool) -> ValuesIndices:
    from mg_autograd.tensor import Tensor  # here: tensor.py imports this module's users

    axes = _axes(dim, x.ndim)
    if not axes:  # a 0-d tensor (dim 0 or -1, as PyTorch): the value itself, at index 0
        return ValuesIndices(x * 1.0, Tensor(core.zeros((), dtype=core.int64)))
    (axis,) = axes
    values = Extremum.apply(x, (axis,), keepdim, largest, True)
    index = (core.argmax if largest else core.argmin)(x.data, axis=axis, keepdims=keepdim)
    return ValuesIndices(values, Tensor(index))


@overload
def max(x: Tensor, dim: None = None, keepdim: bool = False) -> Tensor: ...
@overload
def max(x: Tensor, dim: SupportsIndex, keepdim: bool = False) -> ValuesIndices: ...
def max(
    x: Tensor, dim: SupportsIndex | None = None, keepdim: bool = False
) -> Tensor | ValuesIndices:
    """Return the maximum of all elements, or ``(values, indices)`` along ``dim`` (PyTorch).

    Along a dim, the gradient goes to the element the index names (the first maximum); over
    all elements, tied maxima share it, as `amax`.

    >>> import mg_autograd as ag
    >>> values, indices = ag.max(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=1)
    >>> values, indices
    (tensor([5., 7.]), tensor([1, 0]))
    >>> ag.tensor([[1.0, 5.0]]).max()
    tensor(5.)
    """
    if dim is None:
        return amax(x)
    return _along(x, dim, keepdim, True)


@overload
def min(x: Tensor, dim: None = None, keepdim: bool = False) -> Tensor: ...
@overload
def min(x: Tensor, dim: SupportsIndex, keepdim: bool = False) -> ValuesIndices: ...
def min(
    x: Tensor, dim: SupportsIndex | None = None, keepdim: bool = False
) -> Tensor | ValuesIndices:
    """Return the minimum of all elements, or ``(values, indices)`` along ``dim`` (PyTorch).

    >>> import mg_autograd as ag
    >>> ag.min(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=0, keepdim=True).values
    tensor([[1., 2.]])
    """
    if dim is None:
        return amin(x)
    return _along(x, dim, keepdim, False)
