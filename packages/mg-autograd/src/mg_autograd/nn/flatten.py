"""`Flatten`: merge a range of axes into one (by default all but the batch axis)."""

from __future__ import annotations

from mg_autograd.nn import functional as F
from mg_autograd.nn.module import Module
from mg_autograd.tensor import Tensor

__all__ = ["Flatten"]


class Flatten(Module):
    """Merge axes ``start_dim`` to ``end_dim`` into one.

    >>> import mg_autograd as ag
    >>> import mg_core as core
    >>> ag.nn.Flatten()(ag.tensor(core.zeros((2, 3, 4)))).shape
    (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Tensor) -> Tensor:
        return F.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
