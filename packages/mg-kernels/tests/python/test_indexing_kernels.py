"""gather, scatter, index_offsets, nonzero, sort, argsort and searchsorted against NumPy, over
every dtype and strided (permuted, reversed, padded) operands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import np_dtype, to_array, to_storage

if TYPE_CHECKING:
    from conftest import OperandMaker

DTYPES = tuple(d.name for d in mk.dtypes())
INTS = tuple(d.name for d in mk.dtypes() if d.kind in "iu")

small_shapes = st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple)
row_shapes = st.tuples(st.integers(1, 4), st.lists(st.integers(0, 3), max_size=2)).map(
    lambda t: (t[0], *t[1])
)
"""A first axis of at least one row (the view's offset is 0 for an empty one)."""


def offsets_storage(values: list[int]) -> mk.Storage:
    return to_storage(np.array(values, dtype=np.int64))


def as_sortable(a: np.ndarray) -> np.ndarray:
    """Values NumPy sorts like the kernels do: bool as is, bfloat16 widened to float32."""
    return a.astype(np.float32) if a.dtype == np_dtype("bfloat16") else a


def same(got: np.ndarray, want: np.ndarray) -> bool:
    """Equal bytes, so signed zeros and NaN payloads count."""
    return got.shape == want.shape and got.tobytes() == np.ascontiguousarray(want).tobytes()


@settings(max_examples=30, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), shape=row_shapes)
def test_gather_rows_of_a_strided_source(
    data: st.DataObject, dtype: str, shape: tuple[int, ...], make_operand: OperandMaker
) -> None:
    src = make_operand(data, shape, dtype)
    view = src.view
    rows = data.draw(st.lists(st.integers(0, shape[0] - 1), max_size=6))
    offsets = [r * src.strides[0] for r in rows]
    out = mk.Storage(dtype, len(rows) * int(np.prod(shape[1:])))
    mk.gather(out, 0, src.storage, src.offset, src.strides[1:], shape[1:],
              offsets_storage(offsets), 0, len(rows))  # fmt: skip
    want = view[np.array(rows, dtype=np.intp)]
    assert same(to_array(out).reshape(want.shape), want)


def test_gather_bad_offset_names_it_and_writes_nothing() -> None:
    src = to_storage(np.arange(4, dtype=np.float32))
    out = to_storage(np.full(2, 7, dtype=np.float32))
    with pytest.raises(IndexError, match=r"offset 4 at position 1 is out of bounds"):
        mk.gather(out, 0, src, 0, [], [], offsets_storage([1, 4]), 0, 2)
    assert to_array(out).tolist() == [7, 7]
    with pytest.raises(TypeError, match="float64"):
        mk.gather(mk.Storage("float64", 1), 0, src, 0, [], [], offsets_storage([0]), 0, 1)


@settings(max_examples=30, deadline=None)
@given(
    data=st.data(),
    dtype=st.sampled_from(("int8", "int64", "uint16", "float32", "float64", "bool")),
    accumulate=st.booleans(),
)
def test_scatter_matches_add_at_and_setitem(
    data: st.DataObject, dtype: str, accumulate: bool, make_operand: OperandMaker
) -> None:
    dst = make_operand(data, (5,), dtype)
    idx = data.draw(st.lists(st.integers(0, 4), max_size=8))
    values = make_operand(data, (len(idx),), dtype)
    want = dst.view.copy()
    if accumulate:
        with np.errstate(over="ignore"):
            if dtype == "bool":
                np.logical_or.at(want, idx, values.view)
            else:
                np.add.at(want, idx, values.view)
    else:
        want[np.array(idx, dtype=np.intp)] = values.view
    offsets = offsets_storage([i * dst.strides[0] for i in idx])
    mk.scatter(dst.storage, dst.offset, [], [], *values.args(), offsets, 0, len(idx), accumulate)
    assert same(dst.view_of(dst.result()), want)


def test_scatter_float16_accumulates_in_float16() -> None:
    dst = to_storage(np.zeros(1, np.float16))
    values = to_storage(np.full(3000, 1, np.float16))
    mk.scatter(dst, 0, [], [], values, 0, [1], offsets_storage([0] * 3000), 0, 3000, True)
    want = np.zeros(1, np.float16)
    np.add.at(want, [0] * 3000, np.ones(3000, np.float16))
    assert to_array(dst).tolist() == want.tolist() == [2048.0]


@pytest.mark.parametrize("dtype", INTS)
def test_index_offsets_wraps_and_checks(dtype: str) -> None:
    raw = np.array([0, 2, 1] + ([-3] if dtype.startswith("int") else []), dtype=dtype)
    out = mk.Storage("int64", raw.size)
    mk.index_offsets(out, 0, to_storage(raw), 0, [1], [raw.size], 3, 0, 4)
    assert to_array(out).tolist() == [(int(i) % 3) * 4 for i in raw]
    bad = np.array([1, 3], dtype=dtype)
    with pytest.raises(IndexError, match=r"^index 3 is out of bounds for axis 2 with size 3$"):
        mk.index_offsets(out, 0, to_storage(bad), 0, [1], [2], 3, 2, 1)
    with pytest.raises(TypeError, match="integer"):
        mk.index_offsets(out, 0, mk.Storage("float32", 1), 0, [1], [1], 3, 0, 1)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), shape=st.lists(st.integers(0, 4), max_size=3))
def test_nonzero_matches_numpy(
    data: st.DataObject, dtype: str, shape: list[int], make_operand: OperandMaker
) -> None:
    src = make_operand(data, shape, dtype)
    count = mk.count_nonzero(src.storage, src.offset, src.strides, shape)
    want = (
        np.nonzero(src.view.astype(np.float32) if dtype == "bfloat16" else src.view)
        if shape
        else ()
    )
    assert count == np.count_nonzero(as_sortable(src.view))
    if not shape:
        return
    out = mk.Storage("int64", count * len(shape))
    mk.nonzero(out, 0, src.storage, src.offset, src.strides, shape, count)
    got = to_array(out).reshape(len(shape), count)
    for d in range(len(shape)):
        assert got[d].tolist() == want[d].tolist()


@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), shape=small_shapes, descending=st.booleans())
def test_sort_and_argsort_match_numpy_stable(
    data: st.DataObject,
    dtype: str,
    shape: tuple[int, ...],
    descending: bool,
    make_operand: OperandMaker,
) -> None:
    src = make_operand(data, shape, dtype)
    view = src.view
    n = int(np.prod(shape))
    dense = tuple(int(np.prod(shape[d + 1 :])) for d in range(len(shape)))
    order = mk.Storage("int64", n)
    values = mk.Storage(dtype, n)
    mk.argsort(order, 0, dense, *src.args(), shape, descending)
    mk.sort(values, 0, dense, *src.args(), shape, descending)
    keys = as_sortable(view)
    if descending:  # reversed order, NaNs first, equal elements keep their order
        flipped = np.flip(keys, axis=-1)
        want_order = shape[-1] - 1 - np.flip(np.argsort(flipped, axis=-1, kind="stable"), axis=-1)
    else:
        want_order = np.argsort(keys, axis=-1, kind="stable")
    got_order = to_array(order).reshape(shape)
    assert got_order.tolist() == want_order.tolist()
    assert same(to_array(values).reshape(shape), np.take_along_axis(view, want_order, axis=-1))


@settings(max_examples=40, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), right=st.booleans())
def test_searchsorted_matches_numpy(
    data: st.DataObject, dtype: str, right: bool, make_operand: OperandMaker
) -> None:
    raw = make_operand(data, (data.draw(st.integers(0, 9)),), dtype)
    ordered = np.sort(raw.view, kind="stable")
    if dtype == "bfloat16":  # NumPy cannot sort bfloat16 with NaNs last; order float32 keys
        ordered = raw.view[np.argsort(raw.view.astype(np.float32), kind="stable")]
    stored = to_storage(ordered[::-1].copy())  # walk it backwards: stride -1
    values = make_operand(data, (data.draw(st.integers(0, 6)), 2), dtype)
    out = mk.Storage("int64", values.view.size)
    mk.searchsorted(out, 0, (2, 1), stored, max(ordered.size - 1, 0), -1, ordered.size,
                    *values.args(), values.view.shape, right)  # fmt: skip
    side = "right" if right else "left"
    want = np.searchsorted(as_sortable(ordered), as_sortable(values.view), side=side)
    assert to_array(out).reshape(want.shape).tolist() == want.tolist()


def test_sort_errors_are_clear() -> None:
    x = to_storage(np.arange(3, dtype=np.int32))
    with pytest.raises(TypeError, match="sort: out has dtype float32 but src has dtype int32"):
        mk.sort(mk.Storage("float32", 3), 0, [1], x, 0, [1], [3])
    with pytest.raises(ValueError, match="at least one dimension"):
        mk.sort(x, 0, [], x, 0, [], [])
    with pytest.raises(ValueError, match="operand 'src'"):
        mk.argsort(mk.Storage("int64", 4), 0, [1], x, 0, [1], [4])
    with pytest.raises(TypeError, match="sorted has dtype int32 but values has dtype int64"):
        mk.searchsorted(mk.Storage("int64", 1), 0, [1], x, 0, 1, 3,
                        mk.Storage("int64", 1), 0, [1], [1])  # fmt: skip
