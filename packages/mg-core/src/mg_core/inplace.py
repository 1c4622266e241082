"""In-place operators (`+=`, `//=`, `&=`, `<<=`, ...): results written into the left tensor.

The dtype rule is NumPy's: compute in `result_type(x, other)` (true division: a float; the
ops of arithmetic.py and bitwise.py: their BinarySpec's table), then
store into x's dtype if the cast is 'same_kind' (float64 into float32 is fine; a float into
an int tensor raises TypeError). When the computing dtype is x's own, the kernel writes
straight into x's buffer: the binary kernel allows its output to be the very same view as an
input. Any other operand sharing x's memory (a shifted or transposed view) is copied first,
because the kernel would read elements it has already overwritten.
"""

from __future__ import annotations

from typing import Final

from . import arithmetic, bitwise, linalg
from ._kernels import BinaryOp, Storage, binary
from .dtype import DType, can_cast, check_int_fits, float64
from .elementwise import (
    BinarySpec,
    Operand,
    _operands_dtype,
    binary_op,
    broadcast_layout,
    undefined_for,
)
from .joining import copy_into
from .shape import broadcast_shapes
from .tensor import Tensor, same_view

__all__ = ["inplace_matmul", "inplace_op"]

_NAMES: Final = {
    BinaryOp.ADD: "add",
    BinaryOp.SUB: "subtract",
    BinaryOp.MUL: "multiply",
    BinaryOp.DIV: "divide",
    BinaryOp.POW: "power",
}
_SPECS: Final[dict[BinaryOp, BinarySpec]] = {s.op: s for s in arithmetic.SPECS + bitwise.SPECS}


def inplace_op(op: BinaryOp, x: Tensor, other: Operand) -> Tensor:
    """Compute `x op other` into x's own memory and return x.

    Raises TypeError when the result's dtype cannot be stored in x's (casting='same_kind'),
    ValueError when `other` does not broadcast to x's shape or x is a broadcast view.

    >>> x = mg.asarray([1.0, 2.0])
    >>> y = x
    >>> y += 1
    >>> x
    tensor([2., 3.], dtype=float64)
    >>> n = mg.asarray([1, 2])
    >>> n /= 2
    Traceback (most recent call last):
    TypeError: Cannot cast divide output from float64 to int64 with casting rule 'same_kind'
    """
    if type(other) is Tensor and other.dtype is x.dtype and op in _KEEPS_DTYPE:
        dtype = x.dtype  # the common `x += y`: no promotion and nothing to cast
    else:
        dtype = _checked_dtype(op, x, other)
    if isinstance(other, Tensor) and other.shape != x.shape:
        shape = broadcast_shapes(x.shape, other.shape)
        if shape != x.shape:
            raise ValueError(
                f"non-broadcastable output operand with shape {x.shape} "
                f"doesn't match the broadcast shape {shape}"
            )
    if 0 in x.strides and any(s == 0 and d > 1 for s, d in zip(x.strides, x.shape, strict=True)):
        raise ValueError("cannot write in place into a broadcast view (a stride is 0)")
    if dtype is x.dtype:
        _into_self(op, x, other, dtype)
    else:
        copy_into(x, binary_op(op, x, other, dtype))
    return x


def _checked_dtype(op: BinaryOp, x: Tensor, other: Operand) -> DType:
    """The dtype `x op other` computes in; TypeError if it cannot be stored in x's dtype."""
    dtype = _operands_dtype(x, other)
    spec = _SPECS.get(op)
    if spec is not None:
        try:
            dtype = spec.dtypes[dtype][1]
        except KeyError:
            raise TypeError(undefined_for(spec, x, other, dtype)) from None
    elif op is BinaryOp.DIV and dtype.kind != "f":
        dtype = float64
    elif op is BinaryOp.POW and isinstance(other, int) and other < 0 and dtype.kind in "iu":
        raise ValueError("Integers to negative integer powers are not allowed.")
    if not can_cast(dtype, x.dtype, "same_kind"):
        name = spec.name if spec is not None else _NAMES[op]
        raise TypeError(
            f"Cannot cast {name} output from {dtype} to {x.dtype} with casting rule 'same_kind'"
        )
    return dtype


def inplace_matmul(x: Tensor, other: Tensor) -> Tensor:
    """``x @= other``: the matrix product written into x's memory, as NumPy's ``@=``.

    The product is computed into new memory first (it reads every element of x), so the
    result must have x's shape, and its dtype must convert to x's ('same_kind').

    Raises:
        ValueError: if ``x @ other`` does not have x's shape. TypeError: for a bad cast.

    >>> x = mg.asarray([[1.0, 2.0], [3.0, 4.0]])
    >>> y = x
    >>> y @= mg.asarray([[0.0, 1.0], [1.0, 0.0]])
    >>> x
    tensor([[2., 1.],
            [4., 3.]], dtype=float64)
    """
    product = linalg.matmul(x, other)
    if product.shape != x.shape:
        raise ValueError(
            f"x @= other needs x @ other to keep x's shape {x.shape}, but it has shape "
            f"{product.shape} (other has shape {other.shape})"
        )
    if not can_cast(product.dtype, x.dtype, "same_kind"):
        raise TypeError(
            f"Cannot cast matmul output from {product.dtype} to {x.dtype} with casting rule "
            "'same_kind'"
        )
    if any(s == 0 and d > 1 for s, d in zip(x.strides, x.shape, strict=True)):
        raise ValueError("cannot write in place into a broadcast view (a stride is 0)")
    copy_into(x, product)
    return x


_KEEPS_DTYPE: Final = frozenset({BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL})
"""Ops whose result has the operands' dtype when they share one (`x += y` on one dtype)."""


def _into_self(op: BinaryOp, x: Tensor, other: Operand, dtype: DType) -> None:
    if isinstance(other, Tensor):
        if other.dtype is not dtype:
            other = other.astype(dtype)
        elif other.buffer.storage is x.buffer.storage and not same_view(x, other):
            other = other.copy()
        storage, offset, strides = other.buffer.storage, other.offset, other.strides
        if other.shape != x.shape:  # cached per layout: a bias added to a batch every step
            strides = broadcast_layout(x.shape, x.strides, other.shape, strides)[2]
    else:
        if isinstance(other, int) and dtype.kind in "iu":
            check_int_fits(other, dtype)
        storage, offset, strides = Storage.filled(dtype.name, 1, other), 0, (0,) * x.ndim
    if x.size:
        mine = x.buffer.storage
        binary(op, mine, x.offset, x.strides, mine, x.offset, x.strides,
               storage, offset, strides, x.shape)  # fmt: skip
