"""Data types: `DType`, the four supported dtypes, `as_dtype`, `result_type`, `finfo`/`iinfo`.

Promotion follows NumPy 2 (NEP 50). Among tensors (strong operands) the same kind gives the
wider type and int with float gives float64 (as NumPy does for int32+float32 and int64+float32).
Python scalars are weak: they adopt the tensor's dtype, except that a Python float with an
integer tensor gives float64. A Python int that does not fit the integer dtype it adopts
raises OverflowError where the value is converted (see `check_int_fits`), as in NumPy 2.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Final, Literal, Protocol, TypeAlias

__all__ = [
    "DType",
    "DTypeLike",
    "FInfo",
    "IInfo",
    "all_dtypes",
    "as_dtype",
    "check_int_fits",
    "finfo",
    "float32",
    "float64",
    "iinfo",
    "int32",
    "int64",
    "promote_types",
    "result_type",
    "unsupported_dtype",
]

_BYTEORDER: Final = "<" if sys.byteorder == "little" else ">"


@dataclass(frozen=True, slots=True)
class DType:
    """A tensor element type: its name, size in bytes and kind ('i' integer, 'f' float).

    Use the module constants rather than building new ones.

    >>> float32.name, float32.itemsize, float32.kind
    ('float32', 4, 'f')
    >>> float32.typestr  # as in NumPy's __array_interface__ (little-endian machine)
    '<f4'
    """

    name: str
    itemsize: int
    kind: Literal["i", "f"]

    @property
    def typestr(self) -> str:
        """The `__array_interface__` type string, e.g. '<f4'."""
        return f"{_BYTEORDER}{self.kind}{self.itemsize}"

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"mg_core.{self.name}"


float32: Final = DType("float32", 4, "f")
float64: Final = DType("float64", 8, "f")
int32: Final = DType("int32", 4, "i")
int64: Final = DType("int64", 8, "i")

_BY_NAME: Final[dict[str, DType]] = {d.name: d for d in (float32, float64, int32, int64)}
_SUPPORTED: Final = ", ".join(_BY_NAME)


class _Named(Protocol):
    @property
    def name(self) -> str: ...


DTypeLike: TypeAlias = "DType | str | type | _Named"
"""A DType, its name, Python `int`/`float`, a NumPy type such as `numpy.float32`, or anything
whose `name` is a supported name (a NumPy dtype)."""


def as_dtype(like: DTypeLike) -> DType:
    """Return the DType for a name, a DType, Python int/float, or a NumPy dtype or type.

    Raises TypeError naming the dtype if it is not supported.

    >>> as_dtype("int32")
    mg_core.int32
    >>> as_dtype(float)
    mg_core.float64
    >>> as_dtype("float16")
    Traceback (most recent call last):
    TypeError: unsupported dtype 'float16'; supported: float32, float64, int32, int64
    """
    if isinstance(like, DType):
        name = like.name  # the canonical constant, so that `is` comparisons hold
    elif isinstance(like, str):
        name = like
    elif like is float:
        name = "float64"
    elif like is int:
        name = "int64"
    elif like is complex:
        name = "complex128"
    elif isinstance(like, type):
        name = like.__name__  # numpy.float32 and friends
    else:
        attr = getattr(like, "name", None)
        name = attr if isinstance(attr, str) else str(like)
    found = _BY_NAME.get(name)
    if found is None:
        raise unsupported_dtype(name)
    return found


def unsupported_dtype(name: str) -> TypeError:
    """Return the error for a dtype mg does not support (yet), naming it and the supported ones.

    >>> unsupported_dtype("bool")
    TypeError("unsupported dtype 'bool'; supported: float32, float64, int32, int64")
    """
    return TypeError(f"unsupported dtype {name!r}; supported: {_SUPPORTED}")


def promote_types(a: DType, b: DType) -> DType:
    """Return the dtype two tensors of dtypes `a` and `b` combine to.

    >>> promote_types(int32, float32)
    mg_core.float64
    >>> promote_types(int32, int64)
    mg_core.int64
    """
    if a is b:
        return a
    if a.kind != b.kind:
        return float64
    return a if a.itemsize >= b.itemsize else b


def result_type(*operands: object) -> DType:
    """Return the dtype of an operation on `operands` (tensors, dtypes, Python scalars).

    Python int/bool/float operands are weak (NEP 50); see the module docstring.
    Raises ValueError without operands and TypeError for unsupported ones.

    >>> result_type(int32, 1)
    mg_core.int32
    >>> result_type(int32, 1.0)
    mg_core.float64
    >>> result_type(float32, int64)
    mg_core.float64
    >>> result_type(1, 2.5)
    mg_core.float64
    """
    if not operands:
        raise ValueError("result_type needs at least one tensor, dtype or scalar")
    strong: DType | None = None
    weak_float = False
    for op in operands:
        if isinstance(op, float):
            weak_float = True
        elif not isinstance(op, int):  # a weak int (or bool) never changes the result
            dt = _strong_dtype(op)
            strong = dt if strong is None else promote_types(strong, dt)
    if strong is None:
        return float64 if weak_float else int64
    if weak_float and strong.kind == "i":
        return float64
    return strong


def _strong_dtype(op: object) -> DType:
    dt = getattr(op, "dtype", None)
    if isinstance(dt, DType):
        return dt
    if dt is not None:  # a NumPy array
        return as_dtype(dt)
    if isinstance(op, (DType, str, type)):
        return as_dtype(op)
    name = getattr(op, "name", None)
    if isinstance(name, str):
        return as_dtype(name)
    raise TypeError(f"result_type: unsupported operand of type {type(op).__name__}")


def check_int_fits(value: int, dtype: DType) -> None:
    """Raise OverflowError if the Python int `value` does not fit the integer `dtype`.

    >>> check_int_fits(2**40, int32)
    Traceback (most recent call last):
    OverflowError: Python integer 1099511627776 out of bounds for int32
    """
    low, high = _INT_BOUNDS[dtype]
    if not low <= value <= high:
        raise OverflowError(f"Python integer {value} out of bounds for {dtype.name}")


@dataclass(frozen=True, slots=True)
class IInfo:
    """Limits of an integer dtype (array API `iinfo`).

    >>> iinfo(int32)
    IInfo(bits=32, min=-2147483648, max=2147483647, dtype=mg_core.int32)
    """

    bits: int
    min: int
    max: int
    dtype: DType


@dataclass(frozen=True, slots=True)
class FInfo:
    """Limits of a float dtype (array API `finfo`).

    >>> finfo(float32).bits, finfo(float64).eps
    (32, 2.220446049250313e-16)
    """

    bits: int
    eps: float
    min: float
    max: float
    smallest_normal: float
    dtype: DType


_IINFO: Final = {
    d: IInfo(d.itemsize * 8, -(2 ** (d.itemsize * 8 - 1)), 2 ** (d.itemsize * 8 - 1) - 1, d)
    for d in (int32, int64)
}
_INT_BOUNDS: Final = {d: (i.min, i.max) for d, i in _IINFO.items()}
_F32_MAX: Final = (2 - 2.0**-23) * 2.0**127
_FINFO: Final = {
    float32: FInfo(32, 2.0**-23, -_F32_MAX, _F32_MAX, 2.0**-126, float32),
    float64: FInfo(64, sys.float_info.epsilon, -sys.float_info.max, sys.float_info.max,
                   sys.float_info.min, float64),
}  # fmt: skip


def iinfo(dtype: DTypeLike) -> IInfo:
    """Return the limits of an integer dtype; TypeError for a float dtype.

    >>> iinfo(int32).max
    2147483647
    """
    dt = as_dtype(dtype)
    if dt.kind != "i":
        raise TypeError(f"iinfo needs an integer dtype, got {dt.name}")
    return _IINFO[dt]


def finfo(dtype: DTypeLike) -> FInfo:
    """Return the limits of a float dtype; TypeError for an integer dtype.

    >>> finfo(float32).eps
    1.1920928955078125e-07
    """
    dt = as_dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"finfo needs a float dtype, got {dt.name}")
    return _FINFO[dt]


def all_dtypes() -> tuple[DType, ...]:
    """Return the supported dtypes, in the order float32, float64, int32, int64.

    >>> [d.name for d in all_dtypes()]
    ['float32', 'float64', 'int32', 'int64']
    """
    return tuple(_BY_NAME.values())
