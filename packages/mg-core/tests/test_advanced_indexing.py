"""Advanced indexing (integer arrays, lists, boolean masks, mixed with basic indices), setitem
and take, against NumPy: shapes, values, dtypes and error messages."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from mg_core_strategies import laid_out

A = np.arange(60).reshape(3, 4, 5)

# (key as NumPy sees it); the mg key converts the arrays to tensors or keeps lists.
GETITEM_KEYS: list[Any] = [
    [0, 2],
    [[0, 1], [2, -1]],
    (slice(None), [3, 0]),
    ([0, 2], [1, 3]),
    ([0, 2], slice(1, 3), [4, 0]),  # separated by a slice: index dims go first
    (slice(None), [0, 1], [2, 3]),  # adjacent after a slice: they stay in place
    (0, slice(None), [1, 2]),  # an int counts as advanced: separated, so first
    (slice(None), 1, [1, 2]),  # adjacent int and list: in place
    (Ellipsis, [4, 0, 4]),
    (None, [1], Ellipsis, None),
    ([[0], [2]], slice(None, None, -1), [1, 2, 3]),
    (np.array([True, False, True]),),
    (np.array([[True, False, True, False]] * 3),),
    (np.ones((3, 4, 5), bool),),
    (slice(None), np.array([False, True, True, False])),
    (np.array([True, False, True]), slice(1, 2), [0, 4]),
    (np.array([True, False, True]), [1, 2]),
    (True,),
    (False,),
    (slice(None), [], 0),
    (np.array([], dtype=np.int64),),
    (np.array([1], dtype=np.uint8), np.array([[0], [3]], dtype=np.int16)),
    (np.int64(2), [0, 1]),
]


def mg_key(key: Any) -> Any:
    """The same key with NumPy arrays as mg tensors (lists and scalars unchanged)."""
    items = key if isinstance(key, tuple) else (key,)
    out = tuple(mg.asarray(k) if isinstance(k, np.ndarray) else k for k in items)
    return out if isinstance(key, tuple) else out[0]


@pytest.mark.parametrize("key", GETITEM_KEYS, ids=repr)
def test_getitem_matches_numpy(key: Any) -> None:
    t = mg.asarray(A)
    want = A[key]
    got = t[mg_key(key)]
    assert got.shape == want.shape
    assert got.dtype == mg.int64
    np.testing.assert_array_equal(np.asarray(got), want)
    assert got.buffer is not t.buffer  # advanced indexing copies


def test_getitem_with_numpy_arrays_as_is() -> None:
    t = mg.asarray(A)
    key = (np.array([2, 0]), slice(None), np.array([1, 1]))
    np.testing.assert_array_equal(np.asarray(t[key]), A[key])


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ([3], "index 3 is out of bounds for axis 0 with size 3"),
        ((slice(None), [0, -5]), "index -5 is out of bounds for axis 1 with size 4"),
        ((0, 0, [5]), "index 5 is out of bounds for axis 2 with size 5"),
        (([0, 1], [0, 1, 2]), "shape mismatch: indexing arrays could not be broadcast"),
        (
            (np.array([True, False]),),
            "boolean index did not match indexed tensor along axis 0; size of axis is 3 "
            "but size of corresponding boolean axis is 2",
        ),
        ((np.array([0.5]),), "arrays used as indices must be of integer (or boolean) type"),
        (([0], [0], [0], [0]), "too many indices for tensor: tensor is 3-dimensional, but 4"),
    ],
)
def test_getitem_errors(key: Any, message: str) -> None:
    t = mg.asarray(A)
    with pytest.raises(IndexError) as ours:
        t[mg_key(key)]
    assert message in str(ours.value)


@st.composite
def advanced_keys(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[Any, ...]:
    """Keys with at least one index array or mask (in range, negative indices too), mixed with
    ints, slices, None and `...`."""
    items: list[Any] = []
    axis = 0
    stop = draw(st.integers(1, len(shape)))
    while axis < stop:
        size = shape[axis]
        kind = draw(st.sampled_from(["array", "array", "mask", "int", "slice"]))
        if kind == "mask":
            k = draw(st.integers(1, len(shape) - axis))
            n = int(np.prod(shape[axis : axis + k]))
            bits = draw(st.lists(st.booleans(), min_size=n, max_size=n))
            items.append(np.array(bits, dtype=bool).reshape(shape[axis : axis + k]))
            axis += k
            continue
        if kind == "array":
            items.append(_index_array(draw, size))
        elif kind == "int":
            items.append(draw(st.integers(-size, size - 1)))
        else:
            items.append(slice(None, None, draw(st.sampled_from([1, -1, 2]))))
        axis += 1
    if not any(isinstance(k, np.ndarray) for k in items):
        items[0] = _index_array(draw, shape[0])
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    if draw(st.booleans()):  # anywhere when every axis is indexed (then it stands for none)
        last = len(items)
        items.insert(draw(st.integers(0, last)) if axis == len(shape) else last, Ellipsis)
    return tuple(items)


def _small_values(dtype: str) -> st.SearchStrategy[Any]:
    """Values every dtype holds (so any dtype can be drawn), with repeats."""
    return st.booleans() if dtype == "bool" else st.integers(0, 9)


def _broadcastable(ref: np.ndarray, key: tuple[Any, ...]) -> bool:
    try:
        ref[key]
    except IndexError:
        return False
    return True


def _index_array(draw: st.DrawFn, size: int) -> np.ndarray:
    """An integer index array of a shape that broadcasts with the others, any int dtype."""
    ishape = draw(st.sampled_from([(), (1,), (2,), (2, 1), (1, 3), (0,)]))
    n = int(np.prod(ishape))
    values = draw(st.lists(st.integers(-size, size - 1), min_size=n, max_size=n))
    dtype = draw(st.sampled_from(["int64", "int32", "uint8", "int8"]))
    if dtype == "uint8":
        values = [v % size for v in values]
    return np.array(values, dtype=dtype).reshape(ishape)


@given(data=st.data(), shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
def test_getitem_hypothesis(data: st.DataObject, shape: tuple[int, ...]) -> None:
    dtype = data.draw(st.sampled_from(["float32", "int64", "int32", "int8", "uint16", "bool"]))
    ref, t = data.draw(laid_out(dtype, shape, elements=_small_values))
    key = data.draw(advanced_keys(shape))
    try:
        want = ref[key]
    except IndexError as error:  # index arrays that do not broadcast: the same message
        message = str(error).strip()  # NumPy ends it with a space
        with pytest.raises(IndexError) as ours:
            t[mg_key(key)]
        assert str(ours.value) == message
        return
    got = t[mg_key(key)]
    assert got.shape == np.shape(want)
    assert got.dtype == mg.as_dtype(dtype)
    np.testing.assert_array_equal(np.asarray(got), want)


@given(data=st.data(), shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
def test_setitem_hypothesis(data: st.DataObject, shape: tuple[int, ...]) -> None:
    ref = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    t = mg.asarray(ref.copy())
    key = data.draw(advanced_keys(shape))
    assume(_broadcastable(ref, key))
    target_shape = ref[key].shape
    # A value broadcast to the target: a scalar or a tensor of a trailing part of its shape.
    cut = data.draw(st.integers(0, len(target_shape)))
    vshape = target_shape[cut:]
    value = np.arange(int(np.prod(vshape)), dtype=np.float32).reshape(vshape) + 100
    ref[key] = value
    t[mg_key(key)] = mg.asarray(value)
    np.testing.assert_array_equal(np.asarray(t), ref)


def test_setitem_last_write_wins_and_broadcasts() -> None:
    ref = np.zeros((3, 4), np.int32)
    t = mg.asarray(ref.copy())
    for key, value in [
        (([0, 0, 2],), np.array([[1, 2, 3, 4]], np.int32)),
        ((slice(None), [3, 1, 3]), np.array([7, 8, 9], np.int32)),
        ((np.array([[True, False, False, True]] * 3),), 5),
        (([1], [2]), 6),
    ]:
        ref[key] = value
        t[mg_key(key)] = value if isinstance(value, int) else mg.asarray(value)
        np.testing.assert_array_equal(np.asarray(t), ref)


def test_setitem_casts_and_checks() -> None:
    t = mg.zeros(4, dtype="int8")
    t[[0, 1]] = mg.asarray([1.9, -2.9])  # floats truncate, as NumPy's setitem
    t[[2]] = 3.5
    assert t.tolist() == [1, -2, 3, 0]
    with pytest.raises(OverflowError, match="Python integer 300 out of bounds for int8"):
        t[[0]] = 300
    with pytest.raises(ValueError, match=r"cannot broadcast shape \(3,\) to shape \(2,\)"):
        t[[0, 1]] = mg.asarray([1, 2, 3])
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 0 with size 4"):
        t[[4]] = 0
    assert t.tolist() == [1, -2, 3, 0]


def test_setitem_from_an_overlapping_view() -> None:
    ref = np.arange(6.0)
    t = mg.asarray(ref.copy())
    ref[[5, 4, 3]] = ref[:3]
    t[[5, 4, 3]] = t[:3]
    np.testing.assert_array_equal(np.asarray(t), ref)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take_matches_numpy(axis: int | None) -> None:
    x = np.arange(12.0).reshape(3, 4)[:, ::-1]
    idx = np.array([[2, 0], [-1, 1]])
    want = np.take(x, idx, axis=axis)
    got = mg.take(mg.asarray(x), mg.asarray(idx), axis=axis)
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.asarray(got), want)


def test_take_errors() -> None:
    x = mg.zeros((2, 3))
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 1 with size 3"):
        mg.take(x, [3], axis=1)
    with pytest.raises(mg.AxisError, match="axis 2 is out of bounds"):
        mg.take(x, [0], axis=2)
    with pytest.raises(IndexError, match="integer dtype, got float64"):
        mg.take(x, mg.asarray([0.0]), axis=0)


@given(data=st.data(), shape=st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple))
def test_nonzero_matches_numpy(data: st.DataObject, shape: tuple[int, ...]) -> None:
    dtype = data.draw(st.sampled_from(["float32", "int64", "int32"]))
    ref, t = data.draw(laid_out(dtype, shape, elements=lambda d: st.sampled_from([0, 1, -2])))
    want = np.nonzero(ref)
    got = mg.nonzero(t)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == mg.int64
        assert g.tolist() == w.tolist()


def test_nonzero_0d_is_an_error_and_nan_counts() -> None:
    with pytest.raises(ValueError, match="0-d"):
        mg.nonzero(mg.asarray(1.0))
    (i,) = mg.nonzero(mg.asarray([0.0, float("nan"), -0.0]))
    assert i.tolist() == [1]


@given(data=st.data(), shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
def test_add_at_matches_numpy_add_at(data: st.DataObject, shape: tuple[int, ...]) -> None:
    ref = np.zeros(shape, dtype=np.float64)
    t = mg.zeros(shape, dtype="float64")
    key = data.draw(advanced_keys(shape))
    assume(_broadcastable(ref, key))
    target_shape = ref[key].shape
    values = np.arange(1, int(np.prod(target_shape)) + 1, dtype=np.float64).reshape(target_shape)
    np.add.at(ref, key, values)
    mg.add_at(t, mg_key(key), mg.asarray(values))
    np.testing.assert_array_equal(np.asarray(t), ref)


def test_add_at_sums_repeats_in_the_destination_dtype() -> None:
    t = mg.zeros((2, 3), dtype="int8")
    mg.add_at(t, ([1, 1, 1], [0, 0, 2]), mg.asarray([100, 100, 5]))
    mg.add_at(t, (slice(None), 1), mg.asarray([1, 2]))
    ref = np.zeros((2, 3), np.int8)
    np.add.at(ref, ([1, 1, 1], [0, 0, 2]), np.array([100, 100, 5], np.int8))
    np.add.at(ref, (slice(None), 1), np.array([1, 2], np.int8))
    assert t.tolist() == ref.tolist()
