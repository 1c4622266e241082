"""sort, argsort and the unique family against NumPy (stable order, NaNs, every axis and
layout)."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_strategies import laid_out

FEW = {
    "float32": st.sampled_from([0.0, -0.0, 1.5, -2.0, float("nan"), float("inf")]),
    "float64": st.sampled_from([0.0, -0.0, 1.5, -2.0, float("nan"), float("-inf")]),
    "int32": st.integers(-3, 3),
    "int64": st.sampled_from([-(2**63), 2**63 - 1, 0, 1, -1]),
}
"""Few distinct values, so ties (and NaN ties) are common."""


def few(dtype: str) -> st.SearchStrategy[Any]:
    return FEW[dtype]


def numpy_descending_argsort(a: np.ndarray, axis: int) -> np.ndarray:
    """Stable descending order, NaNs first (the array API's descending=True as
    array-api-strict builds it from NumPy)."""
    flipped = np.flip(a, axis=axis)
    order = np.argsort(flipped, axis=axis, kind="stable")
    return a.shape[axis] - 1 - np.flip(order, axis=axis)


@given(
    data=st.data(),
    shape=st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple),
    dtype=st.sampled_from(sorted(FEW)),
    descending=st.booleans(),
)
def test_sort_and_argsort_match_numpy(
    data: st.DataObject, shape: tuple[int, ...], dtype: str, descending: bool
) -> None:
    ref, t = data.draw(laid_out(dtype, shape, elements=few))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    if descending:
        want_order = numpy_descending_argsort(ref, axis)
    else:
        want_order = np.argsort(ref, axis=axis, kind="stable")
    got_order = mg.argsort(t, axis=axis, descending=descending)
    assert got_order.dtype == mg.int64
    assert got_order.shape == ref.shape
    np.testing.assert_array_equal(np.asarray(got_order), want_order)
    got = mg.sort(t, axis=axis, descending=descending, stable=False)
    assert got.dtype == t.dtype
    want = np.take_along_axis(ref, want_order, axis=axis)
    np.testing.assert_array_equal(np.asarray(got), want)
    if not descending:
        np.testing.assert_array_equal(np.asarray(got), np.sort(ref, axis=axis))


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "uint64", "float16", "bfloat16"])
def test_sort_other_dtypes(dtype: str) -> None:
    values = [3, 0, 1, 0, 2] if dtype != "bool" else [1, 0, 1, 0, 0]
    t = mg.asarray(values, dtype=dtype)
    assert mg.sort(t).tolist() == sorted(mg.asarray(values, dtype=dtype).tolist())
    assert mg.argsort(t).tolist() == np.argsort(np.array(values), kind="stable").tolist()


def test_sort_errors() -> None:
    with pytest.raises(mg.AxisError):
        mg.sort(mg.asarray(1.0))
    with pytest.raises(mg.AxisError):
        mg.argsort(mg.zeros((2, 2)), axis=2)


UNIQUE_INPUTS = [
    [3, 1, 3, 2, 1, 1],
    [[2.0, float("nan")], [2.0, float("nan")]],
    [0.0, -0.0, 1.0],
    [],
    [True, False, True],
    [[5]],
]


@pytest.mark.parametrize("values", UNIQUE_INPUTS, ids=repr)
def test_unique_all_matches_numpy(values: list[Any]) -> None:
    ref = np.array(values, dtype=np.float64 if values == [] else None)
    t = mg.asarray(ref)
    got = mg.unique_all(t)
    want = np.unique_all(ref)
    for name in ("values", "indices", "inverse_indices", "counts"):
        g, w = getattr(got, name), getattr(want, name)
        assert g.shape == w.shape, name
        np.testing.assert_array_equal(np.asarray(g), w, err_msg=name)
    # NumPy's unique_values hashes (unspecified order, as the standard allows); ours is sorted.
    np.testing.assert_array_equal(np.asarray(mg.unique_values(t)), np.sort(np.unique_values(ref)))
    counts = mg.unique_counts(t)
    np.testing.assert_array_equal(np.asarray(counts.counts), np.unique_counts(ref).counts)
    inverse = mg.unique_inverse(t)
    np.testing.assert_array_equal(
        np.asarray(inverse.inverse_indices), np.unique_inverse(ref).inverse_indices
    )


@pytest.mark.parametrize("values", UNIQUE_INPUTS, ids=repr)
@pytest.mark.parametrize("equal_nan", [True, False])
def test_numpy_style_unique(values: list[Any], equal_nan: bool) -> None:
    ref = np.array(values, dtype=np.float64 if values == [] else None)
    got = mg.unique(
        mg.asarray(ref),
        return_index=True,
        return_inverse=True,
        return_counts=True,
        equal_nan=equal_nan,
    )
    want = np.unique(
        ref, return_index=True, return_inverse=True, return_counts=True, equal_nan=equal_nan
    )
    assert isinstance(got, tuple)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape
        np.testing.assert_array_equal(np.asarray(g), w)
    only = mg.unique(mg.asarray(ref), equal_nan=equal_nan)
    assert isinstance(only, mg.Tensor)
    np.testing.assert_array_equal(np.asarray(only), np.unique(ref, equal_nan=equal_nan))


@given(data=st.data(), shape=st.lists(st.integers(0, 4), max_size=3).map(tuple))
def test_unique_all_hypothesis(data: st.DataObject, shape: tuple[int, ...]) -> None:
    dtype = data.draw(st.sampled_from(sorted(FEW)))
    ref, t = data.draw(laid_out(dtype, shape, elements=few))
    got = mg.unique_all(t)
    want = np.unique_all(ref)
    for name in ("values", "indices", "inverse_indices", "counts"):
        np.testing.assert_array_equal(
            np.asarray(getattr(got, name)), getattr(want, name), err_msg=name
        )
