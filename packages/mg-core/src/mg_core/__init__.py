"""mg_core: dtypes, strided Tensors and an array-API-style namespace over mg_kernels.

>>> import mg_core as mg
>>> x = mg.asarray([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float32)
>>> (x * 2 + 1).sum(axis=0)
tensor([10., 14.], dtype=float32)
"""

from __future__ import annotations

from ._version import __version__
from .buffer import Buffer
from .creation import arange, asarray, full, full_like, ones, ones_like, zeros, zeros_like
from .dtype import (
    DType,
    as_dtype,
    finfo,
    float32,
    float64,
    iinfo,
    int32,
    int64,
    promote_types,
    result_type,
)
from .elementwise import add, divide, multiply, negative, pow, subtract
from .manipulation import (
    broadcast_arrays,
    broadcast_to,
    expand_dims,
    matrix_transpose,
    permute_dims,
    reshape,
    squeeze,
)
from .reduction import mean, sum
from .shape import AxisError, broadcast_shapes
from .tensor import Tensor

__all__ = [
    "AxisError",
    "Buffer",
    "DType",
    "Tensor",
    "__version__",
    "add",
    "arange",
    "as_dtype",
    "asarray",
    "broadcast_arrays",
    "broadcast_shapes",
    "broadcast_to",
    "divide",
    "expand_dims",
    "finfo",
    "float32",
    "float64",
    "full",
    "full_like",
    "iinfo",
    "int32",
    "int64",
    "matrix_transpose",
    "mean",
    "multiply",
    "negative",
    "ones",
    "ones_like",
    "permute_dims",
    "pow",
    "promote_types",
    "reshape",
    "result_type",
    "squeeze",
    "subtract",
    "sum",
    "zeros",
    "zeros_like",
]
