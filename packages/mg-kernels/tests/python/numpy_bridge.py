"""Moving elements between NumPy arrays and kernel storages, for every dtype (bfloat16 too).

Imported by the tests as `mg_kernels_numpy_bridge`: conftest.py registers it under that unique
name, because --import-mode=importlib keeps this folder off sys.path.
"""

from __future__ import annotations

import mg_kernels as mk
import ml_dtypes
import numpy as np


def np_dtype(name: str) -> np.dtype[np.generic]:
    """The NumPy dtype of an mg dtype name (bfloat16 from ml_dtypes)."""
    dtype: np.dtype[np.generic] = np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else name)
    return dtype


def to_storage(array: np.ndarray) -> mk.Storage:
    """A storage holding a copy of a contiguous array's elements (any dtype, bfloat16 too)."""
    name = "bfloat16" if array.dtype == np.dtype(ml_dtypes.bfloat16) else array.dtype.name
    return mk.Storage.from_bytes(name, np.ascontiguousarray(array).tobytes())


def to_array(storage: mk.Storage) -> np.ndarray:
    """A NumPy copy of a storage's elements (bfloat16 has no buffer format, so via bytes)."""
    return np.frombuffer(storage.tobytes(), dtype=np_dtype(storage.dtype))
