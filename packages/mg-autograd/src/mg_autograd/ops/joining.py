"""Joining and cutting: cat/stack, split/chunk, pad (constant) and flip.

Only two ops need their own `Function`: `Concat` (its backward slices the gradient into one
piece per input) and `Pad` (its backward cuts the interior back out). The rest are views made
with basic indexing (split, chunk, flip, a crop by negative padding) or compositions (stack is
cat of unsqueezed inputs), so their gradients come from `Index` and `Reshape`. Backward
formulas use only indexing, which both gradient types spell (Note [Duck-typed backward]).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, SupportsIndex, TypeAlias, cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.ops.movement import Index

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = [
    "Concat",
    "Pad",
    "cat",
    "chunk",
    "concat",
    "flip",
    "pad",
    "split",
    "stack",
]

Shape: TypeAlias = "tuple[int, ...]"
MaybeTensor: TypeAlias = "core.Tensor | None"


def _along(axis: int, start: int, stop: int) -> tuple[slice, ...]:
    """The key selecting ``start:stop`` on ``axis`` (and everything on the axes before it)."""
    return (slice(None),) * axis + (slice(start, stop),)


def _dim(dim: SupportsIndex, ndim: int, what: str) -> int:
    d = operator.index(dim)
    if not -ndim <= d < ndim:
        raise IndexError(f"{what}: dim {d} is out of range for a tensor with {ndim} dimensions")
    return d % ndim


class Concat(Function):
    """Join along an existing axis; each input's gradient is its slice of the output gradient."""

    @staticmethod
    def forward(ctx: Context, axis: int, *tensors: core.Tensor) -> core.Tensor:
        out = core.concat(tensors, axis=axis)  # first: mg_core checks the shapes
        ctx.bounds = (axis % out.ndim, tuple(t.shape[axis] for t in tensors))
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, ...]:
        axis, sizes = cast("tuple[int, Shape]", ctx.bounds)
        grads: list[MaybeTensor] = [None]
        start = 0
        for needed, size in zip(ctx.needs_input_grad[1:], sizes, strict=True):
            grads.append(grad[_along(axis, start, start + size)] if needed else None)
            start += size
        return tuple(grads)


def cat(tensors: Sequence[Tensor | core.Tensor], dim: SupportsIndex = 0) -> Tensor:
    """Join tensors along the existing axis ``dim``; the others must have the same sizes.

    The result has the promoted dtype of the inputs (NumPy's rules).

    Raises:
        ValueError: for no tensors, or shapes that differ outside ``dim``.
        IndexError: if ``dim`` is out of range.

    >>> import mg_autograd as ag
    >>> a = ag.tensor([[1.0, 2.0]], requires_grad=True)
    >>> b = ag.tensor([[3.0, 4.0], [5.0, 6.0]])
    >>> ag.cat([a, b]).shape
    (3, 2)
    >>> (ag.cat([a, b], dim=0) * ag.tensor([[1.0], [2.0], [3.0]])).sum().backward()
    >>> a.grad
    tensor([[1., 1.]])
    """
    if not tensors:
        raise ValueError("cat needs a non-empty sequence of tensors")
    first = tensors[0]
    for t in tensors[1:]:
        if t.ndim != first.ndim:
            raise ValueError(
                f"cat: tensors must have the same number of dimensions, got shapes "
                f"{first.shape} and {t.shape}"
            )
    axis = _dim(dim, max(first.ndim, 1), "cat")
    if first.ndim == 0:
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated")
    return Concat.apply(axis, *tensors)


#: The array API's name for `cat`.
concat = cat


def stack(tensors: Sequence[Tensor], dim: SupportsIndex = 0) -> Tensor:
    """Join tensors of one shape along a new axis ``dim`` of the result.

    Raises:
        ValueError: for no tensors or different shapes.
        IndexError: if ``dim`` is out of range.

    >>> import mg_autograd as ag
    >>> ag.stack([ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0])], dim=1)
    tensor([[1., 3.],
            [2., 4.]])
    """
    if not tensors:
        raise ValueError("stack needs a non-empty sequence of tensors")
    for t in tensors[1:]:
        if t.shape != tensors[0].shape:
            raise ValueError(
                f"stack: all tensors must have the same shape, got {tensors[0].shape} and {t.shape}"
            )
    axis = _dim(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(axis) for t in tensors], dim=axis)


def split(
    x: Tensor, split_size_or_sections: int | Sequence[int], dim: SupportsIndex = 0
) -> tuple[Tensor, ...]:
    """Cut ``x`` into views along ``dim`` (PyTorch's rule).

    An int is the size of every piece (the last may be smaller); a sequence lists the sizes,
    which must add up to ``x.shape[dim]``.

    Raises:
        ValueError: for a size below 1 (int form), or sizes that do not add up.
        IndexError: if ``dim`` is out of range.

    >>> import mg_autograd as ag
    >>> [t.tolist() for t in ag.split(ag.tensor([1.0, 2.0, 3.0, 4.0, 5.0]), 2)]
    [[1.0, 2.0], [3.0, 4.0], [5.0]]
    >>> [t.shape for t in ag.split(ag.tensor([[1.0, 2.0, 3.0]]), [1, 2], dim=1)]
    [(1, 1), (1, 2)]
    """
    axis = _dim(dim, x.ndim, "split")
    n = x.shape[axis]
    if isinstance(split_size_or_sections, Sequence):
        sizes = [operator.index(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ValueError(
                f"split: sizes {sizes} do not add up to {n}, the size of dim {axis} "
                f"of a tensor of shape {x.shape}"
            )
    else:
        size = operator.index(split_size_or_sections)
        if size < 1:
            raise ValueError(f"split: split_size must be a positive integer, got {size}")
        sizes = [min(size, n - start) for start in range(0, n, size)] or [0]
    pieces = []
    start = 0
    for size in sizes:
        pieces.append(Index.apply(x, _along(axis, start, start + size)))
        start += size
    return tuple(pieces)


def chunk(x: Tensor, chunks: int, dim: SupportsIndex = 0) -> tuple[Tensor, ...]:
    """Cut ``x`` into ``chunks`` views of ``ceil(n / chunks)`` along ``dim`` (maybe fewer).

    Raises:
        ValueError: if ``chunks`` is below 1.

    >>> import mg_autograd as ag
    >>> [t.tolist() for t in ag.chunk(ag.tensor([1.0, 2.0, 3.0, 4.0, 5.0]), 3)]
    [[1.0, 2.0], [3.0, 4.0], [5.0]]
    """
    count = operator.index(chunks)
    if count < 1:
        raise ValueError(f"chunk: chunks must be a positive integer, got {count}")
    n = x.shape[_dim(dim, x.ndim, "chunk")]
    return split(x, max(-(-n // count), 1), dim)


def flip(x: Tensor, dims: SupportsIndex | Sequence[SupportsIndex]) -> Tensor:
    """Reverse the order of elements along ``dims``: a view with negative strides.

    Raises:
        IndexError: if a dim is out of range.
        ValueError: if a dim is repeated.

    >>> import mg_autograd as ag
    >>> ag.flip(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), [1])
    tensor([[2., 1.],
            [4., 3.]])
    """
    listed = dims if isinstance(dims, Sequence) else (dims,)
    axes = [_dim(d, x.ndim, "flip") for d in listed]
    if len(set(axes)) != len(axes):
        raise ValueError(f"flip: dims {list(listed)} name an axis twice")
    key = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim))
    return Index.apply(x, key)


class Pad(Function):
    """Constant padding by (before, after) per axis; backward cuts the interior out."""

    @staticmethod
    def forward(
        ctx: Context, x: core.Tensor, widths: tuple[tuple[int, int], ...], value: float
    ) -> core.Tensor:
        ctx.interior = tuple(slice(b, b + n) for (b, _), n in zip(widths, x.shape, strict=True))
        return core.pad(x, widths, constant_values=value)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        return grad[cast("tuple[slice, ...]", ctx.interior)], None, None


def pad(x: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    """Pad with ``value`` as ``torch.nn.functional.pad``: ``pad`` pairs start from the last axis.

    ``pad = (left, right)`` pads the last axis, ``(left, right, top, bottom)`` the last two,
    and so on. A negative amount crops instead.

    Raises:
        ValueError: for an odd-length ``pad``, more pairs than axes, a crop larger than the
            axis, or a mode other than ``"constant"``.

    >>> import mg_autograd as ag
    >>> ag.pad(ag.tensor([[1.0, 2.0]]), (1, 0, 0, 1), value=9.0)
    tensor([[9., 1., 2.],
            [9., 9., 9.]])
    """
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    amounts = [operator.index(p) for p in pad]
    if len(amounts) % 2 or len(amounts) // 2 > x.ndim:
        raise ValueError(
            f"pad: needs an even number of amounts, at most 2 per axis; got {len(amounts)} for "
            f"a tensor of shape {x.shape}"
        )
    pairs = [(0, 0)] * x.ndim
    for k in range(len(amounts) // 2):
        pairs[x.ndim - 1 - k] = (amounts[2 * k], amounts[2 * k + 1])
    crop = []
    for (before, after), n in zip(pairs, x.shape, strict=True):
        start, stop = max(-before, 0), n - max(-after, 0)
        if stop < start:
            raise ValueError(f"pad: amounts {tuple(amounts)} crop more than the shape {x.shape}")
        crop.append(slice(start, stop))
    if any(b < 0 or a < 0 for b, a in pairs):
        x = Index.apply(x, tuple(crop))
    widths = tuple((max(b, 0), max(a, 0)) for b, a in pairs)
    return Pad.apply(x, widths, float(value))
