"""TensorOps: the operators and methods Tensor inherits (`<`, `//`, `&`, `.max()`, `.exp()`, ...).

Thin wrappers over the namespace functions, kept out of tensor.py. The op modules import
Tensor, so they cannot be imported before Tensor exists; tensor.py calls `bind_op_modules()`
once it does, and the methods look the modules up as globals at call time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ._kernels import BinaryOp
from .buffer import Scalar
from .tensor_methods import TensorMethods, bind_method_modules

if TYPE_CHECKING:
    from . import arithmetic as _arith
    from . import bitwise as _bits
    from . import comparison as _cmp
    from . import inplace as _inplace
    from . import unary as _unary
    from .tensor import Tensor

__all__ = ["TensorOps", "bind_op_modules"]


def bind_op_modules() -> None:
    """Import the op modules TensorOps' methods call; tensor.py runs this once Tensor exists."""
    global _arith, _bits, _cmp, _inplace, _unary, _OPERANDS
    from . import arithmetic as _arith
    from . import bitwise as _bits
    from . import comparison as _cmp
    from . import inplace as _inplace
    from . import unary as _unary
    from .tensor import Tensor

    _OPERANDS = (Tensor, int, float)
    bind_method_modules()


_OPERANDS: tuple[type, ...] = ()
_NOT: Final = NotImplemented


def _floordiv(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _arith.floor_divide(self, other) if isinstance(other, _OPERANDS) else _NOT


def _rfloordiv(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _arith.floor_divide(other, self) if isinstance(other, _OPERANDS) else _NOT


def _mod(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _arith.remainder(self, other) if isinstance(other, _OPERANDS) else _NOT


def _rmod(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _arith.remainder(other, self) if isinstance(other, _OPERANDS) else _NOT


def _and(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_and(self, other) if isinstance(other, _OPERANDS) else _NOT


def _rand(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_and(other, self) if isinstance(other, _OPERANDS) else _NOT


def _or(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_or(self, other) if isinstance(other, _OPERANDS) else _NOT


def _ror(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_or(other, self) if isinstance(other, _OPERANDS) else _NOT


def _xor(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_xor(self, other) if isinstance(other, _OPERANDS) else _NOT


def _rxor(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_xor(other, self) if isinstance(other, _OPERANDS) else _NOT


def _lshift(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_left_shift(self, other) if isinstance(other, _OPERANDS) else _NOT


def _rlshift(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_left_shift(other, self) if isinstance(other, _OPERANDS) else _NOT


def _rshift(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_right_shift(self, other) if isinstance(other, _OPERANDS) else _NOT


def _rrshift(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _bits.bitwise_right_shift(other, self) if isinstance(other, _OPERANDS) else _NOT


def _eq(self: Tensor, other: object) -> Tensor:
    return _cmp.equal(self, other) if isinstance(other, _OPERANDS) else _NOT  # type: ignore[arg-type]


def _ne(self: Tensor, other: object) -> Tensor:
    return _cmp.not_equal(self, other) if isinstance(other, _OPERANDS) else _NOT  # type: ignore[arg-type]


def _lt(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _cmp.less(self, other) if isinstance(other, _OPERANDS) else _NOT


def _le(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _cmp.less_equal(self, other) if isinstance(other, _OPERANDS) else _NOT


def _gt(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _cmp.greater(self, other) if isinstance(other, _OPERANDS) else _NOT


def _ge(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _cmp.greater_equal(self, other) if isinstance(other, _OPERANDS) else _NOT


def _ifloordiv(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.FLOOR_DIVIDE, other)


def _imod(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.REMAINDER, other)


def _ipow(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.POW, other)


def _iand(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.BITWISE_AND, other)


def _ior(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.BITWISE_OR, other)


def _ixor(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.BITWISE_XOR, other)


def _ilshift(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.LEFT_SHIFT, other)


def _irshift(self: Tensor, other: Tensor | Scalar) -> Tensor:
    return _in_place(self, BinaryOp.RIGHT_SHIFT, other)


def _abs(self: Tensor) -> Tensor:
    return _unary.abs(self)


def _invert(self: Tensor) -> Tensor:
    return _unary.bitwise_invert(self)


def _in_place(x: Tensor, op: BinaryOp, other: Tensor | Scalar) -> Tensor:
    if isinstance(other, _OPERANDS):
        return _inplace.inplace_op(op, x, other)
    return _NOT  # type: ignore[no-any-return]


class TensorOps(TensorMethods):
    """Operators of Tensor beyond `+ - * / **` (tensor.py), and its methods (TensorMethods).

    The methods are module functions whose `self` is a Tensor, assigned here: a mixin's own
    `def` could not say that `self` is the Tensor subclass.
    """

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # == is elementwise, so tensors are unhashable

    # binary operators
    __floordiv__ = _floordiv
    __rfloordiv__ = _rfloordiv
    __mod__ = _mod
    __rmod__ = _rmod
    __and__ = _and
    __rand__ = _rand
    __or__ = _or
    __ror__ = _ror
    __xor__ = _xor
    __rxor__ = _rxor
    __lshift__ = _lshift
    __rlshift__ = _rlshift
    __rshift__ = _rshift
    __rrshift__ = _rrshift

    # comparisons: elementwise, bool tensors
    __eq__ = _eq  # type: ignore[assignment]
    __ne__ = _ne  # type: ignore[assignment]
    __lt__ = _lt
    __le__ = _le
    __gt__ = _gt
    __ge__ = _ge

    # in place, into this tensor's memory (see mg_core.inplace)
    __ifloordiv__ = _ifloordiv
    __imod__ = _imod
    __ipow__ = _ipow
    __iand__ = _iand
    __ior__ = _ior
    __ixor__ = _ixor
    __ilshift__ = _ilshift
    __irshift__ = _irshift

    # unary operators
    __abs__ = _abs
    __invert__ = _invert
