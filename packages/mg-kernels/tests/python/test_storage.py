"""Storage: allocation, conversions, indexing and the zero-copy buffer protocol."""

from __future__ import annotations

import array
import ctypes
import gc
import sys

import mg_kernels as mk
import numpy as np
import pytest

DTYPES = {"float32": ("f", 4), "float64": ("d", 8), "int32": ("i", 4), "int64": ("q", 8)}


@pytest.mark.parametrize("dtype", DTYPES)
def test_new_storage_is_zeroed_aligned_and_described(dtype: str) -> None:
    s = mk.Storage(dtype, 5)
    assert s.tolist() == [0] * 5
    assert (s.dtype, s.size, len(s)) == (dtype, 5, 5)
    assert s.itemsize == DTYPES[dtype][1]
    assert s.nbytes == 5 * s.itemsize
    assert s.data_ptr % 64 == 0
    assert repr(s) == f"Storage(dtype='{dtype}', size=5)"


@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_storage_is_aligned_described_and_writable(dtype: str) -> None:
    s = mk.Storage.empty(dtype, 1000)
    assert (s.dtype, s.size, s.nbytes) == (dtype, 1000, 1000 * DTYPES[dtype][1])
    assert s.data_ptr % 64 == 0
    view = np.asarray(s)
    view[:] = np.arange(1000)
    assert s.tolist() == list(range(1000))


def test_empty_storage_checks_its_arguments_like_the_constructor() -> None:
    with pytest.raises(TypeError, match="'float16'"):
        mk.Storage.empty("float16", 3)
    with pytest.raises(ValueError, match="negative size -1"):
        mk.Storage.empty("float32", -1)
    with pytest.raises(MemoryError):
        mk.Storage.empty("float64", 2**62)


def test_unsupported_dtype_is_a_type_error_listing_the_supported_ones() -> None:
    with pytest.raises(TypeError, match=r"'float16'.*float32, float64, int32, int64"):
        mk.Storage("float16", 3)
    with pytest.raises(TypeError, match="'bool'"):
        mk.Storage.from_list("bool", [True])


def test_negative_size_is_a_value_error_and_huge_is_a_memory_error() -> None:
    with pytest.raises(ValueError, match="negative size -1"):
        mk.Storage("float32", -1)
    with pytest.raises(ValueError, match="negative size"):
        mk.Storage("float32", -(2**80))
    with pytest.raises(MemoryError):
        mk.Storage("float64", 2**62)  # size * itemsize overflows
    with pytest.raises(MemoryError):
        mk.Storage("float64", 2**80)
    with pytest.raises(MemoryError):
        mk.Storage("float64", 2**50)  # 8 PiB: the allocation itself fails


@pytest.mark.parametrize("dtype", DTYPES)
def test_buffer_protocol_is_a_writable_zero_copy_view(dtype: str) -> None:
    s = mk.Storage(dtype, 4)
    view = memoryview(s)
    assert (view.format, view.itemsize, view.ndim, view.shape) == (
        DTYPES[dtype][0],
        s.itemsize,
        1,
        (4,),
    )
    assert not view.readonly
    arr = np.asarray(s)
    assert arr.dtype == np.dtype(dtype)
    assert arr.ctypes.data == s.data_ptr
    arr[2] = 7
    assert s.get_item(2) == 7
    s.set_item(1, 3)
    assert arr[1] == 3


def test_numpy_view_keeps_the_storage_alive() -> None:
    s = mk.Storage.from_list("float64", [1.5, 2.5])
    arr = np.asarray(s)
    del s
    gc.collect()
    assert arr.tolist() == [1.5, 2.5]
    arr[0] = 4.0
    assert arr.tolist() == [4.0, 2.5]


def test_float_from_list_takes_int_float_and_bool() -> None:
    s = mk.Storage.from_list("float32", [1, 2.5, True, np.float32(0.25), np.int64(3)])  # type: ignore[list-item]
    assert s.tolist() == [1.0, 2.5, 1.0, 0.25, 3.0]
    assert all(isinstance(x, float) for x in s.tolist())


def test_int_from_list_truncates_floats_toward_zero_like_numpy() -> None:
    values = [2.9, -2.9, -0.5, 7, True]
    s = mk.Storage.from_list("int32", values)
    assert s.tolist() == np.array(values).astype(np.int32).tolist()
    assert all(isinstance(x, int) for x in s.tolist())


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_int_from_list_range_errors_name_value_and_dtype(dtype: str) -> None:
    top = int(np.iinfo(dtype).max)
    assert mk.Storage.from_list(dtype, [top]).tolist() == [top]
    with pytest.raises(OverflowError, match=rf"{top + 1}.*{dtype}"):
        mk.Storage.from_list(dtype, [top + 1])
    with pytest.raises(OverflowError, match=dtype):
        mk.Storage.from_list(dtype, [float(2 * top + 10)])
    with pytest.raises(ValueError, match=rf"nan.*{dtype}"):
        mk.Storage.from_list(dtype, [float("nan")])
    with pytest.raises(ValueError, match="inf"):
        mk.Storage.from_list(dtype, [float("-inf")])


def test_from_list_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="str"):
        mk.Storage.from_list("float64", [1.0, "2"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="complex"):
        mk.Storage.from_list("float64", [1j])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="NoneType"):
        mk.Storage.from_list("int64", [None])  # type: ignore[list-item]


def test_float_from_list_of_an_enormous_int_overflows() -> None:
    with pytest.raises(OverflowError, match="float64"):
        mk.Storage.from_list("float64", [10**400])


def test_filled_converts_like_from_list() -> None:
    assert mk.Storage.filled("int64", 3, -2.7).tolist() == [-2, -2, -2]
    assert mk.Storage.filled("float32", 2, True).tolist() == [1.0, 1.0]
    assert mk.Storage.filled("int32", 0, 5).tolist() == []
    with pytest.raises(OverflowError):
        mk.Storage.filled("int32", 3, 2**31)


@pytest.mark.parametrize("dtype", DTYPES)
def test_from_buffer_copies_numpy_arrays(dtype: str) -> None:
    source = np.arange(12, dtype=dtype).reshape(3, 4)
    s = mk.Storage.from_buffer(source)
    assert s.dtype == dtype
    assert s.tolist() == source.ravel().tolist()
    source[0, 0] = 99
    assert s.get_item(0) == 0  # a copy, not a view


@pytest.mark.parametrize(
    ("code", "dtype"), [("f", "float32"), ("d", "float64"), ("i", "int32"), ("q", "int64")]
)
def test_from_buffer_takes_array_array_and_memoryview(code: str, dtype: str) -> None:
    source = array.array(code, [1, 2, 3])
    assert mk.Storage.from_buffer(source).dtype == dtype
    assert mk.Storage.from_buffer(memoryview(source)).tolist() == [1, 2, 3]


def test_from_buffer_decides_c_long_by_itemsize() -> None:
    source = array.array("l", [4, 5])
    expected = {4: "int32", 8: "int64"}[source.itemsize]
    assert mk.Storage.from_buffer(source).dtype == expected


# ctypes arrays export explicit little-endian formats such as '<f'; nested ones are 2-d.
CTYPES_VIEWS = {
    "float32": memoryview((ctypes.c_float * 2 * 3)()),
    "float64": memoryview((ctypes.c_double * 2 * 3)()),
    "int32": memoryview((ctypes.c_int32 * 2 * 3)()),
    "int64": memoryview((ctypes.c_int64 * 2 * 3)()),
}


@pytest.mark.skipif(sys.byteorder != "little", reason="'<' is only native on little-endian hosts")
@pytest.mark.parametrize("dtype", CTYPES_VIEWS)
def test_from_buffer_accepts_explicit_little_endian_formats(dtype: str) -> None:
    source = CTYPES_VIEWS[dtype]
    assert source.format.startswith("<")
    s = mk.Storage.from_buffer(source)
    assert (s.dtype, s.size) == (dtype, 6)


@pytest.mark.parametrize(
    ("source", "fmt"),
    [
        (np.zeros(3, np.uint8), "B"),
        (np.zeros(3, np.float16), "e"),
        (np.zeros(3, ">f4"), ">f"),
        (b"abc", "B"),
    ],
)
def test_from_buffer_rejects_unsupported_formats(source: object, fmt: str) -> None:
    with pytest.raises(TypeError, match=f"'{fmt}'"):
        mk.Storage.from_buffer(source)


def test_from_buffer_rejects_non_contiguous_and_non_buffers() -> None:
    with pytest.raises(ValueError, match="not C-contiguous"):
        mk.Storage.from_buffer(np.zeros((4, 4), np.float32)[:, ::2])
    with pytest.raises(ValueError, match="not C-contiguous"):
        mk.Storage.from_buffer(np.zeros((4, 4), np.float32).T)
    with pytest.raises(TypeError):
        mk.Storage.from_buffer([1.0, 2.0])


def test_get_and_set_item_take_negative_indices() -> None:
    s = mk.Storage.from_list("int64", [10, 20, 30, 40, 50])
    assert s.get_item(-1) == 50
    s.set_item(-5, 7)
    assert s.get_item(0) == 7
    assert s.get_item(np.int64(2)) == 30  # type: ignore[arg-type]


@pytest.mark.parametrize("index", [5, 7, -6, 2**70, -(2**70)])
def test_out_of_range_indices_are_index_errors_with_the_facts(index: int) -> None:
    s = mk.Storage("float32", 5)
    message = f"index {index} is out of bounds for storage of size 5"
    with pytest.raises(IndexError, match=message):
        s.get_item(index)
    with pytest.raises(IndexError, match=message):
        s.set_item(index, 1.0)


def test_set_item_converts_like_from_list() -> None:
    s = mk.Storage("int32", 2)
    s.set_item(0, -3.9)
    assert s.get_item(0) == -3
    with pytest.raises(OverflowError, match="int32"):
        s.set_item(1, 2**40)
    with pytest.raises(TypeError):
        s.set_item(1, "x")  # type: ignore[arg-type]


def test_empty_storage_has_a_valid_address_and_view() -> None:
    s = mk.Storage("float64", 0)
    assert s.data_ptr != 0
    assert np.asarray(s).shape == (0,)
    assert s.tolist() == []
