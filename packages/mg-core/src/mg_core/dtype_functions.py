"""The array API's data type functions missing elsewhere: `astype` and `isdtype`.

(`can_cast`, `result_type`, `finfo` and `iinfo` live in dtype.py and limits.py.)
"""

from __future__ import annotations

from typing import Literal

from .array_api import _KINDS
from .dtype import DType, DTypeLike, as_dtype
from .tensor import Tensor

__all__ = ["astype", "isdtype"]

#: The kind names the standard defines; complex floating matches nothing (mg has no complex).
_ALL_KINDS = {**_KINDS, "complex floating": ""}


def astype(
    x: Tensor, dtype: DTypeLike, /, *, copy: bool = True, device: Literal["cpu"] | None = None
) -> Tensor:
    """Return x converted to dtype: a copy unless copy=False and the dtype already matches.

    Raises:
        TypeError: if x is not a Tensor or dtype is unknown. ValueError: for a device not "cpu".

    >>> astype(mg.asarray([1.7, -1.7]), mg.int32)
    tensor([ 1, -1], dtype=int32)
    >>> t = mg.asarray([1.0])
    >>> astype(t, "float64", copy=False) is t
    True
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"astype expects a Tensor, got {type(x).__name__}")
    if device not in (None, "cpu"):
        raise ValueError(f"unknown device {device!r}; mg_core has only 'cpu'")
    return x.astype(dtype, copy=copy)


def isdtype(dtype: DType, kind: DType | str | tuple[DType | str, ...]) -> bool:
    """Return whether dtype is the dtype `kind`, or of the kind it names (or any in a tuple).

    Kinds: "bool", "signed integer", "unsigned integer", "integral", "real floating",
    "complex floating" (never true: mg has no complex dtypes) and "numeric".

    Raises:
        TypeError: if dtype is not a DType. ValueError: for an unknown kind name.

    >>> isdtype(mg.float32, "real floating"), isdtype(mg.int8, ("bool", "unsigned integer"))
    (True, False)
    >>> isdtype(mg.int64, mg.int64)
    True
    """
    if not isinstance(dtype, DType):
        raise TypeError(f"isdtype expects a DType, got {type(dtype).__name__}")
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            if k not in _ALL_KINDS:
                known = ", ".join(repr(name) for name in _ALL_KINDS)
                raise ValueError(f"unknown dtype kind {k!r}; known kinds: {known}")
            if dtype.kind in _ALL_KINDS[k]:
                return True
        elif as_dtype(k) is dtype:
            return True
    return False
