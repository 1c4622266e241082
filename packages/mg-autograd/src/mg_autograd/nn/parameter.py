"""`Parameter`: a leaf Tensor that a `Module` registers as learnable when assigned to it."""

from __future__ import annotations

import mg_core as core

from mg_autograd.tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and is listed by `Module.parameters`.

    ``data`` may be an `mg_autograd.Tensor` (its data is shared, not copied) or an mg_core
    tensor.

    >>> import mg_autograd as ag
    >>> p = ag.nn.Parameter(ag.tensor([1.0, 2.0]))
    >>> p
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    >>> p.requires_grad, p.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __init__(self, data: Tensor | core.Tensor, requires_grad: bool = True) -> None:
        super().__init__(data.data if isinstance(data, Tensor) else data, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
