"""Bitwise ops on integer and bool tensors: and, or, xor, left and right shifts.

Floats (and int64 with uint64, which promote to float64) raise TypeError, as in NumPy. On
bools and/or/xor are logical; shifts compute bools in int8, NumPy's loop for them. Shifts by a
negative count or by the width or more give 0 (-1 for a negative signed right operand shifted
right), NumPy's answers.
"""

from __future__ import annotations

from typing import Final

from ._kernels import BinaryOp
from .dtype import DType, all_dtypes, bool_, int8
from .elementwise import BinarySpec, Operand, apply_binary
from .tensor import Tensor

__all__ = [
    "SPECS",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
]

_INTS_AND_BOOL: Final[dict[DType, tuple[DType, DType]]] = {
    d: (d, d) for d in all_dtypes() if d.kind != "f"
}
_INTS: Final = {**_INTS_AND_BOOL, bool_: (int8, int8)}

_AND: Final = BinarySpec("bitwise_and", BinaryOp.BITWISE_AND, _INTS_AND_BOOL, "integers or bools")
_OR: Final = BinarySpec("bitwise_or", BinaryOp.BITWISE_OR, _INTS_AND_BOOL, "integers or bools")
_XOR: Final = BinarySpec("bitwise_xor", BinaryOp.BITWISE_XOR, _INTS_AND_BOOL, "integers or bools")
_LEFT: Final = BinarySpec("bitwise_left_shift", BinaryOp.LEFT_SHIFT, _INTS, "integers")
_RIGHT: Final = BinarySpec("bitwise_right_shift", BinaryOp.RIGHT_SHIFT, _INTS, "integers")


SPECS: Final[tuple[BinarySpec, ...]] = (_AND, _OR, _XOR, _LEFT, _RIGHT)
"""Every function of this module as a BinarySpec (in-place operators look them up)."""


def bitwise_and(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 & x2 elementwise.

    >>> bitwise_and(mg.asarray([12, 10], dtype="uint8"), 6)
    tensor([4, 2], dtype=uint8)
    """
    return apply_binary(_AND, x1, x2)


def bitwise_or(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 | x2 elementwise.

    >>> bitwise_or(mg.asarray([12, 10]), 1)
    tensor([13, 11], dtype=int64)
    """
    return apply_binary(_OR, x1, x2)


def bitwise_xor(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 ^ x2 elementwise.

    >>> bitwise_xor(mg.asarray([True, False]), mg.asarray([True, True]))
    tensor([False,  True], dtype=bool)
    """
    return apply_binary(_XOR, x1, x2)


def bitwise_left_shift(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 << x2 elementwise (bits shifted out are lost; integers wrap).

    >>> bitwise_left_shift(mg.asarray([1, 3], dtype="int8"), mg.asarray([2, 7], dtype="int8"))
    tensor([   4, -128], dtype=int8)
    """
    return apply_binary(_LEFT, x1, x2)


def bitwise_right_shift(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 >> x2 elementwise (arithmetic shift for signed integers).

    >>> bitwise_right_shift(mg.asarray([-8, 8]), 2)
    tensor([-2,  2], dtype=int64)
    """
    return apply_binary(_RIGHT, x1, x2)
