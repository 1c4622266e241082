"""Storage: allocation, conversions, indexing and the zero-copy buffer protocol."""

from __future__ import annotations

import array
import ctypes
import gc
import sys

import mg_kernels as mk
import ml_dtypes
import numpy as np
import pytest

# name -> (buffer format, itemsize) for every dtype that has a buffer format (all but bfloat16).
DTYPES = {d.name: (d.format, d.itemsize) for d in mk.dtypes() if d.format is not None}
ALL_DTYPES = [d.name for d in mk.dtypes()]


def test_dtype_table_lists_all_thirteen_with_their_facts() -> None:
    rows = [(d.name, d.itemsize, d.kind, d.alignment, d.format) for d in mk.dtypes()]
    assert rows == [
        ("bool", 1, "b", 1, "?"),
        ("int8", 1, "i", 1, "b"),
        ("int16", 2, "i", 2, "h"),
        ("int32", 4, "i", 4, "i"),
        ("int64", 8, "i", 8, "q"),
        ("uint8", 1, "u", 1, "B"),
        ("uint16", 2, "u", 2, "H"),
        ("uint32", 4, "u", 4, "I"),
        ("uint64", 8, "u", 8, "Q"),
        ("float16", 2, "f", 2, "e"),
        ("bfloat16", 2, "f", 2, None),
        ("float32", 4, "f", 4, "f"),
        ("float64", 8, "f", 8, "d"),
    ]
    for d in mk.dtypes():
        if d.name != "bfloat16":
            assert np.dtype(d.name).itemsize == d.itemsize
            assert np.dtype(d.name).kind == d.kind
    assert repr(mk.dtypes()[10]) == (
        "DTypeInfo(name='bfloat16', itemsize=2, kind='f', alignment=2, format=None)"
    )


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_every_dtype_allocates_64_byte_aligned_and_round_trips_bytes(dtype: str) -> None:
    for size in (0, 1, 3, 1000):
        for s in (mk.Storage(dtype, size), mk.Storage.empty(dtype, size)):
            assert s.data_ptr % 64 == 0
            assert (s.dtype, s.size) == (dtype, size)
    raw = bytes(range(24))
    s = mk.Storage.from_bytes(dtype, raw)
    assert s.tobytes() == raw
    assert s.size == 24 // s.itemsize


def test_from_bytes_checks_the_length_and_the_dtype() -> None:
    with pytest.raises(ValueError, match="5 bytes is not a multiple of the int32 itemsize 4"):
        mk.Storage.from_bytes("int32", b"abcde")
    with pytest.raises(ValueError, match=r"3 bytes.*bfloat16 itemsize 2"):
        mk.Storage.from_bytes("bfloat16", b"abc")
    with pytest.raises(TypeError, match=r"'complex64'.*bool, int8.*bfloat16, float32, float64"):
        mk.Storage.from_bytes("complex64", b"")
    with pytest.raises(ValueError, match="not C-contiguous"):
        mk.Storage.from_bytes("float32", np.zeros((4, 4), np.float32).T)


def test_bfloat16_refuses_the_buffer_protocol_and_says_what_to_do() -> None:
    s = mk.Storage.from_list("bfloat16", [1.0, 2.5])
    with pytest.raises(BufferError) as info:
        memoryview(s)
    assert "tobytes" in str(info.value.__cause__)
    assert np.frombuffer(s.tobytes(), ml_dtypes.bfloat16).tolist() == [1.0, 2.5]


def test_narrow_float_bool_and_uint64_values_convert_like_numpy() -> None:
    values = [0.1, 65519.0, 65520.0, -1e-8, 1e300, 3.0]
    half = mk.Storage.from_list("float16", values)
    bf = mk.Storage.from_list("bfloat16", values)
    with np.errstate(over="ignore"):
        assert half.tobytes() == np.array(values, np.float16).tobytes()
        assert bf.tobytes() == np.array(values, ml_dtypes.bfloat16).tobytes()
    assert mk.Storage.from_list("bool", [0, 2, 0.0, 0.5, True, float("nan")]).tolist() == [
        False,
        True,
        False,
        True,
        True,
        True,
    ]
    assert mk.Storage.from_list("uint64", [2**64 - 1, 0]).tolist() == [2**64 - 1, 0]
    with pytest.raises(OverflowError, match="uint64"):
        mk.Storage.from_list("uint64", [2**64])
    with pytest.raises(OverflowError, match="uint8"):
        mk.Storage.from_list("uint8", [-1])
    with pytest.raises(OverflowError, match="uint32"):
        mk.Storage.from_list("uint32", [-0.0 - 1.0])
    assert mk.Storage.from_list("uint8", [255.9, -0.5]).tolist() == [255, 0]


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
    expected = np.arange(1000).astype(view.dtype)
    view[:] = expected
    assert s.tolist() == expected.tolist()


def test_empty_storage_checks_its_arguments_like_the_constructor() -> None:
    with pytest.raises(TypeError, match="'complex64'"):
        mk.Storage.empty("complex64", 3)
    with pytest.raises(ValueError, match="negative size -1"):
        mk.Storage.empty("float32", -1)
    with pytest.raises(MemoryError):
        mk.Storage.empty("float64", 2**62)


def test_unsupported_dtype_is_a_type_error_listing_the_supported_ones() -> None:
    with pytest.raises(TypeError, match=r"'complex64'.*bool, int8, .*, float32, float64"):
        mk.Storage("complex64", 3)
    with pytest.raises(TypeError, match="'float8'"):
        mk.Storage.from_list("float8", [True])


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
    seven, three = (True, True) if dtype == "bool" else (7, 3)
    arr[2] = seven
    assert s.get_item(2) == seven
    s.set_item(1, three)
    assert arr[1] == three


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
def test_from_buffer_views_numpy_arrays_and_copies_on_request(dtype: str) -> None:
    source = np.arange(12).astype(dtype).reshape(3, 4)
    s = mk.Storage.from_buffer(source)
    copied = mk.Storage.from_buffer(source, copy=True)
    assert s.dtype == copied.dtype == dtype
    assert s.tolist() == copied.tolist() == source.ravel().tolist()
    source[0, 0] = 1
    assert s.get_item(0) == 1  # a view (test_foreign_storage.py has the details)
    assert copied.get_item(0) == 0


@pytest.mark.parametrize(
    ("code", "dtype"),
    [
        ("f", "float32"),
        ("d", "float64"),
        ("i", "int32"),
        ("q", "int64"),
        ("b", "int8"),
        ("h", "int16"),
        ("B", "uint8"),
        ("H", "uint16"),
        ("I", "uint32"),
        ("Q", "uint64"),
    ],
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
        (np.zeros(3, np.complex64), "Zf"),
        (np.zeros(3, ">f4"), ">f"),
        (np.zeros(3, "V2"), "2x"),
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
