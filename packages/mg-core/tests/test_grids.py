"""linspace, eye and meshgrid vs NumPy."""

from __future__ import annotations

import warnings

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_strategies import DTYPES

finite = st.floats(-1e6, 1e6, allow_subnormal=False)


def same(ours: mg.Tensor, ref: np.ndarray) -> None:
    assert ours.dtype.name == ref.dtype.name
    assert ours.shape == ref.shape
    np.testing.assert_array_equal(np.asarray(ours), ref)


@given(finite, finite, st.integers(0, 12), st.booleans(), st.sampled_from([None, *DTYPES]))
def test_linspace_matches_numpy(
    start: float, stop: float, num: int, endpoint: bool, dtype: str | None
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)
    same(mg.linspace(start, stop, num, endpoint=endpoint, dtype=dtype), ref)


def test_linspace_errors_and_equal_ends() -> None:
    same(mg.linspace(2.0, 2.0, 3), np.linspace(2.0, 2.0, 3))
    with pytest.raises(ValueError, match="non-negative"):
        mg.linspace(0, 1, -1)


@given(
    st.integers(0, 6),
    st.one_of(st.none(), st.integers(0, 6)),
    st.integers(-7, 7),
    st.sampled_from(DTYPES),
)
def test_eye_matches_numpy(rows: int, cols: int | None, k: int, dtype: str) -> None:
    same(mg.eye(rows, cols, k=k, dtype=dtype), np.eye(rows, cols, k=k, dtype=dtype))


@given(st.lists(st.integers(0, 4), max_size=4), st.sampled_from(["xy", "ij"]))
def test_meshgrid_matches_numpy(sizes: list[int], indexing: str) -> None:
    refs = [np.arange(n, dtype=np.int32) + 10 * i for i, n in enumerate(sizes)]
    ours = mg.meshgrid(*(mg.asarray(r) for r in refs), indexing=indexing)  # type: ignore[arg-type]
    theirs = np.meshgrid(*refs, indexing=indexing)  # type: ignore[call-overload]
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs, strict=True):
        same(o, t)


def test_meshgrid_errors() -> None:
    with pytest.raises(ValueError, match="1-d"):
        mg.meshgrid(mg.zeros((2, 2)))
    with pytest.raises(ValueError, match="indexing"):
        mg.meshgrid(mg.zeros(2), indexing="yx")  # type: ignore[arg-type]
