"""Creating tensors: asarray, full, ones, zeros, their *_like forms, arange and frombuffer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, TypeAlias, TypeVar

from . import interop as _interop
from ._kernels import Storage
from .buffer import Buffer, Scalar, SupportsBuffer
from .dtype import DType, DTypeLike, as_dtype, bool_, float64, int64
from .shape import Shape, ShapeLike, as_shape, contiguous_strides, size_of
from .tensor import Tensor, make_tensor

__all__ = [
    "NestedSequence",
    "TensorLike",
    "arange",
    "asarray",
    "empty",
    "empty_like",
    "frombuffer",
    "full",
    "full_like",
    "ones",
    "ones_like",
    "zeros",
    "zeros_like",
]

_T_co = TypeVar("_T_co", covariant=True)


class NestedSequence(Protocol[_T_co]):
    """A sequence of sequences of ... of `_T_co` (the array API's NestedSequence).

    A typing protocol only: lists and tuples match it.

    >>> x: NestedSequence[int] = [[1, 2], [3, 4]]
    """

    def __getitem__(self, key: int, /) -> _T_co | NestedSequence[_T_co]: ...
    def __len__(self, /) -> int: ...


TensorLike: TypeAlias = "Tensor | Scalar | SupportsBuffer | NestedSequence[Scalar | Tensor]"
_PLAIN = (int, float)
_PYTHON_NUMBERS = frozenset((bool, int, float))


def asarray(obj: TensorLike, dtype: DTypeLike | None = None, *, copy: bool | None = None) -> Tensor:
    """Return `obj` as a Tensor, copying only when needed.

    `obj` may be a Tensor (returned as is when the dtype matches), a Python int or float (a
    0-d tensor), an object with `__dlpack__` (NumPy arrays of any strides, PyTorch tensors) or
    the buffer protocol (`array.array`, memoryview, bytes), or nested lists/tuples of numbers.
    Array-like inputs are viewed without a copy (see `mg_core.interop`): the tensor shares and
    keeps alive their memory, and read-only inputs give read-only tensors. Without `dtype`:
    the input's dtype, or bool if every number is a bool, int64 if every number is an int and
    float64 otherwise (as NumPy). `copy=True` always copies; `copy=False` never does and raises
    ValueError when it would have to. Raises ValueError for ragged nesting and TypeError naming
    a dtype the installed kernels do not compute in yet (see `kernel_dtypes`).

    >>> asarray([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]], dtype=int64)
    >>> asarray([1, 2.5], dtype="float32")
    tensor([1. , 2.5], dtype=float32)
    >>> asarray([[1, 2], [3]])
    Traceback (most recent call last):
    ValueError: ragged nested sequence: item [1] has shape (1,) but item [0] has shape (2,)
    """
    want = None if dtype is None else as_dtype(dtype)
    if isinstance(obj, Tensor):
        return _interop.finish(obj, False, want, copy)
    if isinstance(obj, (int, float, list, tuple, range)):
        if copy is False:
            raise ValueError(f"asarray: a {type(obj).__name__} always needs a copy, but copy=False")
        if isinstance(obj, _PLAIN):
            return full((), obj, want)
        return _from_nested(list(obj) if isinstance(obj, range) else obj, want)
    found = _interop.view_foreign(obj)
    if found is not None:
        return _interop.finish(found[0], found[1], want, copy)
    raise TypeError(f"cannot convert {type(obj).__name__} to a Tensor")


def _dense(buffer: Buffer, shape: Shape) -> Tensor:
    return make_tensor(buffer, shape, contiguous_strides(shape), 0)


def _from_nested(obj: Sequence[object], dtype: DType | None) -> Tensor:
    shape = _probe_shape(obj)
    flat: list[int | float] = []
    _flatten(obj, shape, (), flat)
    if dtype is None:
        dtype = _default_dtype(flat)
    return _dense(Buffer(flat, dtype), shape)


def _default_dtype(flat: list[int | float]) -> DType:
    """NumPy's choice for a list of Python numbers: bool, else int64, else float64."""
    if all(type(v) is bool for v in flat):
        return bool_ if flat else float64
    return int64 if all(type(v) is int or type(v) is bool for v in flat) else float64


def _probe_shape(obj: object) -> Shape:
    """Return the shape implied by following the first item at each level."""
    shape: list[int] = []
    while True:
        if isinstance(obj, Tensor):
            return (*shape, *obj.shape)
        if not isinstance(obj, (list, tuple)):
            return tuple(shape)
        shape.append(len(obj))
        if not obj:
            return tuple(shape)
        obj = obj[0]


def _flatten(obj: object, shape: Shape, path: tuple[int, ...], out: list[int | float]) -> None:
    if isinstance(obj, Tensor):
        obj = obj.tolist()
    if not shape:
        if isinstance(obj, (list, tuple)):
            raise _ragged(obj, shape, path)
        out.append(_number(obj))
        return
    if not isinstance(obj, (list, tuple)) or len(obj) != shape[0]:
        raise _ragged(obj, shape, path)
    if len(shape) == 1 and all(type(v) in _PYTHON_NUMBERS for v in obj):
        out.extend(obj)  # the common case: a flat run of Python numbers
        return
    for i, item in enumerate(obj):
        _flatten(item, shape[1:], (*path, i), out)


def _ragged(obj: object, expected: Shape, path: tuple[int, ...]) -> ValueError:
    first = [*path[:-1], 0]
    return ValueError(
        f"ragged nested sequence: item {list(path)} has shape {_probe_shape(obj)} "
        f"but item {first} has shape {expected}"
    )


def _number(value: object) -> int | float:
    if isinstance(value, _PLAIN):
        return value
    dtype = getattr(value, "dtype", None)
    if dtype is not None and as_dtype(dtype).kind == "b":  # a NumPy scalar; TypeError if complex
        return bool(value)  # numpy.bool_
    if hasattr(value, "__index__"):
        return int(value.__index__())
    if hasattr(value, "__float__"):
        return float(value)
    raise TypeError(f"cannot convert {type(value).__name__} to a tensor element")


def full(shape: ShapeLike, fill_value: Scalar, dtype: DTypeLike | None = None) -> Tensor:
    """Return a new tensor of `shape` filled with `fill_value`.

    The dtype defaults to int64 for an int and float64 for a float fill value.

    >>> full((2, 2), 0.5, dtype="float32")
    tensor([[0.5, 0.5],
            [0.5, 0.5]], dtype=float32)
    >>> full(-1, 0)
    Traceback (most recent call last):
    ValueError: negative dimension -1 in shape (-1,)
    """
    dims = as_shape(shape)
    dt = _default_dtype([fill_value]) if dtype is None else as_dtype(dtype)
    return _dense(Buffer.filled(size_of(dims), fill_value, dt), dims)


def ones(shape: ShapeLike, dtype: DTypeLike | None = None) -> Tensor:
    """Return a new tensor of ones, float64 unless `dtype` says otherwise.

    >>> ones(3, dtype="int32")
    tensor([1, 1, 1], dtype=int32)
    """
    return full(shape, 1, float64 if dtype is None else dtype)


def zeros(shape: ShapeLike, dtype: DTypeLike | None = None) -> Tensor:
    """Return a new tensor of zeros, float64 unless `dtype` says otherwise.

    >>> zeros((1, 2))
    tensor([[0., 0.]], dtype=float64)
    """
    dims = as_shape(shape)
    dt = float64 if dtype is None else as_dtype(dtype)
    return _dense(Buffer.wrap(Storage(dt.name, size_of(dims)), dt), dims)  # born zero-filled


def full_like(x: Tensor, fill_value: Scalar, dtype: DTypeLike | None = None) -> Tensor:
    """Return a new tensor shaped like `x`, filled with `fill_value`, of x's dtype by default.

    >>> full_like(ones(2, dtype="int32"), 7)
    tensor([7, 7], dtype=int32)
    """
    return full(x.shape, fill_value, x.dtype if dtype is None else dtype)


def ones_like(x: Tensor, dtype: DTypeLike | None = None) -> Tensor:
    """Return a new tensor of ones shaped like `x`, of x's dtype by default.

    >>> ones_like(zeros((1, 2), dtype="float32"))
    tensor([[1., 1.]], dtype=float32)
    """
    return full(x.shape, 1, x.dtype if dtype is None else dtype)


def zeros_like(x: Tensor, dtype: DTypeLike | None = None) -> Tensor:
    """Return a new tensor of zeros shaped like `x`, of x's dtype by default.

    >>> zeros_like(arange(3))
    tensor([0, 0, 0], dtype=int64)
    """
    return zeros(x.shape, x.dtype if dtype is None else dtype)


def arange(
    start: Scalar, stop: Scalar | None = None, step: Scalar = 1, dtype: DTypeLike | None = None
) -> Tensor:
    """Return evenly spaced values in [start, stop) (or [0, start) when `stop` is omitted).

    int64 when all arguments are ints, float64 otherwise (like NumPy).

    >>> arange(4), arange(1, 2, 0.25)
    (tensor([0, 1, 2, 3], dtype=int64), tensor([1.  , 1.25, 1.5 , 1.75], dtype=float64))
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    if isinstance(start, int) and isinstance(stop, int) and isinstance(step, int):
        return asarray(list(range(start, stop, step)), int64 if dtype is None else dtype)
    n = max(math.ceil((stop - start) / step), 0)
    return asarray([start + i * step for i in range(n)], float64 if dtype is None else dtype)


def empty(shape: ShapeLike, dtype: DTypeLike | None = None) -> Tensor:
    """Return a new tensor of `shape` whose elements are not initialised (float64 by default).

    Cheaper than `zeros` when every element will be written anyway.

    >>> t = empty((2, 3), dtype="int32")
    >>> t.shape, t.dtype
    ((2, 3), mg_core.int32)
    """
    dims = as_shape(shape)
    dt = float64 if dtype is None else as_dtype(dtype)
    return _dense(Buffer.wrap(Storage.empty(dt.name, size_of(dims)), dt), dims)


def empty_like(x: Tensor, dtype: DTypeLike | None = None) -> Tensor:
    """Return an uninitialised tensor shaped like `x`, of x's dtype by default.

    >>> empty_like(zeros((2, 2), dtype="float32")).dtype
    mg_core.float32
    """
    return empty(x.shape, x.dtype if dtype is None else dtype)


def frombuffer(buffer: SupportsBuffer, dtype: DTypeLike = "float64") -> Tensor:
    """Return a 1-d tensor of `dtype` holding a copy of `buffer`'s raw bytes (native order).

    NumPy's frombuffer, except that the result is a copy (it never aliases `buffer`), and that
    it reads every dtype mg has, bfloat16 included, which no buffer-protocol format names.
    The buffer's own format is ignored: only its bytes count, in C order. Raises ValueError
    if the byte count is not a multiple of the dtype's itemsize, TypeError for an object
    without the buffer protocol.

    >>> frombuffer(bytes([0, 0, 128, 63]), "float32")
    tensor([1.], dtype=float32)
    >>> frombuffer(bytes([128, 63, 0, 192]), "bfloat16")
    tensor([ 1., -2.], dtype=bfloat16)
    >>> frombuffer(bytes(3), "int16")
    Traceback (most recent call last):
    ValueError: frombuffer: 3 bytes is not a multiple of the int16 itemsize 2
    """
    want = as_dtype(dtype)
    try:
        view = memoryview(buffer)
    except TypeError:
        raise TypeError(f"frombuffer: {type(buffer).__name__} has no buffer protocol") from None
    if view.nbytes % want.itemsize != 0:
        raise ValueError(
            f"frombuffer: {view.nbytes} bytes is not a multiple of the {want.name} itemsize "
            f"{want.itemsize}"
        )
    if view.nbytes == 0:  # memoryview cannot cast views with zeros in their shape
        storage = Storage(want.name, 0)
    else:
        raw = view.cast("B") if view.c_contiguous else memoryview(view.tobytes())
        storage = Storage.from_bytes(want.name, raw)
    return _dense(Buffer.wrap(storage, want), (view.nbytes // want.itemsize,))
