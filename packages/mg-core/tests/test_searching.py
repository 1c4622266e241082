"""searchsorted against NumPy: sides, sorter, promotion, NaNs, layouts and errors."""

from __future__ import annotations

from typing import Literal

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_strategies import laid_out


@given(
    data=st.data(),
    n=st.integers(0, 8),
    vshape=st.lists(st.integers(0, 3), max_size=2).map(tuple),
    dtype=st.sampled_from(["float32", "float64", "int32", "int64"]),
    side=st.sampled_from(["left", "right"]),
)
def test_searchsorted_matches_numpy(
    data: st.DataObject,
    n: int,
    vshape: tuple[int, ...],
    dtype: str,
    side: Literal["left", "right"],
) -> None:
    small = (
        st.sampled_from([0.0, 1.0, 2.5, float("nan"), -1.0])
        if dtype.startswith("float")
        else st.integers(-3, 3)
    )
    raw, t = data.draw(laid_out(dtype, (n,), elements=lambda _: small))
    values, v = data.draw(laid_out(dtype, vshape, elements=lambda _: small))
    if data.draw(st.booleans()):
        order = np.argsort(raw, kind="stable")
        want = np.searchsorted(raw, values, side=side, sorter=order)
        got = mg.searchsorted(t, v, side=side, sorter=mg.asarray(order))
    else:
        ordered = np.sort(raw)
        want = np.searchsorted(ordered, values, side=side)
        got = mg.searchsorted(mg.sort(t), v, side=side)
    assert got.dtype == mg.int64
    assert got.shape == np.shape(want)
    np.testing.assert_array_equal(np.asarray(got), want)


def test_searchsorted_promotes_and_takes_scalars() -> None:
    x = np.array([1, 2, 4], dtype=np.int32)
    for value in (2.5, 3, 0):
        got = mg.searchsorted(mg.asarray(x), value)
        assert got.shape == ()
        assert got.item() == np.searchsorted(x, value)
    got = mg.searchsorted(mg.asarray(x), mg.asarray([1.5, 4.0], dtype="float32"), side="right")
    assert got.tolist() == np.searchsorted(x, np.array([1.5, 4.0], np.float32), "right").tolist()


def test_searchsorted_takes_lists_and_numpy_arrays() -> None:
    x = np.array([0.5, 1.5, 2.5])
    for values in ([1, 3], np.array([[2.0], [0.0]], np.float32)):
        want = np.searchsorted(x, values)
        got = mg.searchsorted(mg.asarray(x), values)
        assert got.shape == want.shape
        assert got.tolist() == want.tolist()


def test_searchsorted_errors() -> None:
    with pytest.raises(ValueError, match=r"x1 must be a 1-d tensor, got shape \(2, 2\)"):
        mg.searchsorted(mg.zeros((2, 2)), 1.0)
    with pytest.raises(ValueError, match="side must be 'left' or 'right', got 'middle'"):
        mg.searchsorted(mg.zeros(2), 1.0, side="middle")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"sorter must be a tensor of shape \(2,\)"):
        mg.searchsorted(mg.zeros(2), 1.0, sorter=mg.asarray([0]))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        mg.searchsorted(mg.zeros(2), 1.0, sorter=mg.asarray([0, 5]))
