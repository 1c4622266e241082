"""`where` and `clip`: elementwise functions of three operands, on the kernels' ternary family.

Operands broadcast together; tensors and weak Python scalars promote as in NumPy 2 (NEP 50). A
scalar becomes a one-element storage read with stride 0, like elementwise.py's scalars, so
nothing is materialised at the broadcast shape except the result.
"""

from __future__ import annotations

from typing import Final

from ._kernels import BinaryOp, Storage
from ._kernels import clip as clip_kernel
from ._kernels import where as where_kernel
from .buffer import Scalar
from .dtype import DType, bool_, check_int_fits, int_bounds, result_type
from .elementwise import Operand, _operands_dtype, _with_weak, binary_op
from .shape import Shape, broadcast_shapes, broadcast_strides, dense_layout
from .tensor import Tensor, new_tensor

__all__ = ["clip", "where"]

_SCALARS: Final = (int, float)
_MAXIMUM: Final = BinaryOp.MAXIMUM
_MINIMUM: Final = BinaryOp.MINIMUM
_Layout = tuple[Storage, int, Shape]


def where(condition: Tensor | bool, x1: Operand, x2: Operand, /) -> Tensor:
    """Return x1 where `condition` is true, else x2, broadcasting all three.

    The result dtype is `result_type(x1, x2)` (Python scalars are weak); a condition that is
    not bool counts nonzero as true. ValueError names shapes that do not broadcast.

    >>> where(mg.asarray([True, False, True]), mg.asarray([1, 2, 3], dtype="int8"), 0)
    tensor([1, 0, 3], dtype=int8)
    >>> where(mg.asarray([[True], [False]]), 1.5, mg.asarray([1, 2]))
    tensor([[1.5, 1.5],
            [1. , 2. ]], dtype=float64)
    """
    if isinstance(condition, Tensor):
        if condition.dtype is not bool_:
            condition = condition.astype(bool_)
    elif isinstance(condition, bool):
        condition = Tensor.full((), condition, bool_)
    else:
        raise TypeError(f"where: condition must be a Tensor, got {type(condition).__name__}")
    _check_operands("where", x1, x2)
    dtype = _operands_dtype(x1, x2)
    shape = broadcast_shapes(condition.shape, _shape(x1), _shape(x2))
    n, strides = dense_layout(shape)
    cond = _layout(condition, bool_, shape)
    a, b = _layout(x1, dtype, shape), _layout(x2, dtype, shape)  # checks scalars even if empty
    out = Storage.empty(dtype.name, n)  # every element is written below
    if n:
        where_kernel(out, 0, strides, *cond, *a, *b, shape)
    return new_tensor(out, dtype, shape, strides)


def clip(x: Tensor, /, min: Operand | None = None, max: Operand | None = None) -> Tensor:
    """Return x limited to [min, max] elementwise: `minimum(maximum(x, min), max)`.

    A bound of None is no bound (both None: a copy of x). The result dtype is NumPy's,
    `result_type(x, min, max)`, which is x's dtype whenever the array API defines the result.
    NaN in x or a bound gives NaN; where min > max the result is max. A Python int bound
    beyond an integer dtype's range that cannot bind is ignored, one that would is an
    OverflowError (NumPy 2 does the same).

    >>> clip(mg.asarray([-5, 0, 5], dtype="int8"), -1, 1000)
    tensor([-1,  0,  5], dtype=int8)
    >>> clip(mg.asarray([0.5, 2.5]), max=mg.asarray([1.0, 2.0]))
    tensor([0.5, 2. ], dtype=float64)
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"clip: x must be a Tensor, got {type(x).__name__}")
    bounds = [b for b in (min, max) if b is not None]
    _check_operands("clip", *bounds)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        dtype = result_type(x, *bounds)  # up to three dtypes: NumPy's least common one
    else:  # weak scalars adopt the dtype one at a time (NEP 50)
        dtype = x.dtype
        for bound in bounds:
            dtype = _with_weak(dtype, bound)  # type: ignore[arg-type]
    if dtype.kind in "iu":
        min, max = _in_range(min, dtype, upper=False), _in_range(max, dtype, upper=True)
    if min is None and max is None:
        return x.astype(dtype)
    if max is None:
        assert min is not None
        return binary_op(_MAXIMUM, x, min, dtype)
    if min is None:
        return binary_op(_MINIMUM, x, max, dtype)
    shape = broadcast_shapes(x.shape, _shape(min), _shape(max))
    n, strides = dense_layout(shape)
    src, lo = _layout(x, dtype, shape), _layout(min, dtype, shape)
    hi = _layout(max, dtype, shape)  # checks scalars even if empty
    out = Storage.empty(dtype.name, n)  # every element is written below
    if n:
        clip_kernel(out, 0, strides, *src, *lo, *hi, shape)
    return new_tensor(out, dtype, shape, strides)


def _in_range(bound: Operand | None, dtype: DType, upper: bool) -> Operand | None:
    """Drop a Python int bound beyond an integer dtype's range that cannot bind (NumPy 2 does).

    A max above the range or a min below it changes nothing; the other way round the bound
    stays, and converting it raises OverflowError, as in NumPy.
    """
    if isinstance(bound, int):
        low, high = int_bounds(dtype)
        if (upper and bound > high) or (not upper and bound < low):
            return None
    return bound


def _check_operands(name: str, *operands: object) -> None:
    for x in operands:
        if not isinstance(x, (Tensor, *_SCALARS)):
            raise TypeError(
                f"{name}: unsupported operand type {type(x).__name__}; "
                "expected Tensors or Python int/float"
            )


def _shape(x: Operand) -> Shape:
    return x.shape if isinstance(x, Tensor) else ()


def _layout(x: Operand, dtype: DType, shape: Shape) -> _Layout:
    """(storage, offset, strides) reading `x` as `dtype` at the broadcast `shape`."""
    if isinstance(x, Tensor):
        if x.dtype is not dtype:
            x = x.astype(dtype)
        return x.buffer.storage, x.offset, broadcast_strides(x.shape, x.strides, shape)
    return _scalar_storage(x, dtype), 0, (0,) * len(shape)


def _scalar_storage(x: Scalar, dtype: DType) -> Storage:
    if isinstance(x, int) and dtype.kind in "iu":
        check_int_fits(x, dtype)  # as every weak Python int
    return Storage.filled(dtype.name, 1, x)
