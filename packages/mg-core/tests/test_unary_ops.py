"""Unary elementwise functions against NumPy: values, result dtypes, layouts, bad input."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core_op_checks import NUMPY_DTYPES, assert_matches, is_error, numpy_or_error, values
from mg_core_strategies import laid_out


class UnaryCase(NamedTuple):
    """One row: the mg function, NumPy's answer, and the allowed error in ulp (0: exact)."""

    name: str
    fn: Callable[[mg.Tensor], mg.Tensor]
    reference: Callable[[np.ndarray], Any]
    ulps: float = 0


def _float_of(dtype: np.dtype[Any]) -> type:
    """The float NumPy computes a float function of `dtype` in."""
    if dtype.kind == "f":
        return dtype.type
    return {1: np.float16, 2: np.float32}.get(dtype.itemsize, np.float64)


def _in_float64(fn: Callable[[float], float]) -> Callable[[np.ndarray], np.ndarray]:
    """A reference computed per element in float64, rounded once to the result float."""

    def reference(x: np.ndarray) -> np.ndarray:
        wide = x.astype(np.float64)
        out = np.array([fn(float(v)) for v in wide.ravel()], np.float64).reshape(x.shape)
        return out.astype(_float_of(x.dtype))

    return reference


def _sigmoid(v: float) -> float:
    if math.isnan(v):
        return v
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


def _relu(x: np.ndarray) -> np.ndarray:
    if x.dtype == np.bool_:
        raise TypeError("relu of bool")
    return np.where(np.isnan(x) if x.dtype.kind == "f" else False, x, np.where(x > 0, x, 0)).astype(
        x.dtype
    )


def _reciprocal(x: np.ndarray) -> np.ndarray:
    return np.divide(1, x.astype(_float_of(x.dtype)))


def _positive(x: np.ndarray) -> np.ndarray:
    return np.positive(x)


MATH_ULPS = 2  # the kernels' float32 vector math is within 1.5 ulp; libm within 1

CASES = [
    UnaryCase("abs", mg.abs, np.abs),
    UnaryCase("sign", mg.sign, np.sign),
    UnaryCase("sqrt", mg.sqrt, np.sqrt),
    UnaryCase("square", mg.square, np.square),
    UnaryCase("exp", mg.exp, np.exp, MATH_ULPS),
    UnaryCase("exp2", mg.exp2, np.exp2, MATH_ULPS),
    UnaryCase("expm1", mg.expm1, np.expm1, MATH_ULPS),
    UnaryCase("log", mg.log, np.log, MATH_ULPS),
    UnaryCase("log2", mg.log2, np.log2, MATH_ULPS),
    UnaryCase("log10", mg.log10, np.log10, MATH_ULPS),
    UnaryCase("log1p", mg.log1p, np.log1p, MATH_ULPS),
    UnaryCase("sin", mg.sin, np.sin, MATH_ULPS),
    UnaryCase("cos", mg.cos, np.cos, MATH_ULPS),
    UnaryCase("tan", mg.tan, np.tan, MATH_ULPS),
    UnaryCase("tanh", mg.tanh, np.tanh, MATH_ULPS),
    UnaryCase("sinh", mg.sinh, np.sinh, MATH_ULPS),
    UnaryCase("cosh", mg.cosh, np.cosh, MATH_ULPS),
    UnaryCase("asin", mg.asin, np.arcsin, MATH_ULPS),
    UnaryCase("acos", mg.acos, np.arccos, MATH_ULPS),
    UnaryCase("atan", mg.atan, np.arctan, MATH_ULPS),
    UnaryCase("floor", mg.floor, np.floor),
    UnaryCase("ceil", mg.ceil, np.ceil),
    UnaryCase("trunc", mg.trunc, np.trunc),
    UnaryCase("round", mg.round, np.round),
    UnaryCase("isnan", mg.isnan, np.isnan),
    UnaryCase("isinf", mg.isinf, np.isinf),
    UnaryCase("isfinite", mg.isfinite, np.isfinite),
    UnaryCase("logical_not", mg.logical_not, np.logical_not),
    UnaryCase("bitwise_invert", mg.bitwise_invert, np.invert),
    UnaryCase("positive", mg.positive, _positive),
    UnaryCase("negative", mg.negative, np.negative),
    UnaryCase("erf", mg.erf, _in_float64(math.erf), MATH_ULPS),
    UnaryCase("sigmoid", mg.sigmoid, _in_float64(_sigmoid), MATH_ULPS),
    UnaryCase("reciprocal", mg.reciprocal, _reciprocal),
    UnaryCase("relu", mg.relu, _relu),
    UnaryCase("signbit", mg.signbit, np.signbit),
]
IDS = [case.name for case in CASES]


def check(case: UnaryCase, ref: np.ndarray, t: mg.Tensor) -> None:
    expected = numpy_or_error(case.reference, ref)
    if is_error(expected):
        with pytest.raises(TypeError, match=rf"{case.name} is not defined for dtype {ref.dtype}"):
            case.fn(t)
        return
    assert_matches(case.fn(t), expected, case.ulps)


EDGE_PARAMS = [
    pytest.param(
        case,
        dtype,
        id=f"{dtype}-{case.name}",
    )
    for dtype in NUMPY_DTYPES
    for case in CASES
]


@pytest.mark.parametrize(("case", "dtype"), EDGE_PARAMS)
def test_result_dtype_and_edge_values_match_numpy(case: UnaryCase, dtype: str) -> None:
    """Every dtype, with its edge values: extremes, zeros of both signs, inf, NaN, halves."""
    if dtype == "bool":
        raw: list[Any] = [False, True]
    elif dtype[0] in "iu":
        info = np.iinfo(dtype)
        raw = [int(info.min), int(info.min) + 1, -1, 0, 1, 2, int(info.max)]
    else:
        info_f = np.finfo(dtype)
        raw = [-np.inf, float(info_f.min), -2.5, -1.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 1.5,
               2.5, float(info_f.max), np.inf, np.nan, 1e-3, 3.0]  # fmt: skip
    ref = np.array([v for v in raw if dtype[0] != "u" or v >= 0], dtype)
    check(case, ref, mg.asarray(ref))


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
def test_values_match_numpy_on_any_layout(
    case: UnaryCase, data: st.DataObject, shape: tuple[int, ...]
) -> None:
    dtype = data.draw(st.sampled_from(NUMPY_DTYPES))
    ref, t = data.draw(laid_out(dtype, shape, values))
    check(case, ref, t)


@pytest.mark.parametrize(
    ("fn", "dtype"), [(mg.sign, "bool"), (mg.negative, "bool"), (mg.bitwise_invert, "float32")]
)
def test_unsupported_dtype_names_function_and_dtype(
    fn: Callable[[mg.Tensor], mg.Tensor], dtype: str
) -> None:
    with pytest.raises(TypeError, match=rf"{fn.__name__} is not defined for dtype {dtype}"):
        fn(mg.zeros(2, dtype))


def test_non_tensor_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="sqrt expects a Tensor, got float"):
        mg.sqrt(4.0)  # type: ignore[arg-type]


def test_round_is_half_to_even() -> None:
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5], np.float32)
    assert mg.round(mg.asarray(x)).tolist() == [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 4.0]


def test_results_are_fresh_contiguous_tensors() -> None:
    x = mg.asarray([[1.0, -2.0], [3.0, -4.0]]).T
    y = mg.abs(x)
    assert y.is_contiguous
    assert y.buffer.storage is not x.buffer.storage
    bools = mg.asarray([True, False])
    assert mg.abs(bools).buffer.storage is not bools.buffer.storage


def test_bfloat16_computes_in_float32_and_rounds_once() -> None:
    raw = np.array([0.5, 1.0, 2.0, 3.0, -1.0], np.float32)  # exact in bfloat16
    x = mg.asarray(raw).astype("bfloat16")
    got = mg.exp(x)
    assert got.dtype == mg.bfloat16
    expected = np.exp(raw)
    np.testing.assert_allclose(np.asarray(got.astype("float32")), expected, rtol=2**-8)
