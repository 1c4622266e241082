"""Buffer: a flat, typed, 1-d block of elements over a kernels Storage."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, TypeAlias

from ._kernels import KERNEL_DTYPES, Storage, copy
from .dtype import DType, DTypeLike, as_dtype, check_int_fits, float64, int64, unsupported_dtype

if TYPE_CHECKING:
    from typing_extensions import Buffer as SupportsBuffer
else:
    SupportsBuffer = object

__all__ = ["Buffer", "BufferData", "Scalar", "SupportsBuffer", "dtype_of_format", "kernel_dtypes"]

_new_object: Final = object.__new__  # skips __init__'s checks on the internal fast paths

Scalar: TypeAlias = "int | float"
BufferData: TypeAlias = "Storage | SupportsBuffer | Sequence[int | float]"

# struct-module format characters (what memoryview reports) -> NumPy-style names.
_FORMAT_NAMES: Final = {
    "f": "float32", "d": "float64", "e": "float16", "?": "bool",
    "b": "int8", "h": "int16", "i": "int32", "q": "int64",
    "B": "uint8", "H": "uint16", "I": "uint32", "Q": "uint64",
}  # fmt: skip


def kernel_dtypes() -> tuple[DType, ...]:
    """Return the dtypes the installed mg-kernels compute in; others raise TypeError in ops.

    >>> mg.float32 in kernel_dtypes()
    True
    """
    return _KERNEL_DTYPES


_KERNEL_DTYPES: Final = tuple(as_dtype(name) for name in KERNEL_DTYPES)


def dtype_of_format(fmt: str, itemsize: int) -> DType:
    """Return the DType of a buffer-protocol format string; TypeError naming unsupported ones.

    >>> dtype_of_format("f", 4), dtype_of_format("l", 8)
    (mg_core.float32, mg_core.int64)
    >>> dtype_of_format("e", 2), dtype_of_format("?", 1)
    (mg_core.float16, mg_core.bool)
    >>> dtype_of_format("Zd", 16)
    Traceback (most recent call last):
    TypeError: unsupported dtype 'Zd'; mg has bool, int8, ..., float32, float64
    """
    native = "<" if sys.byteorder == "little" else ">"
    char = fmt[1:] if len(fmt) == 2 and fmt[0] in "@=" + native else fmt
    if char in ("l", "L"):  # C long: its size depends on the platform
        char = {"l": "i", "L": "I"}[char] if itemsize == 4 else {"l": "q", "L": "Q"}[char]
    return as_dtype(_FORMAT_NAMES.get(char, fmt))


class Buffer:
    """A flat typed block of elements; the memory under every Tensor.

    `data` may be a kernels Storage (wrapped, no copy), a buffer-protocol object such as a
    NumPy array or `array.array` (copied, flattened in C order), or a sequence of numbers.
    Without `dtype` it comes from the Storage or buffer, or is int64 for a sequence of ints
    and float64 otherwise. Into another `dtype`, a sequence converts value by value like
    `numpy.array` (floats truncate; NaN raises ValueError; ints that do not fit raise
    OverflowError) and a Storage or buffer converts like `cast`.

    >>> b = Buffer([1, 2, 3], "int32")
    >>> b.dtype, len(b), b.nbytes
    (mg_core.int32, 3, 12)
    >>> b.set_item(-1, 7)
    >>> b.get_item(2), b.tolist()
    (7, [1, 2, 7])
    """

    __slots__ = ("dtype", "storage")

    storage: Storage
    dtype: DType

    def __init__(self, data: BufferData, dtype: DTypeLike | None = None) -> None:
        want = None if dtype is None else as_dtype(dtype)
        if isinstance(data, Storage):
            storage = data
        elif isinstance(data, Buffer):
            storage = data.storage
        elif isinstance(data, (list, tuple, range)):
            storage = _from_sequence(data, want)
        elif isinstance(data, str):
            raise TypeError(f"cannot build a Buffer from a str: {data!r}")
        else:
            storage = _from_buffer(data)
        have = as_dtype(storage.dtype)
        if want is not None and want is not have:
            storage = _cast(storage, want)
            have = want
        self.storage = storage
        self.dtype = have

    @staticmethod
    def wrap(storage: Storage, dtype: DType) -> Buffer:
        """Wrap `storage` whose dtype is `dtype` without any check (the fast internal path).

        >>> Buffer.wrap(Storage("float32", 2), mg.float32)
        Buffer([0.0, 0.0], dtype=float32)
        """
        self: Buffer = _new_object(Buffer)
        self.storage = storage
        self.dtype = dtype
        return self

    @classmethod
    def zeros(cls, n: int, dtype: DType) -> Buffer:
        """Return a buffer of `n` zeros.

        >>> Buffer.zeros(2, float64).tolist()
        [0.0, 0.0]
        """
        return cls.wrap(Storage(dtype.name, n), dtype)

    @classmethod
    def filled(cls, n: int, value: Scalar, dtype: DTypeLike) -> Buffer:
        """Return a buffer of `n` copies of `value` converted to `dtype`.

        >>> Buffer.filled(3, 1.5, "float32").tolist()
        [1.5, 1.5, 1.5]
        >>> Buffer.filled(2, 2**40, "int32")
        Traceback (most recent call last):
        OverflowError: Python integer 1099511627776 out of bounds for int32
        """
        dt = as_dtype(dtype)
        if dt.kind in "iu" and isinstance(value, int):
            check_int_fits(value, dt)  # for NumPy's wording; the kernels would refuse it too
        return cls.wrap(Storage.filled(dt.name, n, value), dt)

    def __len__(self) -> int:
        return len(self.storage)

    @property
    def nbytes(self) -> int:
        """Size in bytes."""
        return len(self.storage) * self.dtype.itemsize

    def get_item(self, index: int) -> Scalar:
        """Return element `index` (negative counts from the end); IndexError if out of range."""
        self._check_index(index)
        return self.storage.get_item(index)  # a Python int for int dtypes

    def set_item(self, index: int, value: Scalar) -> None:
        """Store `value` at `index`, converted like the constructor does; IndexError if outside."""
        self._check_index(index)
        self.storage.set_item(index, value)

    def _check_index(self, index: int) -> None:
        n = len(self.storage)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of bounds for buffer of size {n}")

    def tolist(self) -> list[int] | list[float]:
        """Return the elements as a list of Python ints or floats."""
        return self.storage.tolist()

    def cast(self, dtype: DTypeLike) -> Buffer:
        """Return a converted copy (floats to ints truncate toward zero, NaN becomes 0).

        >>> Buffer([1.7, -2.5]).cast("int64").tolist()
        [1, -2]
        """
        dt = as_dtype(dtype)
        return Buffer.wrap(_cast(self.storage, dt), dt)

    def __repr__(self) -> str:
        return f"Buffer({self.tolist()}, dtype={self.dtype.name})"


def _cast(storage: Storage, dtype: DType) -> Storage:
    n = len(storage)
    out = Storage.empty(dtype.name, n)  # every element is written below
    if n:
        copy(out, 0, (1,), storage, 0, (1,), (n,))
    return out


def _from_sequence(values: Sequence[int | float], dtype: DType | None) -> Storage:
    if dtype is None:
        dtype = int64 if values and all(isinstance(v, int) for v in values) else float64
    # The kernels convert each value exactly: ints out of range raise OverflowError, floats
    # truncate into int dtypes, NaN/inf into int dtypes raise ValueError (as NumPy).
    return Storage.from_list(dtype.name, values)


def _from_buffer(data: object) -> Storage:
    try:
        view = memoryview(data)  # type: ignore[arg-type]  # probing for the buffer protocol
    except TypeError:
        raise TypeError(f"cannot build a Buffer from {type(data).__name__}") from None
    dtype = dtype_of_format(view.format, view.itemsize)
    if dtype not in _KERNEL_DTYPES:
        raise unsupported_dtype(dtype.name, KERNEL_DTYPES)
    if view.nbytes == 0:
        return Storage(dtype.name, 0)  # memoryview cannot cast views with zeros in their shape
    # Hand the kernels the raw bytes in C order (tobytes() gathers a strided view); from_bytes
    # takes every dtype, float16 included, which memoryview.cast cannot produce.
    raw = view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
    return Storage.from_bytes(dtype.name, raw)
