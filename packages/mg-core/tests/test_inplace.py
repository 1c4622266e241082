"""In-place operators write into the existing buffer with NumPy's same_kind casting."""

from __future__ import annotations

import operator
from collections.abc import Callable

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_strategies import DTYPES, laid_out, moderate_values

IOPS: dict[str, Callable[[object, object], object]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
}
shapes = st.lists(st.integers(1, 4), max_size=3).map(tuple)


@given(st.data(), st.sampled_from(list(IOPS)), st.sampled_from(DTYPES), st.sampled_from(DTYPES))
def test_inplace_matches_numpy(data: st.DataObject, op: str, a: str, b: str) -> None:
    shape = data.draw(shapes)
    ref_x = data.draw(laid_out(a, shape, moderate_values, layout="contiguous"))[0].copy()
    other_shape = shape[data.draw(st.integers(0, len(shape))) :]
    ref_y, y = data.draw(laid_out(b, other_shape, moderate_values))
    if op == "/=" and np.dtype(b).kind == "i":
        ref_y = np.where(ref_y == 0, 1, ref_y).astype(b)
        y = mg.asarray(ref_y)
    x = mg.asarray(ref_x)
    buffer = x.buffer
    fn = IOPS[op]
    try:
        with np.errstate(all="ignore"):
            expected = fn(ref_x.copy(), ref_y)
    except TypeError:
        with pytest.raises(TypeError, match="with casting rule 'same_kind'"):
            fn(x, y)
        return
    result = fn(x, y)
    assert result is x
    assert x.buffer is buffer
    assert x.dtype.name == ref_x.dtype.name
    np.testing.assert_allclose(np.asarray(x), expected, rtol=1e-6)  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", [3, -2, 2.5, True])
@pytest.mark.parametrize("op", list(IOPS))
def test_inplace_with_python_scalars_matches_numpy(
    dtype: str, scalar: int | float, op: str
) -> None:
    ref = np.arange(1, 5, dtype=dtype)
    x = mg.asarray(ref)
    try:
        expected = IOPS[op](ref.copy(), scalar)
    except TypeError:
        with pytest.raises(TypeError, match="same_kind"):
            IOPS[op](x, scalar)
        return
    assert IOPS[op](x, scalar) is x
    np.testing.assert_allclose(np.asarray(x), expected)  # type: ignore[arg-type]


def test_inplace_writes_through_views() -> None:
    ref = np.arange(12.0).reshape(3, 4)
    base = mg.asarray(ref)
    view = base[1:, ::2]
    view += 100
    ref[1:, ::2] += 100
    np.testing.assert_array_equal(np.asarray(base), ref)


@pytest.mark.parametrize(
    "key", [np.s_[1:], np.s_[:-1], np.s_[::-1]], ids=["ahead", "behind", "reversed"]
)
def test_inplace_with_overlapping_operand_copies_it_first(key: slice) -> None:
    ref = np.arange(8.0)
    x = mg.asarray(ref)
    n = len(range(*key.indices(8)))
    x[:n] += x[key]
    ref[:n] += ref[key].copy()
    np.testing.assert_array_equal(np.asarray(x), ref)
    y = mg.asarray([1.0, 2.0, 3.0])
    y *= y
    assert y.tolist() == [1.0, 4.0, 9.0]


def test_inplace_errors() -> None:
    n = mg.asarray([1, 2])
    with pytest.raises(TypeError, match="Cannot cast divide output from float64 to int64"):
        n /= 2
    with pytest.raises(TypeError, match="Cannot cast add output from float64 to int64"):
        n += 1.5
    i = mg.asarray([1], "int32")
    with pytest.raises(OverflowError, match="out of bounds for int32"):
        i += 2**40
    small = mg.zeros(3)
    with pytest.raises(ValueError, match="non-broadcastable output operand with shape"):
        small += mg.zeros((2, 3))
    b = mg.zeros(1).broadcast_to((3,))
    with pytest.raises(ValueError, match="broadcast view"):
        b += 1


def test_augmented_assignment_through_an_index_matches_numpy() -> None:
    ref = np.arange(12.0).reshape(3, 4)
    x = mg.asarray(ref)
    x[1] += 5
    x[:, ::2] *= mg.asarray([2.0, 3.0])
    x[2, 1:] -= x[0, :3]
    ref[1] += 5
    ref[:, ::2] *= np.array([2.0, 3.0])
    ref[2, 1:] -= ref[0, :3]
    np.testing.assert_array_equal(np.asarray(x), ref)


@pytest.mark.parametrize(
    ("x_shape", "other_shape", "x_dtype", "other_dtype"),
    [
        ((2, 2), (2, 2), "float64", "float64"),
        ((3,), (3, 3), "float32", "float64"),
        ((2, 3, 4), (4, 4), "int64", "int32"),
        ((2, 2, 3), (2, 3, 3), "float64", "int64"),
    ],
)
def test_imatmul_writes_into_x_like_numpy(
    x_shape: tuple[int, ...], other_shape: tuple[int, ...], x_dtype: str, other_dtype: str
) -> None:
    ref = (np.arange(np.prod(x_shape)).reshape(x_shape) - 3).astype(x_dtype)
    other = (np.arange(np.prod(other_shape)).reshape(other_shape) % 5 - 2).astype(other_dtype)
    x = mg.asarray(ref.copy())
    alias = x
    alias @= mg.asarray(other)
    ref @= other
    assert alias is x
    assert np.asarray(x).dtype == ref.dtype
    np.testing.assert_allclose(np.asarray(x), ref, rtol=1e-6)


def test_imatmul_errors() -> None:
    x = mg.ones((2, 3))
    with pytest.raises(ValueError, match=r"keep x's shape \(2, 3\), but it has shape \(2, 2\)"):
        x @= mg.ones((3, 2))
    n = mg.ones((2, 2), dtype="int64")
    with pytest.raises(TypeError, match="Cannot cast matmul output from float64 to int64"):
        n @= mg.ones((2, 2))
    with pytest.raises(TypeError):
        n @= 2  # type: ignore[operator]
