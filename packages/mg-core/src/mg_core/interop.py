"""Zero-copy exchange with NumPy and any buffer-protocol library.

`asarray` views the producer's memory: the tensor keeps the producer's buffer alive, writes
show on both sides, and read-only inputs give read-only tensors (in-place ops and
`__setitem__` raise ValueError). `numpy.asarray(t)` and `Tensor.numpy()` view the tensor's
memory and keep it alive likewise.

Copies happen only where a view cannot work: a dtype change; a strided buffer (the buffer
protocol gives no base to view); an immutable 0-d buffer (NumPy scalars); memory misaligned for
its dtype. `copy=False` turns each of these into an error instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._kernels import Storage
from .buffer import Buffer, dtype_of_format
from .dtype import DType, as_dtype
from .tensor import Tensor, make_tensor

if TYPE_CHECKING:
    import numpy

__all__ = ["finish", "to_numpy", "view_foreign"]


def view_foreign(obj: object) -> tuple[Tensor, bool] | None:
    """Return (tensor viewing `obj`, whether it is a copy), or None if `obj` has no array memory.

    Tries the buffer protocol, then `__array_interface__` (through NumPy).

    >>> import array
    >>> t, copied = view_foreign(array.array("f", [1.0, 2.0]))
    >>> t.tolist(), copied
    ([1.0, 2.0], False)
    """
    if isinstance(obj, (Tensor, str, list, tuple, range, int, float, complex)):
        return None
    try:
        view = memoryview(obj)  # type: ignore[arg-type]  # probing for the buffer protocol
    except TypeError:
        view = None
    if view is not None:
        return _view_buffer(view)
    if hasattr(obj, "__array_interface__"):
        import numpy  # an object that only NumPy can read

        return view_foreign(numpy.asarray(obj))
    return None


def _view_buffer(view: memoryview) -> tuple[Tensor, bool]:
    shape = tuple(view.shape or ())
    strides = _contiguous(shape)
    if view.readonly and view.ndim == 0:
        # Immutable scalars (NumPy's float32(1.5), ...): one element, a writable copy as NumPy.
        storage = Storage.from_buffer(view, copy=True)
        return make_tensor(Buffer.wrap(storage, as_dtype(storage.dtype)), (), (), 0), True
    if view.c_contiguous:
        storage = Storage.from_buffer(view)
        dtype = as_dtype(storage.dtype)
        return make_tensor(Buffer.wrap(storage, dtype), shape, strides, 0), False
    # Strided buffers without DLPack: the buffer protocol gives no base to view, so copy.
    dtype_of_format(view.format, view.itemsize)  # TypeError naming an unsupported format
    return make_tensor(Buffer(view), shape, strides, 0), True


def _contiguous(shape: tuple[int, ...]) -> tuple[int, ...]:
    out = []
    step = 1
    for n in reversed(shape):
        out.append(step)
        step *= n
    return tuple(reversed(out))


def finish(t: Tensor, copied: bool, dtype: DType | None, copy: bool | None) -> Tensor:
    """Apply asarray's `dtype` and `copy` to a tensor `view_foreign` made (copied or not).

    >>> t, _ = view_foreign(bytearray(b"ab"))
    >>> finish(t, False, mg.int16, True).dtype
    mg_core.int16
    """
    if dtype is not None and dtype is not t.dtype:
        if copy is False:
            raise ValueError(
                f"asarray: converting {t.dtype} to {dtype} needs a copy, but copy=False"
            )
        return t.astype(dtype)
    if copied and copy is False:
        raise ValueError(
            "asarray: the input is strided or immutable and needs a copy, but copy=False"
        )
    return t.copy() if copy and not copied else t


def to_numpy(t: Tensor) -> numpy.ndarray:
    """Return a NumPy array viewing `t` (no copy; read-only if `t` is).

    >>> a = to_numpy(mg.arange(3))
    >>> a.tolist(), a.flags.owndata
    ([0, 1, 2], False)
    """
    import numpy

    return numpy.asarray(t)
