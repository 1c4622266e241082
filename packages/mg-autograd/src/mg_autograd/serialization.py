"""`save` and `load`: flat dicts of tensors in the safetensors format, readable by PyTorch.

A safetensors file is a JSON header (name, dtype, shape, byte range per tensor) followed by the
raw little-endian bytes, with no pickled code, so loading cannot run anything. We hand the
`safetensors` package raw bytes, a dtype name and a shape (its format-level `serialize_file`
and `deserialize`), not NumPy arrays through ``safetensors.numpy``: NumPy has no bfloat16, and
this way bfloat16 round-trips bit for bit too (Note [bfloat16 bits]). NumPy only holds the
bytes. NumPy and safetensors are imported on first use, so ``import mg_autograd`` stays light.

Note [bfloat16 bits]: a bfloat16 is the top 16 bits of a float32, and widening it to float32 is
exact (NaN payloads included). So its file bytes, on save, are the float32's bits shifted right
by 16. Loading does not narrow back (mg's float32 -> bfloat16 cast makes every NaN the
canonical one): `mg_core.frombuffer` reads the 16-bit patterns as bfloat16 directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import mg_core as core

from mg_autograd.tensor import Tensor

if TYPE_CHECKING:
    import numpy  # type: ignore[import-not-found, unused-ignore]

__all__ = ["load", "save"]

#: A file-system path, as `open` takes it.
PathLike: TypeAlias = "str | os.PathLike[str]"

#: safetensors' header dtype codes -> mg dtype names (the same as NumPy's, but bfloat16).
FILE_DTYPES: Final = {
    "BOOL": "bool", "U8": "uint8", "I8": "int8", "U16": "uint16", "I16": "int16",
    "U32": "uint32", "I32": "int32", "U64": "uint64", "I64": "int64",
    "F16": "float16", "BF16": "bfloat16", "F32": "float32", "F64": "float64",
}  # fmt: skip


def save(
    state_dict: Mapping[str, Tensor | core.Tensor],
    path: PathLike,
    metadata: Mapping[str, str] | None = None,
) -> None:
    """Write the tensors of ``state_dict`` to ``path`` as a safetensors file.

    ``metadata`` is optional free text (str to str) stored in the header. Tensors are written
    contiguous and detached, in their own dtype (bfloat16 and float16 included); views are
    fine. Keys come back from `load` sorted, not in insertion order.

    Raises:
        TypeError: for a key that is not a str or a value that is not a tensor (an optimizer's
            nested state dict, say).

    >>> import mg_autograd as ag, mg_core as core, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
    >>> ag.save({**ag.nn.Linear(2, 1).state_dict(), "h": core.ones(2, dtype=core.bfloat16)}, path)
    >>> sorted(ag.load(path))
    ['bias', 'h', 'weight']
    """
    arrays: dict[str, tuple[str, numpy.ndarray]] = {}
    for key, value in state_dict.items():
        arrays[_checked_key(key)] = _raw(key, value)
    _write(arrays, os.fspath(path), dict(metadata) if metadata is not None else None)


def load(path: PathLike) -> dict[str, Tensor]:
    """Read a safetensors file into a dict of new leaf Tensors (copies, in the file's dtypes).

    Feed the result to `nn.Module.load_state_dict`, which casts to the model's dtypes.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: if the file is not a valid safetensors file, naming the path.
        TypeError: for a dtype mg does not have (float8, say), naming the tensor.

    >>> import mg_autograd as ag, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "t.safetensors")
    >>> ag.save({"x": ag.tensor([[1.0, 2.0]])}, path)
    >>> ag.load(path)
    {'x': tensor([[1., 2.]])}
    """
    from safetensors import SafetensorError, deserialize

    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"no such checkpoint file: {name!r}")
    with open(name, "rb") as file:
        content = file.read()
    try:
        entries = deserialize(content)  # type: ignore[no-untyped-call, unused-ignore]
    except SafetensorError as error:
        raise ValueError(f"{name!r} is not a valid safetensors file: {error}") from None
    tensors = {key: Tensor(_from_raw(name, key, info)) for key, info in entries}
    return dict(sorted(tensors.items()))


def _checked_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"checkpoint keys must be str, got {type(key).__name__} {key!r}")
    return key


def _raw(key: str, value: object) -> tuple[str, numpy.ndarray]:
    """The dtype name and a C-contiguous little-endian array holding the bytes to write."""
    import numpy

    data = value.data if isinstance(value, Tensor) else value
    if not isinstance(data, core.Tensor):
        raise TypeError(
            f"safetensors files hold tensors only, but '{key}' is a {type(value).__name__}; "
            "save an optimizer's state with its own format (e.g. pickle)"
        )
    if data.dtype is core.bfloat16:  # Note [bfloat16 bits]
        wide = numpy.asarray(data.astype(core.float32), order="C")
        bits = numpy.asarray(wide.view(numpy.uint32) >> 16)  # (a 0-d shift gives a scalar)
        return "bfloat16", bits.astype("<u2")
    array = numpy.asarray(data, order="C")  # (ascontiguousarray would make 0-d 1-d)
    return data.dtype.name, array.astype(array.dtype.newbyteorder("<"), copy=False)


def _write(
    arrays: dict[str, tuple[str, numpy.ndarray]], path: str, metadata: dict[str, str] | None
) -> None:
    import safetensors

    spec = getattr(safetensors, "TensorSpec", None)
    tensors: dict[str, Any] = {}
    for key, (dtype, array) in arrays.items():
        shape = list(array.shape)
        if spec is not None:  # safetensors >= 0.8: a pointer; `arrays` keeps the memory alive
            tensors[key] = spec(
                dtype=dtype, shape=shape, data_ptr=array.ctypes.data, data_len=array.nbytes
            )
        else:  # older safetensors take the bytes themselves
            tensors[key] = {"dtype": dtype, "shape": shape, "data": array.tobytes()}
    safetensors.serialize_file(tensors, path, metadata)


def _from_raw(path: str, key: str, info: Mapping[str, Any]) -> core.Tensor:
    import numpy

    name = FILE_DTYPES.get(info["dtype"])
    if name is None:
        raise TypeError(
            f"cannot load '{key}' from {path!r}: mg has no dtype for safetensors' {info['dtype']}"
        )
    shape = tuple(info["shape"])
    if name == "bfloat16":  # the bits as they are (a float32 detour would lose NaN payloads)
        bits = numpy.frombuffer(info["data"], dtype="<u2").astype(numpy.uint16)  # native order
        return core.frombuffer(bits.tobytes(), core.bfloat16).reshape(shape)
    stored = numpy.frombuffer(info["data"], dtype=numpy.dtype(name).newbyteorder("<"))
    return core.asarray(stored.reshape(shape).astype(name))  # astype: a native, writable copy
