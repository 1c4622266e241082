"""Buffer: construction from lists, buffers and storages; element access; casts."""

from __future__ import annotations

import array

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core._kernels import Storage
from mg_core.buffer import Buffer, dtype_of_format
from mg_core_strategies import DTYPES, any_values


@given(st.data(), st.sampled_from(DTYPES))
def test_from_list_round_trips(data: st.DataObject, dtype: str) -> None:
    values = data.draw(st.lists(any_values(dtype), max_size=20))
    buf = Buffer(values, dtype)
    nbytes = np.dtype(dtype).itemsize * len(values)
    assert (buf.dtype.name, len(buf), buf.nbytes) == (dtype, len(values), nbytes)
    np.testing.assert_array_equal(np.array(buf.tolist(), dtype), np.array(values, dtype))


@given(st.data(), st.sampled_from(DTYPES))
def test_from_numpy_copies_in_c_order(data: st.DataObject, dtype: str) -> None:
    ref = data.draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0)))
    for src in (ref, ref.T, ref[..., ::-1], ref[..., ::2]):
        buf = Buffer(src)
        assert buf.dtype.name == dtype
        np.testing.assert_array_equal(np.array(buf.tolist(), dtype), src.ravel())


def test_from_numpy_is_a_copy() -> None:
    ref = np.arange(4.0)
    buf = Buffer(ref)
    ref[0] = 9.0
    assert buf.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_from_array_module_and_storage() -> None:
    assert Buffer(array.array("q", [2**62 + 1])).tolist() == [2**62 + 1]
    assert Buffer(array.array("f", [1.5])).dtype is mg.float32
    storage = Storage("int32", 3)
    buf = Buffer(storage)
    assert buf.storage is storage  # wrapped, not copied
    assert buf.dtype is mg.int32


def test_dtype_inference_and_conversion() -> None:
    assert Buffer([1, 2]).dtype is mg.int64
    assert Buffer([1, 2.0]).dtype is mg.float64
    assert Buffer([]).dtype is mg.float64
    assert Buffer([1.9, -1.9, 2], "int32").tolist() == [1, -1, 2]  # truncation, as NumPy's astype
    assert Buffer([2**53 + 1, -(2**62) - 3], "int64").tolist() == [2**53 + 1, -(2**62) - 3]


def test_ints_that_do_not_fit_overflow_like_numpy() -> None:
    with pytest.raises(OverflowError, match="2147483648 is out of range for dtype int32"):
        Buffer([1, 2**31], "int32")
    with pytest.raises(OverflowError, match="out of range for dtype int64"):
        Buffer([2**63], "int64")


@pytest.mark.parametrize("dtype", DTYPES)
def test_get_and_set_item(dtype: str) -> None:
    buf = Buffer([1, 2, 3], dtype)
    buf.set_item(-1, 7)
    buf.set_item(0, -4)
    assert buf.tolist() == [-4, 2, 7]
    assert [type(v) for v in buf.tolist()] == [int if dtype[0] == "i" else float] * 3
    assert buf.get_item(-3) == -4
    for bad in (3, -4):
        with pytest.raises(IndexError, match=f"index {bad} is out of bounds for buffer of size 3"):
            buf.get_item(bad)
        with pytest.raises(IndexError, match=f"index {bad} is out of bounds"):
            buf.set_item(bad, 0)


def test_set_item_big_ints_exactly() -> None:
    buf = Buffer([0, 0], "int64")
    buf.set_item(1, 2**62 + 1)
    assert buf.tolist() == [0, 2**62 + 1]
    with pytest.raises(OverflowError):
        Buffer([0], "int32").set_item(0, 2**31)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("value", [0, 3, -2.5, 2**40])
def test_filled_matches_numpy_full(dtype: str, value: float) -> None:
    try:
        expected = np.full(4, value, dtype)
    except OverflowError:
        with pytest.raises(OverflowError):
            Buffer.filled(4, value, dtype)
        return
    np.testing.assert_array_equal(
        np.array(Buffer.filled(4, value, dtype).tolist(), dtype), expected
    )


def test_filled_is_exact_for_big_int64() -> None:
    assert Buffer.filled(3, -(2**63), "int64").tolist() == [-(2**63)] * 3
    assert Buffer.filled(0, 1, "float32").tolist() == []


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", DTYPES)
def test_cast_matches_numpy_for_in_range_values(src: str, dst: str) -> None:
    values = [0, 1, -7, 100, 2**20 + 1] + ([0.5, -2.75, 1e6 + 0.5] if src[0] == "f" else [])
    ref = np.array(values, src)
    cast = Buffer(values, src).cast(dst)
    assert cast.dtype.name == dst
    np.testing.assert_array_equal(np.array(cast.tolist(), dst), ref.astype(dst))


def test_cast_of_nan_gives_zero() -> None:
    assert Buffer([float("nan"), 1.0]).cast("int32").tolist() == [0, 1]


@pytest.mark.parametrize(
    "source", [np.array([1.5, -0.0, 65504.0], np.float16), np.array([True, False]), b"abc"]
)
def test_buffers_of_the_smaller_dtypes_copy_like_numpy(source: object) -> None:
    expected = np.frombuffer(source, np.uint8) if isinstance(source, bytes) else source
    assert isinstance(expected, np.ndarray)
    buffer = Buffer(source)  # type: ignore[arg-type]
    assert buffer.dtype.name == expected.dtype.name
    assert buffer.tolist() == expected.tolist()


def test_unsupported_inputs() -> None:
    with pytest.raises(TypeError, match="unsupported dtype 'Zd'"):  # the buffer's format
        Buffer(np.zeros(2, complex))
    with pytest.raises(TypeError, match="from a str"):
        Buffer("abc")
    with pytest.raises(TypeError, match="cannot build a Buffer from object"):
        Buffer(object())  # type: ignore[arg-type]


def test_dtype_of_format() -> None:
    for name in DTYPES:
        view = memoryview(np.zeros(1, name))
        assert dtype_of_format(view.format, view.itemsize).name == name
    assert dtype_of_format("<d", 8) is mg.float64
    with pytest.raises(TypeError, match="unsupported dtype '>d'"):
        dtype_of_format(">d", 8)


def test_repr() -> None:
    assert repr(Buffer([1, 2], "int32")) == "Buffer([1, 2], dtype=int32)"
