"""Zero-copy interop with NumPy: asarray views, lifetime, read-only inputs, scalars."""

from __future__ import annotations

import array
import gc
import weakref

import mg_core as mg
import numpy as np
import pytest

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]  # fmt: skip


def ptr(t: mg.Tensor) -> int:
    return t.buffer.storage.data_ptr + t.offset * t.dtype.itemsize


# --- asarray from NumPy ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_asarray_views_numpy_and_writes_show_both_ways(dtype: str) -> None:
    ref = np.zeros((2, 3), dtype)
    t = mg.asarray(ref)
    assert ptr(t) == ref.ctypes.data
    t[0, 1] = 1
    assert ref[0, 1] == 1
    ref[1, 2] = 1
    assert t[1, 2].item() == 1


def test_asarray_copy_argument_follows_the_array_api() -> None:
    ref = np.arange(4.0)
    assert ptr(mg.asarray(ref, copy=False)) == ref.ctypes.data
    copied = mg.asarray(ref, copy=True)
    assert ptr(copied) != ref.ctypes.data
    assert copied.tolist() == ref.tolist()
    with pytest.raises(ValueError, match="float64 to float32 needs a copy, but copy=False"):
        mg.asarray(ref, dtype="float32", copy=False)
    with pytest.raises(ValueError, match="copy=False"):
        mg.asarray([1, 2], copy=False)
    t = mg.arange(3)
    assert mg.asarray(t, copy=False) is t
    assert mg.asarray(t, copy=True).buffer is not t.buffer


def test_asarray_of_buffer_objects_without_dlpack() -> None:
    source = array.array("i", [1, 2, 3])
    t = mg.asarray(source)
    t[0] = 7
    assert source[0] == 7
    strided = memoryview(np.arange(6, dtype=np.int16))[::2]  # no __dlpack__, not contiguous
    c = mg.asarray(strided)
    assert c.tolist() == [0, 2, 4]
    with pytest.raises(ValueError, match="copy=False"):
        mg.asarray(strided, copy=False)


def test_read_only_numpy_input_stays_read_only() -> None:
    ref = np.arange(4.0)
    ref.flags.writeable = False
    t = mg.asarray(ref)
    assert t.readonly
    assert ptr(t) == ref.ctypes.data
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        t += 1.0
    with pytest.raises(ValueError, match="read-only"):
        t[1:] *= 2.0
    assert ref.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert (t + 1.0).tolist() == [1.0, 2.0, 3.0, 4.0]  # reading is fine
    assert not t.numpy().flags.writeable
    assert not mg.asarray(ref, copy=True).readonly


def test_numpy_array_keeps_the_mg_tensor_alive_and_the_other_way_round() -> None:
    t = mg.arange(5, dtype="float32")
    buffer_ref = weakref.ref(t)
    a = t.numpy()
    assert a.ctypes.data == ptr(t)
    del t
    gc.collect()
    assert buffer_ref() is not None
    assert a.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    del a
    gc.collect()
    assert buffer_ref() is None

    ref = np.arange(5.0)
    array_ref = weakref.ref(ref)
    u = mg.asarray(ref)
    del ref
    gc.collect()
    assert array_ref() is not None
    assert u.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    del u
    gc.collect()
    assert array_ref() is None


# --- Python scalars -------------------------------------------------------------------------


def test_scalar_conversions_follow_the_array_api() -> None:
    assert float(mg.asarray(2.5)) == 2.5
    assert int(mg.asarray(7)) == 7
    assert complex(mg.asarray(1.5)) == 1.5 + 0j
    assert bool(mg.asarray([0])) is False
    assert mg.asarray([[3]]).item() == 3
    assert [10, 20, 30][mg.asarray(1)] == 20
    with pytest.raises(TypeError, match="integer"):
        [1, 2][mg.asarray(1.0)]
    with pytest.raises(ValueError, match="ambiguous"):
        bool(mg.asarray([1, 2]))
    with pytest.raises(ValueError, match="size 1"):
        float(mg.zeros(3))
