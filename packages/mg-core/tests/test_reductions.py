"""Reductions, statistics and cumulative ops against NumPy: values, dtypes, axes, layouts, errors.

(sum and mean have their own older tests in test_reduction.py; here they join the table for
the dtypes and empty cases.)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_op_checks import NUMPY_DTYPES, assert_matches, small_values, values
from mg_core_strategies import laid_out, shapes

Axis = int | tuple[int, ...] | None
RTOL = {"float16": 4e-3, "float32": 2e-6, "float64": 1e-13}


def numpy_quietly(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # mean of empty slice, ddof >= n
        return np.asarray(fn(*args, **kwargs))


def _logsumexp(x: np.ndarray, axis: Axis = None, keepdims: bool = False) -> np.ndarray:
    """scipy.special.logsumexp's definition, in float64, rounded to the result dtype."""
    out_dtype = x.dtype if x.dtype.kind == "f" else np.float64
    wide = x.astype(np.float64)
    if wide.size == 0:
        return np.full(np.sum(wide, axis=axis, keepdims=keepdims).shape, -np.inf, out_dtype)
    top = np.max(wide, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0)
    total = np.sum(np.exp(wide - top), axis=axis, keepdims=True)
    out = np.log(total) + top
    if not keepdims:
        out = np.squeeze(out, axis=axis)
    return np.asarray(out).astype(out_dtype)


class ReductionCase(NamedTuple):
    """One row: mg function and NumPy's, both called as fn(x, axis=..., keepdims=...)."""

    name: str
    fn: Callable[..., mg.Tensor]
    reference: Callable[..., Any]
    exact: bool  # bit-identical for every dtype (else floats within RTOL)
    elements: Callable[[str], st.SearchStrategy[Any]] = values


CASES = [
    ReductionCase("sum", mg.sum, np.sum, False, small_values),
    ReductionCase("prod", mg.prod, np.prod, False, small_values),
    ReductionCase("max", mg.max, np.max, True),
    ReductionCase("min", mg.min, np.min, True),
    ReductionCase("all", mg.all, np.all, True),
    ReductionCase("any", mg.any, np.any, True),
    ReductionCase("count_nonzero", mg.count_nonzero, np.count_nonzero, True),
    ReductionCase("mean", mg.mean, np.mean, False, small_values),
    ReductionCase("var", mg.var, np.var, False, small_values),
    ReductionCase("std", mg.std, np.std, False, small_values),
    ReductionCase("logsumexp", mg.logsumexp, _logsumexp, False, small_values),
]
IDS = [case.name for case in CASES]


@st.composite
def axes(draw: st.DrawFn, ndim: int) -> Axis:
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none" or ndim == 0:
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(a - ndim if draw(st.booleans()) else a for a in chosen)


def check_close(ours: mg.Tensor, expected: np.ndarray, ref: np.ndarray) -> None:
    """Dtype and shape exactly; values within RTOL of the result's float dtype."""
    assert ours.dtype.name == expected.dtype.name, (ours.dtype.name, expected.dtype.name)
    assert ours.shape == expected.shape
    got = np.asarray(ours)
    if expected.dtype.kind != "f":
        np.testing.assert_array_equal(got, expected)
        return
    rtol = RTOL[expected.dtype.name]
    scale = float(np.max(np.abs(ref.astype(np.float64)), initial=1.0))
    atol = rtol * scale * scale * max(ref.size, 1)
    np.testing.assert_allclose(
        got.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data(), shape=shapes, keepdims=st.booleans())
def test_reduction_matches_numpy(
    case: ReductionCase, data: st.DataObject, shape: tuple[int, ...], keepdims: bool
) -> None:
    dtype = data.draw(st.sampled_from(NUMPY_DTYPES), label="dtype")
    ref, t = data.draw(laid_out(dtype, shape, case.elements), label="x")
    axis = data.draw(axes(len(shape)), label="axis")
    try:
        expected = numpy_quietly(case.reference, ref, axis=axis, keepdims=keepdims)
    except ValueError:  # max/min of an empty reduction
        with pytest.raises(ValueError, match="zero-size array to reduction operation"):
            case.fn(t, axis=axis, keepdims=keepdims)
        return
    ours = case.fn(t, axis=axis, keepdims=keepdims)
    if case.exact:
        assert_matches(ours, expected, signed_zeros=False)  # max(0.0, -0.0): either zero
    else:
        check_close(ours, expected, ref)


@pytest.mark.parametrize("correction", [0, 1, 0.5, 2, 5])
@given(data=st.data(), shape=shapes)
def test_var_and_std_corrections_match_numpy(
    correction: float, data: st.DataObject, shape: tuple[int, ...]
) -> None:
    dtype = data.draw(st.sampled_from(["float32", "float64", "int16", "bool"]), label="dtype")
    ref, t = data.draw(laid_out(dtype, shape, small_values), label="x")
    axis = data.draw(axes(len(shape)), label="axis")
    for fn, reference in ((mg.var, np.var), (mg.std, np.std)):
        expected = numpy_quietly(reference, ref, axis=axis, ddof=correction)
        check_close(fn(t, axis=axis, correction=correction), expected, ref)


@pytest.mark.parametrize(("fn", "reference"), [(mg.argmax, np.argmax), (mg.argmin, np.argmin)])
@given(data=st.data(), shape=shapes, keepdims=st.booleans())
def test_argmax_and_argmin_match_numpy(
    fn: Callable[..., mg.Tensor],
    reference: Callable[..., Any],
    data: st.DataObject,
    shape: tuple[int, ...],
    keepdims: bool,
) -> None:
    dtype = data.draw(st.sampled_from(NUMPY_DTYPES), label="dtype")
    elements = data.draw(st.sampled_from([values, small_values]), label="elements")
    ref, t = data.draw(laid_out(dtype, shape, elements), label="x")
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1) if shape else st.none())
    try:
        expected = np.asarray(reference(ref, axis=axis, keepdims=keepdims))
    except ValueError:
        with pytest.raises(ValueError, match=r"attempt to get arg(max|min) of an empty sequence"):
            fn(t, axis=axis, keepdims=keepdims)
        return
    assert_matches(fn(t, axis=axis, keepdims=keepdims), expected.astype(np.int64))


CUMULATIVE = [
    (mg.cumulative_sum, np.cumulative_sum),
    (mg.cumulative_prod, np.cumulative_prod),
]


@pytest.mark.parametrize(("fn", "reference"), CUMULATIVE, ids=["cumulative_sum", "cumulative_prod"])
@given(data=st.data(), shape=shapes, include_initial=st.booleans())
def test_cumulative_matches_numpy(
    fn: Callable[..., mg.Tensor],
    reference: Callable[..., Any],
    data: st.DataObject,
    shape: tuple[int, ...],
    include_initial: bool,
) -> None:
    dtype = data.draw(st.sampled_from(NUMPY_DTYPES), label="dtype")
    ref, t = data.draw(laid_out(dtype, shape, small_values), label="x")
    if len(shape) > 1:
        axis: int | None = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    else:
        axis = data.draw(st.none() | st.just(-1) if shape else st.none(), label="axis")
    out_dtype = data.draw(st.none() | st.sampled_from(["int64", "float32", "float64"]))
    expected = numpy_quietly(
        reference, ref, axis=axis, dtype=out_dtype, include_initial=include_initial
    )
    ours = fn(t, axis=axis, dtype=out_dtype, include_initial=include_initial)
    if expected.dtype.kind == "f":
        check_close(ours, expected, ref)
    else:
        assert_matches(ours, expected)
    assert ours.is_contiguous


def test_cumulative_needs_an_axis_beyond_one_dimension() -> None:
    with pytest.raises(ValueError, match=r"axis is required .* \(shape \(2, 2\)\)"):
        mg.cumulative_sum(mg.zeros((2, 2)))


def test_cumulative_steps_round_to_the_dtype_like_numpy() -> None:
    ref = np.array([1e8, 1.0, -1e8, 1.0], np.float32)
    assert_matches(mg.cumulative_sum(mg.asarray(ref)), np.cumulative_sum(ref))


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (mg.sum, np.float64(0.0)),
        (mg.prod, np.float64(1.0)),
        (mg.all, np.True_),
        (mg.any, np.False_),
        (mg.mean, np.float64(np.nan)),
        (mg.var, np.float64(np.nan)),
        (mg.logsumexp, np.float64(-np.inf)),
    ],
    ids=["sum", "prod", "all", "any", "mean", "var", "logsumexp"],
)
def test_empty_reductions_follow_numpy(fn: Callable[..., mg.Tensor], expected: Any) -> None:
    assert_matches(fn(mg.zeros((0, 3))), np.asarray(expected))
    assert_matches(fn(mg.zeros((0, 3)), axis=0), np.full(3, expected))


@pytest.mark.parametrize("fn", [mg.max, mg.min, mg.argmax, mg.argmin])
def test_empty_max_min_argmax_are_value_errors(fn: Callable[..., mg.Tensor]) -> None:
    with pytest.raises(ValueError, match=r"zero-size array|empty sequence"):
        fn(mg.zeros((0, 3)))
    assert fn(mg.zeros((0, 3)), axis=1).shape == (0,)  # nothing reduced over an empty axis


@pytest.mark.parametrize(
    "fn", [mg.prod, mg.max, mg.min, mg.all, mg.any, mg.var, mg.std, mg.logsumexp, mg.argmax]
)
def test_bad_axes_raise_like_sum(fn: Callable[..., mg.Tensor]) -> None:
    t = mg.zeros((2, 3))
    with pytest.raises(mg.AxisError, match="axis 3 is out of bounds for tensor of dimension 2"):
        fn(t, axis=3)
    with pytest.raises(IndexError, match="axis -3 is out of bounds for tensor of dimension 2"):
        fn(t, axis=-3)


@pytest.mark.parametrize("fn", [mg.prod, mg.max, mg.var, mg.logsumexp])
def test_repeated_axes_are_value_errors(fn: Callable[..., mg.Tensor]) -> None:
    with pytest.raises(ValueError, match=r"duplicate value in 'axis': \(1, -1\)"):
        fn(mg.zeros((2, 3)), axis=(1, -1))


def test_max_propagates_nan_and_argmax_takes_the_first_nan() -> None:
    ref = np.array([[1.0, np.nan, 3.0, np.nan], [4.0, 2.0, np.inf, 0.0]])
    assert_matches(mg.max(mg.asarray(ref), axis=1), np.max(ref, axis=1))
    assert_matches(mg.argmax(mg.asarray(ref), axis=1), np.argmax(ref, axis=1))
    assert_matches(mg.argmin(mg.asarray(ref), axis=1), np.argmin(ref, axis=1))


def test_integer_max_min_and_prod_cover_the_whole_range() -> None:
    for dtype in ("int8", "uint8", "int64", "uint64"):
        info = np.iinfo(dtype)
        ref = np.array([int(info.min), int(info.max), 1], dtype)
        assert_matches(mg.max(mg.asarray(ref)), np.max(ref))
        assert_matches(mg.min(mg.asarray(ref)), np.min(ref))
        assert_matches(mg.prod(mg.asarray(ref)), np.prod(ref))


@pytest.mark.parametrize(("fn", "reference"), [(mg.sum, np.sum), (mg.prod, np.prod)])
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64", "bool"])
def test_sum_and_prod_take_a_dtype_like_numpy(
    fn: Callable[..., mg.Tensor], reference: Callable[..., Any], dtype: str
) -> None:
    ref = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    for axis in (None, 0, 1):
        expected = numpy_quietly(reference, ref, axis=axis, dtype=dtype)
        assert_matches(fn(mg.asarray(ref), axis=axis, dtype=dtype), expected)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bfloat16_reductions_match_float32_within_its_precision(case: ReductionCase) -> None:
    """NumPy has no bfloat16: compare with NumPy's float32 answer on exact inputs."""
    ref = np.array([[-3.5, -2.0, 0.5], [1.0, 2.5, 4.0]], np.float32)
    t = mg.asarray(ref).astype("bfloat16")
    for axis in (None, 0, 1):
        got = case.fn(t, axis=axis)
        expected = np.asarray(case.reference(ref, axis=axis))
        float_result = expected.dtype == np.float32
        assert got.dtype.name == ("bfloat16" if float_result else expected.dtype.name)
        got32 = np.asarray(got.astype("float32") if float_result else got)
        np.testing.assert_allclose(got32, expected, rtol=2**-8, atol=1e-6)
