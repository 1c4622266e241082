"""concat, stack, split, tile, repeat, pad, roll, tril/triu and flip vs NumPy, any layout."""

from __future__ import annotations

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core_strategies import DTYPES, laid_out

small_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4)


def same(ours: mg.Tensor, ref: np.ndarray) -> None:
    assert ours.dtype.name == ref.dtype.name
    np.testing.assert_array_equal(np.asarray(ours), ref)


@st.composite
def pair(draw: st.DrawFn, min_dims: int = 1) -> tuple[np.ndarray, mg.Tensor]:
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=0, max_side=4))
    return draw(laid_out(draw(st.sampled_from(DTYPES)), shape))


@given(st.data())
def test_concat_matches_numpy(data: st.DataObject) -> None:
    shape = data.draw(small_shapes)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    refs, ours = [], []
    for _ in range(data.draw(st.integers(1, 3))):
        piece = list(shape)
        piece[axis] = data.draw(st.integers(0, 3))
        ref, t = data.draw(laid_out(data.draw(st.sampled_from(DTYPES)), tuple(piece)))
        refs.append(ref)
        ours.append(t)
    same(mg.concat(ours, axis=axis), np.concat(refs, axis=axis))
    same(mg.concat(ours, axis=None), np.concat(refs, axis=None))


@given(st.data())
def test_stack_matches_numpy(data: st.DataObject) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    dtype = data.draw(st.sampled_from(DTYPES))
    pairs = [data.draw(laid_out(dtype, shape)) for _ in range(data.draw(st.integers(1, 3)))]
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    same(mg.stack([t for _, t in pairs], axis=axis), np.stack([r for r, _ in pairs], axis=axis))


def test_concat_and_stack_errors() -> None:
    with pytest.raises(ValueError, match=r"shapes \(2,\) and \(2, 1\) differ"):
        mg.concat([mg.zeros(2), mg.zeros((2, 1))])
    with pytest.raises(ValueError, match="at least one"):
        mg.concat([])
    with pytest.raises(ValueError, match=r"all shapes must be equal, got \(2,\) and \(3,\)"):
        mg.stack([mg.zeros(2), mg.zeros(3)])
    with pytest.raises(mg.AxisError):
        mg.concat([mg.zeros(2)], axis=1)


@given(pair(), st.data())
def test_split_matches_numpy_and_gives_views(
    p: tuple[np.ndarray, mg.Tensor], data: st.DataObject
) -> None:
    ref, t = p
    axis = data.draw(st.integers(0, ref.ndim - 1))
    n = ref.shape[axis]
    if data.draw(st.booleans()):
        how: int | list[int] = data.draw(st.sampled_from([d for d in range(1, 5) if n % d == 0]))
    else:
        how = sorted(data.draw(st.lists(st.integers(-6, 6), max_size=3)))
    ours, refs = mg.split(t, how, axis=axis), np.split(ref, how, axis=axis)
    assert len(ours) == len(refs)
    for o, r in zip(ours, refs, strict=True):
        same(o, r)
        assert o.buffer is t.buffer


def test_split_refuses_unequal_parts() -> None:
    with pytest.raises(ValueError, match="do not divide into 2"):
        mg.split(mg.arange(5), 2)


@given(pair(), st.lists(st.integers(0, 3), max_size=4))
def test_tile_matches_numpy(p: tuple[np.ndarray, mg.Tensor], reps: list[int]) -> None:
    ref, t = p
    same(mg.tile(t, reps), np.tile(ref, reps))
    if reps:
        same(mg.tile(t, reps[0]), np.tile(ref, reps[0]))


@given(pair(), st.data())
def test_repeat_matches_numpy(p: tuple[np.ndarray, mg.Tensor], data: st.DataObject) -> None:
    ref, t = p
    axis = data.draw(st.sampled_from([None, *range(-ref.ndim, ref.ndim)]))
    n = ref.size if axis is None else ref.shape[axis]
    if data.draw(st.booleans()):
        reps: int | list[int] = data.draw(st.integers(0, 3))
    else:
        reps = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    same(mg.repeat(t, reps, axis=axis), np.repeat(ref, reps, axis=axis))


@given(pair(min_dims=0), st.data())
def test_pad_matches_numpy(p: tuple[np.ndarray, mg.Tensor], data: st.DataObject) -> None:
    ref, t = p
    width = st.integers(0, 2)
    form = data.draw(st.sampled_from(["int", "pair", "per-axis"] if ref.ndim else ["int"]))
    pad_width: object
    if form == "int":
        pad_width = data.draw(width)
    elif form == "pair":
        pad_width = (data.draw(width), data.draw(width))
    else:
        pad_width = tuple((data.draw(width), data.draw(width)) for _ in range(ref.ndim))
    value = data.draw(st.integers(-5, 5))
    same(mg.pad(t, pad_width, constant_values=value), np.pad(ref, pad_width, constant_values=value))  # type: ignore[arg-type, call-overload]


def test_pad_errors() -> None:
    with pytest.raises(ValueError, match="only mode='constant'"):
        mg.pad(mg.zeros(2), 1, mode="edge")
    with pytest.raises(ValueError, match="negative width"):
        mg.pad(mg.zeros(2), -1)
    with pytest.raises(ValueError, match="3 \\(before, after\\) pairs for 2 axes"):
        mg.pad(mg.zeros((2, 2)), ((1, 1), (1, 1), (1, 1)))


@given(pair(min_dims=0), st.data())
def test_roll_matches_numpy(p: tuple[np.ndarray, mg.Tensor], data: st.DataObject) -> None:
    ref, t = p
    shift = data.draw(st.integers(-7, 7))
    same(mg.roll(t, shift), np.roll(ref, shift))
    if ref.ndim:
        axes = data.draw(
            st.lists(st.integers(0, ref.ndim - 1), min_size=1, max_size=ref.ndim, unique=True)
        )
        shifts = [data.draw(st.integers(-7, 7)) for _ in axes]
        same(mg.roll(t, shifts, axis=axes), np.roll(ref, shifts, axis=axes))
        same(mg.roll(t, shift, axis=axes[0]), np.roll(ref, shift, axis=axes[0]))


@given(st.data(), st.integers(-4, 4))
def test_tril_triu_match_numpy(data: st.DataObject, k: int) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=0, max_side=5))
    ref, t = data.draw(laid_out(data.draw(st.sampled_from(DTYPES)), shape))
    same(mg.tril(t, k=k), np.tril(ref, k=k))
    same(mg.triu(t, k=k), np.triu(ref, k=k))


def test_tril_needs_a_matrix() -> None:
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        mg.tril(mg.zeros(3))


@given(pair(min_dims=0), st.data())
def test_flip_is_a_view_matching_numpy(
    p: tuple[np.ndarray, mg.Tensor], data: st.DataObject
) -> None:
    ref, t = p
    axis = data.draw(st.sampled_from([None, *range(-ref.ndim, ref.ndim)]))
    flipped = mg.flip(t, axis=axis)
    same(flipped, np.flip(ref, axis=axis))
    assert flipped.buffer is t.buffer


def test_empty_and_empty_like() -> None:
    t = mg.empty((2, 3), dtype="int32")
    assert (t.shape, t.dtype, t.strides) == ((2, 3), mg.int32, (3, 1))
    assert mg.empty(4).dtype is mg.float64
    like = mg.empty_like(t, dtype="float32")
    assert (like.shape, like.dtype) == ((2, 3), mg.float32)
    assert mg.empty(0).size == 0


@given(pair(min_dims=1), st.data())
def test_moveaxis_and_unstack_match_numpy(
    p: tuple[np.ndarray, mg.Tensor], data: st.DataObject
) -> None:
    ref, t = p
    axes = st.integers(-ref.ndim, ref.ndim - 1)
    src = data.draw(
        st.lists(st.integers(0, ref.ndim - 1), min_size=1, max_size=ref.ndim, unique=True)
    )
    dst = data.draw(st.permutations(range(ref.ndim)))[: len(src)]
    moved = mg.moveaxis(t, src, dst)
    same(moved, np.moveaxis(ref, src, dst))
    assert moved.buffer is t.buffer
    one, other = data.draw(axes), data.draw(axes)
    same(mg.moveaxis(t, one, other), np.moveaxis(ref, one, other))
    axis = data.draw(axes)
    ours, theirs = mg.unstack(t, axis=axis), np.unstack(ref, axis=axis)
    assert len(ours) == len(theirs)
    for o, r in zip(ours, theirs, strict=True):
        same(o, r)


def test_moveaxis_errors() -> None:
    with pytest.raises(ValueError, match="repeated axis"):
        mg.moveaxis(mg.zeros((2, 3)), (0, 0), (0, 1))
    with pytest.raises(mg.AxisError):
        mg.moveaxis(mg.zeros((2, 3)), 2, 0)
