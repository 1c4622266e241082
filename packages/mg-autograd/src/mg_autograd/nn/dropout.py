"""`Dropout`: randomly zero elements while training; the identity in evaluation mode."""

from __future__ import annotations

import mg_core as core

from mg_autograd.nn import functional as F
from mg_autograd.nn.module import Module
from mg_autograd.tensor import Tensor

__all__ = ["Dropout"]


class Dropout(Module):
    """Zero each element with probability ``p`` in training, scaling the rest by 1 / (1 - p).

    >>> import mg_autograd as ag
    >>> drop = ag.nn.Dropout(0.5, generator=core.random.default_rng(0))
    >>> sorted(set(drop(ag.tensor([1.0] * 8)).tolist()))
    [0.0, 2.0]
    >>> drop.eval()(ag.tensor([1.0, 1.0]))
    tensor([1., 1.])
    """

    def __init__(self, p: float = 0.5, generator: core.random.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability must be in [0, 1], got {p}")
        self.p = p
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"
