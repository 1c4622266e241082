"""TensorMethods: the reduction and math methods of Tensor (`t.max()`, `t.exp()`, ...).

Thin wrappers over the namespace functions, with NumPy's names and defaults. Reductions also
take PyTorch's `dim=`/`keepdim=` spellings, but return values only (NumPy's `max`, not
PyTorch's (values, indices)); `var`/`std` default to `correction=0` as NumPy's do. As in
tensor_ops.py, the methods are module functions whose `self` is a Tensor, bound to the class
below, and the op modules are imported once Tensor exists (`bind_method_modules`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final, SupportsIndex

from .buffer import Scalar
from .dtype import DTypeLike
from .shape import Axes

if TYPE_CHECKING:
    from . import cumulative as _cum
    from . import inverse_hyperbolic as _ihyp
    from . import reduction as _red
    from . import statistics as _stats
    from . import ternary as _ternary
    from . import unary as _unary
    from .tensor import Tensor

__all__ = ["TensorMethods", "bind_method_modules"]


def bind_method_modules() -> None:
    """Import the modules the methods call; run by tensor.py once Tensor exists."""
    global _cum, _ihyp, _red, _stats, _ternary, _unary
    from . import cumulative as _cum
    from . import inverse_hyperbolic as _ihyp
    from . import reduction as _red
    from . import statistics as _stats
    from . import ternary as _ternary
    from . import unary as _unary


def _axis(axis: Axes, dim: Axes) -> Axes:
    """`axis`, or PyTorch's `dim` if given instead."""
    if dim is None:
        return axis
    if axis is not None:
        raise TypeError("pass either axis or dim, not both")
    return dim


def _keep(keepdims: bool, keepdim: bool | None) -> bool:
    return keepdims if keepdim is None else keepdim


def _one_axis(axis: SupportsIndex | None, dim: SupportsIndex | None) -> SupportsIndex | None:
    if dim is None:
        return axis
    if axis is not None:
        raise TypeError("pass either axis or dim, not both")
    return dim


# --- reductions ---------------------------------------------------------------------------


def _sum(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the sum over `axis` (see `mg_core.sum`); `dim`/`keepdim` are PyTorch's names.

    >>> mg.asarray([[1, 2], [3, 4]]).sum(axis=0), mg.asarray([[1, 2], [3, 4]]).sum(dim=1)
    (tensor([4, 6], dtype=int64), tensor([3, 7], dtype=int64))
    """
    return _red.sum(self, _axis(axis, dim), _keep(keepdims, keepdim))


def _mean(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the mean over `axis` (see `mg_core.mean`).

    >>> mg.asarray([[1, 2], [3, 4]]).mean()
    tensor(2.5, dtype=float64)
    """
    return _red.mean(self, _axis(axis, dim), _keep(keepdims, keepdim))


def _prod(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the product over `axis` (see `mg_core.prod`).

    >>> mg.asarray([[1, 2], [3, 4]]).prod(dim=0)
    tensor([3, 8], dtype=int64)
    """
    return _red.prod(self, axis=_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _max(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the largest element over `axis` (see `mg_core.max`); values only.

    >>> mg.asarray([[1, 5], [3, 2]]).max(axis=1, keepdims=True)
    tensor([[5],
            [3]], dtype=int64)
    """
    return _red.max(self, axis=_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _min(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the smallest element over `axis` (see `mg_core.min`); values only.

    >>> mg.asarray([[1, 5], [3, 2]]).min()
    tensor(1, dtype=int64)
    """
    return _red.min(self, axis=_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _all(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return whether every element over `axis` is nonzero (see `mg_core.all`).

    >>> mg.asarray([1, 2, 0]).all()
    tensor(False, dtype=bool)
    """
    return _red.all(self, axis=_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _any(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return whether some element over `axis` is nonzero (see `mg_core.any`).

    >>> mg.asarray([0, 0, 3]).any()
    tensor(True, dtype=bool)
    """
    return _red.any(self, axis=_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _argmax(
    self: Tensor,
    axis: SupportsIndex | None = None,
    keepdims: bool = False,
    *,
    dim: SupportsIndex | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the index of the first largest element along `axis` (see `mg_core.argmax`).

    >>> mg.asarray([[1, 7], [9, 0]]).argmax(dim=1)
    tensor([1, 0], dtype=int64)
    """
    return _red.argmax(self, axis=_one_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _argmin(
    self: Tensor,
    axis: SupportsIndex | None = None,
    keepdims: bool = False,
    *,
    dim: SupportsIndex | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the index of the first smallest element along `axis` (see `mg_core.argmin`).

    >>> mg.asarray([[1, 7], [9, 0]]).argmin()
    tensor(3, dtype=int64)
    """
    return _red.argmin(self, axis=_one_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _var(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    correction: int | float = 0,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the variance over `axis` (see `mg_core.var`; NumPy's default correction=0).

    >>> mg.asarray([1.0, 2.0, 3.0]).var(correction=1)
    tensor(1., dtype=float64)
    """
    axes, keep = _axis(axis, dim), _keep(keepdims, keepdim)
    return _stats.var(self, axis=axes, correction=correction, keepdims=keep)


def _std(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    correction: int | float = 0,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return the standard deviation over `axis` (see `mg_core.std`).

    >>> mg.asarray([1.0, 3.0]).std()
    tensor(1., dtype=float64)
    """
    axes, keep = _axis(axis, dim), _keep(keepdims, keepdim)
    return _stats.std(self, axis=axes, correction=correction, keepdims=keep)


def _logsumexp(
    self: Tensor,
    axis: Axes = None,
    keepdims: bool = False,
    *,
    dim: Axes = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Return log(sum(exp(self))) over `axis` (see `mg_core.logsumexp`).

    >>> mg.asarray([0.0, 0.0]).logsumexp()
    tensor(0.69314718, dtype=float64)
    """
    return _stats.logsumexp(self, axis=_axis(axis, dim), keepdims=_keep(keepdims, keepdim))


def _cumsum(
    self: Tensor,
    axis: SupportsIndex | None = None,
    dtype: DTypeLike | None = None,
    *,
    dim: SupportsIndex | None = None,
) -> Tensor:
    """Return the running sums along `axis`; None flattens first, as NumPy's cumsum.

    >>> mg.asarray([[1, 2], [3, 4]]).cumsum(), mg.asarray([[1, 2], [3, 4]]).cumsum(dim=0)
    (tensor([ 1,  3,  6, 10], dtype=int64), tensor([[1, 2],
            [4, 6]], dtype=int64))
    """
    ax = _one_axis(axis, dim)
    src = self.reshape(-1) if ax is None else self
    return _cum.cumulative_sum(src, axis=0 if ax is None else ax, dtype=dtype)


def _cumprod(
    self: Tensor,
    axis: SupportsIndex | None = None,
    dtype: DTypeLike | None = None,
    *,
    dim: SupportsIndex | None = None,
) -> Tensor:
    """Return the running products along `axis`; None flattens first, as NumPy's cumprod.

    >>> mg.asarray([1, 2, 3]).cumprod()
    tensor([1, 2, 6], dtype=int64)
    """
    ax = _one_axis(axis, dim)
    src = self.reshape(-1) if ax is None else self
    return _cum.cumulative_prod(src, axis=0 if ax is None else ax, dtype=dtype)


# --- elementwise --------------------------------------------------------------------------


def _clip(
    self: Tensor, min: Tensor | Scalar | None = None, max: Tensor | Scalar | None = None
) -> Tensor:
    """Return self limited to [min, max] (see `mg_core.clip`).

    >>> mg.asarray([-2, 0, 2]).clip(-1, 1)
    tensor([-1,  0,  1], dtype=int64)
    """
    return _ternary.clip(self, min, max)


def _round(self: Tensor) -> Tensor:
    """Return self rounded half to even (see `mg_core.round`).

    >>> mg.asarray([0.5, 1.5, -2.5]).round()
    tensor([ 0.,  2., -2.], dtype=float64)
    """
    return _unary.round(self)


def _abs(self: Tensor) -> Tensor:
    """Return the absolute value (see `mg_core.abs`).

    >>> mg.asarray([-1, 2]).abs()
    tensor([1, 2], dtype=int64)
    """
    return _unary.abs(self)


def _exp(self: Tensor) -> Tensor:
    """Return e**self (see `mg_core.exp`).

    >>> mg.asarray([0.0]).exp()
    tensor([1.], dtype=float64)
    """
    return _unary.exp(self)


def _log(self: Tensor) -> Tensor:
    """Return the natural logarithm (see `mg_core.log`).

    >>> mg.asarray([1.0]).log()
    tensor([0.], dtype=float64)
    """
    return _unary.log(self)


def _sqrt(self: Tensor) -> Tensor:
    """Return the square root (see `mg_core.sqrt`).

    >>> mg.asarray([4.0]).sqrt()
    tensor([2.], dtype=float64)
    """
    return _unary.sqrt(self)


def _elementwise(name: str) -> Callable[[Tensor], Tensor]:
    """A method that returns `mg_core.<name>(self)` (looked up when called)."""

    def method(self: Tensor) -> Tensor:
        module = _ihyp if name in _INVERSE_HYPERBOLIC else _unary
        fn: Callable[[Tensor], Tensor] = getattr(module, name)
        return fn(self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Return `mg_core.{name}(self)`."
    return method


_MORE: Final = [
    "sin",
    "cos",
    "tan",
    "tanh",
    "sinh",
    "cosh",
    "asin",
    "acos",
    "atan",
    "sigmoid",
    "relu",
    "erf",
    "floor",
    "ceil",
    "trunc",
    "sign",
    "square",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "exp2",
    "reciprocal",
    "isnan",
    "isinf",
    "isfinite",
    "logical_not",
    "asinh",
    "acosh",
    "atanh",
]
_INVERSE_HYPERBOLIC: Final = frozenset(_MORE[-3:])


class TensorMethods:
    """Reduction and math methods of Tensor; see the module docstring."""

    __slots__ = ()

    sum = _sum
    mean = _mean
    prod = _prod
    max = _max
    min = _min
    all = _all
    any = _any
    argmax = _argmax
    argmin = _argmin
    var = _var
    std = _std
    logsumexp = _logsumexp
    cumsum = _cumsum
    cumprod = _cumprod
    clip = _clip
    round = _round
    abs = _abs
    exp = _exp
    log = _log
    sqrt = _sqrt
    sin, cos, tan, tanh, sinh, cosh, asin, acos, atan = map(_elementwise, _MORE[:9])
    sigmoid, relu, erf, floor, ceil, trunc, sign, square = map(_elementwise, _MORE[9:17])
    log2, log10, log1p, expm1, exp2, reciprocal = map(_elementwise, _MORE[17:23])
    isnan, isinf, isfinite, logical_not = map(_elementwise, _MORE[23:27])
    asinh, acosh, atanh = map(_elementwise, _MORE[27:])
