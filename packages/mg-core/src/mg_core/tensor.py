"""Tensor: a strided view (shape, strides, offset) over a typed Buffer.

Strides and offset count ELEMENTS, as the kernels take them; NumPy's strides count bytes
(`__array_interface__` converts). Views (reshape when possible, broadcast_to/expand,
permute/transpose/.T, squeeze/unsqueeze, basic indexing) share the buffer and never copy.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Final, Literal, SupportsIndex, TypeAlias

from ._kernels import BinaryOp, Storage
from ._kernels import copy as copy_kernel
from .buffer import Buffer, Scalar
from .dtype import DType, DTypeLike, as_dtype
from .indexing import IndexKey, basic_index, is_advanced_key
from .shape import (
    Axes,
    Shape,
    ShapeLike,
    as_shape,
    broadcast_strides,
    check_view,
    contiguous_strides,
    drop_leading_ones,
    flatten_dims,
    is_contiguous,
    normalize_axis,
    size_of,
)
from .tensor_ops import TensorOps, bind_op_modules

if TYPE_CHECKING:
    import numpy

__all__ = ["NestedList", "Tensor", "make_tensor", "new_tensor", "same_view"]

NestedList: TypeAlias = "int | float | list[NestedList]"


class Tensor(TensorOps):
    """An n-dimensional strided array of one dtype on the CPU.

    Build tensors with `asarray`, `full`, `ones`, `zeros`, ... The constructor wraps a Buffer
    as a view and checks that the view stays inside it.

    >>> t = mg.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype="float32")
    >>> t.shape, t.strides, t.offset, t.dtype
    ((2, 3), (3, 1), 0, mg_core.float32)
    >>> t[:, ::-2]
    tensor([[3., 1.],
            [6., 4.]], dtype=float32)
    """

    __slots__ = ("__weakref__", "buffer", "dtype", "offset", "shape", "strides")

    buffer: Buffer
    dtype: DType
    shape: Shape
    strides: Shape
    offset: int

    def __init__(
        self,
        buffer: Buffer,
        shape: ShapeLike | None = None,
        strides: Sequence[SupportsIndex] | None = None,
        offset: SupportsIndex = 0,
    ) -> None:
        dims = (len(buffer),) if shape is None else as_shape(shape)
        steps = contiguous_strides(dims) if strides is None else tuple(map(operator.index, strides))
        start = operator.index(offset)
        check_view(len(buffer), dims, steps, start)
        self.buffer = buffer
        self.dtype = buffer.dtype
        self.shape = dims
        self.strides = steps
        self.offset = start

    # --- creation ------------------------------------------------------------------------

    @classmethod
    def full(cls, shape: ShapeLike, fill_value: Scalar, dtype: DTypeLike | None = None) -> Tensor:
        """Return a new tensor filled with `fill_value` (see `mg_core.full`).

        >>> mg.Tensor.full(2, 7)
        tensor([7, 7], dtype=int64)
        """
        return _creation.full(shape, fill_value, dtype)

    @classmethod
    def ones(cls, shape: ShapeLike, dtype: DTypeLike | None = None) -> Tensor:
        """Return a new tensor of ones, float64 by default.

        >>> mg.Tensor.ones((1, 2))
        tensor([[1., 1.]], dtype=float64)
        """
        return _creation.ones(shape, dtype)

    @classmethod
    def zeros(cls, shape: ShapeLike, dtype: DTypeLike | None = None) -> Tensor:
        """Return a new tensor of zeros, float64 by default.

        >>> mg.Tensor.zeros(2, "int32")
        tensor([0, 0], dtype=int32)
        """
        return _creation.zeros(shape, dtype)

    # --- attributes ----------------------------------------------------------------------

    @property
    def ndim(self) -> int:
        """Number of axes.

        >>> t = mg.zeros((2, 3))
        >>> t.ndim, t.size, t.device
        (2, 6, 'cpu')
        """
        return len(self.shape)

    @property
    def size(self) -> int:
        """Number of elements."""
        return size_of(self.shape)

    @property
    def device(self) -> Literal["cpu"]:
        """Where the data lives; always 'cpu' for now."""
        return "cpu"

    def to_device(self, device: str, /, *, stream: object = None) -> Tensor:
        """Return self for device 'cpu' (the only one); ValueError for any other.

        >>> t = mg.zeros(2)
        >>> t.to_device("cpu") is t
        True
        """
        if device != "cpu" or stream is not None:
            raise ValueError(f"unknown device {device!r} (or a stream); mg has only 'cpu'")
        return self

    def __array_namespace__(self, /, *, api_version: str | None = None) -> ModuleType:
        """Return the `mg_core` module, the array API namespace of Tensors.

        >>> mg.zeros(1).__array_namespace__() is mg
        True
        """
        if api_version not in (None, "2024.12", "2023.12", "2022.12", "2021.12"):
            raise ValueError(f"unsupported array API version {api_version!r}")
        import mg_core

        return mg_core

    @property
    def is_contiguous(self) -> bool:
        """True if the elements are in C order without gaps (offset may be non-zero).

        >>> t = mg.zeros((2, 3))
        >>> t.is_contiguous, t.T.is_contiguous, t[1:].is_contiguous
        (True, False, True)
        """
        return is_contiguous(self.shape, self.strides)

    @property
    def T(self) -> Tensor:
        """The view with all axes reversed.

        >>> mg.zeros((2, 3, 4)).T.shape
        (4, 3, 2)
        """
        return make_tensor(self.buffer, self.shape[::-1], self.strides[::-1], self.offset)

    @property
    def mT(self) -> Tensor:
        """The view with the last two axes swapped (a stack of transposed matrices).

        >>> mg.zeros((2, 3, 4)).mT.shape
        (2, 4, 3)
        """
        return self.transpose(-2, -1)

    # --- views (implemented in manipulation.py) ------------------------------------------

    def reshape(self, *shape: SupportsIndex | Sequence[SupportsIndex]) -> Tensor:
        """Return `mg_core.reshape(self, shape)`; both t.reshape(2, 3) and t.reshape((2, 3)) work.

        >>> mg.arange(6).reshape(3, -1).shape
        (3, 2)
        """
        key = shape[0] if len(shape) == 1 and type(shape[0]) is tuple else shape
        try:
            dims, strides = _manip.reshape_plan(self.shape, self.strides, key)
        except TypeError:  # unhashable (a list) or not ints: the general path explains
            return _manip.reshape(self, flatten_dims(shape))
        if strides is None:
            return _manip.reshape(self, dims)
        return make_tensor(self.buffer, dims, strides, self.offset)

    def broadcast_to(self, shape: ShapeLike) -> Tensor:
        """Return `mg_core.broadcast_to(self, shape)`, a view with stride 0 on repeated axes.

        >>> mg.asarray([1, 2]).broadcast_to((2, 2)).strides
        (0, 1)
        """
        return _manip.broadcast_to(self, shape)

    def expand(self, *sizes: SupportsIndex) -> Tensor:
        """Return `broadcast_to` with PyTorch's convention that a size of -1 keeps the size.

        >>> mg.asarray([[1], [2]]).expand(-1, 3).shape
        (2, 3)
        """
        dims = [operator.index(d) for d in sizes]
        lead = len(dims) - self.ndim
        for i in range(max(lead, 0), len(dims)):
            if dims[i] == -1:
                dims[i] = self.shape[i - lead]
        return _manip.broadcast_to(self, tuple(dims))

    def permute(self, *dims: SupportsIndex | Sequence[SupportsIndex]) -> Tensor:
        """Return `mg_core.permute_dims(self, dims)`; t.permute(1, 0) and t.permute((1, 0)) work.

        >>> mg.zeros((1, 2, 3)).permute(2, 0, 1).shape
        (3, 1, 2)
        """
        return _manip.permute_dims(self, flatten_dims(dims))

    def transpose(self, dim0: SupportsIndex, dim1: SupportsIndex) -> Tensor:
        """Return the view with axes `dim0` and `dim1` swapped (PyTorch's transpose).

        >>> mg.asarray([[1, 2, 3]]).transpose(0, 1).tolist()
        [[1], [2], [3]]
        """
        ndim = len(self.shape)
        a, b = normalize_axis(dim0, ndim), normalize_axis(dim1, ndim)
        shape, strides = list(self.shape), list(self.strides)
        shape[a], shape[b] = shape[b], shape[a]
        strides[a], strides[b] = strides[b], strides[a]
        return make_tensor(self.buffer, tuple(shape), tuple(strides), self.offset)

    def squeeze(self, axis: Axes = None) -> Tensor:
        """Return `mg_core.squeeze(self, axis)`: without size-1 axes (all of them by default).

        >>> mg.zeros((1, 2, 1)).squeeze().shape
        (2,)
        """
        return _manip.squeeze(self, axis)

    def unsqueeze(self, axis: SupportsIndex) -> Tensor:
        """Return `mg_core.expand_dims(self, axis)`: a new size-1 axis at position `axis`.

        >>> mg.zeros(3).unsqueeze(0).shape, mg.zeros(3).unsqueeze(-1).shape
        ((1, 3), (3, 1))
        """
        return _manip.expand_dims(self, axis)

    def __getitem__(self, key: IndexKey) -> Tensor:
        if type(key) is not int and is_advanced_key(key):  # index arrays, masks: a copy
            return _adv.advanced_getitem(self, key)
        shape, strides, offset = basic_index(key, self.shape, self.strides, self.offset)
        return make_tensor(self.buffer, shape, strides, offset)

    def __setitem__(self, key: IndexKey, value: _creation.TensorLike) -> None:
        """Write `value` (broadcast, converted to this dtype) into the view `self[key]`."""
        if self.buffer.storage.readonly:
            raise ValueError("assignment destination is read-only")
        if type(key) is not int and is_advanced_key(key):
            if isinstance(value, (int, float)):
                values = _creation.full((), value, self.dtype)
            else:
                values = _creation.asarray(value).astype(self.dtype, copy=False)
            _adv.advanced_setitem(self, key, values)
            return
        target = self[key]
        if isinstance(value, (int, float)):
            src = _creation.full((), value, self.dtype)
        else:
            src = _creation.asarray(value)
            if src.buffer.storage is self.buffer.storage:
                if same_view(src, target):
                    return  # `t[k] += 1` stores its own result back: nothing to do
                src = src.copy()  # the source may overlap the target
        if src.ndim > target.ndim:
            src = src.reshape(drop_leading_ones(src.shape, target.ndim))
        src_strides = broadcast_strides(src.shape, src.strides, target.shape)
        if target.size:
            copy_kernel(target.buffer.storage, target.offset, target.strides,
                 src.buffer.storage, src.offset, src_strides, target.shape)  # fmt: skip

    # --- copies --------------------------------------------------------------------------

    def contiguous(self) -> Tensor:
        """Return self if already C-contiguous, else a C-contiguous copy.

        >>> t = mg.arange(6).reshape(2, 3)
        >>> t.contiguous() is t, t.T.contiguous().strides
        (True, (2, 1))
        """
        return self if self.is_contiguous else self._copy(self.dtype)

    def copy(self) -> Tensor:
        """Return a C-contiguous copy that shares nothing with this tensor.

        >>> t = mg.zeros(2)
        >>> t.copy().buffer is t.buffer
        False
        """
        return self._copy(self.dtype)

    def astype(self, dtype: DTypeLike, *, copy: bool = True) -> Tensor:
        """Return the elements converted to `dtype` (a copy unless copy=False and same dtype).

        Floats to ints truncate toward zero; NaN becomes 0; out-of-range values saturate.

        >>> mg.asarray([1.9, -1.9]).astype("int32")
        tensor([ 1, -1], dtype=int32)
        """
        dt = as_dtype(dtype)
        if dt is self.dtype and not copy:
            return self
        return self._copy(dt)

    def _copy(self, dtype: DType) -> Tensor:
        n = self.size
        out = Storage.empty(dtype.name, n)  # the copy writes every element
        strides = contiguous_strides(self.shape)
        if n:
            copy_kernel(out, 0, strides, self.buffer.storage, self.offset, self.strides, self.shape)
        return make_tensor(Buffer.wrap(out, dtype), self.shape, strides, 0)

    # --- conversion ----------------------------------------------------------------------

    def tolist(self) -> NestedList:
        """Return the elements as nested lists of Python ints or floats (a scalar if 0-d).

        >>> mg.asarray([[1, 2], [3, 4]]).T.tolist()
        [[1, 3], [2, 4]]
        """
        dense = self
        if not (self.offset == 0 and self.is_contiguous and self.size == len(self.buffer)):
            dense = self._copy(self.dtype)
        return _nest(dense.buffer.tolist(), self.shape)

    def item(self) -> Scalar:
        """Return the only element as a Python int or float; ValueError if size != 1.

        >>> mg.asarray([[2.5]]).item()
        2.5
        """
        if self.size != 1:
            raise ValueError(
                f"can only convert a tensor of size 1 to a Python scalar, not size {self.size}"
            )
        return self.buffer.get_item(self.offset)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError(f"the truth value of a tensor with {self.size} elements is ambiguous")
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def __index__(self) -> int:
        if self.ndim or self.dtype.kind not in "iu":
            raise TypeError("only 0-d integer tensors can be used as an index")
        return int(self.item())

    def __repr__(self) -> str:
        return _format.format_tensor(self)

    @property
    def __array_interface__(self) -> dict[str, object]:
        """NumPy's array interface: `numpy.asarray(t)` views this tensor's memory, no copy.

        The returned array keeps this tensor (hence its buffer) alive. Strides are in bytes.
        """
        itemsize = self.dtype.itemsize
        return {
            "version": 3,
            "typestr": self.dtype.typestr,
            "data": (self.buffer.storage.data_ptr + self.offset * itemsize, self.readonly),
            "shape": self.shape,
            "strides": tuple(s * itemsize for s in self.strides),
        }

    # --- interop (see interop.py) ---------------------------------------------------------

    @property
    def readonly(self) -> bool:
        """True when the memory is a read-only view (e.g. of a read-only NumPy array).

        >>> mg.zeros(2).readonly
        False
        """
        return bool(self.buffer.storage.readonly)

    def __dlpack__(
        self,
        *,
        stream: object = None,
        max_version: tuple[int, int] | None = None,
        dl_device: tuple[int, int] | None = None,
        copy: bool | None = None,
    ) -> object:
        """Export as a DLPack capsule, zero-copy (see `mg_core.interop.dlpack_capsule`)."""
        return _interop.dlpack_capsule(
            self, stream=stream, max_version=max_version, dl_device=dl_device, copy=copy
        )

    def __dlpack_device__(self) -> tuple[int, int]:
        """Return (kDLCPU, 0): mg tensors live in CPU memory."""
        return _interop.CPU_DEVICE

    def numpy(self) -> numpy.ndarray:
        """Return a NumPy array viewing this tensor (no copy; it keeps the tensor alive).

        >>> t = mg.zeros(2)
        >>> t.numpy()[0] = 5.0
        >>> t.tolist()
        [5.0, 0.0]
        """
        return _interop.to_numpy(self)

    # --- arithmetic (see elementwise.py and reduction.py) ---------------------------------

    def __add__(self, other: Tensor | Scalar) -> Tensor:
        if type(other) is Tensor:  # the hot paths: skip binary_op's dispatch
            return _ew.tensors_op(_ADD, self, other)
        if type(other) is float or type(other) is int:
            return _ew.scalar_op(_ADD, self, other)
        return _ew.binary_op(_ADD, self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __radd__(self, other: Tensor | Scalar) -> Tensor:
        return _ew.binary_op(_ADD, other, self) if isinstance(other, _OPERANDS) else NotImplemented

    def __sub__(self, other: Tensor | Scalar) -> Tensor:
        if type(other) is Tensor:  # the hot paths: skip binary_op's dispatch
            return _ew.tensors_op(_SUB, self, other)
        if type(other) is float or type(other) is int:
            return _ew.scalar_op(_SUB, self, other)
        return _ew.binary_op(_SUB, self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __rsub__(self, other: Tensor | Scalar) -> Tensor:
        return _ew.binary_op(_SUB, other, self) if isinstance(other, _OPERANDS) else NotImplemented

    def __mul__(self, other: Tensor | Scalar) -> Tensor:
        if type(other) is Tensor:  # the hot paths: skip binary_op's dispatch
            return _ew.tensors_op(_MUL, self, other)
        if type(other) is float or type(other) is int:
            return _ew.scalar_op(_MUL, self, other)
        return _ew.binary_op(_MUL, self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __rmul__(self, other: Tensor | Scalar) -> Tensor:
        return _ew.binary_op(_MUL, other, self) if isinstance(other, _OPERANDS) else NotImplemented

    def __truediv__(self, other: Tensor | Scalar) -> Tensor:
        return _ew.divide(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __rtruediv__(self, other: Tensor | Scalar) -> Tensor:
        return _ew.divide(other, self) if isinstance(other, _OPERANDS) else NotImplemented

    def __pow__(self, other: Tensor | Scalar) -> Tensor:
        return _ew.pow(self, other) if isinstance(other, _OPERANDS) else NotImplemented

    def __rpow__(self, other: Tensor | Scalar) -> Tensor:
        return _ew.pow(other, self) if isinstance(other, _OPERANDS) else NotImplemented

    def __iadd__(self, other: Tensor | Scalar) -> Tensor:
        """Add into this tensor's memory (see `mg_core.inplace.inplace_op`)."""
        return self._inplace(_ADD, other)

    def __isub__(self, other: Tensor | Scalar) -> Tensor:
        return self._inplace(_SUB, other)

    def __imul__(self, other: Tensor | Scalar) -> Tensor:
        return self._inplace(_MUL, other)

    def __itruediv__(self, other: Tensor | Scalar) -> Tensor:
        return self._inplace(_DIV, other)

    def _inplace(self, op: BinaryOp, other: Tensor | Scalar) -> Tensor:
        if isinstance(other, _OPERANDS):
            return _inplace.inplace_op(op, self, other)
        return NotImplemented  # type: ignore[no-any-return]

    def __neg__(self) -> Tensor:
        return _ew.negative(self)

    def __matmul__(self, other: object) -> Tensor:
        """Return the matrix product (see `mg_core.matmul`).

        >>> mg.asarray([[1, 2]]) @ mg.asarray([[3], [4]])
        tensor([[11]], dtype=int64)
        """
        return _linalg.matmul(self, other) if isinstance(other, Tensor) else NotImplemented

    def __rmatmul__(self, other: object) -> Tensor:
        return _linalg.matmul(other, self) if isinstance(other, Tensor) else NotImplemented

    def __imatmul__(self, other: object) -> Tensor:
        """Write ``self @ other`` into this tensor's memory (`mg_core.inplace.inplace_matmul`)."""
        if not isinstance(other, Tensor):
            return NotImplemented
        return _inplace.inplace_matmul(self, other)

    def __pos__(self) -> Tensor:
        return self


_OPERANDS: Final[tuple[type, ...]] = (Tensor, int, float)
_ADD: Final = BinaryOp.ADD
_SUB: Final = BinaryOp.SUB
_MUL: Final = BinaryOp.MUL
_DIV: Final = BinaryOp.DIV

_new_object: Final = object.__new__  # skips __init__'s checks on the internal fast paths


def make_tensor(buffer: Buffer, shape: Shape, strides: Shape, offset: int) -> Tensor:
    """Build a Tensor without checks: the fast path for views and results computed here.

    >>> t = mg.arange(4)
    >>> make_tensor(t.buffer, (2,), (2,), 1).tolist()  # elements 1 and 3
    [1, 3]
    """
    t: Tensor = _new_object(Tensor)
    t.buffer = buffer
    t.dtype = buffer.dtype
    t.shape = shape
    t.strides = strides
    t.offset = offset
    return t


def new_tensor(storage: Storage, dtype: DType, shape: Shape, strides: Shape) -> Tensor:
    """Wrap a freshly computed storage as a Tensor at offset 0 (the hot path of every op).

    >>> new_tensor(Storage("int32", 2), mg.int32, (2,), (1,))
    tensor([0, 0], dtype=int32)
    """
    buffer: Buffer = _new_object(Buffer)
    buffer.storage = storage
    buffer.dtype = dtype
    t: Tensor = _new_object(Tensor)
    t.buffer = buffer
    t.dtype = dtype
    t.shape = shape
    t.strides = strides
    t.offset = 0
    return t


def same_view(a: Tensor, b: Tensor) -> bool:
    """Return True if `a` and `b` read the same elements in the same order of one buffer.

    >>> t = mg.arange(3)
    >>> same_view(t[1:], t[1:]), same_view(t, t[::-1])
    (True, False)
    """
    return (
        a.buffer.storage is b.buffer.storage
        and a.offset == b.offset
        and a.shape == b.shape
        and a.strides == b.strides
    )


def _nest(flat: list[int] | list[float], shape: Shape) -> NestedList:
    if not shape:
        return flat[0]
    if 0 in shape:
        return _empty_nest(shape)
    out: list[NestedList] = list(flat)
    for d in reversed(shape[1:]):
        out = [out[i : i + d] for i in range(0, len(out), d)]
    return out


def _empty_nest(shape: Shape) -> NestedList:
    if len(shape) == 1:
        return []
    return [_empty_nest(shape[1:]) for _ in range(shape[0])]


# Imported last: these modules need Tensor, and Tensor's methods delegate to them.
from . import _format  # noqa: E402
from . import advanced_indexing as _adv  # noqa: E402
from . import creation as _creation  # noqa: E402
from . import elementwise as _ew  # noqa: E402
from . import inplace as _inplace  # noqa: E402
from . import interop as _interop  # noqa: E402
from . import linalg as _linalg  # noqa: E402
from . import manipulation as _manip  # noqa: E402

bind_op_modules()
