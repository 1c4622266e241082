"""Elementwise arithmetic with broadcasting and NumPy 2 type promotion, on the kernels.

Hot path: a call on two tensors of one dtype and shape does one dtype test, one shape test, one
kernel call that allocates the result (`binary_new`) and one cached strides lookup. A Python
scalar becomes a 1-element storage read with stride 0 on every axis (no broadcast copy).
Operands of another dtype are converted into a temporary first, because the kernels take
storages of one dtype.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, NamedTuple, TypeAlias

from ._kernels import BinaryOp, Storage, binary_new
from .buffer import Buffer, Scalar
from .dtype import (
    DType,
    all_dtypes,
    bool_,
    check_int_fits,
    float64,
    int8,
    int64,
    promote_types,
    result_type,
)
from .shape import Shape, broadcast_shapes, broadcast_strides, contiguous_strides
from .tensor import Tensor, make_tensor, new_tensor
from .unary import (
    float_result_dtype,
    negative,  # the unary kernel; kept importable from here
)

__all__ = [
    "BOOL_AS_INT8",
    "SAME_DTYPE",
    "TO_FLOAT",
    "BinarySpec",
    "Operand",
    "add",
    "apply_binary",
    "binary_op",
    "broadcast_layout",
    "divide",
    "multiply",
    "negative",
    "pow",
    "scalar_op",
    "subtract",
    "tensors_op",
    "undefined_for",
]

Operand: TypeAlias = "Tensor | Scalar"
Layout: TypeAlias = "tuple[Shape, Shape, Shape]"

_POW: Final = BinaryOp.POW
_DIV: Final = BinaryOp.DIV


def binary_op(
    op: BinaryOp,
    x1: Operand,
    x2: Operand,
    dtype: DType | None = None,
    out_dtype: DType | None = None,
) -> Tensor:
    """Apply kernel `op` elementwise with broadcasting; compute in `dtype` if given.

    The result has dtype `out_dtype` if given (bool for comparisons), else the computing one.

    >>> binary_op(BinaryOp.SUB, 10, mg.asarray([1, 2]))
    tensor([9, 8], dtype=int64)
    """
    if isinstance(x1, Tensor):
        if isinstance(x2, Tensor):
            return _tensors(op, x1, x2, dtype, out_dtype)
        if isinstance(x2, _SCALARS):
            return _with_scalar(op, x1, x2, dtype, False, out_dtype)
    elif isinstance(x2, Tensor) and isinstance(x1, _SCALARS):
        return _with_scalar(op, x2, x1, dtype, True, out_dtype)
    x1, x2 = _checked_scalars(x1, x2)
    dt = dtype or result_type(x1, x2)
    return _tensors(op, _scalar_tensor(x1, dt), _scalar_tensor(x2, dt), dt, out_dtype)


_SCALARS: Final = (int, float)


def tensors_op(op: BinaryOp, a: Tensor, b: Tensor) -> Tensor:
    """Apply kernel `op` to two tensors: the operators' hot path (no scalar dispatch).

    For ops whose result has the operands' common dtype (ADD, SUB, MUL, ...), not comparisons.

    >>> tensors_op(BinaryOp.MUL, mg.asarray([1, 2]), mg.asarray([3]))
    tensor([3, 6], dtype=int64)
    """
    if a.dtype is b.dtype and a.shape == b.shape:  # no promotion, no broadcasting
        shape = a.shape
        out = binary_new(op, a.buffer.storage, a.offset, a.strides,
                         b.buffer.storage, b.offset, b.strides, shape)  # fmt: skip
        return new_tensor(out, a.dtype, shape, contiguous_strides(shape))
    return _tensors(op, a, b, None)


def _tensors(
    op: BinaryOp, a: Tensor, b: Tensor, dtype: DType | None, out_dtype: DType | None = None
) -> Tensor:
    if dtype is None:
        dtype = a.dtype if a.dtype is b.dtype else promote_types(a.dtype, b.dtype)
    if a.dtype is not dtype:
        a = a.astype(dtype)
    if b.dtype is not dtype:
        b = b.astype(dtype)
    shape = a.shape
    a_strides, b_strides = a.strides, b.strides
    if shape != b.shape:
        shape, a_strides, b_strides = broadcast_layout(shape, a_strides, b.shape, b_strides)
    # The kernel allocates the result (of dtype `out_dtype or dtype`: bool for comparisons) and
    # refuses an op the dtype lacks (bool - bool) even when it is empty.
    out = binary_new(op, a.buffer.storage, a.offset, a_strides,
                     b.buffer.storage, b.offset, b_strides, shape)  # fmt: skip
    return new_tensor(out, out_dtype or dtype, shape, contiguous_strides(shape))


@lru_cache(maxsize=4096)
def broadcast_layout(a_shape: Shape, a_strides: Shape, b_shape: Shape, b_strides: Shape) -> Layout:
    """The common shape and both operands' strides over it: cached, because a training loop
    broadcasts the same layouts (a bias over a batch) again and again. Errors are not cached.

    >>> broadcast_layout((2, 3), (3, 1), (3,), (1,))
    ((2, 3), (3, 1), (0, 1))
    """
    shape = broadcast_shapes(a_shape, b_shape)
    a_out = broadcast_strides(a_shape, a_strides, shape)
    return shape, a_out, broadcast_strides(b_shape, b_strides, shape)


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
    op: BinaryOp,
    t: Tensor,
    scalar: Scalar,
    dtype: DType | None,
    scalar_first: bool,
    out_dtype: DType | None = None,
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
    zeros = _zeros(len(shape))  # called when empty too, for the kernel's dtype check
    storage, offset, strides = t.buffer.storage, t.offset, t.strides
    if scalar_first:
        out = binary_new(op, one, 0, zeros, storage, offset, strides, shape)
    else:
        out = binary_new(op, storage, offset, strides, one, 0, zeros, shape)
    return new_tensor(out, out_dtype or dtype, shape, contiguous_strides(shape))


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
    >>> pow(mg.asarray([True, False]), mg.asarray([False, False]))
    tensor([1, 1], dtype=int8)
    >>> pow(mg.asarray([2]), -1)
    Traceback (most recent call last):
    ValueError: Integers to negative integer powers are not allowed.
    """
    dtype = _operands_dtype(x1, x2)
    negative_int = isinstance(x2, int) and x2 < 0
    if negative_int and dtype.kind in "iu":
        raise ValueError("Integers to negative integer powers are not allowed.")
    if dtype.kind == "b":  # NumPy computes bool ** bool in int8 (the kernel has no bool POW)
        return binary_op(_POW, x1, x2, int8)
    return binary_op(_POW, x1, x2)


# --- ops with a dtype table: which dtypes they take and what they give ---------------------


class BinarySpec(NamedTuple):
    """One binary function: name, kernel op, {common dtype: (compute, result)}, what it takes.

    The common dtype is `result_type` of the operands (NEP 50); a dtype missing from the
    table is a TypeError naming the function and both operands' dtypes.
    """

    name: str
    op: BinaryOp
    dtypes: dict[DType, tuple[DType, DType]]
    needs: str
    floats: bool = False  # the common dtype is that of the operands' float dtypes (atan2)


def apply_binary(spec: BinarySpec, x1: Operand, x2: Operand) -> Tensor:
    """Apply `spec` with broadcasting: one dtype lookup on top of `binary_op`'s hot path.

    >>> spec = BinarySpec("maximum", BinaryOp.MAXIMUM, {mg.int64: (mg.int64, mg.int64)}, "ints")
    >>> apply_binary(spec, mg.asarray([1, 5]), 3)
    tensor([3, 5], dtype=int64)
    """
    if type(x1) is Tensor and type(x2) is Tensor and x1.dtype is x2.dtype:  # the hot path
        try:
            compute, out = spec.dtypes[x1.dtype]  # a float table maps d to d's float too
        except KeyError:
            raise TypeError(undefined_for(spec, x1, x2, x1.dtype)) from None
        return _tensors(spec.op, x1, x2, compute, out)
    dtype = _float_operands_dtype(x1, x2) if spec.floats else _operands_dtype(x1, x2)
    try:
        compute, out = spec.dtypes[dtype]
    except KeyError:
        raise TypeError(undefined_for(spec, x1, x2, dtype)) from None
    return binary_op(spec.op, x1, x2, compute, out)


def _float_operands_dtype(x1: Operand, x2: Operand) -> DType:
    """The common dtype of the floats each operand computes in, as NumPy picks float loops.

    int8 with uint8 gives float16 (both fit it), where promoting first would give float32.
    """
    if isinstance(x1, Tensor) and isinstance(x2, Tensor):
        return promote_types(float_result_dtype(x1.dtype), float_result_dtype(x2.dtype))
    return float_result_dtype(_operands_dtype(x1, x2))


def undefined_for(spec: BinarySpec, x1: Operand, x2: Operand, dtype: DType) -> str:
    """The message for operands whose common dtype `spec` does not take."""
    names = f"{_describe(x1)} and {_describe(x2)}"
    if isinstance(x1, Tensor) and isinstance(x2, Tensor) and x1.dtype is not x2.dtype:
        names += f" (which promote to {dtype})"
    return f"{spec.name} is not defined for {names}; it takes {spec.needs}"


def _describe(x: object) -> str:
    return f"dtype {x.dtype}" if isinstance(x, Tensor) else f"Python {type(x).__name__}"


_DTYPES: Final = all_dtypes()
# Common dtype tables of BinarySpec (shared by arithmetic.py, comparison.py, bitwise.py).
SAME_DTYPE: Final = {d: (d, d) for d in _DTYPES}
"""Every dtype, computed in and giving itself (maximum, minimum)."""
BOOL_AS_INT8: Final = {**SAME_DTYPE, bool_: (int8, int8)}
"""Numbers keep their dtype, bools compute in int8: NumPy's loops for floor_divide and shifts."""
TO_FLOAT: Final = {d: (float_result_dtype(d), float_result_dtype(d)) for d in _DTYPES}
"""Floats keep their dtype, integers and bools compute in the float that holds them."""
