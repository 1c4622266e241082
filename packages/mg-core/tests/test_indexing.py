"""Basic indexing against NumPy: views for ints, slices (any step), None and `...`."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core_strategies import laid_out, shapes


@st.composite
def index_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """Keys of ints (sometimes out of range), slices, None and at most one Ellipsis."""
    items: list[Any] = []
    for size in shape[: draw(st.integers(0, len(shape)))]:
        bound = st.none() | st.integers(-size - 2, size + 2)
        step = st.none() | st.sampled_from([1, 2, 3, -1, -2, -3])
        items.append(draw(st.integers(-size - 1, size) | st.builds(slice, bound, bound, step)))
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), Ellipsis)
    return tuple(items)


@given(data=st.data(), shape=shapes)
def test_basic_indexing_matches_numpy(data: st.DataObject, shape: tuple[int, ...]) -> None:
    ref, t = data.draw(laid_out(data.draw(st.sampled_from(["float32", "int64"])), shape))
    key = data.draw(index_keys(shape))
    try:
        expected = ref[key]
    except IndexError as error:
        message = str(error)
        with pytest.raises(IndexError) as ours:
            t[key]
        assert str(ours.value) == message.replace("array", "tensor")
        return
    view = t[key]
    assert view.shape == np.shape(expected)
    assert view.buffer is t.buffer  # a view, never a copy
    np.testing.assert_array_equal(np.asarray(view), expected)
    if len(key) == 1:
        np.testing.assert_array_equal(np.asarray(t[key[0]]), ref[key[0]])


def test_out_of_range_names_index_axis_and_size() -> None:
    t = mg.zeros((2, 3))
    with pytest.raises(IndexError, match=r"^index 3 is out of bounds for axis 1 with size 3$"):
        t[0, 3]
    with pytest.raises(IndexError, match=r"^index -3 is out of bounds for axis 0 with size 2$"):
        t[-3]
    with pytest.raises(
        IndexError, match="too many indices for tensor: tensor is 2-dimensional, but 3"
    ):
        t[0, 0, 0]
    with pytest.raises(IndexError, match="single ellipsis"):
        t[..., ...]


def test_unsupported_keys() -> None:
    t = mg.zeros(3)
    with pytest.raises(TypeError, match="integer or boolean arrays are valid indices; got float"):
        t[1.0]  # type: ignore[index]
    with pytest.raises(TypeError, match="got str"):
        t["a"]  # type: ignore[index]


def test_numpy_integers_and_0d_int_tensors_index() -> None:
    t = mg.arange(5)
    assert t[np.int64(-1)].item() == 4
    assert t[mg.asarray(2)].item() == 2


def test_setitem_writes_through_views_like_numpy() -> None:
    ref = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = mg.asarray(ref)
    for key, value in [
        ((1, slice(None, None, -2)), 7.5),
        ((slice(None), 0), np.array([1.0, 2.0, 3.0], np.float32)),
        ((Ellipsis, None, slice(1, 3)), np.array([[[-1.0]], [[-2.0]], [[-3.0]]], np.float32)),
        ((2,), 9),
    ]:
        ref[key] = value
        t[key] = mg.asarray(value) if isinstance(value, np.ndarray) else value
        np.testing.assert_array_equal(np.asarray(t), ref)


def test_setitem_accepts_numpy_arrays_and_nested_lists() -> None:
    ref = np.zeros((2, 3))
    t = mg.asarray(ref)
    ref[0] = np.array([1, 2, 3], np.int32)
    t[0] = np.array([1, 2, 3], np.int32)
    ref[1, ::-1] = [4.5, 5.5, 6.5]
    t[1, ::-1] = [4.5, 5.5, 6.5]
    np.testing.assert_array_equal(np.asarray(t), ref)


def test_setitem_converts_and_checks() -> None:
    t = mg.zeros(3, "int32")
    t[0] = 2.9  # truncates, as NumPy does
    t[1:] = mg.asarray([1.5, -1.5])
    assert t.tolist() == [2, 1, -1]
    with pytest.raises(OverflowError):
        t[0] = 2**40
    with pytest.raises(ValueError, match=r"cannot broadcast shape \(2,\) to shape \(3,\)"):
        t[:] = mg.asarray([1, 2])


def test_setitem_handles_overlap() -> None:
    ref = np.arange(6.0)
    t = mg.asarray(ref)
    ref[1:] = ref[:-1]
    t[1:] = t[:-1]
    np.testing.assert_array_equal(np.asarray(t), ref)


@pytest.mark.parametrize(
    ("key", "value_shape"),
    [(0, (1, 1, 3)), ((slice(None), 1), (1, 2)), ([1, 0], (1, 2, 3)), ((0, [2, 2]), (1, 1, 2))],
)
def test_setitem_value_may_have_extra_leading_ones(key: Any, value_shape: tuple[int, ...]) -> None:
    ref = np.zeros((2, 3))
    t = mg.asarray(ref.copy())
    value = np.arange(np.prod(value_shape), dtype=np.float64).reshape(value_shape) + 1.0
    ref[key] = value
    t[key] = mg.asarray(value)
    np.testing.assert_array_equal(np.asarray(t), ref)
    with pytest.raises(ValueError, match="cannot broadcast"):
        t[0] = mg.ones((2, 3))
