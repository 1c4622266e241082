"""The 2024.12 names added for real dtypes: diff, take_along_axis, conj/real/imag, astype,
isdtype, the constants; and a check that the namespace holds every name the standard lists
(for real dtypes: complex64/complex128 are the documented gap)."""

from __future__ import annotations

import math
from typing import Any

import mg_core as mg
import numpy as np
import pytest

# The main namespace of the array API standard 2024.12 (functions, constants, dtypes and
# inspection), written out from the standard; complex64 and complex128 are left out because
# mg has no complex dtypes (docs/core.md, "Array API standard").
STANDARD_2024_12 = [
    "__array_api_version__",
    "__array_namespace_info__",
    "abs",
    "acos",
    "acosh",
    "add",
    "all",
    "any",
    "arange",
    "argmax",
    "argmin",
    "argsort",
    "asarray",
    "asin",
    "asinh",
    "astype",
    "atan",
    "atan2",
    "atanh",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "bool",
    "broadcast_arrays",
    "broadcast_to",
    "can_cast",
    "ceil",
    "clip",
    "concat",
    "conj",
    "copysign",
    "cos",
    "cosh",
    "count_nonzero",
    "cumulative_prod",
    "cumulative_sum",
    "diff",
    "divide",
    "e",
    "empty",
    "empty_like",
    "equal",
    "exp",
    "expand_dims",
    "expm1",
    "eye",
    "finfo",
    "flip",
    "float32",
    "float64",
    "floor",
    "floor_divide",
    "from_dlpack",
    "full",
    "full_like",
    "greater",
    "greater_equal",
    "hypot",
    "iinfo",
    "imag",
    "inf",
    "int16",
    "int32",
    "int64",
    "int8",
    "isdtype",
    "isfinite",
    "isinf",
    "isnan",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "matmul",
    "matrix_transpose",
    "max",
    "maximum",
    "mean",
    "meshgrid",
    "min",
    "minimum",
    "moveaxis",
    "multiply",
    "nan",
    "negative",
    "newaxis",
    "nextafter",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "permute_dims",
    "pi",
    "positive",
    "pow",
    "prod",
    "real",
    "reciprocal",
    "remainder",
    "repeat",
    "reshape",
    "result_type",
    "roll",
    "round",
    "searchsorted",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "sort",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "tril",
    "triu",
    "trunc",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "unstack",
    "var",
    "vecdot",
    "where",
    "zeros",
    "zeros_like",
]


def test_namespace_has_every_name_of_the_standard() -> None:
    missing = [name for name in STANDARD_2024_12 if not hasattr(mg, name)]
    assert missing == []
    unexported = [name for name in STANDARD_2024_12 if name not in mg.__all__]
    assert unexported == []


def test_constants() -> None:
    assert (mg.e, mg.pi, mg.inf) == (math.e, math.pi, math.inf)
    assert math.isnan(mg.nan)
    assert mg.newaxis is None
    assert mg.zeros(3)[:, mg.newaxis].shape == (3, 1)


@pytest.mark.parametrize(
    ("values", "kwargs"),
    [
        ([1, 4, 9, 16, 25], {}),
        ([1, 4, 9, 16, 25], {"n": 3}),
        ([1.5, -2.0, 7.0], {"n": 0}),
        ([[1.0, 2.0, 4.0], [7.0, 11.0, 16.0]], {"axis": 0}),
        ([[1.0, 2.0, 4.0], [7.0, 11.0, 16.0]], {"axis": -1, "n": 2}),
        ([True, False, False, True], {}),
        ([True, False, False, True], {"n": 2}),
        (np.arange(24, dtype=np.int32).reshape(2, 3, 4) ** 2, {"axis": 1}),
        ([3, 1], {"n": 5}),
    ],
)
def test_diff_matches_numpy(values: Any, kwargs: dict[str, Any]) -> None:
    x = np.asarray(values)
    expected = np.diff(x, **kwargs)
    got = np.asarray(mg.diff(mg.asarray(x), **kwargs))
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_diff_prepend_append() -> None:
    x = np.array([[1.0, 3.0], [6.0, 10.0]])
    pre = np.array([[0.0, 0.0]])
    expected = np.diff(x, axis=0, prepend=pre, append=5.0)
    got = mg.diff(mg.asarray(x), axis=0, prepend=mg.asarray(pre), append=mg.asarray(5.0))
    np.testing.assert_array_equal(np.asarray(got), expected)


def test_diff_errors() -> None:
    with pytest.raises(ValueError, match="non-negative, got -1"):
        mg.diff(mg.zeros(3), n=-1)
    with pytest.raises(ValueError, match="0-d"):
        mg.diff(mg.asarray(1.0))
    with pytest.raises(mg.AxisError):
        mg.diff(mg.zeros(3), axis=1)
    with pytest.raises(ValueError, match=r"append has shape \(2,\) but x has 2 dimensions"):
        mg.diff(mg.zeros((2, 2)), append=mg.zeros(2))


@pytest.mark.parametrize(
    ("shape", "indices", "axis"),
    [
        ((2, 3), [[2, 0], [1, 1]], 1),
        ((2, 3), [[1, 0, 1]], 0),
        ((3, 4), [[-1], [0], [2]], -1),
        ((2, 3, 4), np.zeros((2, 1, 4), dtype=np.int64), 1),
        ((2, 3, 4), np.ones((1, 3, 2), dtype=np.int32), 2),
        ((5,), [4, 4, 0, -5], 0),
    ],
)
def test_take_along_axis_matches_numpy(shape: Any, indices: Any, axis: int) -> None:
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) * 1.5
    idx = np.asarray(indices)
    got = mg.take_along_axis(mg.asarray(x), mg.asarray(idx), axis=axis)
    np.testing.assert_array_equal(np.asarray(got), np.take_along_axis(x, idx, axis=axis))


def test_take_along_axis_sorts_with_argsort() -> None:
    x = mg.asarray([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]])
    assert (
        mg.take_along_axis(x, mg.argsort(x, axis=1), axis=1).tolist() == mg.sort(x, axis=1).tolist()
    )


def test_take_along_axis_errors() -> None:
    x = mg.zeros((2, 3))
    with pytest.raises(ValueError, match=r"indices has 1 dimensions \(shape \(2,\)\)"):
        mg.take_along_axis(x, mg.asarray([0, 1]))
    with pytest.raises(TypeError, match="indices must be integers, got dtype float64"):
        mg.take_along_axis(x, mg.asarray([[0.5]]))
    with pytest.raises(IndexError):
        mg.take_along_axis(x, mg.asarray([[3]]), axis=1)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint8", "bool"])
def test_conj_real_imag_for_real_dtypes(dtype: str) -> None:
    x = np.array([[0, 1], [1, 0]], dtype=dtype) if dtype == "bool" else np.array([[1.5, -2]])
    x = x.astype(dtype)
    t = mg.asarray(x)
    for fn, ref in ((mg.conj, np.conj), (mg.real, np.real), (mg.imag, np.imag)):
        got = np.asarray(fn(t))
        expected = ref(x)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    out = mg.real(t)
    out[...] = 0
    assert np.asarray(t).tolist() == x.tolist()  # a copy: writes do not reach the input


def test_astype_function() -> None:
    t = mg.asarray([1.7, -1.7, 300.0])
    np.testing.assert_array_equal(
        np.asarray(mg.astype(t, mg.int32)), np.array([1.7, -1.7, 300.0]).astype(np.int32)
    )
    assert mg.astype(t, mg.float64, copy=False) is t
    assert mg.astype(t, mg.float64) is not t
    assert mg.astype(t, "float32", device="cpu").dtype is mg.float32
    with pytest.raises(ValueError, match="only 'cpu'"):
        mg.astype(t, mg.float32, device="gpu")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expects a Tensor"):
        mg.astype([1.0], mg.float32)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dtype", "kind", "expected"),
    [
        (mg.float32, "real floating", True),
        (mg.bfloat16, "real floating", True),
        (mg.float64, "integral", False),
        (mg.int8, "signed integer", True),
        (mg.uint64, "signed integer", False),
        (mg.uint64, "integral", True),
        (mg.bool, "bool", True),
        (mg.bool, "numeric", False),
        (mg.int16, "numeric", True),
        (mg.float64, "complex floating", False),
        (mg.int64, mg.int64, True),
        (mg.int64, mg.int32, False),
        (mg.uint8, ("bool", mg.uint8), True),
        (mg.float32, ("integral", "bool"), False),
    ],
)
def test_isdtype(dtype: mg.DType, kind: Any, expected: bool) -> None:
    assert mg.isdtype(dtype, kind) is expected


def test_isdtype_errors() -> None:
    with pytest.raises(ValueError, match="unknown dtype kind 'floats'"):
        mg.isdtype(mg.float32, "floats")
    with pytest.raises(TypeError, match="expects a DType"):
        mg.isdtype("float32", "numeric")  # type: ignore[arg-type]
