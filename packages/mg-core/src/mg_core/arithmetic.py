"""Binary arithmetic beyond + - * / **: floor_divide, remainder, maximum, minimum, atan2, ...

Each function is a `BinarySpec` (elementwise.py): the common dtype of the operands (NumPy 2
promotion, weak Python scalars) is looked up in a table that says which dtype the kernel
computes in and which the result has. NumPy's answers: bool operands of floor_divide and
remainder compute in int8; atan2, copysign, hypot and logaddexp of integers give the float
`mg_core.sqrt` would (int8 -> float16, int16 -> float32, wider -> float64).
"""

from __future__ import annotations

from typing import Final

from ._kernels import BinaryOp
from .comparison import less
from .creation import zeros
from .dtype import bool_
from .elementwise import (
    BOOL_AS_INT8,
    SAME_DTYPE,
    TO_FLOAT,
    BinarySpec,
    Operand,
    apply_binary,
    binary_op,
)
from .tensor import Tensor

__all__ = [
    "SPECS",
    "atan2",
    "copysign",
    "floor_divide",
    "hypot",
    "logaddexp",
    "maximum",
    "minimum",
    "remainder",
    "signbit",
]

_FLOOR_DIVIDE: Final = BinarySpec("floor_divide", BinaryOp.FLOOR_DIVIDE, BOOL_AS_INT8, "numbers")
_REMAINDER: Final = BinarySpec("remainder", BinaryOp.REMAINDER, BOOL_AS_INT8, "numbers")
_MAXIMUM: Final = BinarySpec("maximum", BinaryOp.MAXIMUM, SAME_DTYPE, "any dtype")
_MINIMUM: Final = BinarySpec("minimum", BinaryOp.MINIMUM, SAME_DTYPE, "any dtype")
_ATAN2: Final = BinarySpec("atan2", BinaryOp.ATAN2, TO_FLOAT, "numbers", floats=True)
_COPYSIGN: Final = BinarySpec("copysign", BinaryOp.COPYSIGN, TO_FLOAT, "numbers", floats=True)
_HYPOT: Final = BinarySpec("hypot", BinaryOp.HYPOT, TO_FLOAT, "numbers", floats=True)
_LOGADDEXP: Final = BinarySpec("logaddexp", BinaryOp.LOGADDEXP, TO_FLOAT, "numbers", floats=True)


SPECS: Final[tuple[BinarySpec, ...]] = (
    _FLOOR_DIVIDE,
    _REMAINDER,
    _MAXIMUM,
    _MINIMUM,
    _ATAN2,
    _COPYSIGN,
    _HYPOT,
    _LOGADDEXP,
)
"""Every function of this module as a BinarySpec (in-place operators look them up)."""


def floor_divide(x1: Operand, x2: Operand, /) -> Tensor:
    """Return floor(x1 / x2); integer `x // 0` is 0 (NumPy also gives 0, with a warning).

    >>> floor_divide(mg.asarray([7, -7]), 2), floor_divide(mg.asarray([-7.0]), 2)
    (tensor([ 3, -4], dtype=int64), tensor([-4.], dtype=float64))
    """
    return apply_binary(_FLOOR_DIVIDE, x1, x2)


def remainder(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 - floor_divide(x1, x2) * x2: the sign of x2, like Python's `%`.

    >>> remainder(mg.asarray([7, -7]), 3)
    tensor([1, 2], dtype=int64)
    """
    return apply_binary(_REMAINDER, x1, x2)


def maximum(x1: Operand, x2: Operand, /) -> Tensor:
    """Return the larger of x1 and x2 elementwise; NaN in either gives NaN.

    >>> maximum(mg.asarray([1.0, float("nan")]), mg.asarray([2.0, 0.0]))
    tensor([ 2., nan], dtype=float64)
    """
    return apply_binary(_MAXIMUM, x1, x2)


def minimum(x1: Operand, x2: Operand, /) -> Tensor:
    """Return the smaller of x1 and x2 elementwise; NaN in either gives NaN.

    >>> minimum(mg.asarray([1, 5], dtype="int8"), 3)
    tensor([1, 3], dtype=int8)
    """
    return apply_binary(_MINIMUM, x1, x2)


def atan2(x1: Operand, x2: Operand, /) -> Tensor:
    """Return the angle of the point (x2, x1) in radians, in [-pi, pi]; ints give floats.

    >>> atan2(mg.asarray([1.0, -1.0]), mg.asarray([1.0, -1.0]))
    tensor([ 0.78539816, -2.35619449], dtype=float64)
    """
    return apply_binary(_ATAN2, x1, x2)


def copysign(x1: Operand, x2: Operand, /) -> Tensor:
    """Return the magnitude of x1 with the sign of x2 (signed zeros and NaN signs count).

    >>> copysign(mg.asarray([1.0, 2.0]), mg.asarray([-0.0, 3.0]))
    tensor([-1.,  2.], dtype=float64)
    """
    return apply_binary(_COPYSIGN, x1, x2)


def hypot(x1: Operand, x2: Operand, /) -> Tensor:
    """Return sqrt(x1**2 + x2**2) without undue overflow.

    >>> hypot(mg.asarray([3.0]), 4.0)
    tensor([5.], dtype=float64)
    """
    return apply_binary(_HYPOT, x1, x2)


def logaddexp(x1: Operand, x2: Operand, /) -> Tensor:
    """Return log(exp(x1) + exp(x2)) without overflow.

    >>> logaddexp(mg.asarray([0.0, 800.0]), mg.asarray([0.0, 800.0]))
    tensor([6.93147181e-01, 8.00693147e+02], dtype=float64)
    """
    return apply_binary(_LOGADDEXP, x1, x2)


def signbit(x: Tensor, /) -> Tensor:
    """Return where the sign bit of x is set: negative numbers, -0.0, NaNs with the sign bit.

    >>> signbit(mg.asarray([-1.5, -0.0, 0.0, 2.0]))
    tensor([ True,  True, False, False], dtype=bool)
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"signbit expects a Tensor, got {type(x).__name__}")
    if x.dtype.kind == "f":  # copysign(1, x) carries the bit over, for -0.0 and NaN too
        return less(binary_op(BinaryOp.COPYSIGN, 1.0, x, x.dtype), 0)
    if x.dtype.kind == "i":
        return less(x, 0)
    return zeros(x.shape, bool_)  # unsigned and bool values have no sign
