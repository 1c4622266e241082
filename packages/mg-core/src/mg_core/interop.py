"""Zero-copy exchange with NumPy, PyTorch and any DLPack or buffer-protocol library.

Imports (`asarray`, `from_dlpack`) view the producer's memory: the tensor keeps the producer's
buffer alive, writes show on both sides, and read-only inputs give read-only tensors (in-place
ops and `__setitem__` raise ValueError). Exports (`Tensor.__dlpack__`, `numpy.asarray(t)`,
`Tensor.numpy()`) view the tensor's memory and keep it alive likewise.

Copies happen only where a view cannot work, each listed here: a dtype change; a strided object
with the buffer protocol but no `__dlpack__` (NumPy arrays of any strides go through DLPack and
stay views); an immutable 0-d buffer (NumPy scalars); memory misaligned for its dtype; and on
export, negative strides (PyTorch cannot view them) or a read-only tensor asked for as a legacy
capsule (which has no read-only flag).
`copy=False` turns each of these into an error instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ._kernels import Storage
from ._kernels import dlpack_export as _dlpack_export
from ._kernels import dlpack_import as _dlpack_import
from .buffer import Buffer, dtype_of_format
from .dtype import DType, as_dtype
from .tensor import Tensor, make_tensor

if TYPE_CHECKING:
    import numpy

__all__ = ["CPU_DEVICE", "dlpack_capsule", "finish", "from_dlpack", "to_numpy", "view_foreign"]

CPU_DEVICE: Final = (1, 0)
"""`__dlpack_device__()` of every mg tensor: (kDLCPU, device 0)."""

_DEVICE_NAMES: Final = {2: "CUDA", 3: "CUDA host", 4: "OpenCL", 7: "Vulkan", 8: "Metal",
                        10: "ROCm", 13: "CUDA managed", 14: "oneAPI"}  # fmt: skip


def dlpack_capsule(
    t: Tensor,
    *,
    stream: object = None,
    max_version: tuple[int, int] | None = None,
    dl_device: tuple[int, int] | None = None,
    copy: bool | None = None,
) -> object:
    """Export `t` as a DLPack capsule (what `Tensor.__dlpack__` returns).

    Versioned (DLPack 1.0) when `max_version` is at least (1, 0), else legacy. BufferError for
    a stream (CPU has none), a device other than CPU, or `copy=False` when a copy is needed.

    >>> cap = dlpack_capsule(mg.arange(3), max_version=(1, 0))
    >>> type(cap).__name__
    'PyCapsule'
    """
    if stream is not None:
        raise BufferError(f"__dlpack__: stream must be None for a CPU tensor, got {stream!r}")
    if dl_device is not None and tuple(int(v) for v in dl_device) != CPU_DEVICE:
        raise BufferError(
            f"__dlpack__: mg tensors live on the CPU {CPU_DEVICE}, cannot export to {dl_device}"
        )
    versioned = max_version is not None and int(max_version[0]) >= 1
    reasons = []
    if any(s < 0 for s in t.strides):
        reasons.append(f"negative strides {t.strides}")
    if t.buffer.storage.readonly and not versioned:
        reasons.append("a read-only tensor in a legacy capsule")
    if reasons and copy is False:
        raise BufferError(f"__dlpack__: copy=False but a copy is needed for {reasons[0]}")
    src = t.copy() if reasons or copy else t
    return _dlpack_export(
        src.buffer.storage, src.offset, src.shape, src.strides, versioned=versioned,
        copied=src is not t,
    )  # fmt: skip


def from_dlpack(x: Any, /, *, device: object = None, copy: bool | None = None) -> Tensor:
    """Return a tensor viewing `x`'s memory via DLPack (NumPy arrays, PyTorch tensors, ...).

    `x` is any object with `__dlpack__` (and, if it has one, a CPU `__dlpack_device__`).

    Zero-copy unless `copy=True`: the tensor keeps `x`'s memory alive and writes show in
    both. Read-only producers (DLPack's read-only flag) give read-only tensors. BufferError for
    a producer on another device; ValueError for `device` other than None or "cpu".

    >>> t = mg.arange(4)
    >>> u = from_dlpack(t)
    >>> u[0] = 9
    >>> t.tolist()
    [9, 1, 2, 3]
    """
    if device not in (None, "cpu"):
        raise ValueError(f"from_dlpack: mg tensors live on 'cpu', got device={device!r}")
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"from_dlpack: {type(x).__name__} has no __dlpack__ method")
    if hasattr(x, "__dlpack_device__"):
        kind, index = (int(v) for v in x.__dlpack_device__())
        if kind != CPU_DEVICE[0]:
            name = _DEVICE_NAMES.get(kind, f"device type {kind}")
            raise BufferError(
                f"from_dlpack: mg reads CPU memory only, got a tensor on {name}:{index}"
            )
    copied = False
    try:
        capsule = x.__dlpack__(max_version=(1, 0), copy=copy)
        copied = bool(copy)
    except TypeError:  # a producer from before DLPack 1.0: no keyword arguments
        capsule = x.__dlpack__()
    storage, offset, shape, strides = _dlpack_import(capsule)
    t = make_tensor(
        Buffer.wrap(storage, as_dtype(storage.dtype)), tuple(shape), tuple(strides), offset
    )
    return t.copy() if copy and not copied else t


def view_foreign(obj: object) -> tuple[Tensor, bool] | None:
    """Return (tensor viewing `obj`, whether it is a copy), or None if `obj` has no array memory.

    Tries DLPack, then the buffer protocol, then `__array_interface__` (through NumPy).

    >>> import array
    >>> t, copied = view_foreign(array.array("f", [1.0, 2.0]))
    >>> t.tolist(), copied
    ([1.0, 2.0], False)
    """
    if isinstance(obj, (Tensor, str, list, tuple, range, int, float, complex)):
        return None
    if hasattr(obj, "__dlpack__") and hasattr(obj, "__dlpack_device__"):
        try:
            return from_dlpack(obj), False
        except BufferError:
            pass  # e.g. a dtype DLPack cannot carry: the buffer protocol may still work
    try:
        view = memoryview(obj)  # type: ignore[arg-type]  # probing for the buffer protocol
    except TypeError:
        view = None
    except ValueError as error:  # NumPy's datetime64, ml_dtypes' bfloat16: no buffer format
        raise TypeError(
            f"asarray: cannot read a {type(obj).__name__} through DLPack or the buffer "
            f"protocol: {error}"
        ) from None
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
            "asarray: the input is strided without DLPack or immutable and needs a copy, "
            "but copy=False"
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
