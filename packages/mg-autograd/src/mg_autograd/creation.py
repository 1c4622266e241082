"""`tensor`: build a leaf Tensor from Python data, a tensor, or any buffer (always a copy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TypeAlias, cast

import mg_core as core

from mg_autograd.tensor import Tensor

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = ["ArrayInterface", "TensorData", "tensor"]


class ArrayInterface(Protocol):
    """Anything exposing NumPy's ``__array_interface__``, such as a NumPy array."""

    @property
    def __array_interface__(self) -> dict[str, object]: ...


_Nested: TypeAlias = "float | core.Tensor | Sequence[_Nested]"
#: What `tensor` builds from: (nested sequences of) Python numbers, a tensor, or any buffer
#: such as a NumPy array.
TensorData: TypeAlias = "Tensor | _Nested | Buffer | ArrayInterface"


def tensor(
    data: TensorData, dtype: core.DType | None = None, requires_grad: bool = False
) -> Tensor:
    """Build a leaf Tensor from Python numbers, nested sequences, or a tensor/array (copied).

    Python floats default to float32 and ints to int64, as in PyTorch; tensors and arrays keep
    their dtype unless ``dtype`` is given.

    Raises:
        TypeError: if ``requires_grad`` is set for a non-floating dtype.

    >>> tensor([1.0, 2.0], requires_grad=True)
    tensor([1., 2.], requires_grad=True)
    >>> tensor([1, 2]).dtype
    mg_core.int64
    >>> tensor(1, requires_grad=True)
    Traceback (most recent call last):
    TypeError: only floating-point tensors can require gradients, got dtype int64; ...
    """
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, core.Tensor):
        values = data.copy() if dtype is None else data.astype(dtype)
    else:
        # NumPy arrays are buffers at run time; their stubs say so only for Python >= 3.12.
        # copy=True: like torch.tensor, never a view of the source (asarray views arrays).
        values = core.asarray(cast("Buffer", data), dtype=dtype, copy=True)
        if dtype is None and values.dtype is core.float64 and isinstance(data, _PYTHON_DATA):
            values = values.astype(core.float32)
    return Tensor(values, requires_grad=requires_grad)


_PYTHON_DATA = (int, float, list, tuple)
