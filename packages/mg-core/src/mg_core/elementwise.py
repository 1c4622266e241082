"""Elementwise arithmetic with broadcasting and NumPy 2 type promotion, on the kernels.

Hot path: a call on two tensors of one dtype does one dtype test, one shape test, one cached
layout lookup, one allocation and one kernel call. A Python scalar becomes a 1-element storage
read with stride 0 on every axis (no broadcast copy). Operands of another dtype are converted
into a temporary first, because the kernels take three storages of one dtype.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, TypeAlias

from ._kernels import BinaryOp, Storage, binary
from .buffer import Buffer, Scalar
from .dtype import DType, check_int_fits, float64, int64, promote_types, result_type
from .shape import broadcast_shapes, broadcast_strides, dense_layout
from .tensor import Tensor, make_tensor, new_tensor
from .unary import negative  # the unary kernel; kept importable from here

__all__ = [
    "Operand",
    "add",
    "binary_op",
    "divide",
    "multiply",
    "negative",
    "pow",
    "scalar_op",
    "subtract",
    "tensors_op",
]

Operand: TypeAlias = "Tensor | Scalar"

_POW: Final = BinaryOp.POW
_DIV: Final = BinaryOp.DIV


def binary_op(op: BinaryOp, x1: Operand, x2: Operand, dtype: DType | None = None) -> Tensor:
    """Apply kernel `op` elementwise with broadcasting; compute in `dtype` if given.

    >>> binary_op(BinaryOp.SUB, 10, mg.asarray([1, 2]))
    tensor([9, 8], dtype=int64)
    """
    if isinstance(x1, Tensor):
        if isinstance(x2, Tensor):
            return _tensors(op, x1, x2, dtype)
        if isinstance(x2, _SCALARS):
            return _with_scalar(op, x1, x2, dtype, scalar_first=False)
    elif isinstance(x2, Tensor) and isinstance(x1, _SCALARS):
        return _with_scalar(op, x2, x1, dtype, scalar_first=True)
    x1, x2 = _checked_scalars(x1, x2)
    dt = dtype or result_type(x1, x2)
    return _tensors(op, _scalar_tensor(x1, dt), _scalar_tensor(x2, dt), dt)


_SCALARS: Final = (int, float)


def tensors_op(op: BinaryOp, a: Tensor, b: Tensor) -> Tensor:
    """Apply kernel `op` to two tensors: the operators' hot path (no scalar dispatch).

    >>> tensors_op(BinaryOp.MUL, mg.asarray([1, 2]), mg.asarray([3]))
    tensor([3, 6], dtype=int64)
    """
    return _tensors(op, a, b, None)


def _tensors(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType | None) -> Tensor:
    if dtype is None:
        dtype = a.dtype if a.dtype is b.dtype else promote_types(a.dtype, b.dtype)
    if a.dtype is not dtype:
        a = a.astype(dtype)
    if b.dtype is not dtype:
        b = b.astype(dtype)
    shape = a.shape
    a_strides, b_strides = a.strides, b.strides
    if shape != b.shape:
        shape = broadcast_shapes(shape, b.shape)
        a_strides = broadcast_strides(a.shape, a_strides, shape)
        b_strides = broadcast_strides(b.shape, b_strides, shape)
    n, strides = dense_layout(shape)
    out = Storage.empty(dtype.name, n)  # every element is written below
    if n:
        binary(op, out, 0, strides, a.buffer.storage, a.offset, a_strides,
               b.buffer.storage, b.offset, b_strides, shape)  # fmt: skip
    return new_tensor(out, dtype, shape, strides)


def scalar_op(op: BinaryOp, t: Tensor, scalar: Scalar) -> Tensor:
    """Apply kernel `op` to a tensor and a weak Python scalar: `t + 1.0`'s hot path.

    >>> scalar_op(BinaryOp.MUL, mg.asarray([1, 2], dtype="int32"), 3)
    tensor([3, 6], dtype=int32)
    """
    return _with_scalar(op, t, scalar, None, scalar_first=False)


@lru_cache(maxsize=64)
def _zeros(ndim: int) -> tuple[int, ...]:
    return (0,) * ndim


def _with_scalar(
    op: BinaryOp, t: Tensor, scalar: Scalar, dtype: DType | None, scalar_first: bool
) -> Tensor:
    """Combine a tensor with a weak Python scalar, read from one element with stride 0."""
    if dtype is None:
        dtype = _with_weak(t.dtype, scalar)
    if t.dtype is not dtype:
        t = t.astype(dtype)
    if isinstance(scalar, int) and dtype.kind in "iu":
        check_int_fits(scalar, dtype)  # NumPy 2 raises OverflowError here too
    one = Storage.filled(dtype.name, 1, scalar)
    shape = t.shape
    n, strides = dense_layout(shape)
    out = Storage.empty(dtype.name, n)  # every element is written below
    if n:
        zeros = _zeros(len(shape))
        if scalar_first:
            binary(op, out, 0, strides, one, 0, zeros, t.buffer.storage, t.offset, t.strides, shape)
        else:
            binary(op, out, 0, strides, t.buffer.storage, t.offset, t.strides, one, 0, zeros, shape)
    return new_tensor(out, dtype, shape, strides)


def _scalar_tensor(x: Scalar, dtype: DType) -> Tensor:
    return make_tensor(Buffer.filled(1, x, dtype), (), (), 0)


def _operands_dtype(x1: Operand, x2: Operand) -> DType:
    """Return result_type(x1, x2), quickly for the usual tensor/tensor and tensor/scalar."""
    if isinstance(x1, Tensor):
        if isinstance(x2, Tensor):
            return x1.dtype if x1.dtype is x2.dtype else promote_types(x1.dtype, x2.dtype)
        if isinstance(x2, _SCALARS):
            return _with_weak(x1.dtype, x2)
    elif isinstance(x2, Tensor) and isinstance(x1, _SCALARS):
        return _with_weak(x2.dtype, x1)
    return result_type(*_checked_scalars(x1, x2))


def _with_weak(dtype: DType, scalar: Scalar) -> DType:
    """The dtype of a tensor of `dtype` combined with a weak Python scalar (NEP 50)."""
    if isinstance(scalar, float):
        return dtype if dtype.kind == "f" else float64
    if dtype.kind == "b" and not isinstance(scalar, bool):
        return int64
    return dtype


def _checked_scalars(x1: object, x2: object) -> tuple[Scalar, Scalar]:
    if not isinstance(x1, _SCALARS) or not isinstance(x2, _SCALARS):
        raise TypeError(_bad_operands(x1, x2))
    return x1, x2


def _bad_operands(x1: object, x2: object) -> str:
    names = f"{type(x1).__name__} and {type(x2).__name__}"
    return f"unsupported operand types {names}; expected Tensors or Python int/float"


def add(x1: Operand, x2: Operand) -> Tensor:
    """Return x1 + x2, broadcasting shapes and promoting dtypes like NumPy 2.

    >>> add(mg.asarray([1, 2], dtype="int32"), 1)
    tensor([2, 3], dtype=int32)
    >>> add(mg.zeros((3, 4)), mg.zeros((5, 4)))
    Traceback (most recent call last):
    ValueError: cannot broadcast shapes (3, 4) and (5, 4)
    """
    return binary_op(BinaryOp.ADD, x1, x2)


def subtract(x1: Operand, x2: Operand) -> Tensor:
    """Return x1 - x2 with broadcasting.

    >>> subtract(mg.asarray([1.5]), mg.asarray([[1], [2]], dtype="int32"))
    tensor([[ 0.5],
            [-0.5]], dtype=float64)
    """
    return binary_op(BinaryOp.SUB, x1, x2)


def multiply(x1: Operand, x2: Operand) -> Tensor:
    """Return x1 * x2 with broadcasting; integer overflow wraps around.

    >>> multiply(mg.asarray([1, 2], dtype="float32"), 0.5)
    tensor([0.5, 1. ], dtype=float32)
    """
    return binary_op(BinaryOp.MUL, x1, x2)


def divide(x1: Operand, x2: Operand) -> Tensor:
    """Return the true quotient x1 / x2; integer inputs give float64, as in NumPy.

    >>> divide(mg.asarray([1, 3]), 2)
    tensor([0.5, 1.5], dtype=float64)
    """
    dtype = _operands_dtype(x1, x2)
    return binary_op(_DIV, x1, x2, dtype if dtype.kind == "f" else float64)


def pow(x1: Operand, x2: Operand) -> Tensor:
    """Return x1 ** x2 elementwise.

    Raises ValueError for an integer tensor to a negative Python int power, as NumPy does.
    (An integer exponent *tensor* is not scanned: its negative entries give 0, or ±1 for a
    base of ±1.)

    >>> pow(mg.asarray([1, 2, 3]), 2)
    tensor([1, 4, 9], dtype=int64)
    >>> pow(mg.asarray([2]), -1)
    Traceback (most recent call last):
    ValueError: Integers to negative integer powers are not allowed.
    """
    negative_int = isinstance(x2, int) and x2 < 0
    if negative_int and _operands_dtype(x1, x2).kind in "iu":
        raise ValueError("Integers to negative integer powers are not allowed.")
    return binary_op(_POW, x1, x2)
