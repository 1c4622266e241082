"""Aliasing (issue 8): two mg storages over the same bytes.

`mg_core.asarray` views a NumPy array without copying (the buffer protocol for a C-contiguous
array, DLPack for a strided one), so two tensors made from one NumPy array, or from an array
and a view of it, are different mg storages over overlapping memory. Every operation that reads
one and writes the other must give NumPy's result, which is the result of copying the inputs
first: the expected values below are computed that way, with NumPy, from explicit copies.

The kernel-level cases (sort, argsort, gather, scatter, searchsorted, index_offsets, nonzero)
call mg_kernels directly with an output storage that aliases an input storage, as mg_core never
does itself but another caller may.
"""

from __future__ import annotations

import mg_core as mc
import mg_kernels as mk
import numpy as np
import pytest


def two_views(base: np.ndarray, other: np.ndarray) -> tuple[mc.Tensor, mc.Tensor]:
    """Zero-copy mg tensors over `base` and over `other` (a view of `base`): two storages."""
    x = mc.asarray(base)
    y = mc.asarray(other)
    assert x.buffer.storage is not y.buffer.storage
    assert np.shares_memory(np.asarray(x), np.asarray(y))
    return x, y


def storage(a: np.ndarray) -> mk.Storage:
    """A zero-copy foreign storage over the C-contiguous `a`."""
    s = mk.Storage.from_buffer(a)
    assert s.foreign
    assert s.data_ptr == a.ctypes.data
    return s


# --- copy (setitem) --------------------------------------------------------------------------


def test_setitem_from_a_shifted_alias() -> None:
    base = np.arange(20, dtype=np.float64)
    expected = base.copy()
    expected[3:] = expected[:-3].copy()
    x, y = two_views(base, base[:-3])
    x[3:] = y
    np.testing.assert_array_equal(base, expected)


def test_setitem_from_a_reversed_alias() -> None:
    base = np.arange(17, dtype=np.int32)
    expected = base[::-1].copy()
    x, y = two_views(base, base[::-1])  # DLPack: a negative stride over the same bytes
    x[...] = y
    np.testing.assert_array_equal(base, expected)


def test_setitem_transpose_in_place_through_an_alias() -> None:
    base = np.arange(36, dtype=np.float32).reshape(6, 6)
    expected = base.T.copy()
    x, y = two_views(base, base.T)
    x[...] = y
    np.testing.assert_array_equal(base, expected)


def test_setitem_cast_from_an_overlapping_alias_of_another_dtype() -> None:
    floats = np.arange(16, dtype=np.float32) * 1.5 + 2.0
    ints = floats.view(np.int32)  # the same bytes, read as int32
    expected = ints.copy()
    expected[1:] = floats[:-1].copy().astype(np.int32)
    x, y = two_views(ints, floats)
    x[1:] = y[:-1]  # a cast copy whose input starts one element before its output
    np.testing.assert_array_equal(ints, expected)


# --- in-place binary ops ---------------------------------------------------------------------


@pytest.mark.parametrize("shift", [1, 3, -1, -5])
def test_inplace_add_with_a_shifted_alias(shift: int) -> None:
    base = np.linspace(-3.0, 5.0, 40)
    expected = base.copy()
    if shift > 0:
        expected[shift:] += expected[:-shift].copy()
        x, y = two_views(base, base[:-shift])
        x[shift:] += y
    else:
        expected[:shift] += expected[-shift:].copy()
        x, y = two_views(base, base[-shift:])
        x[:shift] += y
    np.testing.assert_array_equal(base, expected)


def test_inplace_ops_with_a_reversed_alias() -> None:
    base = np.arange(1, 34, dtype=np.int64)
    expected = base.copy()
    expected *= expected[::-1].copy()
    expected -= expected[::-1].copy()
    x, y = two_views(base, base[::-1])
    x *= y
    x -= y
    np.testing.assert_array_equal(base, expected)


def test_inplace_subtract_of_the_transpose_through_an_alias() -> None:
    base = np.arange(64, dtype=np.float64).reshape(8, 8) ** 1.5
    expected = base - base.T
    x, y = two_views(base, base.T)
    x -= y
    np.testing.assert_array_equal(base, expected)


def test_inplace_op_through_dlpack_of_a_strided_view() -> None:
    base = np.arange(30, dtype=np.float32)
    expected = base.copy()
    expected[::2] /= expected[1::2].copy() + 1
    x = mc.from_dlpack(base[::2])
    y = mc.from_dlpack(base[1::2])
    assert x.buffer.storage is not y.buffer.storage
    x += 0  # the very view: no copy needed, nothing changes
    x /= y + 1
    np.testing.assert_array_equal(base, expected)


# --- advanced setitem and add_at (scatter) ---------------------------------------------------


def test_advanced_setitem_from_an_alias() -> None:
    base = np.arange(12, dtype=np.float64)
    idx = np.array([0, 2, 4, 6, 8, 10])
    expected = base.copy()
    expected[idx] = expected[::-1][:6].copy()
    x, y = two_views(base, base[::-1])
    x[mc.asarray(idx)] = y[:6]
    np.testing.assert_array_equal(base, expected)


def test_add_at_from_an_alias() -> None:
    base = np.arange(10, dtype=np.int64)
    idx = np.array([1, 1, 2, 5, 9, 0, 3])
    expected = base.copy()
    np.add.at(expected, idx, expected[3:10].copy())
    x, y = two_views(base, base[3:])
    mc.add_at(x, mc.asarray(idx), y)
    np.testing.assert_array_equal(base, expected)


def test_add_at_rows_from_an_alias() -> None:
    base = np.arange(20, dtype=np.float32).reshape(5, 4)
    idx = np.array([1, 2, 4])
    expected = base.copy()
    np.add.at(expected, idx, expected[:3].copy())
    x, y = two_views(base, base[:3])
    mc.add_at(x, mc.asarray(idx), y)
    np.testing.assert_array_equal(base, expected)


# --- kernels called directly with an aliasing output -----------------------------------------


def test_sort_kernel_into_the_next_row_of_the_same_memory() -> None:
    rng = np.random.default_rng(0)
    base = rng.standard_normal((5, 7))
    expected = base.copy()
    expected[1:] = np.sort(expected[:-1].copy(), axis=-1)
    src, out = storage(base), storage(base[1:])
    mk.sort(out, 0, [7, 1], src, 0, [7, 1], [4, 7])
    np.testing.assert_array_equal(base, expected)


def test_sort_kernel_transposed_in_place() -> None:
    rng = np.random.default_rng(1)
    base = rng.integers(-50, 50, (6, 6)).astype(np.int16)
    expected = np.sort(base.T.copy(), axis=-1)
    src, out = storage(base), storage(base)
    mk.sort(out, 0, [6, 1], src, 0, [1, 6], [6, 6], descending=False)
    np.testing.assert_array_equal(base, expected)


def test_argsort_kernel_over_its_own_int64_input() -> None:
    base = np.array([[5, 1, 4, 2], [0, 3, 3, -1], [7, 7, 1, 2]], dtype=np.int64)
    expected = base.copy()
    expected[1:] = np.argsort(expected[:-1].copy(), axis=-1, kind="stable")
    src, out = storage(base), storage(base[1:])
    mk.argsort(out, 0, [4, 1], src, 0, [4, 1], [2, 4])
    np.testing.assert_array_equal(base, expected)


def test_gather_kernel_into_its_own_source() -> None:
    base = np.arange(24, dtype=np.float64)
    offsets = np.array([10, 0, 6, 2], dtype=np.int64)
    expected = base.copy()
    taken = np.stack([base[o : o + 3].copy() for o in offsets])
    expected[1:13] = taken.reshape(-1)
    src, out = storage(base), storage(base[1:])
    mk.gather(out, 0, src, 0, [1], [3], storage(offsets), 0, 4)
    np.testing.assert_array_equal(base, expected)


@pytest.mark.parametrize("accumulate", [False, True])
def test_scatter_kernel_with_values_aliasing_the_destination(accumulate: bool) -> None:
    base = np.arange(16, dtype=np.int32)
    offsets = np.array([3, 0, 9], dtype=np.int64)
    values = base[:6].copy().reshape(3, 2)
    expected = base.copy()
    for i, o in enumerate(offsets):
        if accumulate:
            expected[o : o + 2] += values[i]
        else:
            expected[o : o + 2] = values[i]
    dst, vals = storage(base), storage(base[:6])
    mk.scatter(dst, 0, [1], [2], vals, 0, [2, 1], storage(offsets), 0, 3, accumulate)
    np.testing.assert_array_equal(base, expected)


def test_searchsorted_kernel_writing_over_its_values() -> None:
    sorted_run = np.array([1, 3, 5, 7, 9, 11], dtype=np.int64)
    base = np.array([0, 4, 9, 12, 6, 2], dtype=np.int64)
    expected = base.copy()
    expected[1:] = np.searchsorted(sorted_run, base[:-1].copy())
    out, vals = storage(base[1:]), storage(base)
    mk.searchsorted(out, 0, [1], storage(sorted_run), 0, 1, 6, vals, 0, [1], [5])
    np.testing.assert_array_equal(base, expected)


def test_index_offsets_kernel_writing_over_its_indices() -> None:
    base = np.array([2, -1, 0, 3, 1, 0], dtype=np.int64)
    expected = base.copy()
    idx = base[:5].copy()
    expected[1:] = np.where(idx < 0, idx + 4, idx) * 10
    out, indices = storage(base[1:]), storage(base)
    mk.index_offsets(out, 0, indices, 0, [1], [5], 4, 0, 10)
    np.testing.assert_array_equal(base, expected)


def test_nonzero_kernel_writing_over_its_source() -> None:
    base = np.array([0, 5, 0, 7, 1, 0, 0, 0], dtype=np.int64)
    src = base[:6].copy()
    expected = base.copy()
    expected[2:5] = np.nonzero(src)[0]
    out, s = storage(base[2:]), storage(base)
    mk.nonzero(out, 0, s, 0, [1], [6], 3)
    np.testing.assert_array_equal(base, expected)
