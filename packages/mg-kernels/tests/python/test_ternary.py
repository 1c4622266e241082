"""where and clip against NumPy: broadcasting, strides, offsets, every dtype, NaN corners."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import np_dtype, to_array, to_storage

if TYPE_CHECKING:
    from conftest import OperandMaker

DTYPES = tuple(d.name for d in mk.dtypes())
NARROW = ("float16", "bfloat16")


def as_comparable(x: np.ndarray, dtype: str) -> np.ndarray:
    """Narrow floats as float64, so NaN == NaN holds in assert_array_equal."""
    return x.astype(np.float64) if dtype in NARROW else x


@settings(max_examples=300, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_where_matches_numpy(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    dtype: str,
) -> None:
    shape = data.draw(shapes)
    out = make_operand(data, shape, dtype)
    cond = make_operand(data, shape, "bool", broadcast=True)
    a = make_operand(data, shape, dtype, broadcast=True)
    b = make_operand(data, shape, dtype, broadcast=True)
    expected = out.base.copy()
    out.view_of(expected)[...] = np.where(cond.view, a.view, b.view)

    mk.where(*out.args(), *cond.args(), *a.args(), *b.args(), shape)

    got = out.result()
    np.testing.assert_array_equal(as_comparable(got, dtype), as_comparable(expected, dtype))
    assert got.tobytes() == expected.tobytes() or dtype in NARROW  # the very bits are copied


def numpy_clip(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, dtype: str) -> np.ndarray:
    """numpy.clip; bfloat16 through float32 (exact: clip only selects values)."""
    if dtype == "bfloat16":
        f32 = np.float32
        return np.clip(x.astype(f32), lo.astype(f32), hi.astype(f32)).astype(np_dtype(dtype))
    return np.clip(x, lo, hi)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_clip_matches_numpy(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    dtype: str,
) -> None:
    shape = data.draw(shapes)
    out = make_operand(data, shape, dtype)
    x = make_operand(data, shape, dtype, broadcast=True)
    lo = make_operand(data, shape, dtype, broadcast=True)
    hi = make_operand(data, shape, dtype, broadcast=True)
    expected = out.base.copy()
    out.view_of(expected)[...] = numpy_clip(x.view, lo.view, hi.view, dtype)

    mk.clip(*out.args(), *x.args(), *lo.args(), *hi.args(), shape)

    np.testing.assert_array_equal(
        as_comparable(out.result(), dtype), as_comparable(expected, dtype)
    )


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("bounds", ["scalar", "array"])
def test_clip_nan_anywhere_and_lo_above_hi_like_numpy(isa: str, dtype: str, bounds: str) -> None:
    # Long enough for the vector body and the tail, with scalar (stride 0) or array bounds.
    nan = np.nan
    n = 53
    rng = np.random.default_rng(7)
    x = rng.normal(0, 4, n).astype(dtype)
    x[::6] = nan
    if bounds == "scalar":
        cases = [(-1.0, 1.0), (nan, 1.0), (-1.0, nan), (2.0, -2.0)]
        for lo_v, hi_v in cases:
            lo, hi = np.array([lo_v], dtype), np.array([hi_v], dtype)
            got = run_clip(x, lo, hi, 0)
            np.testing.assert_array_equal(got, np.clip(x, lo[0], hi[0]))
    else:
        lo = rng.normal(-1, 2, n).astype(dtype)
        hi = rng.normal(1, 2, n).astype(dtype)  # some lo > hi
        lo[::7], hi[::9] = nan, nan
        np.testing.assert_array_equal(run_clip(x, lo, hi, 1), np.clip(x, lo, hi))


def run_clip(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, bound_stride: int) -> np.ndarray:
    out = mk.Storage.empty(str(x.dtype), x.size)
    mk.clip(
        out, 0, [1],
        to_storage(x), 0, [1],
        to_storage(lo), 0, [bound_stride],
        to_storage(hi), 0, [bound_stride],
        [x.size],
    )  # fmt: skip
    return to_array(out)


def test_where_reads_any_nonzero_cond_byte_as_true(isa: str) -> None:
    cond = mk.Storage.from_bytes("bool", bytes([0, 1, 2, 255] * 10))
    a = mk.Storage.from_list("int32", [1] * 40)
    b = mk.Storage.from_list("int32", [0] * 40)
    out = mk.Storage("int32", 40)
    mk.where(out, 0, [1], cond, 0, [1], a, 0, [1], b, 0, [1], [40])
    assert out.tolist() == [0, 1, 1, 1] * 10


def test_where_and_clip_refuse_mismatched_dtypes_naming_them() -> None:
    f = mk.Storage("float32", 3)
    i = mk.Storage("int32", 3)
    c = mk.Storage("bool", 3)
    with pytest.raises(TypeError, match="cond must have dtype bool, got float32"):
        mk.where(f, 0, [1], f, 0, [1], f, 0, [1], f, 0, [1], [3])
    with pytest.raises(TypeError, match="got out float32, a float32, b int32"):
        mk.where(f, 0, [1], c, 0, [1], f, 0, [1], i, 0, [1], [3])
    with pytest.raises(TypeError, match="got out float32, x float32, lo int32, hi float32"):
        mk.clip(f, 0, [1], f, 0, [1], i, 0, [1], f, 0, [1], [3])


def test_where_and_clip_check_layouts_and_accept_empty_and_zero_d() -> None:
    f = mk.Storage.from_list("float64", [5.0])
    c = mk.Storage.from_list("bool", [False])
    out = mk.Storage("float64", 1)
    mk.where(out, 0, [], c, 0, [], f, 0, [], out, 0, [], [])
    assert out.tolist() == [0.0]
    mk.clip(out, 0, [], f, 0, [], out, 0, [], out, 0, [], [])
    assert out.tolist() == [0.0]
    empty = mk.Storage("float64", 0)
    mk.clip(empty, 0, [1], empty, 0, [1], empty, 0, [1], empty, 0, [1], [0])
    big = mk.Storage("float64", 2)
    with pytest.raises(ValueError, match="operand 'hi'"):
        mk.clip(big, 0, [1], big, 0, [1], big, 0, [1], f, 0, [1], [2])
