"""where and clip against NumPy: values, promotion, broadcasting, layouts, scalars, errors."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core_op_checks import NUMPY_DTYPES, assert_matches, is_error, numpy_or_error, values
from mg_core_strategies import laid_out, python_scalars

dtypes = st.sampled_from(NUMPY_DTYPES)
three_shapes = hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3)


def _fits(dtype: np.dtype[Any], scalar: object) -> bool:
    """Whether a weak Python scalar converts to `dtype` without overflow (NEP 50)."""
    if dtype.kind not in "iu" or not isinstance(scalar, int) or isinstance(scalar, bool):
        return True
    info = np.iinfo(dtype)
    return int(info.min) <= scalar <= int(info.max)


@given(data=st.data(), shapes=three_shapes, dtype_a=dtypes, dtype_b=dtypes, cond_dtype=dtypes)
def test_where_matches_numpy_on_any_layout(
    data: st.DataObject,
    shapes: hnp.BroadcastableShapes,
    dtype_a: str,
    dtype_b: str,
    cond_dtype: str,
) -> None:
    shape_c, shape_a, shape_b = shapes.input_shapes
    ref_c, c = data.draw(laid_out(cond_dtype, shape_c, values), label="condition")
    ref_a, a = data.draw(laid_out(dtype_a, shape_a, values), label="x1")
    ref_b, b = data.draw(laid_out(dtype_b, shape_b, values), label="x2")
    assert_matches(mg.where(c, a, b), np.where(ref_c, ref_a, ref_b))


@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0), dtype=dtypes)
def test_where_with_python_scalars_matches_numpy(
    data: st.DataObject, shape: tuple[int, ...], dtype: str
) -> None:
    ref_c, c = data.draw(laid_out("bool", shape, values), label="condition")
    ref, t = data.draw(laid_out(dtype, shape, values), label="tensor")
    scalar = data.draw(python_scalars() | st.booleans() | st.integers(-300, 300), label="scalar")
    for args, ref_args in (((t, scalar), (ref, scalar)), ((scalar, t), (scalar, ref))):
        if not _fits(ref.dtype, scalar):  # NumPy's where wraps such an int; mg refuses it
            with pytest.raises(OverflowError, match="out of bounds"):
                mg.where(c, *args)
            continue
        assert_matches(mg.where(c, *args), numpy_or_error(np.where, ref_c, *ref_args))
    assert_matches(mg.where(c, 2, 0.5), np.where(ref_c, 2, 0.5))


def test_where_errors() -> None:
    with pytest.raises(ValueError, match=r"cannot broadcast shapes"):
        mg.where(mg.zeros(3, "bool"), mg.zeros(2), 0)
    with pytest.raises(TypeError, match="where: condition must be a Tensor, got list"):
        mg.where([True], 1, 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="where: unsupported operand type str"):
        mg.where(mg.zeros(1, "bool"), "a", 2)  # type: ignore[arg-type]


def _bound(data: st.DataObject, shape: tuple[int, ...], label: str) -> tuple[Any, Any]:
    """A bound: None, a Python scalar, or a (numpy, mg) tensor pair of any dtype and layout."""
    kind = data.draw(st.sampled_from(["none", "scalar", "tensor"]), label=f"{label} kind")
    if kind == "none":
        return None, None
    if kind == "scalar":
        scalar = data.draw(python_scalars() | st.integers(-300, 300), label=label)
        return scalar, scalar
    dtype = data.draw(dtypes, label=f"{label} dtype")
    return data.draw(laid_out(dtype, shape, values), label=label)


@given(data=st.data(), shapes=three_shapes, dtype=dtypes)
def test_clip_matches_numpy(
    data: st.DataObject, shapes: hnp.BroadcastableShapes, dtype: str
) -> None:
    shape_x, shape_lo, shape_hi = shapes.input_shapes
    ref, x = data.draw(laid_out(dtype, shape_x, values), label="x")
    ref_lo, lo = _bound(data, shape_lo, "min")
    ref_hi, hi = _bound(data, shape_hi, "max")
    if lo is None and hi is None:  # NumPy refuses bool here; the array API wants x back
        assert_matches(mg.clip(x), ref.copy())
        return
    crossed = numpy_or_error(lambda: np.any(np.greater(ref_lo, ref_hi)))
    assume(ref_lo is None or ref_hi is None or crossed is False)  # unspecified; NumPy varies
    expected = numpy_or_error(lambda: np.clip(ref, ref_lo, ref_hi))
    if is_error(expected):
        with pytest.raises(expected):
            mg.clip(x, lo, hi)
        return
    # NumPy keeps x on ties (clip(0.0, -0.0, 1) is 0.0); the kernels give the bound (-0.0).
    assert_matches(mg.clip(x, min=lo, max=hi), expected, signed_zeros=False)


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_clip_result_dtype_with_scalar_bounds_matches_numpy(dtype: str) -> None:
    ref = np.array([0, 1, 1], dtype)
    for lo, hi in [(0, 1), (0.5, None), (None, 1), (-1000, 1000)]:
        expected = numpy_or_error(lambda lo=lo, hi=hi: np.clip(ref, lo, hi))
        if is_error(expected):
            with pytest.raises(expected):
                mg.clip(mg.asarray(ref), lo, hi)
        else:
            assert_matches(mg.clip(mg.asarray(ref), lo, hi), expected)


def test_clip_nan_and_crossed_bounds_follow_numpy() -> None:
    ref = np.array([1.0, np.nan, 5.0, -3.0])
    for lo, hi in [(np.nan, 2.0), (3.0, 2.0), (0.0, np.nan)]:
        assert_matches(mg.clip(mg.asarray(ref), lo, hi), np.clip(ref, lo, hi))


def test_clip_with_no_bounds_is_a_copy() -> None:
    x = mg.asarray([1, 2])
    assert mg.clip(x).buffer.storage is not x.buffer.storage


def test_clip_returns_the_bound_when_a_zero_ties_with_it() -> None:
    # A signed zero equal to a bound comes out as the bound, as NumPy's loops over array bounds
    # give (its loop for scalar bounds keeps x instead; mg has one rule): docs/core.md.
    ref = np.array([0.0, -0.0, 0.0, -0.0] * 5)
    lo = np.array([-0.0, 0.0, -0.0, 0.0] * 5)
    want = np.clip(ref, lo, 1.0)
    assert_matches(mg.clip(mg.asarray(ref), mg.asarray(lo), 1.0), want)
    got = mg.clip(mg.asarray(ref), -0.0, 1.0)
    assert np.signbit(np.asarray(got)).all()


def test_clip_errors() -> None:
    with pytest.raises(TypeError, match="clip: x must be a Tensor, got int"):
        mg.clip(3, 0, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="clip: unsupported operand type str"):
        mg.clip(mg.zeros(2), "0", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"cannot broadcast shapes"):
        mg.clip(mg.zeros(3), mg.zeros(2), 1.0)
