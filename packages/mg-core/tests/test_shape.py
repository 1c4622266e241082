"""Pure shape helpers against NumPy."""

from __future__ import annotations

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core.shape import (
    as_shape,
    broadcast_strides,
    contiguous_strides,
    is_contiguous,
    normalize_axes,
    normalize_axis,
    reshape_strides,
)
from mg_core_strategies import laid_out, shapes


@given(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=4))
def test_broadcast_shapes_matches_numpy(case: hnp.BroadcastableShapes) -> None:
    assert mg.broadcast_shapes(*case.input_shapes) == np.broadcast_shapes(*case.input_shapes)


@given(st.lists(shapes, min_size=1, max_size=3))
def test_broadcast_shapes_fails_where_numpy_fails(inputs: list[tuple[int, ...]]) -> None:
    try:
        expected = np.broadcast_shapes(*inputs)
    except ValueError:
        with pytest.raises(ValueError, match=r"cannot broadcast shapes \(.*\) and \(.*\)"):
            mg.broadcast_shapes(*inputs)
    else:
        assert mg.broadcast_shapes(*inputs) == expected


def test_broadcast_error_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"^cannot broadcast shapes \(3, 4\) and \(5, 4\)$"):
        mg.broadcast_shapes((3, 4), (5, 4))
    with pytest.raises(ValueError, match=r"^cannot broadcast shapes \(2, 1\) and \(4, 3\)$"):
        mg.broadcast_shapes((2, 1), (1,), (3,), (4, 3))
    with pytest.raises(ValueError, match=r"^cannot broadcast shape \(3,\) to shape \(2, 4\)$"):
        broadcast_strides((3,), (1,), (2, 4))


@given(shapes)
def test_contiguous_strides_match_numpy(shape: tuple[int, ...]) -> None:
    ref = np.zeros(shape, np.int64)
    if ref.size:  # NumPy's strides of empty arrays follow another convention
        assert contiguous_strides(shape) == tuple(s // 8 for s in ref.strides)


@given(st.data(), shapes)
def test_is_contiguous_matches_numpy(data: st.DataObject, shape: tuple[int, ...]) -> None:
    ref, t = data.draw(laid_out("int64", shape))
    assert is_contiguous(t.shape, t.strides) == (ref.flags.c_contiguous or ref.size <= 1)


def test_normalize_axis() -> None:
    assert [normalize_axis(a, 3) for a in (-3, -1, 0, 2)] == [0, 2, 0, 2]
    for bad in (3, -4):
        with pytest.raises(mg.AxisError) as info:
            normalize_axis(bad, 3)
        with pytest.raises(np.exceptions.AxisError) as ref:
            np.zeros((1, 1, 1)).sum(axis=bad)
        assert str(info.value) == str(ref.value).replace("array", "tensor")
        assert isinstance(info.value, IndexError)
        assert isinstance(info.value, ValueError)


def test_normalize_axes() -> None:
    assert normalize_axes(None, 3) == (0, 1, 2)
    assert normalize_axes((2, -3), 3) == (0, 2)
    assert normalize_axes((), 3) == ()
    with pytest.raises(ValueError, match=r"duplicate value in 'axis': \(0, -2\) names axis 0"):
        normalize_axes((0, -2), 2)
    with pytest.raises(TypeError):
        normalize_axes(1.5, 2)  # type: ignore[arg-type]


def test_as_shape() -> None:
    assert as_shape(3) == (3,)
    assert as_shape(np.int64(3)) == (3,)
    assert as_shape([2, np.int32(0)]) == (2, 0)
    with pytest.raises(ValueError, match=r"negative dimension -2 in shape \(1, -2\)"):
        as_shape((1, -2))
    with pytest.raises(TypeError):
        as_shape(2.0)  # type: ignore[arg-type]


@given(st.data(), shapes)
def test_reshape_strides_view_iff_numpy_views(data: st.DataObject, shape: tuple[int, ...]) -> None:
    ref, t = data.draw(laid_out("int32", shape))
    size = int(np.prod(shape))
    new_shape = data.draw(
        hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6).filter(
            lambda s: int(np.prod(s)) == size
        )
    )
    strides = reshape_strides(t.shape, t.strides, new_shape)
    try:
        np.reshape(ref, new_shape, copy=False)  # NumPy raises instead of copying
        numpy_views = True
    except ValueError:
        numpy_views = False
    if numpy_views and size > 1:
        assert strides is not None
    if strides is not None:
        viewed = mg.Tensor(t.buffer, new_shape, strides, t.offset)
        np.testing.assert_array_equal(np.asarray(viewed), ref.reshape(new_shape))
