"""nextafter: the next representable float after x1 towards x2, computed on the bit patterns.

A finite nonzero float's bits, read as a signed integer of the same width, grow by one with
each step away from zero, for either sign (the sign bit only sets the integer's sign). So the
neighbour towards x2 is the bit pattern plus one when the step goes away from zero and minus
one when it goes towards it. The special cases follow C (and NumPy): equal operands give x2
(so the sign of a zero comes from x2; NumPy's float16 loop gives x1), a zero steps to the
smallest subnormal with x2's sign, and a NaN operand gives NaN. The result is bit-exact.
"""

from __future__ import annotations

from typing import Final

from ._kernels import Storage
from .arithmetic import copysign
from .comparison import equal, greater, logical_or
from .creation import asarray, full
from .dtype import DType, float16, int16, int32, int64
from .elementwise import Operand, _float_operands_dtype
from .manipulation import broadcast_arrays
from .shape import contiguous_strides
from .tensor import Tensor, new_tensor
from .ternary import where
from .unary import isnan

__all__ = ["nextafter"]

_BITS: Final = {2: int16, 4: int32, 8: int64}


def _reinterpret(x: Tensor, dtype: DType) -> Tensor:
    """A copy of ``x``'s bytes read as ``dtype`` (same item size), same shape."""
    data = x.copy().buffer.storage.tobytes()
    return new_tensor(
        Storage.from_bytes(dtype.name, data), dtype, x.shape, contiguous_strides(x.shape)
    )


def _operand(x: Operand, dtype: DType) -> Tensor:
    if isinstance(x, Tensor):
        return x if x.dtype is dtype else x.astype(dtype)
    return asarray(x, dtype=dtype)


def nextafter(x1: Operand, x2: Operand, /) -> Tensor:
    """Return the next float after x1 in the direction of x2, elementwise (broadcasting).

    Operands convert to the float dtype NumPy picks (integers as for `sqrt`); one may be a
    Python number.

    Raises:
        TypeError: for operands that are neither tensors nor numbers, or a bool/complex pair.
        ValueError: if the shapes do not broadcast.

    >>> nextafter(mg.asarray([1.0, 0.0, 2.0]), mg.asarray([2.0, -1.0, 2.0])).tolist()
    [1.0000000000000002, -5e-324, 2.0]
    >>> nextafter(mg.asarray([1.0], dtype="float32"), 2.0).item() - 1.0  # float32 stays float32
    1.1920928955078125e-07
    """
    dtype = _float_operands_dtype(x1, x2)
    a, b = broadcast_arrays(_operand(x1, dtype), _operand(x2, dtype))
    bits_dtype = _BITS[dtype.itemsize]
    away_from_zero = equal(greater(b, a), greater(a, 0.0))
    step = where(away_from_zero, asarray(1, dtype=bits_dtype), asarray(-1, dtype=bits_dtype))
    result = _reinterpret(_reinterpret(a, bits_dtype) + step, dtype)
    smallest = _reinterpret(full(a.shape, 1, dtype=bits_dtype), dtype)
    result = where(equal(a, 0.0), copysign(smallest, b), result)
    # Equal operands give x2, as C does, but NumPy's float16 loop gives x1 (only the sign of
    # a zero can tell them apart): match NumPy.
    result = where(equal(a, b), a if dtype is float16 else b, result)
    unordered = logical_or(isnan(a), isnan(b))
    return where(unordered, a + b, result)
