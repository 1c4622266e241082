"""Foreign storages: zero-copy from_buffer, lifetime of the viewed memory, read-only checks."""

from __future__ import annotations

import array
import gc
import weakref

import mg_kernels as mk
import numpy as np
import pytest

FORMAT_DTYPES = [d.name for d in mk.dtypes() if d.format is not None]


@pytest.mark.parametrize("dtype", FORMAT_DTYPES)
def test_from_buffer_is_zero_copy_and_writes_show_both_ways(dtype: str) -> None:
    source = np.zeros(6, dtype)
    s = mk.Storage.from_buffer(source)
    assert s.foreign
    assert not s.readonly
    assert s.data_ptr == source.ctypes.data
    s.set_item(2, 1)
    assert source[2] == 1
    source[4] = 1
    assert s.get_item(4) == 1


def test_from_buffer_keeps_the_exporter_alive_and_releases_it_after() -> None:
    source = np.arange(5, dtype=np.int64)
    ref = weakref.ref(source)
    s = mk.Storage.from_buffer(source)
    del source
    gc.collect()
    assert ref() is not None  # the storage holds the buffer (and so the array)
    assert s.tolist() == [0, 1, 2, 3, 4]
    view = np.asarray(s)  # a view of the view: keeps s alive in turn
    del s
    gc.collect()
    assert ref() is not None
    assert view.tolist() == [0, 1, 2, 3, 4]
    del view
    gc.collect()
    assert ref() is None


def test_read_only_buffers_give_read_only_storages_that_refuse_writes() -> None:
    source = np.arange(4, dtype=np.float32)
    source.flags.writeable = False
    s = mk.Storage.from_buffer(source)
    assert s.readonly
    other = mk.Storage.from_list("float32", [1.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="read-only"):
        s.set_item(0, 5.0)
    with pytest.raises(ValueError, match="out: output storage is read-only"):
        mk.binary(mk.BinaryOp.ADD, s, 0, [1], s, 0, [1], other, 0, [1], [4])
    with pytest.raises(ValueError, match="read-only"):
        mk.copy(s, 0, [1], other, 0, [1], [4])
    with pytest.raises(ValueError, match="read-only"):
        mk.copy(s, 0, [1], other, 0, [1], [0])  # even when nothing would be written
    with pytest.raises(ValueError, match="read-only"):
        mk.unary(mk.UnaryOp.NEGATIVE, s, 0, [1], other, 0, [1], [4])
    with pytest.raises(ValueError, match="read-only"):
        mk.scan(mk.ScanOp.CUMSUM, s, 0, [1], other, 0, [1], [4])
    mean = mk.Storage("float32", 1)
    with pytest.raises(ValueError, match="mean_var var: output storage is read-only"):
        mk.mean_var(mean, 0, [0], s, 0, [0], other, 0, [1], [4], 0)
    assert source.tolist() == [0.0, 1.0, 2.0, 3.0]
    # Reading is fine, and its memoryview is read-only too.
    out = mk.Storage("float32", 4)
    mk.binary(mk.BinaryOp.ADD, out, 0, [1], s, 0, [1], other, 0, [1], [4])
    assert out.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert memoryview(s).readonly
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(s)[0] = 1.0


def test_bytes_are_read_only_and_bytearrays_writable() -> None:
    assert mk.Storage.from_buffer(b"abc").readonly
    raw = bytearray(b"abc")
    s = mk.Storage.from_buffer(raw)
    s.set_item(0, 0)
    assert raw == bytearray(b"\x00bc")


def test_misaligned_buffers_are_copied() -> None:
    raw = np.zeros(17, np.uint8)
    misaligned = raw[1:].view(np.float32)  # 4 floats starting at an odd address
    assert misaligned.ctypes.data % 4 != 0
    s = mk.Storage.from_buffer(misaligned)
    assert not s.foreign
    assert s.tolist() == [0.0] * 4


def test_copy_true_gives_an_owned_writable_storage() -> None:
    source = array.array("d", [1.0, 2.0])
    s = mk.Storage.from_buffer(source, copy=True)
    assert not s.foreign
    assert not s.readonly
    s.set_item(0, 9.0)
    assert source[0] == 1.0


def test_overlapping_foreign_storages_are_detected() -> None:
    # Two storages over one array alias each other: an output overlapping an input must not
    # read elements the kernel already wrote (Note [Overlapping operands]).
    base = np.arange(8, dtype=np.float64)
    a = mk.Storage.from_buffer(base)
    b = mk.Storage.from_buffer(base)
    zero = mk.Storage("float64", 1)
    # out = a[1:], src = b[:-1]: a shifted copy, which NumPy computes from a snapshot.
    mk.binary(mk.BinaryOp.ADD, a, 1, [1], b, 0, [1], zero, 0, [0], [7])
    assert base.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_empty_and_zero_d_buffers() -> None:
    assert mk.Storage.from_buffer(np.zeros(0, np.int16)).size == 0
    s = mk.Storage.from_buffer(np.array(3.5))
    assert (s.size, s.get_item(0)) == (1, 3.5)


# --- DLPack ---------------------------------------------------------------------------------


class _Producer:
    """Hands NumPy a capsule made by to_dlpack (numpy.from_dlpack wants an object)."""

    def __init__(self, capsule: object) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs: object) -> object:
        return self.capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return (1, 0)


@pytest.mark.parametrize("dtype", FORMAT_DTYPES)
def test_to_dlpack_is_a_zero_copy_view_numpy_reads(dtype: str) -> None:
    s = mk.Storage.from_list(dtype, [0, 1, 0, 1, 1, 0])
    a = np.from_dlpack(_Producer(mk.to_dlpack(s, 1, [2, 2], [1, 2])))
    assert a.dtype == np.dtype(dtype)
    assert a.ctypes.data == s.data_ptr + s.itemsize
    assert a.tolist() == np.asarray(s)[1:5].reshape(2, 2).T.tolist()
    a[0, 0] = 0
    assert s.get_item(1) == 0


def test_from_dlpack_views_numpy_and_calls_its_deleter_once() -> None:
    source = np.arange(10, dtype=np.int32)[::-3]  # negative strides: offset counts from the low end
    owner = weakref.ref(source.base)
    s, offset, shape, strides = mk.from_dlpack(source.__dlpack__(max_version=(1, 0)))
    assert (s.foreign, offset, shape, strides) == (True, 9, [4], [-3])
    assert [s.get_item(offset + i * strides[0]) for i in range(4)] == [9, 6, 3, 0]
    del source
    gc.collect()
    assert owner() is not None
    del s
    gc.collect()
    assert owner() is None


def test_capsules_are_consumed_once_and_checked() -> None:
    capsule = mk.to_dlpack(mk.Storage("int8", 2), 0, [2], [1])
    mk.from_dlpack(capsule)
    with pytest.raises(ValueError, match="already consumed"):
        mk.from_dlpack(capsule)
    with pytest.raises(TypeError, match="expected a DLPack capsule, got list"):
        mk.from_dlpack([1])
    with pytest.raises(ValueError, match="tensor"):
        mk.to_dlpack(mk.Storage("int8", 2), 0, [3], [1])


def test_read_only_flag_is_exported_and_imported() -> None:
    source = np.arange(3.0)
    source.flags.writeable = False
    s, *_ = mk.from_dlpack(source.__dlpack__(max_version=(1, 0)))
    assert s.readonly
    back = np.from_dlpack(_Producer(mk.to_dlpack(s, 0, [3], [1])))
    assert not back.flags.writeable
    with pytest.raises(BufferError, match="legacy"):
        mk.to_dlpack(s, 0, [3], [1], versioned=False)


def test_legacy_capsules_round_trip() -> None:
    s = mk.Storage.from_list("uint16", [1, 2, 3])
    t, offset, shape, strides = mk.from_dlpack(mk.to_dlpack(s, 0, [3], [1], versioned=False))
    assert (t.data_ptr, offset, shape, strides) == (s.data_ptr, 0, [3], [1])
    assert not t.readonly


def test_unsupported_dtypes_raise_type_error() -> None:
    with pytest.raises(TypeError, match="unsupported DLPack dtype"):
        mk.from_dlpack(np.zeros(2, np.complex64).__dlpack__(max_version=(1, 0)))


def test_indexing_sorting_and_matmul_refuse_read_only_outputs() -> None:
    frozen = np.zeros(4, np.float32)
    frozen.flags.writeable = False
    out = mk.Storage.from_buffer(frozen)
    src = mk.Storage.from_list("float32", [3.0, 1.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="sort out: output storage is read-only"):
        mk.sort(out, 0, [1], src, 0, [1], [4])
    offsets = mk.Storage.from_list("int64", [0, 1])
    with pytest.raises(ValueError, match="scatter dst: output storage is read-only"):
        mk.scatter(out, 0, [1], [2], src, 0, [1], offsets, 0, 2)
    with pytest.raises(ValueError, match="matmul out: output storage is read-only"):
        mk.matmul(out, 0, [2, 1], [2, 2], src, 0, [2, 1], [2, 2], src, 0, [2, 1], [2, 2])
    assert frozen.tolist() == [0.0] * 4


def test_matmul_refuses_an_output_aliasing_an_input_through_another_storage() -> None:
    base = np.eye(2, dtype=np.float64).ravel()
    a = mk.Storage.from_buffer(base)
    alias = mk.Storage.from_buffer(base)
    with pytest.raises(ValueError, match="must not share its storage"):
        mk.matmul(alias, 0, [2, 1], [2, 2], a, 0, [2, 1], [2, 2], a, 0, [2, 1], [2, 2])
