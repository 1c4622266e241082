"""Data types: `DType`, the 13 dtype constants, `as_dtype`, promotion and `can_cast`.

Promotion (`promote_types`) follows NumPy 2 for the 12 dtypes NumPy has, which is the array
API table plus NumPy's answers for mixed kinds; bfloat16 follows its own rules, see
Note [bfloat16 promotion] below and docs/core.md. `result_type` treats Python scalars as weak
(NEP 50): they adopt the tensor's dtype within their kind. A Python int that does not fit the
integer dtype it adopts raises OverflowError where the value is converted (`check_int_fits`).

Note [bfloat16 promotion]: NumPy has no bfloat16, and ml_dtypes registers no promotion of
bfloat16 with integers. mg treats bfloat16 as a 16-bit float at float16's rung: with float16
it gives float32 (neither holds the other), with float32/float64 the wider. With an integer,
the result is the smallest float holding every value of the integer exactly, as NumPy does
for float16: int8/uint8 (and bool) fit bfloat16's 8-bit significand, so stay bfloat16;
int16/uint16 give float32; wider integers give float64.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from itertools import product
from typing import Final, Literal, Protocol, TypeAlias

__all__ = [
    "DType",
    "DTypeLike",
    "all_dtypes",
    "as_dtype",
    "bfloat16",
    "bool_",
    "can_cast",
    "check_int_fits",
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "int_bounds",
    "promote_types",
    "result_type",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "unsupported_dtype",
]

_BYTEORDER: Final = "<" if sys.byteorder == "little" else ">"

Kind: TypeAlias = Literal["b", "i", "u", "f"]


@dataclass(frozen=True, slots=True)
class DType:
    """A tensor element type: its name, size in bytes and kind.

    Kinds are NumPy's: 'b' bool, 'i' signed integer, 'u' unsigned integer, 'f' float.
    Use the module constants rather than building new ones.

    >>> float32.name, float32.itemsize, float32.kind
    ('float32', 4, 'f')
    >>> float32.typestr  # as in NumPy's __array_interface__ (little-endian machine)
    '<f4'
    >>> uint8.typestr, bool_.typestr
    ('|u1', '|b1')
    """

    name: str
    itemsize: int
    kind: Kind

    @property
    def typestr(self) -> str:
        """The `__array_interface__` type string, e.g. '<f4' ('<V2' for bfloat16, as ml_dtypes)."""
        order = "|" if self.itemsize == 1 else _BYTEORDER
        kind = "V" if self.name == "bfloat16" else self.kind
        return f"{order}{kind}{self.itemsize}"

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"mg_core.{self.name}"


bool_: Final = DType("bool", 1, "b")
int8: Final = DType("int8", 1, "i")
int16: Final = DType("int16", 2, "i")
int32: Final = DType("int32", 4, "i")
int64: Final = DType("int64", 8, "i")
uint8: Final = DType("uint8", 1, "u")
uint16: Final = DType("uint16", 2, "u")
uint32: Final = DType("uint32", 4, "u")
uint64: Final = DType("uint64", 8, "u")
float16: Final = DType("float16", 2, "f")
bfloat16: Final = DType("bfloat16", 2, "f")
float32: Final = DType("float32", 4, "f")
float64: Final = DType("float64", 8, "f")

_ALL: Final = (bool_, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
               float16, bfloat16, float32, float64)  # fmt: skip
_BY_NAME: Final[dict[str, DType]] = {d.name: d for d in _ALL}
_BY_NAME["bool_"] = bool_  # NumPy's type `numpy.bool_` is named so


class _Named(Protocol):
    @property
    def name(self) -> str: ...


DTypeLike: TypeAlias = "DType | str | type | _Named"
"""A DType, its name, Python `bool`/`int`/`float`, a NumPy type such as `numpy.float32`, or
anything whose `name` is a dtype name (a NumPy dtype)."""


def as_dtype(like: DTypeLike) -> DType:
    """Return the DType for a name, a DType, Python bool/int/float, or a NumPy dtype or type.

    Raises TypeError naming the dtype if mg has no such dtype (complex ones, for now).

    >>> as_dtype("int32"), as_dtype(float), as_dtype(bool)
    (mg_core.int32, mg_core.float64, mg_core.bool)
    >>> as_dtype("complex64")
    Traceback (most recent call last):
    TypeError: unsupported dtype 'complex64'; mg has bool, int8, int16, int32, int64, \
uint8, uint16, uint32, uint64, float16, bfloat16, float32, float64
    """
    if isinstance(like, DType):
        name = like.name  # the canonical constant, so that `is` comparisons hold
    elif isinstance(like, str):
        name = like
    elif isinstance(like, type):
        name = _PYTHON_TYPES.get(like) or like.__name__  # numpy.float32 and friends
    else:
        attr = getattr(like, "name", None)
        name = attr if isinstance(attr, str) else str(like)
    found = _BY_NAME.get(name)
    if found is None:
        raise TypeError(f"unsupported dtype {name!r}; mg has {', '.join(d.name for d in _ALL)}")
    return found


_PYTHON_TYPES: Final[dict[type, str]] = {
    bool: "bool",
    int: "int64",
    float: "float64",
    complex: "complex128",
}


def unsupported_dtype(name: str, supported: tuple[str, ...] = ()) -> TypeError:
    """Return the error for a dtype the installed kernels cannot compute in (yet).

    >>> unsupported_dtype("float16", ("float32", "float64"))
    TypeError("unsupported dtype 'float16'; supported: float32, float64")
    """
    return TypeError(f"unsupported dtype {name!r}; supported: {', '.join(supported)}")


def all_dtypes() -> tuple[DType, ...]:
    """Return every dtype mg knows, bool, signed, unsigned, then floats (NumPy's order).

    Which of them the installed kernels compute in: `mg_core.kernel_dtypes()`.

    >>> [d.name for d in all_dtypes()][:6]
    ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8']
    """
    return _ALL


# --- promotion ----------------------------------------------------------------------------


def _int_to_float(d: DType) -> DType:
    """The smallest NumPy float holding every value of the integer (or bool) dtype `d`."""
    return {1: float16, 2: float32}.get(d.itemsize, float64)


def _promote(a: DType, b: DType) -> DType:
    """The promotion rules themselves; `promote_types` looks the answers up in a table."""
    if a is b or b is bool_:
        return a
    if a is bool_:
        return b
    if a.kind == "f" and b.kind == "f":
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    if a.kind == "f" or b.kind == "f":
        f, i = (a, b) if a.kind == "f" else (b, a)
        if f is bfloat16 and i.itemsize == 1:
            return bfloat16  # Note [bfloat16 promotion]
        return _promote(_int_to_float(i), f)
    if a.kind == b.kind:
        return a if a.itemsize >= b.itemsize else b
    s, u = (a, b) if a.kind == "i" else (b, a)
    if s.itemsize > u.itemsize:
        return s
    return {1: int16, 2: int32, 4: int64}.get(u.itemsize, float64)


_TABLE: Final[dict[tuple[DType, DType], DType]] = {
    (a, b): _promote(a, b) for a, b in product(_ALL, _ALL)
}


def promote_types(a: DType, b: DType) -> DType:
    """Return the dtype two tensors of dtypes `a` and `b` combine to (NumPy 2's table).

    >>> promote_types(int32, float32), promote_types(uint8, int8), promote_types(uint64, int64)
    (mg_core.float64, mg_core.int16, mg_core.float64)
    >>> promote_types(float16, bfloat16), promote_types(int8, bfloat16)
    (mg_core.float32, mg_core.bfloat16)
    """
    return _TABLE[a, b]


_CASTINGS: Final = ("no", "equiv", "safe", "same_kind", "unsafe")
_KIND_ORDER: Final = {"b": 0, "u": 1, "i": 2, "f": 3}


def can_cast(
    from_: DTypeLike | object,
    to: DTypeLike,
    casting: Literal["no", "equiv", "safe", "same_kind", "unsafe"] = "safe",
) -> bool:
    """Return True if `from_` (a dtype or tensor) converts to `to` under the `casting` rule.

    The rules are NumPy's: 'safe' when no value can change (ints to float64 count as safe,
    as in NumPy), 'same_kind' also allows narrowing within a kind order bool < uint < int <
    float, 'unsafe' allows anything. ValueError for an unknown rule.

    >>> can_cast(int8, float16), can_cast(int16, float16), can_cast(float64, float32)
    (True, False, False)
    >>> can_cast(float64, float32, "same_kind"), can_cast(float32, int64, "same_kind")
    (True, False)
    """
    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of {_CASTINGS}, got {casting!r}")
    src = _strong_dtype(from_)
    dst = as_dtype(to)
    if casting in ("no", "equiv"):
        return src is dst
    if casting == "unsafe" or _TABLE[src, dst] is dst:
        return True
    if casting == "same_kind":
        return _KIND_ORDER[src.kind] <= _KIND_ORDER[dst.kind]
    return False


def result_type(*operands: object) -> DType:
    """Return the dtype of an operation on `operands` (tensors, dtypes, Python scalars).

    Python bool/int/float operands are weak (NEP 50): they take the tensors' dtype if its
    kind holds them (bool < int < float), else the default dtype of their kind (int64,
    float64). Three or more dtypes give the least dtype all promote to, as NumPy.
    Raises ValueError without operands and TypeError for unsupported ones.

    >>> result_type(int8, 1), result_type(int32, 1.0), result_type(float16, 1.5)
    (mg_core.int8, mg_core.float64, mg_core.float16)
    >>> result_type(bool_, 1), result_type(float32, int64), result_type(1, 2.5)
    (mg_core.int64, mg_core.float64, mg_core.float64)
    >>> result_type(int8, uint8, float16)
    mg_core.float16
    """
    if not operands:
        raise ValueError("result_type needs at least one tensor, dtype or scalar")
    strong: list[DType] = []
    weak = bool_
    for op in operands:
        if isinstance(op, bool):
            continue
        if isinstance(op, int):
            weak = weak if weak is float64 else int64
        elif isinstance(op, float):
            weak = float64
        else:
            strong.append(_strong_dtype(op))
    if not strong:
        return weak
    return with_weak(_common(strong), weak)


def _common(dtypes: list[DType]) -> DType:
    """The least dtype all of `dtypes` promote to, as NumPy's result_type finds it.

    Promotion is not associative (int8, uint8, float16: folding pairwise gives float32, but
    float16 holds all three), so with three or more dtypes take the least pairwise answer
    that every dtype promotes to.
    """
    folded = dtypes[0]
    for dt in dtypes[1:]:
        folded = _TABLE[folded, dt]
    if len(set(dtypes)) <= 2:
        return folded
    pairs = {_TABLE[a, b] for a in dtypes for b in dtypes}
    bounds = [c for c in pairs if all(_TABLE[c, d] is c for d in dtypes)]
    for c in bounds:
        if all(_TABLE[c, other] is other for other in bounds):
            return c
    return folded


def with_weak(strong: DType, weak: DType) -> DType:
    """Return the dtype of a `strong` tensor dtype with a weak scalar of default dtype `weak`.

    >>> with_weak(uint8, int64), with_weak(int8, float64), with_weak(bool_, int64)
    (mg_core.uint8, mg_core.float64, mg_core.int64)
    """
    if _KIND_ORDER[weak.kind] <= _KIND_ORDER[strong.kind] or (
        weak.kind == "i" and strong.kind == "u"
    ):
        return strong
    return weak


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


def int_bounds(dtype: DType) -> tuple[int, int]:
    """Return (min, max) of an integer or bool dtype.

    >>> int_bounds(int8), int_bounds(uint16), int_bounds(bool_)
    ((-128, 127), (0, 65535), (0, 1))
    """
    if dtype.kind == "b":
        return 0, 1
    bits = dtype.itemsize * 8
    if dtype.kind == "u":
        return 0, 2**bits - 1
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


_INT_BOUNDS: Final = {d: int_bounds(d) for d in _ALL if d.kind in "iu"}


def check_int_fits(value: int, dtype: DType) -> None:
    """Raise OverflowError if the Python int `value` does not fit the integer `dtype`.

    >>> check_int_fits(1000, int8)
    Traceback (most recent call last):
    OverflowError: Python integer 1000 out of bounds for int8
    """
    low, high = _INT_BOUNDS[dtype]
    if not low <= value <= high:
        raise OverflowError(f"Python integer {value} out of bounds for {dtype.name}")
