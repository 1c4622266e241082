"""Advanced indexing and the ops built on it: index_select, gather, take, scatter_add, masked_fill.

Every key mg_core's ``__getitem__`` takes (integer index tensors, lists, NumPy arrays, bool
masks, mixed with ints, slices, None and ``...``) gives a copy, `AdvancedIndex`. Its backward
scatters the gradient into zeros with `mg_core.add_at`, so an element picked twice gets both
contributions (plain ``grad_x[key] = grad`` would keep only the last). Under ``create_graph``
the scatter is itself a recorded op, `IndexAdd`, whose backward is indexing again.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, SupportsIndex, TypeAlias, cast

import mg_core as core
from mg_core import is_advanced_key

from mg_autograd.function import Context, Function
from mg_autograd.ops.compare import Where
from mg_autograd.ops.unary import recording

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = [
    "AdvancedIndex",
    "IndexAdd",
    "ScatterAdd",
    "core_key",
    "gather",
    "index_select",
    "is_advanced_key",
    "masked_fill",
    "scatter_add",
    "take",
]

MaybeTensor: TypeAlias = "core.Tensor | None"
Shape: TypeAlias = "tuple[int, ...]"


def core_key(key: object) -> object:
    """``key`` with every `mg_autograd.Tensor` in it replaced by its mg_core data.

    Index tensors carry no gradient (they are integers or masks), so only their data matters.
    """
    from mg_autograd.tensor import Tensor  # here: tensor.py imports views.py, which imports us

    if isinstance(key, Tensor):
        return key.data
    if isinstance(key, tuple):
        return tuple(item.data if isinstance(item, Tensor) else item for item in key)
    return key


def index_add(shape: Shape, key: object, values: core.Tensor) -> core.Tensor:
    """Zeros of ``shape`` with ``values`` added at ``key`` (duplicates accumulate).

    >>> index_add((3,), [0, 0, 2], core.asarray([1.0, 2.0, 3.0])).tolist()
    [3.0, 0.0, 3.0]
    """
    out = core.zeros(shape, dtype=values.dtype)
    core.add_at(out, key, values)
    return out


class AdvancedIndex(Function):
    """``x[key]`` for an advanced key (a copy); backward adds the gradient back at ``key``."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, key: object) -> core.Tensor:
        out = x[key]  # type: ignore[index]  # first: mg_core validates the key
        ctx.input_shape = x.shape
        ctx.key = key
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, None]:
        if not ctx.needs_input_grad[0]:
            return None, None
        shape = cast("Shape", ctx.input_shape)
        if recording(grad):  # create_graph: record the scatter so it can be differentiated
            return cast("core.Tensor", IndexAdd.apply(grad, shape, ctx.key)), None
        return index_add(shape, ctx.key, grad), None


class IndexAdd(Function):
    """`AdvancedIndex`'s backward as an op (for ``create_graph``); its backward is indexing."""

    @staticmethod
    def forward(ctx: Context, values: core.Tensor, shape: Shape, key: object) -> core.Tensor:
        ctx.key = key
        return index_add(shape, key, values)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None
        if recording(grad):
            return cast("core.Tensor", AdvancedIndex.apply(grad, ctx.key)), None, None
        return grad[ctx.key], None, None  # type: ignore[index]


def _dim(dim: SupportsIndex, ndim: int, name: str) -> int:
    d = operator.index(dim)
    if not -max(ndim, 1) <= d < max(ndim, 1):
        raise IndexError(f"{name}: dim {d} is out of range for a tensor with {ndim} dimensions")
    return d % max(ndim, 1)


def _int_index(index: Tensor | core.Tensor, name: str) -> core.Tensor:
    data = core_key(index)
    if not isinstance(data, core.Tensor) or data.dtype.kind not in "iu":
        what = data.dtype.name if isinstance(data, core.Tensor) else type(data).__name__
        raise TypeError(f"{name}: index must be an integer tensor, got {what}")
    return data


def index_select(x: Tensor, dim: SupportsIndex, index: Tensor | core.Tensor) -> Tensor:
    """Return the slices of ``x`` at positions ``index`` (1-d, repeats allowed) along ``dim``.

    Raises:
        TypeError: if ``index`` is not an integer tensor. IndexError: for a bad dim/index.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> ag.index_select(x, 0, ag.tensor([1, 1])).sum().backward()
    >>> x.grad
    tensor([[0., 0.],
            [2., 2.]])
    """
    data = _int_index(index, "index_select")
    if data.ndim > 1:
        raise IndexError(f"index_select: index must be 0-d or 1-d, got shape {data.shape}")
    d = _dim(dim, x.ndim, "index_select")
    if x.ndim == 0:
        return AdvancedIndex.apply(x.reshape(1), data.reshape(-1)).reshape(data.shape)
    return AdvancedIndex.apply(x, (slice(None),) * d + (data.reshape(-1),))


def _gather_key(x_shape: Shape, dim: int, index: core.Tensor, name: str) -> tuple[core.Tensor, ...]:
    """The advanced key that reads ``x[..., index[i], ...]`` with every other axis ``i`` itself."""
    if index.ndim != len(x_shape):
        raise IndexError(
            f"{name}: index has {index.ndim} dimensions but the tensor has {len(x_shape)}"
        )
    for d, (n, m) in enumerate(zip(index.shape, x_shape, strict=True)):
        if d != dim and n > m:
            raise IndexError(
                f"{name}: index has size {n} along dim {d} but the tensor only {m} "
                f"(index shape {index.shape}, tensor shape {x_shape})"
            )
    key: list[core.Tensor] = []
    for d, n in enumerate(index.shape):
        if d == dim:
            key.append(index)
        else:
            along = [1] * index.ndim
            along[d] = n
            key.append(core.arange(n).reshape(tuple(along)))
    return tuple(key)


def gather(x: Tensor, dim: SupportsIndex, index: Tensor | core.Tensor) -> Tensor:
    """PyTorch's gather: ``out[i][j] = x[index[i][j]][j]`` for ``dim=0`` (same for any dim).

    ``index`` has x's number of dimensions; the output has index's shape.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> ag.gather(x, 1, ag.tensor([[0, 0], [1, 0]]))
    tensor([[1., 1.],
            [4., 3.]])
    """
    data = _int_index(index, "gather")
    if x.ndim == 0:
        return AdvancedIndex.apply(x.reshape(1), data.reshape(-1)).reshape(data.shape)
    d = _dim(dim, x.ndim, "gather")
    return AdvancedIndex.apply(x, _gather_key(x.shape, d, data, "gather"))


def take(x: Tensor, index: Tensor | core.Tensor) -> Tensor:
    """PyTorch's take: the elements of flattened ``x`` at ``index`` (any shape, negatives ok).

    >>> import mg_autograd as ag
    >>> ag.take(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), ag.tensor([[3, -4]]))
    tensor([[4., 1.]])
    """
    return AdvancedIndex.apply(x.reshape(-1), _int_index(index, "take"))


class ScatterAdd(Function):
    """``x`` plus ``src`` added at the gather key; ``src``'s gradient is the gradient gathered."""

    @staticmethod
    def forward(
        ctx: Context, x: core.Tensor, src: core.Tensor, key: tuple[core.Tensor, ...]
    ) -> core.Tensor:
        out = x.copy()
        core.add_at(out, key, src)
        ctx.key = key
        ctx.src_shape = src.shape
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[MaybeTensor, MaybeTensor, None]:
        grad_src = None
        if ctx.needs_input_grad[1]:
            if recording(grad):
                grad_src = cast("core.Tensor", AdvancedIndex.apply(grad, ctx.key))
            else:
                grad_src = grad[ctx.key]  # type: ignore[index]
        return (grad if ctx.needs_input_grad[0] else None), grad_src, None


def scatter_add(
    x: Tensor, dim: SupportsIndex, index: Tensor | core.Tensor, src: Tensor | core.Tensor
) -> Tensor:
    """PyTorch's scatter_add: a copy of ``x`` with ``src[i][j]`` added at ``[index[i][j]][j]``.

    ``index`` and ``src`` have the same shape (at most x's along the other dims); duplicate
    indices accumulate. The adjoint of `gather`.

    >>> import mg_autograd as ag
    >>> ag.scatter_add(ag.tensor([0.0, 0.0, 0.0]), 0, ag.tensor([0, 2, 0]),
    ...                ag.tensor([1.0, 2.0, 3.0]))
    tensor([4., 0., 2.])
    """
    from mg_autograd.tensor import Tensor

    data = _int_index(index, "scatter_add")
    source = src if isinstance(src, Tensor) else Tensor(src)
    if source.shape != data.shape:
        raise ValueError(
            f"scatter_add: src has shape {source.shape} but index has shape {data.shape}"
        )
    d = _dim(dim, x.ndim, "scatter_add")
    return ScatterAdd.apply(x, source, _gather_key(x.shape, d, data, "scatter_add"))


def masked_fill(x: Tensor, mask: Tensor | core.Tensor, value: float) -> Tensor:
    """Return ``x`` with ``value`` where the bool ``mask`` (broadcast) holds; no gradient there.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0])
    >>> ag.masked_fill(x, x > 1.5, 0.0)
    tensor([1., 0., 0.])
    """
    return Where.apply(mask, value, x)
