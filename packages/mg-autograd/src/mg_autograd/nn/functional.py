"""Stateless layer functions (PyTorch's ``torch.nn.functional``); modules are thin wrappers.

Everything here composes differentiable `mg_autograd` ops, so gradients need no code of
their own.
"""

from __future__ import annotations

import mg_core as core

from mg_autograd.random import default_generator
from mg_autograd.tensor import Tensor

__all__ = ["dropout", "flatten", "linear", "mse_loss"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Return ``input @ weight.T + bias`` over the last axis of ``input``.

    ``weight`` has shape (out_features, in_features); ``input`` (..., in_features).

    Raises:
        ValueError: if the last axis of ``input`` is not ``in_features`` long.

    >>> import mg_autograd as ag
    >>> linear(ag.tensor([[1.0, 2.0]]), ag.tensor([[1.0, 1.0], [0.0, 3.0]]), ag.tensor([0.5, 0.0]))
    tensor([[3.5000, 6.0000]])
    """
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d (out, in), got shape {weight.shape}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: expected input with {weight.shape[1]} features in its last dimension "
            f"(weight shape {weight.shape}), got input of shape {input.shape}"
        )
    # (..., 1, in) * (out, in) summed over `in`: broadcasting stands in for a matrix product.
    out = (input.unsqueeze(-2) * weight).sum(axis=-1)
    return out if bias is None else out + bias


def flatten(input: Tensor, start_dim: int = 1, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim`` to ``end_dim`` (inclusive) into one.

    >>> import mg_autograd as ag
    >>> flatten(ag.tensor(core.zeros((2, 3, 4)))).shape
    (2, 12)
    """
    ndim = max(input.ndim, 1)
    start, end = start_dim % ndim, end_dim % ndim
    if not (-ndim <= start_dim < ndim and -ndim <= end_dim < ndim) or start > end:
        raise ValueError(
            f"flatten: start_dim={start_dim}, end_dim={end_dim} do not select axes in order "
            f"of a tensor of shape {input.shape}"
        )
    if input.ndim == 0:
        return input.reshape(1)
    shape = input.shape
    merged = 1
    for n in shape[start : end + 1]:
        merged *= n
    return input.reshape(*shape[:start], merged, *shape[end + 1 :])


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    generator: core.random.Generator | None = None,
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Does nothing when ``training`` is False.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([1.0, 1.0, 1.0, 1.0])
    >>> sorted(set(dropout(x, 0.5, generator=core.random.default_rng(0)).tolist()))
    [0.0, 2.0]
    >>> dropout(x, 0.5, training=False) is x
    True
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    rng = generator or default_generator()
    draws = rng.random(input.shape, dtype=core.float64).reshape(-1).tolist()
    assert isinstance(draws, list)
    scale = 1.0 / (1.0 - p)
    # mg_core has no comparison op on this branch yet, so the keep-mask is built in Python.
    mask = core.asarray([scale if u >= p else 0.0 for u in draws], dtype=input.dtype)  # type: ignore[operator]
    return input * mask.reshape(input.shape)


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Return the squared error ``(input - target) ** 2``, averaged, summed or per element.

    Raises:
        ValueError: if the shapes differ or ``reduction`` is not 'mean', 'sum' or 'none'.

    >>> import mg_autograd as ag
    >>> mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    if input.shape != target.shape:
        raise ValueError(
            f"mse_loss: input shape {input.shape} and target shape {target.shape} differ"
        )
    diff = input - target
    return reduce(diff * diff, reduction)


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply a loss's ``reduction``: 'mean', 'sum' or 'none' (per element)."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
