"""logsumexp, softmax and log_softmax, composed from exp/log/sum around a constant shift.

Each subtracts m, the maximum over the reduced axes, taken from the data outside the graph, so
logits of +-1000 give finite values and gradients: Note [Shift by the max] in docs/autograd.md.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, SupportsIndex

import mg_core as core

from mg_autograd.ops.reduction import normalize_axes
from mg_autograd.ops.unary import exp, log

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["log_softmax", "logsumexp", "softmax"]


def _axes(dim: SupportsIndex | Sequence[SupportsIndex], ndim: int) -> tuple[int, ...]:
    listed = tuple(dim) if isinstance(dim, Sequence) else (dim,)
    axes = normalize_axes(tuple(operator.index(d) for d in listed), ndim or 1)
    return axes if ndim else ()


def _shift(x: Tensor, axes: tuple[int, ...]) -> core.Tensor:
    """The constant m of Note [Shift by the max], with the reduced axes kept as size 1.

    An infinite maximum (all -inf, or a +inf) becomes 0, so ``x - m`` never makes
    ``inf - inf``.
    """
    if x.size == 0:
        return core.zeros((1,) * x.ndim, dtype=x.dtype)
    m = core.max(x.data, axis=axes, keepdims=True)
    return core.where(core.isfinite(m), m, core.zeros((), dtype=m.dtype))


def logsumexp(
    x: Tensor, dim: SupportsIndex | Sequence[SupportsIndex], keepdim: bool = False
) -> Tensor:
    """Return ``log(sum(exp(x)))`` over ``dim``, without overflow (Note [Shift by the max]).

    The gradient is ``softmax(x)`` over the same axes.

    Raises:
        IndexError: for a dim out of range. ValueError: for a repeated dim.

    >>> import mg_autograd as ag
    >>> ag.logsumexp(ag.tensor([[1000.0, 1000.0], [-1000.0, 0.0]]), dim=1)
    tensor([1000.6932,    0.0000])
    """
    axes = _axes(dim, x.ndim)
    m = _shift(x, axes)
    out = log(exp(x - m).sum(axis=axes, keepdims=True)) + m
    return out if keepdim else out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def softmax(x: Tensor, dim: SupportsIndex) -> Tensor:
    """Return ``exp(x) / sum(exp(x))`` along ``dim``: non-negative, summing to 1, never NaN
    for finite logits (Note [Shift by the max]).

    >>> import mg_autograd as ag
    >>> ag.softmax(ag.tensor([1000.0, 0.0, -1000.0]), dim=0)
    tensor([1., 0., 0.])
    """
    axes = _axes(dim, x.ndim)
    e = exp(x - _shift(x, axes))
    return e / e.sum(axis=axes, keepdims=True)


def log_softmax(x: Tensor, dim: SupportsIndex) -> Tensor:
    """Return ``x - logsumexp(x)`` along ``dim``: finite for finite logits, however large.

    >>> import mg_autograd as ag
    >>> ag.log_softmax(ag.tensor([1000.0, 0.0]), dim=0)
    tensor([    0., -1000.])
    """
    axes = _axes(dim, x.ndim)
    shifted = x - _shift(x, axes)
    return shifted - log(exp(shifted).sum(axis=axes, keepdims=True))
