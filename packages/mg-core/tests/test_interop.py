"""Zero-copy interop with NumPy and PyTorch: asarray, DLPack both ways, lifetime, read-only."""

from __future__ import annotations

import array
import gc
import weakref

import hypothesis.extra.numpy as hnp
import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]  # fmt: skip
TORCH_DTYPES = {name: getattr(torch, name) for name in [*DTYPES, "bfloat16"]}


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


@given(
    st.sampled_from(DTYPES),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    st.data(),
)
def test_asarray_views_any_numpy_layout(
    dtype: str, shape: tuple[int, ...], data: st.DataObject
) -> None:
    base = np.arange(int(np.prod(shape, dtype=np.int64)) * 4).astype(dtype).reshape(*shape, 4)
    steps = st.sampled_from([slice(None), slice(None, None, -1), slice(None, None, 2)])
    key = tuple(data.draw(steps) for _ in shape)
    last = data.draw(st.sampled_from([0, slice(None, None, -2), slice(1, 3)]))
    ref = base[(*key, last, ...)]  # the Ellipsis keeps a 0-d result an array
    t = mg.asarray(ref)
    assert t.shape == ref.shape
    assert t.tolist() == ref.tolist()
    if ref.size:
        assert ptr(t) == ref.ctypes.data  # first element: the same address
        assert tuple(s * ref.itemsize for s in t.strides) == ref.strides or ref.size == 1


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
    with pytest.raises(ValueError, match="read-only"):
        t[[0, 2]] = 7.0  # advanced indexing (the scatter kernel)
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


# --- DLPack -----------------------------------------------------------------------------------


def test_dlpack_device_and_errors() -> None:
    t = mg.arange(3)
    assert t.__dlpack_device__() == (1, 0)
    with pytest.raises(BufferError, match="stream"):
        t.__dlpack__(stream=1)
    with pytest.raises(BufferError, match="CPU"):
        t.__dlpack__(dl_device=(2, 0))
    with pytest.raises(BufferError, match="negative strides"):
        t[::-1].__dlpack__(max_version=(1, 0), copy=False)
    with pytest.raises(ValueError, match="device"):
        mg.from_dlpack(t, device="cuda")
    with pytest.raises(TypeError, match="__dlpack__"):
        mg.from_dlpack([1, 2])  # type: ignore[arg-type]


def test_a_dtype_without_dlpack_or_buffer_format_is_a_type_error() -> None:
    # NumPy refuses datetime64 over DLPack (BufferError) and the buffer protocol (ValueError).
    stamps = np.array(["2020-01-01", "2021-06-30"], dtype="datetime64[D]")
    with pytest.raises(TypeError, match=r"ndarray .* cannot include dtype 'M'"):
        mg.asarray(stamps)


def test_capsule_is_consumed_once() -> None:
    import mg_kernels

    capsule = mg.arange(3).__dlpack__(max_version=(1, 0))
    storage, offset, shape, strides = mg_kernels.from_dlpack(capsule)
    assert (storage.tolist(), offset, shape, strides) == ([0, 1, 2], 0, [3], [1])
    with pytest.raises(ValueError, match="already consumed"):
        mg_kernels.from_dlpack(capsule)
    legacy = mg.arange(2).__dlpack__()
    mg_kernels.from_dlpack(legacy)
    with pytest.raises(ValueError, match="'used_dltensor'"):
        mg_kernels.from_dlpack(legacy)


def test_unconsumed_capsules_release_the_memory_owner() -> None:
    ref = np.arange(3.0)
    owner = weakref.ref(ref)
    capsule = mg.asarray(ref).__dlpack__(max_version=(1, 0))
    del ref
    gc.collect()
    assert owner() is not None  # the capsule keeps the viewed array alive
    del capsule
    gc.collect()
    assert owner() is None  # its destructor released it


def test_consumer_release_frees_the_owner() -> None:
    ref = np.arange(3.0)
    owner = weakref.ref(ref)
    x = torch.from_dlpack(mg.asarray(ref))
    del ref
    gc.collect()
    assert owner() is not None
    assert x.tolist() == [0.0, 1.0, 2.0]
    del x
    gc.collect()
    assert owner() is None


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_from_dlpack_views_mg_tensors(dtype: str) -> None:
    t = mg.asarray(np.arange(6).astype(dtype).reshape(2, 3))[:, 1:]
    a = np.from_dlpack(t)
    assert a.dtype == np.dtype(dtype)
    assert a.ctypes.data == ptr(t)
    assert a.tolist() == t.tolist()
    a[0, 0] = 0
    assert t[0, 0].item() == 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_mg_from_dlpack_views_numpy(dtype: str) -> None:
    ref = np.arange(12).astype(dtype).reshape(3, 4).T[::2]
    t = mg.from_dlpack(ref)
    assert t.tolist() == ref.tolist()
    assert ptr(t) == ref.ctypes.data


def test_read_only_flag_travels_through_dlpack() -> None:
    ref = np.arange(3.0)
    ref.flags.writeable = False
    t = mg.from_dlpack(ref)
    assert t.readonly
    back = np.from_dlpack(t)
    assert not back.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        t[0] = 1.0
    # A legacy capsule has no read-only flag: mg exports a copy instead.
    legacy = mg.from_dlpack(_Legacy(t))
    assert not legacy.readonly
    assert ptr(legacy) != ptr(t)


class _Legacy:
    def __init__(self, t: mg.Tensor) -> None:
        self.t = t

    def __dlpack__(self) -> object:
        return self.t.__dlpack__()

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.t.__dlpack_device__()


@pytest.mark.parametrize("dtype", [*DTYPES, "bfloat16"])
def test_torch_round_trips_zero_copy(dtype: str) -> None:
    t = mg.asarray(np.arange(12).reshape(3, 4) % 2).astype(dtype)
    view = t[:, 1::2]
    x = torch.from_dlpack(view)
    assert x.dtype == TORCH_DTYPES[dtype]
    assert x.data_ptr() == ptr(view)
    assert tuple(x.stride()) == view.strides
    assert x.tolist() == view.tolist()
    back = mg.from_dlpack(x)
    assert back.dtype is t.dtype
    assert ptr(back) == ptr(view)
    assert back.tolist() == view.tolist()
    x[0, 0] = 1
    assert view[0, 0].item() == 1


@given(
    st.sampled_from(DTYPES),
    hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
    st.data(),
)
def test_torch_views_any_positive_stride_layout_both_ways(
    dtype: str, shape: tuple[int, ...], data: st.DataObject
) -> None:
    base = mg.asarray(np.arange(int(np.prod(shape, dtype=np.int64))).astype(dtype).reshape(shape))
    steps = st.sampled_from([slice(None), slice(None, None, 2), slice(1, None)])
    view = base[tuple(data.draw(steps) for _ in shape)]
    if data.draw(st.booleans()) and view.ndim >= 2:
        view = view.mT
    x = torch.from_dlpack(view)
    assert tuple(x.shape) == view.shape
    assert x.tolist() == view.tolist()
    back = mg.from_dlpack(x)
    assert back.tolist() == view.tolist()
    if view.size:
        assert x.data_ptr() == ptr(view) == ptr(back)
        assert back.strides == view.strides or view.size == 1


def test_torch_tensor_into_mg_writes_show_both_ways() -> None:
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    t = mg.from_dlpack(x)
    assert ptr(t) == x.data_ptr()
    t[1] = 0.0
    assert x.tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]
    x.add_(1)
    assert t.tolist() == [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]
    assert mg.asarray(x).tolist() == t.tolist()  # asarray goes through DLPack too


def test_torch_bfloat16_values_survive() -> None:
    x = torch.tensor([1.5, -2.0, 3.140625], dtype=torch.bfloat16)
    t = mg.from_dlpack(x)
    assert t.dtype is mg.bfloat16
    assert t.astype("float32").tolist() == x.float().tolist()
    y = torch.from_dlpack(t)
    assert torch.equal(x, y)


def test_torch_lifetimes_both_ways() -> None:
    x = torch.arange(4, dtype=torch.int64)
    t = mg.from_dlpack(x)
    del x
    gc.collect()
    assert t.tolist() == [0, 1, 2, 3]  # the torch deleter runs only when t dies

    u = mg.arange(5, dtype="float64")
    ref = weakref.ref(u)
    y = torch.from_dlpack(u)
    storage_ptr = ptr(u)
    del u
    gc.collect()
    assert ref() is None  # the Python tensor may go: the capsule holds the memory itself
    assert y.data_ptr() == storage_ptr
    assert y.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_negative_strides_are_copied_for_torch_and_viewed_by_numpy() -> None:
    t = mg.arange(4)[::-1]
    x = torch.from_dlpack(t)  # torch cannot view negative strides: mg exports a copy
    assert x.tolist() == [3, 2, 1, 0]
    assert x.data_ptr() != ptr(t)
    back = mg.from_dlpack(np.arange(4)[::-1])
    assert back.strides == (-1,)
    assert back.tolist() == [3, 2, 1, 0]


def test_zero_d_and_empty_round_trips() -> None:
    for t in (mg.asarray(2.5), mg.zeros((0, 3)), mg.zeros((2, 0))):
        x = torch.from_dlpack(t)
        assert tuple(x.shape) == t.shape
        back = mg.from_dlpack(x)
        assert back.shape == t.shape
        assert back.tolist() == t.tolist()
        a = np.from_dlpack(t)
        assert a.shape == t.shape


def test_torch_from_dlpack_copy_true_copies() -> None:
    x = torch.zeros(3)
    t = mg.from_dlpack(x, copy=True)
    t[0] = 1.0
    assert x.tolist() == [0.0, 0.0, 0.0]


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
