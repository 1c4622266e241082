"""Tensor: views share memory, copies only when needed, conversions, NumPy interop."""

from __future__ import annotations

import gc
import weakref

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core.buffer import Buffer
from mg_core_strategies import DTYPES, laid_out, moderate_values, shapes, tensors


def shares_buffer(a: mg.Tensor, b: mg.Tensor) -> bool:
    return a.buffer.storage is b.buffer.storage


def test_fields_and_attributes() -> None:
    t = mg.zeros((2, 3), "float32")
    assert (t.shape, t.strides, t.offset, t.ndim, t.size, t.device) == (
        (2, 3),
        (3, 1),
        0,
        2,
        6,
        "cpu",
    )
    assert t.dtype is mg.float32
    assert isinstance(t.buffer, Buffer)
    assert not hasattr(t, "__dict__")  # __slots__
    assert weakref.ref(t)() is t


def test_constructor_checks_the_view_fits() -> None:
    buf = Buffer([1, 2, 3, 4, 5, 6], "int32")
    assert mg.Tensor(buf, (2, 2), (1, 2), 1).tolist() == [[2, 4], [3, 5]]
    assert mg.Tensor(buf, (3,), (-2,), 5).tolist() == [6, 4, 2]
    with pytest.raises(ValueError, match="outside a buffer of 6 elements"):
        mg.Tensor(buf, (2, 3), (3, 1), 1)
    with pytest.raises(ValueError, match="outside a buffer"):
        mg.Tensor(buf, (2,), (-1,), 0)
    with pytest.raises(ValueError, match=r"strides \(1,\) do not match shape \(2, 3\)"):
        mg.Tensor(buf, (2, 3), (1,))


def test_classmethod_constructors_match_numpy() -> None:
    np.testing.assert_array_equal(np.asarray(mg.Tensor.full((2, 2), 3.5)), np.full((2, 2), 3.5))
    assert mg.Tensor.ones(3).dtype.name == np.ones(3).dtype.name
    assert mg.Tensor.zeros((1, 2), "int32").tolist() == np.zeros((1, 2), np.int32).tolist()


def test_views_share_memory_and_write_through() -> None:
    base = mg.arange(12).reshape(3, 4)
    views = [
        base.reshape(2, 6),
        base.T,
        base[1:, ::-2],
        base.permute(1, 0),
        base[None, ..., 0],
        base.broadcast_to((2, 3, 4)),
        base[1].unsqueeze(0),
    ]
    for view in views:
        assert shares_buffer(view, base)
    base[2, 3] = -1
    assert base.T[3, 2].item() == -1
    assert base.reshape(12)[11].item() == -1
    view = base[1:, ::-2]  # rows 1..2, columns 3, 1
    view[0, 0] = 100
    assert base[1, 3].item() == 100


@given(data=st.data(), shape=shapes)
def test_reshape_matches_numpy_and_views_when_possible(
    data: st.DataObject, shape: tuple[int, ...]
) -> None:
    ref, t = data.draw(laid_out("int64", shape))
    size = int(np.prod(shape))
    new_shape = data.draw(
        hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6).filter(
            lambda s: int(np.prod(s)) == size
        )
    )
    expected = ref.reshape(new_shape)
    ours = t.reshape(new_shape)
    np.testing.assert_array_equal(np.asarray(ours), expected)
    assert np.asarray(t.reshape(*new_shape)).shape == new_shape
    if np.shares_memory(expected, ref) and size > 1:
        assert shares_buffer(ours, t)


def test_reshape_infers_minus_one_and_rejects_bad_sizes() -> None:
    t = mg.arange(6)
    assert t.reshape(-1, 3).shape == np.arange(6).reshape(-1, 3).shape
    with pytest.raises(ValueError, match=r"cannot reshape tensor of size 6 into shape \(4,\)"):
        t.reshape(4)
    with pytest.raises(ValueError, match=r"cannot reshape tensor of size 6 into shape \(4, -1\)"):
        t.reshape(4, -1)
    with pytest.raises(ValueError, match="one may be -1"):
        t.reshape(-1, -1)


@given(data=st.data())
def test_permute_transpose_T_mT_match_numpy(data: st.DataObject) -> None:
    ref, t = data.draw(tensors())
    perm = data.draw(st.permutations(range(t.ndim)))
    np.testing.assert_array_equal(np.asarray(t.permute(perm)), ref.transpose(perm))
    np.testing.assert_array_equal(np.asarray(mg.permute_dims(t, perm)), ref.transpose(perm))
    np.testing.assert_array_equal(np.asarray(t.T), ref.T)
    if t.ndim >= 2:
        np.testing.assert_array_equal(np.asarray(t.mT), np.swapaxes(ref, -1, -2))
        np.testing.assert_array_equal(np.asarray(t.transpose(0, -1)), np.swapaxes(ref, 0, -1))


def test_permute_rejects_non_permutations() -> None:
    with pytest.raises(ValueError, match=r"permute: \(0, 0\) is not a permutation of the 2 axes"):
        mg.zeros((2, 3)).permute(0, 0)
    with pytest.raises(mg.AxisError):
        mg.zeros((2, 3)).transpose(0, 2)


@given(data=st.data(), case=hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=3))
def test_broadcast_to_and_expand_match_numpy(
    data: st.DataObject, case: hnp.BroadcastableShapes
) -> None:
    ref, t = data.draw(laid_out("float64", case.input_shapes[0]))
    expected = np.broadcast_to(ref, case.result_shape)
    ours = t.broadcast_to(case.result_shape)
    np.testing.assert_array_equal(np.asarray(ours), expected)
    assert shares_buffer(ours, t)
    lead = ours.ndim - t.ndim
    for i, (d, stride) in enumerate(zip(ours.shape, ours.strides, strict=True)):
        if d > 1 and (i < lead or t.shape[i - lead] == 1):
            assert stride == 0
    sizes = [-1 if i >= lead and t.shape[i - lead] == d else d for i, d in enumerate(ours.shape)]
    np.testing.assert_array_equal(np.asarray(t.expand(*sizes)), expected)


def test_broadcast_to_uses_zero_strides_and_rejects_bad_shapes() -> None:
    t = mg.asarray([[1], [2]]).broadcast_to((3, 2, 4))
    assert t.strides == (0, 1, 0)
    with pytest.raises(ValueError, match=r"cannot broadcast shape \(2, 1\) to shape \(3, 4\)"):
        mg.zeros((2, 1)).broadcast_to((3, 4))


def test_squeeze_and_unsqueeze_match_numpy() -> None:
    ref = np.arange(6).reshape(1, 2, 1, 3)
    t = mg.asarray(ref)
    assert t.squeeze().shape == np.squeeze(ref).shape
    assert t.squeeze(2).shape == np.squeeze(ref, 2).shape
    assert t.squeeze((0, -2)).shape == np.squeeze(ref, (0, -2)).shape
    assert t.unsqueeze(-1).shape == np.expand_dims(ref, -1).shape
    np.testing.assert_array_equal(np.asarray(t.unsqueeze(1)), np.expand_dims(ref, 1))
    with pytest.raises(ValueError, match=r"cannot squeeze axis 1 of size 2 in \(1, 2, 1, 3\)"):
        t.squeeze(1)


@given(data=st.data())
def test_contiguous_copies_only_when_needed(data: st.DataObject) -> None:
    ref, t = data.draw(tensors())
    dense = t.contiguous()
    np.testing.assert_array_equal(np.asarray(dense), ref)
    assert dense.is_contiguous
    if ref.flags.c_contiguous or ref.size <= 1:
        assert dense is t
    else:
        assert not shares_buffer(dense, t)
    copied = t.copy()
    assert not shares_buffer(copied, t)
    np.testing.assert_array_equal(np.asarray(copied), ref)


@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_astype_matches_numpy_for_in_range_values(data: st.DataObject, dtype: str) -> None:
    ref, t = data.draw(tensors(elements=moderate_values))
    np.testing.assert_array_equal(np.asarray(t.astype(dtype)), ref.astype(dtype))
    assert t.astype(dtype).dtype.name == dtype
    same = t.astype(t.dtype, copy=False)
    assert same is t
    assert not shares_buffer(t.astype(t.dtype), t)


def test_astype_float_to_int_is_defined_for_nan_and_out_of_range() -> None:
    t = mg.asarray([float("nan"), 1e30, -1e30, -2.7])
    assert t.astype("int32").tolist() == [0, 2**31 - 1, -(2**31), -2]


@given(data=st.data())
def test_tolist_matches_numpy(data: st.DataObject) -> None:
    ref, t = data.draw(tensors())
    expected = ref.tolist()
    got = t.tolist()
    np.testing.assert_array_equal(
        np.array(got, dtype=ref.dtype), np.array(expected, dtype=ref.dtype)
    )
    assert type(got) is type(expected)


def test_item_len_bool_float_int() -> None:
    assert mg.asarray([[7]], "int32").item() == 7
    assert isinstance(mg.asarray([1.5], "float32").item(), float)
    with pytest.raises(ValueError, match="can only convert a tensor of size 1 to a Python scalar"):
        mg.zeros(2).item()
    assert len(mg.zeros((4, 2))) == 4
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mg.asarray(1.0))
    assert bool(mg.asarray([0.5]))
    assert not bool(mg.asarray(0))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(mg.zeros(2))
    assert float(mg.asarray(2)) == 2.0
    assert int(mg.asarray(2.9)) == 2
    assert [x.item() for x in mg.arange(3)] == [0, 1, 2]
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(mg.asarray(1))


@given(data=st.data())
def test_numpy_asarray_is_a_zero_copy_view(data: st.DataObject) -> None:
    ref, t = data.draw(tensors())
    view = np.asarray(t)
    assert view.dtype.name == t.dtype.name
    assert view.shape == t.shape
    np.testing.assert_array_equal(view, ref)
    if t.size:
        start = t.buffer.storage.data_ptr + t.offset * t.dtype.itemsize
        assert view.ctypes.data == start
        assert np.shares_memory(view, np.asarray(mg.Tensor(t.buffer)))


def test_numpy_writes_are_seen_by_the_tensor_and_views() -> None:
    t = mg.zeros((2, 3), "int32")
    flipped = t[:, ::-1]
    view = np.asarray(flipped)
    view[0, 0] = 5
    assert t.tolist() == [[0, 0, 5], [0, 0, 0]]
    assert view.strides == (12, -4)


def test_numpy_view_keeps_the_storage_alive() -> None:
    t = mg.arange(1000, dtype="float64")
    alive = weakref.ref(t)
    view = np.asarray(t[10:20])
    del t
    gc.collect()
    assert alive() is None  # the slice's Tensor, not t, is what NumPy holds
    np.testing.assert_array_equal(view, np.arange(10, 20, dtype=np.float64))
    view[:] = 1.0  # still writable memory
    assert view.sum() == 10.0


def test_numpy_holds_the_tensor_itself() -> None:
    t = mg.asarray([1.5, 2.5], "float32")
    view = np.asarray(t)
    alive = weakref.ref(t)
    del t
    gc.collect()
    assert alive() is not None  # NumPy's array keeps it (and so its storage) alive
    assert isinstance(view.base, mg.Tensor)
    np.testing.assert_array_equal(view, np.array([1.5, 2.5], np.float32))
    del view
    gc.collect()
    assert alive() is None


def test_numpy_sees_broadcast_views_with_zero_strides() -> None:
    view = np.asarray(mg.asarray([1.0, 2.0]).broadcast_to((3, 2)))
    assert view.strides == (0, 8)
    np.testing.assert_array_equal(view, np.broadcast_to([1.0, 2.0], (3, 2)))
