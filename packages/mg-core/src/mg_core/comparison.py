"""Comparisons (`equal`, `less`, ...) and logical ops (`logical_and`, ...): bool results.

The operands are brought to their common dtype (NumPy 2 promotion, weak Python scalars) and
compared there; the kernel writes bool. As in NumPy 2, a Python int outside the range of an
integer tensor's dtype is not an error here: `uint8_tensor == -1` is all False and
`int8_tensor < 1000` all True (NumPy 2 special-cases these comparisons the same way), and
signed integers compare exactly with uint64 (not through float64, where they promote).
"""

from __future__ import annotations

from typing import Final

from ._kernels import BinaryOp
from .creation import full
from .dtype import DType, all_dtypes, bool_, int_bounds, uint64
from .elementwise import BinarySpec, Operand, apply_binary
from .tensor import Tensor
from .ternary import where

__all__ = [
    "equal",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "not_equal",
]

_TO_BOOL: Final[dict[DType, tuple[DType, DType]]] = {d: (d, bool_) for d in all_dtypes()}


def _spec(name: str, op: BinaryOp) -> BinarySpec:
    return BinarySpec(name, op, _TO_BOOL, "any dtype")


_EQUAL: Final = _spec("equal", BinaryOp.EQUAL)
_NOT_EQUAL: Final = _spec("not_equal", BinaryOp.NOT_EQUAL)
_LESS: Final = _spec("less", BinaryOp.LESS)
_LESS_EQUAL: Final = _spec("less_equal", BinaryOp.LESS_EQUAL)
_GREATER: Final = _spec("greater", BinaryOp.GREATER)
_GREATER_EQUAL: Final = _spec("greater_equal", BinaryOp.GREATER_EQUAL)
_LOGICAL_AND: Final = _spec("logical_and", BinaryOp.LOGICAL_AND)
_LOGICAL_OR: Final = _spec("logical_or", BinaryOp.LOGICAL_OR)
_LOGICAL_XOR: Final = _spec("logical_xor", BinaryOp.LOGICAL_XOR)

_SCALARS: Final = (int, float)

# For `scalar OP tensor` read as `tensor MIRROR scalar`.
_MIRROR: Final = {
    BinaryOp.EQUAL: BinaryOp.EQUAL,
    BinaryOp.NOT_EQUAL: BinaryOp.NOT_EQUAL,
    BinaryOp.LESS: BinaryOp.GREATER,
    BinaryOp.LESS_EQUAL: BinaryOp.GREATER_EQUAL,
    BinaryOp.GREATER: BinaryOp.LESS,
    BinaryOp.GREATER_EQUAL: BinaryOp.LESS_EQUAL,
}
_BY_OP: Final = {
    s.op: s for s in (_EQUAL, _NOT_EQUAL, _LESS, _LESS_EQUAL, _GREATER, _GREATER_EQUAL)
}
_MIXED: Final = frozenset(
    pair for d in all_dtypes() if d.kind == "i" for pair in ((d, uint64), (uint64, d))
)
# `tensor OP scalar` when the scalar is above every value of the dtype (below: the other set).
_TRUE_IF_ABOVE: Final = {BinaryOp.NOT_EQUAL, BinaryOp.LESS, BinaryOp.LESS_EQUAL}
_TRUE_IF_BELOW: Final = {BinaryOp.NOT_EQUAL, BinaryOp.GREATER, BinaryOp.GREATER_EQUAL}


def compare(spec: BinarySpec, x1: Operand, x2: Operand) -> Tensor:
    """Apply a comparison `spec`; a Python int beyond an int tensor's range decides alone.

    >>> compare(_LESS, mg.asarray([1, 2], dtype="int8"), 1000)
    tensor([ True,  True], dtype=bool)
    """
    if (
        isinstance(x1, Tensor)
        and isinstance(x2, Tensor)
        and x1.dtype is not x2.dtype
        and (x1.dtype, x2.dtype) in _MIXED
    ):
        return _mixed_signs(spec.op, x1, x2)
    try:
        return apply_binary(spec, x1, x2)
    except OverflowError:  # a Python int that the integer dtype cannot hold
        if isinstance(x1, Tensor) and isinstance(x2, int):
            return _out_of_range(spec.op, x1, x2)
        if isinstance(x2, Tensor) and isinstance(x1, int):
            return _out_of_range(_MIRROR[spec.op], x2, x1)
        raise


def _logical(spec: BinarySpec, x1: Operand, x2: Operand) -> Tensor:
    """Apply a logical `spec`; Python scalars count by their truth, as NumPy 2's logical ops
    cast every input to bool (so `float16_tensor or 1e-80` is True, and 1000 fits int8)."""
    if not isinstance(x1, Tensor) and isinstance(x1, _SCALARS):
        x1 = bool(x1)
    if not isinstance(x2, Tensor) and isinstance(x2, _SCALARS):
        x2 = bool(x2)
    return apply_binary(spec, x1, x2)


def _mixed_signs(op: BinaryOp, x1: Tensor, x2: Tensor) -> Tensor:
    """Compare a signed integer tensor with a uint64 one exactly (they promote to float64,
    which would round values above 2**53): a negative value is below every uint64, the
    others compare as uint64, as NumPy 2's mixed-sign loops do."""
    if x1.dtype.kind == "u":
        return _mixed_signs(_MIRROR[op], x2, x1)
    as_unsigned = apply_binary(_BY_OP[op], x1.astype(uint64), x2)
    return where(less(x1, 0), op in _TRUE_IF_ABOVE, as_unsigned)


def _out_of_range(op: BinaryOp, t: Tensor, scalar: int) -> Tensor:
    low, _ = int_bounds(t.dtype)
    value = op in (_TRUE_IF_BELOW if scalar < low else _TRUE_IF_ABOVE)
    return full(t.shape, value, bool_)


def equal(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 == x2 elementwise (NaN equals nothing).

    >>> equal(mg.asarray([1.0, float("nan")]), mg.asarray([1, 0]))
    tensor([ True, False], dtype=bool)
    """
    return compare(_EQUAL, x1, x2)


def not_equal(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 != x2 elementwise (True where either is NaN).

    >>> not_equal(mg.asarray([1, 2]), 2)
    tensor([ True, False], dtype=bool)
    """
    return compare(_NOT_EQUAL, x1, x2)


def less(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 < x2 elementwise.

    >>> less(mg.asarray([1, 2, 3]), 2)
    tensor([ True, False, False], dtype=bool)
    """
    return compare(_LESS, x1, x2)


def less_equal(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 <= x2 elementwise.

    >>> less_equal(mg.asarray([1, 2, 3]), 2)
    tensor([ True,  True, False], dtype=bool)
    """
    return compare(_LESS_EQUAL, x1, x2)


def greater(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 > x2 elementwise.

    >>> greater(mg.asarray([1, 2, 3]), 2)
    tensor([False, False,  True], dtype=bool)
    """
    return compare(_GREATER, x1, x2)


def greater_equal(x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 >= x2 elementwise.

    >>> greater_equal(mg.asarray([1, 2, 3]), 2)
    tensor([False,  True,  True], dtype=bool)
    """
    return compare(_GREATER_EQUAL, x1, x2)


def logical_and(x1: Operand, x2: Operand, /) -> Tensor:
    """Return where both x1 and x2 are true (nonzero; NaN counts as true).

    >>> logical_and(mg.asarray([0, 1, 2]), mg.asarray([1.0, 0.0, 0.5]))
    tensor([False, False,  True], dtype=bool)
    """
    return _logical(_LOGICAL_AND, x1, x2)


def logical_or(x1: Operand, x2: Operand, /) -> Tensor:
    """Return where x1 or x2 is true (nonzero).

    >>> logical_or(mg.asarray([0, 0, 2]), mg.asarray([0, 3, 0]))
    tensor([False,  True,  True], dtype=bool)
    """
    return _logical(_LOGICAL_OR, x1, x2)


def logical_xor(x1: Operand, x2: Operand, /) -> Tensor:
    """Return where exactly one of x1 and x2 is true (nonzero).

    >>> logical_xor(mg.asarray([0, 0, 2]), mg.asarray([0, 3, 4]))
    tensor([False,  True, False], dtype=bool)
    """
    return _logical(_LOGICAL_XOR, x1, x2)
