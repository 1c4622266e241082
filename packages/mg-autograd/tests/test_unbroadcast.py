"""sum_to_shape is the adjoint of broadcasting: <broadcast(x), g> == <x, sum_to_shape(g)>."""

from __future__ import annotations

import mg_core as core
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_autograd.ops import sum_to_shape


@settings(max_examples=60, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=1, min_dims=0, max_dims=4, max_side=4),
    data=st.data(),
)
def test_adjoint_identity_against_numpy(
    shapes: hnp.BroadcastableShapes, data: st.DataObject
) -> None:
    (small,) = shapes.input_shapes
    big = shapes.result_shape
    small_ints = st.integers(-5, 5)
    x = data.draw(hnp.arrays(np.int64, small, elements=small_ints)).astype(np.float64)
    g = data.draw(hnp.arrays(np.int64, big, elements=small_ints)).astype(np.float64)
    reduced = np.asarray(sum_to_shape(core.asarray(g), small))
    assert reduced.shape == small
    # Integer-valued data keeps both sides exact.
    assert np.sum(np.broadcast_to(x, big) * g) == np.sum(x * reduced)


def test_matches_explicit_numpy_reduction() -> None:
    g = np.arange(24.0).reshape(2, 3, 4)
    expected = g.sum(axis=0).sum(axis=1, keepdims=True)
    np.testing.assert_array_equal(np.asarray(sum_to_shape(core.asarray(g), (3, 1))), expected)


def test_same_shape_is_returned_unchanged() -> None:
    g = core.ones((2, 3))
    assert sum_to_shape(g, (2, 3)) is g


@pytest.mark.parametrize(("grad_shape", "shape"), [((3,), (2, 3)), ((2, 3), (4,)), ((1,), (3,))])
def test_incompatible_shapes_raise(grad_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="cannot sum gradient"):
        sum_to_shape(core.ones(grad_shape), shape)
