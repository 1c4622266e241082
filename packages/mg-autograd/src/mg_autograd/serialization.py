"""`save` and `load`: flat dicts of tensors in the safetensors format, readable by PyTorch.

A safetensors file is a JSON header (name, dtype, shape, byte range per tensor) followed by the
raw little-endian bytes, with no pickled code, so loading cannot run anything. We go through
the `safetensors` package's NumPy API, whose file layout every safetensors reader
(``safetensors.torch.load_file`` included) accepts; NumPy and safetensors are imported on first
use, so ``import mg_autograd`` stays light.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

import mg_core as core

from mg_autograd.tensor import Tensor

if TYPE_CHECKING:
    import numpy  # type: ignore[import-not-found, unused-ignore]

__all__ = ["load", "save"]

#: A file-system path, as `open` takes it.
PathLike: TypeAlias = "str | os.PathLike[str]"


def save(
    state_dict: Mapping[str, Tensor | core.Tensor],
    path: PathLike,
    metadata: Mapping[str, str] | None = None,
) -> None:
    """Write the tensors of ``state_dict`` to ``path`` as a safetensors file.

    ``metadata`` is optional free text (str to str) stored in the header. Tensors are written
    contiguous and detached; views are fine. Keys come back from `load` sorted as the format
    stores them, not in insertion order.

    Raises:
        TypeError: for a key that is not a str, a value that is not a tensor (an optimizer's
            nested state dict, say), or a bfloat16 tensor (NumPy, our route to the file, has
            no bfloat16; convert with ``.astype(float32)`` first).
        ValueError: if two entries share memory in a way the format cannot store.

    >>> import mg_autograd as ag, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
    >>> ag.save(ag.nn.Linear(2, 1).state_dict(), path)
    >>> sorted(ag.load(path))
    ['bias', 'weight']
    """
    from safetensors.numpy import save_file

    arrays: dict[str, numpy.ndarray] = {}
    for key, value in state_dict.items():
        arrays[_checked_key(key)] = _to_numpy(key, value)
    save_file(arrays, os.fspath(path), dict(metadata) if metadata is not None else None)


def load(path: PathLike) -> dict[str, Tensor]:
    """Read a safetensors file into a dict of new leaf Tensors (copies, in the file's dtypes).

    Feed the result to `nn.Module.load_state_dict`, which casts to the model's dtypes.

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: if the file is not a valid safetensors file, naming the path.
        TypeError: for a dtype mg cannot hold through NumPy (bfloat16, float8).

    >>> import mg_autograd as ag, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "t.safetensors")
    >>> ag.save({"x": ag.tensor([[1.0, 2.0]])}, path)
    >>> ag.load(path)
    {'x': tensor([[1., 2.]])}
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"no such checkpoint file: {name!r}")
    try:
        arrays = load_file(name)
    except SafetensorError as error:
        raise ValueError(f"{name!r} is not a valid safetensors file: {error}") from None
    except (TypeError, ValueError) as error:  # safetensors' NumPy API refuses e.g. BF16
        raise TypeError(f"cannot load {name!r} through NumPy: {error}") from None
    try:
        return {key: Tensor(core.asarray(array)) for key, array in arrays.items()}
    except TypeError as error:  # with ml_dtypes installed NumPy reads BF16, mg_core cannot
        raise TypeError(f"cannot load {name!r} through NumPy: {error}") from None


def _checked_key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"checkpoint keys must be str, got {type(key).__name__} {key!r}")
    return key


def _to_numpy(key: str, value: object) -> numpy.ndarray:
    import numpy

    data = value.data if isinstance(value, Tensor) else value
    if not isinstance(data, core.Tensor):
        raise TypeError(
            f"safetensors files hold tensors only, but '{key}' is a {type(value).__name__}; "
            "save an optimizer's state with its own format (e.g. pickle)"
        )
    if data.dtype is core.bfloat16:
        raise TypeError(
            f"'{key}' is bfloat16, which cannot be saved yet (NumPy has no bfloat16); "
            "convert it with .astype(mg_core.float32) first"
        )
    return numpy.asarray(data, order="C")  # (ascontiguousarray would make 0-d 1-d)
