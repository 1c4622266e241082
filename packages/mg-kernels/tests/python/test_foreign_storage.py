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
