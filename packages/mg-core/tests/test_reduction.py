"""sum and mean against NumPy over axes, keepdims, dtypes and layouts."""

from __future__ import annotations

import warnings
from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_strategies import DTYPES, laid_out, moderate_values, shapes

Axis = int | tuple[int, ...] | None


@st.composite
def axes(draw: st.DrawFn, ndim: int) -> Axis:
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none" or ndim == 0:
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(a - ndim if draw(st.booleans()) else a for a in chosen)


def error_bound(ref: np.ndarray, axis: Axis, shape: tuple[int, ...], per_element: bool) -> Any:
    """n * eps * sum(|x|): the error bound of naive summation (any order) of n terms."""
    n = ref.size // max(int(np.prod(shape)), 1) if ref.size else 0
    eps = float(np.finfo(ref.dtype if ref.dtype.kind == "f" else np.float64).eps)
    total = np.reshape(np.sum(np.abs(ref.astype(np.float64)), axis=axis), shape)
    return (eps * total if per_element else n * eps * total) + 1e-300


def check_sum_like(ours: mg.Tensor, ref: np.ndarray, expected: Any, axis: Axis) -> None:
    expected = np.asarray(expected)
    assert ours.dtype.name == expected.dtype.name
    assert ours.shape == expected.shape
    got = np.asarray(ours)
    if expected.dtype.kind == "i":
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_array_less(
            np.abs(got - expected), error_bound(ref, axis, got.shape, False)
        )


@given(data=st.data(), dtype=st.sampled_from(DTYPES), shape=shapes, keepdims=st.booleans())
def test_sum_matches_numpy(
    data: st.DataObject, dtype: str, shape: tuple[int, ...], keepdims: bool
) -> None:
    ref, t = data.draw(laid_out(dtype, shape, moderate_values))
    axis = data.draw(axes(len(shape)))
    expected = np.sum(ref, axis=axis, keepdims=keepdims)
    check_sum_like(mg.sum(t, axis=axis, keepdims=keepdims), ref, expected, axis)
    check_sum_like(t.sum(axis, keepdims), ref, expected, axis)


@given(data=st.data(), dtype=st.sampled_from(DTYPES), shape=shapes, keepdims=st.booleans())
def test_mean_matches_numpy(
    data: st.DataObject, dtype: str, shape: tuple[int, ...], keepdims: bool
) -> None:
    ref, t = data.draw(laid_out(dtype, shape, moderate_values))
    axis = data.draw(axes(len(shape)))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # mean of an empty slice
        expected = np.asarray(np.mean(ref, axis=axis, keepdims=keepdims))
    ours = mg.mean(t, axis=axis, keepdims=keepdims)
    assert ours.dtype.name == expected.dtype.name
    assert ours.shape == expected.shape
    got = np.asarray(ours)
    if ref.size == 0:
        assert np.isnan(got).all() == np.isnan(expected).all()
    else:
        eps = float(np.finfo(expected.dtype).eps)
        bound = 2 * error_bound(ref, axis, got.shape, True) + eps * np.abs(expected)
        np.testing.assert_array_less(np.abs(got - expected), bound)
    np.testing.assert_array_equal(np.asarray(t.mean(axis, keepdims)), np.asarray(ours))


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_sums_wrap_in_int64_like_numpy(dtype: str) -> None:
    big = int(np.iinfo(dtype).max)
    values = np.array([big, big, big], dtype)
    check_sum_like(mg.asarray(values).sum(), values, values.sum(), None)


def test_bad_axes() -> None:
    t = mg.zeros((2, 3))
    with pytest.raises(mg.AxisError, match="axis 2 is out of bounds for tensor of dimension 2"):
        mg.sum(t, axis=2)
    with pytest.raises(IndexError, match="axis -3 is out of bounds"):
        t.mean(axis=(0, -3))
    with pytest.raises(ValueError, match=r"duplicate value in 'axis': \(1, -1\)"):
        t.sum(axis=(1, -1))
