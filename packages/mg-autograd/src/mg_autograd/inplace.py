"""In-place updates, bound as `Tensor` methods: ``add_``, ``mul_``, ``zero_``.

They write into ``.data`` and are not recorded in the graph, so on a tensor that requires grad
they are refused unless grad mode is off (the parameter-update case). Each bumps the tensor's
version counter (shared with its views), which backward checks for saved tensors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mg_core as core

from mg_autograd.grad_mode import is_grad_enabled

if TYPE_CHECKING:
    from mg_autograd.tensor import Operand, Tensor

__all__ = ["add_", "mul_", "zero_"]


def _check(x: Tensor, name: str) -> None:
    if x._requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"{name}() on a tensor that requires grad would not be recorded in the graph; "
            "do it inside `with mg_autograd.no_grad():` (e.g. for a parameter update)"
        )


def _write(x: Tensor, values: core.Tensor | float) -> Tensor:
    x.data[...] = values
    x._counter().value += 1
    return x


def add_(x: Tensor, other: Operand) -> Tensor:
    """Add ``other`` into this tensor's data in place and return it.

    Raises:
        RuntimeError: if the tensor requires grad and grad mode is on (use `no_grad`).

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0]).add_(1.5)
    tensor([2.5000, 3.5000])
    """
    _check(x, "add_")
    return _write(x, core.add(x.data, x._lift(other).data))


def mul_(x: Tensor, other: Operand) -> Tensor:
    """Multiply this tensor's data by ``other`` in place and return it.

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0]).mul_(3)
    tensor([3., 6.])
    """
    _check(x, "mul_")
    return _write(x, core.multiply(x.data, x._lift(other).data))


def zero_(x: Tensor) -> Tensor:
    """Fill this tensor's data with zeros in place and return it.

    >>> import mg_autograd as ag
    >>> ag.tensor([1.0, 2.0]).zero_()
    tensor([0., 0.])
    """
    _check(x, "zero_")
    return _write(x, 0)
