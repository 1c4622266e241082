"""`clip_grad_norm_`: rescale gradients so their joint norm is at most ``max_norm``."""

from __future__ import annotations

import math
from collections.abc import Iterable

import mg_core as core

from mg_autograd.grad_mode import no_grad
from mg_autograd.nn.module import assign_data
from mg_autograd.tensor import Tensor

__all__ = ["clip_grad_norm_"]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale every gradient by ``max_norm / (total_norm + 1e-6)`` when that is below 1.

    The total norm is the ``norm_type``-norm of all gradients taken together, as if
    concatenated into one vector (``math.inf`` for the largest absolute value). Parameters
    without a gradient are skipped.

    Returns:
        The total norm before clipping, as a 0-d float tensor.

    Raises:
        RuntimeError: if ``error_if_nonfinite`` and the total norm is nan or inf.

    >>> import mg_autograd as ag
    >>> p = ag.nn.Parameter(ag.tensor([0.0, 0.0]))
    >>> p.grad = ag.tensor([3.0, 4.0])
    >>> clip_grad_norm_([p], max_norm=1.0)
    tensor(5.)
    >>> p.grad
    tensor([0.6000, 0.8000])
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    if norm_type <= 0:
        raise ValueError(f"norm_type must be positive, got {norm_type}")
    if not grads:
        return Tensor(core.zeros((), dtype=core.float32))
    total = _total_norm([g.data for g in grads], float(norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"the total norm of order {norm_type} of the gradients is {total}, so they cannot "
            "be clipped; pass error_if_nonfinite=False to clip anyway"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        with no_grad():
            for g in grads:
                assign_data(g, g.data * coef)
    return Tensor(core.full((), total, dtype=grads[0].dtype))


def _total_norm(grads: list[core.Tensor], p: float) -> float:
    if p == math.inf:
        return max(float(core.max(core.abs(g))) if g.size else 0.0 for g in grads)
    if p == 2.0:
        total = sum(float(core.sum(g * g)) for g in grads)
        return math.sqrt(total)
    total = sum(float(core.sum(core.pow(core.abs(g), p))) for g in grads)
    return float(total ** (1.0 / p))
