"""Limits of the dtypes: `finfo` for floats, `iinfo` for integers (the array API's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .dtype import (
    DType,
    DTypeLike,
    all_dtypes,
    as_dtype,
    bfloat16,
    float16,
    float32,
    float64,
    int_bounds,
)

__all__ = ["FInfo", "IInfo", "finfo", "iinfo"]


@dataclass(frozen=True, slots=True)
class IInfo:
    """Limits of an integer dtype (array API `iinfo`).

    >>> iinfo(mg.int32)
    IInfo(bits=32, min=-2147483648, max=2147483647, dtype=mg_core.int32)
    """

    bits: int
    min: int
    max: int
    dtype: DType


@dataclass(frozen=True, slots=True)
class FInfo:
    """Limits of a float dtype (array API `finfo`).

    >>> finfo(mg.float32).bits, finfo(mg.float64).eps
    (32, 2.220446049250313e-16)
    """

    bits: int
    eps: float
    min: float
    max: float
    smallest_normal: float
    dtype: DType


def _finfo(dtype: DType, mantissa_bits: int, max_exponent: int) -> FInfo:
    """Limits of an IEEE-style binary float with `mantissa_bits` stored fraction bits."""
    eps = 2.0**-mantissa_bits
    biggest = (2.0 - eps) * 2.0 ** (max_exponent - 1)
    return FInfo(dtype.itemsize * 8, eps, -biggest, biggest, 2.0 ** (2 - max_exponent), dtype)


_FINFO: Final = {
    d.dtype: d
    for d in (
        _finfo(float16, 10, 16),
        _finfo(bfloat16, 7, 128),
        _finfo(float32, 23, 128),
        _finfo(float64, 52, 1024),
    )
}
_IINFO: Final = {
    d: IInfo(d.itemsize * 8, *int_bounds(d), d) for d in all_dtypes() if d.kind in "iu"
}


def iinfo(dtype: DTypeLike) -> IInfo:
    """Return the limits of an integer dtype; TypeError for a float or bool dtype.

    >>> iinfo(mg.int32).max, iinfo("uint8").max
    (2147483647, 255)
    """
    dt = as_dtype(dtype)
    if dt.kind not in "iu":
        raise TypeError(f"iinfo needs an integer dtype, got {dt.name}")
    return _IINFO[dt]


def finfo(dtype: DTypeLike) -> FInfo:
    """Return the limits of a float dtype; TypeError for an integer or bool dtype.

    >>> finfo(mg.float32).eps, finfo("float16").max, finfo("bfloat16").eps
    (1.1920928955078125e-07, 65504.0, 0.0078125)
    """
    dt = as_dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"finfo needs a float dtype, got {dt.name}")
    return _FINFO[dt]
