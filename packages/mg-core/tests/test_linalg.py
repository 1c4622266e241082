"""matmul / @, vecdot and tensordot against NumPy: 1-d and batched operands, layouts, dtypes."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_strategies import DTYPES, laid_out


def small_ints(dtype: str) -> st.SearchStrategy[Any]:
    """Small integers in any dtype: every sum below is exact, so results compare equal."""
    return st.integers(-4, 4)


@st.composite
def matmul_shapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    m, k, n = (draw(st.integers(1, 6)) for _ in range(3))
    batch = draw(st.lists(st.integers(1, 3), max_size=2))
    b1 = [draw(st.sampled_from([1, s])) for s in batch]
    b2 = [draw(st.sampled_from([1, s])) for s in batch][draw(st.integers(0, len(batch))) :]
    shape1: tuple[int, ...] = (k,) if draw(st.booleans()) else (*b1, m, k)
    shape2: tuple[int, ...] = (k,) if draw(st.booleans()) else (*b2, k, n)
    return shape1, shape2


@given(shapes=matmul_shapes(), dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
       data=st.data())  # fmt: skip
def test_matmul_matches_numpy(
    shapes: tuple[tuple[int, ...], tuple[int, ...]], dtypes: tuple[str, str], data: st.DataObject
) -> None:
    n1, t1 = data.draw(laid_out(dtypes[0], shapes[0], small_ints))
    n2, t2 = data.draw(laid_out(dtypes[1], shapes[1], small_ints))
    expected = np.matmul(n1, n2)
    got = t1 @ t2
    assert got.dtype.name == expected.dtype.name
    assert got.shape == expected.shape
    np.testing.assert_array_equal(np.asarray(got), expected)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("m", "k", "n"), [(1, 1000, 1), (17, 63, 65), (127, 3, 130), (64, 300, 1)])
def test_matmul_random_floats(dtype: str, m: int, k: int, n: int) -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m)).astype(dtype).T  # transposed view
    b = rng.standard_normal((k, n)).astype(dtype)
    got = np.asarray(mg.matmul(mg.asarray(a.T).T, mg.asarray(b)))
    ref = a.astype(np.float64) @ b.astype(np.float64)
    bound = 2 * (k + 1) * np.finfo(dtype).eps * (np.abs(a).astype(np.float64) @ np.abs(b))
    assert got.dtype == np.dtype(dtype)
    assert np.all(np.abs(got - ref) <= bound)


def test_mismatch_names_both_shapes_and_the_dimension() -> None:
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 5\).*dimension -1 \(size 3\).*"
                       r"dimension -2 \(size 4\)"):  # fmt: skip
        mg.zeros((2, 3)) @ mg.zeros((4, 5))
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\).*dimension 0 \(size 4\)"):
        mg.matmul(mg.zeros(3), mg.zeros(4))
    with pytest.raises(ValueError, match=r"\(2, 1, 2\) and \(3, 2, 2\).*batch dimension -3"):
        mg.matmul(mg.zeros((2, 1, 2)), mg.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="at least 1 dimension"):
        mg.matmul(mg.zeros(()), mg.zeros(3))
    with pytest.raises(TypeError):
        mg.zeros((2, 2)) @ 3  # type: ignore[operator]


def test_rmatmul_and_empty() -> None:
    a = mg.asarray([[1.0, 2.0]])
    assert a.__rmatmul__(mg.asarray([[3.0], [4.0]])).tolist() == [[3.0, 6.0], [4.0, 8.0]]
    assert (mg.zeros((0, 3)) @ mg.zeros((3, 2))).shape == (0, 2)
    np.testing.assert_array_equal(np.asarray(mg.ones((2, 0)) @ mg.ones((0, 3))), np.zeros((2, 3)))


@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_vecdot_matches_numpy(data: st.DataObject, dtype: str) -> None:
    k = data.draw(st.integers(1, 5))
    shape1 = (*data.draw(st.lists(st.sampled_from([1, 2]), max_size=2)), k)
    shape2 = (*data.draw(st.lists(st.sampled_from([1, 3]), max_size=1)), k)
    n1, t1 = data.draw(laid_out(dtype, shape1, small_ints))
    n2, t2 = data.draw(laid_out(dtype, shape2, small_ints))
    try:
        expected = np.vecdot(n1, n2)
    except ValueError:
        with pytest.raises(ValueError, match="vecdot: shapes"):
            mg.vecdot(t1, t2)
        return
    got = mg.vecdot(t1, t2)
    assert got.dtype.name == expected.dtype.name
    np.testing.assert_array_equal(np.asarray(got), expected)


def test_vecdot_axis_and_errors() -> None:
    x = np.arange(24.0).reshape(2, 3, 4)
    y = np.arange(12.0).reshape(3, 4)
    got = mg.vecdot(mg.asarray(x), mg.asarray(y), axis=-2)
    np.testing.assert_array_equal(np.asarray(got), np.vecdot(x, y, axis=-2))
    with pytest.raises(ValueError, match=r"\(2, 3, 4\) and \(3, 5\)"):
        mg.vecdot(mg.asarray(x), mg.zeros((3, 5)))
    with pytest.raises(ValueError, match="axis -3"):
        mg.vecdot(mg.asarray(x), mg.asarray(y), axis=-3)


@pytest.mark.parametrize(
    ("shape1", "shape2", "axes"),
    [
        ((2, 3, 4), (3, 4, 5), 2),
        ((2, 3), (3, 2), 1),
        ((2, 3), (4,), 0),
        ((3, 4, 2), (4, 5, 3), ([0, 1], [2, 0])),
        ((3,), (3,), ([0], [-1])),
    ],
)
def test_tensordot_matches_numpy(
    shape1: tuple[int, ...], shape2: tuple[int, ...], axes: Any
) -> None:
    rng = np.random.default_rng(4)
    x = rng.integers(-5, 5, shape1).astype(np.float64)
    y = rng.integers(-5, 5, shape2).astype(np.float32)
    got = mg.tensordot(mg.asarray(x), mg.asarray(y), axes=axes)
    expected = np.tensordot(x, y, axes=axes)
    assert got.dtype.name == expected.dtype.name
    np.testing.assert_array_equal(np.asarray(got), expected)


def test_tensordot_errors() -> None:
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 2\).*axis 1 \(size 3\)"):
        mg.tensordot(mg.zeros((2, 3)), mg.zeros((4, 2)), axes=1)
    with pytest.raises(ValueError, match="axes=3"):
        mg.tensordot(mg.zeros((2, 3)), mg.zeros((3, 2)), axes=3)
