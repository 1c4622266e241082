"""mg_core: dtypes, strided Tensors and an array-API-style namespace over mg_kernels.

>>> import mg_core as mg
>>> x = mg.asarray([[1.0, 2.0], [3.0, 4.0]], dtype=mg.float32)
>>> (x * 2 + 1).sum(axis=0)
tensor([10., 14.], dtype=float32)
"""

from __future__ import annotations

from . import random
from ._version import __version__
from .array_api import __array_api_version__, __array_namespace_info__
from .buffer import Buffer, kernel_dtypes
from .creation import (
    arange,
    asarray,
    empty,
    empty_like,
    full,
    full_like,
    ones,
    ones_like,
    zeros,
    zeros_like,
)
from .dtype import (
    DType,
    as_dtype,
    bfloat16,
    can_cast,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    result_type,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .dtype import bool_ as bool  # the array API's name; shadows the builtin only here
from .elementwise import add, divide, multiply, negative, pow, subtract
from .grids import eye, linspace, meshgrid
from .interop import from_dlpack
from .joining import concat, pad, repeat, roll, split, stack, tile, tril, triu
from .limits import finfo, iinfo
from .manipulation import (
    broadcast_arrays,
    broadcast_to,
    expand_dims,
    flip,
    matrix_transpose,
    moveaxis,
    permute_dims,
    reshape,
    squeeze,
    unstack,
)
from .reduction import mean, sum
from .shape import AxisError, broadcast_shapes
from .tensor import Tensor

__all__ = [
    "AxisError",
    "Buffer",
    "DType",
    "Tensor",
    "__array_api_version__",
    "__array_namespace_info__",
    "__version__",
    "add",
    "arange",
    "as_dtype",
    "asarray",
    "bfloat16",
    "bool",
    "broadcast_arrays",
    "broadcast_shapes",
    "broadcast_to",
    "can_cast",
    "concat",
    "divide",
    "empty",
    "empty_like",
    "expand_dims",
    "eye",
    "finfo",
    "flip",
    "float16",
    "float32",
    "float64",
    "from_dlpack",
    "full",
    "full_like",
    "iinfo",
    "int8",
    "int16",
    "int32",
    "int64",
    "kernel_dtypes",
    "linspace",
    "matrix_transpose",
    "mean",
    "meshgrid",
    "moveaxis",
    "multiply",
    "negative",
    "ones",
    "ones_like",
    "pad",
    "permute_dims",
    "pow",
    "promote_types",
    "random",
    "repeat",
    "reshape",
    "result_type",
    "roll",
    "split",
    "squeeze",
    "stack",
    "subtract",
    "sum",
    "tile",
    "tril",
    "triu",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "unstack",
    "zeros",
    "zeros_like",
]
