"""reduce / arg_reduce / scan / mean_var / logsumexp against NumPy, every dtype and ISA."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import mg_kernels as mk
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import np_dtype, to_array, to_storage

if TYPE_CHECKING:
    from conftest import Elements, Operand, OperandMaker

DTYPES = tuple(d.name for d in mk.dtypes())
FLOATS = tuple(d.name for d in mk.dtypes() if d.kind == "f")
INTS = tuple(d.name for d in mk.dtypes() if d.kind in "iu")


def eps(dtype: str) -> float:
    return float(ml_dtypes.finfo(np_dtype(dtype)).eps)  # type: ignore[no-untyped-call]


def wide(a: np.ndarray) -> np.ndarray:
    """Floats as float64 (exact), other dtypes unchanged."""
    return a.astype(np.float64) if a.dtype.kind == "f" or a.dtype == np_dtype("bfloat16") else a


def general_elements(dtype: str) -> Elements:
    if dtype == "bool":
        return st.booleans()
    if dtype in FLOATS:
        width = {"float16": 16, "bfloat16": 32, "float32": 32, "float64": 64}[dtype]
        return st.floats(width=width)  # type: ignore[arg-type]
    info = np.iinfo(dtype)
    return st.integers(int(info.min), int(info.max))


def sum_elements(dtype: str) -> Elements:
    if dtype in FLOATS:  # finite sums (see test_reduce_sum.py)
        bound = 100.0 if dtype == "float16" else 1e3
        width = {"float16": 16, "bfloat16": 32, "float32": 32, "float64": 64}[dtype]
        return st.floats(-bound, bound, width=width)  # type: ignore[arg-type]
    return general_elements(dtype)


def prod_elements(dtype: str) -> Elements:
    # Powers of two (and the special values) multiply exactly in any order and never overflow
    # float32 within 125 factors; float16 gets only +-1, 0, inf and NaN, because NumPy and mg
    # round its partial products at different points.
    if dtype == "float16":
        return st.sampled_from([1.0, -1.0, 0.0, -0.0, math.inf, math.nan])
    if dtype in FLOATS:
        return st.sampled_from([1.0, -1.0, 2.0, 0.5, -2.0, 0.0, -0.0, math.inf, math.nan])
    return general_elements(dtype)


def reduced_operands(
    data: st.DataObject,
    make_operand: OperandMaker,
    shape: tuple[int, ...],
    dtype: str,
    out_dtype: str,
    elements: Elements,
) -> tuple[tuple[int, ...], Operand, Operand]:
    axes = tuple(sorted(data.draw(st.sets(st.integers(0, len(shape) - 1))))) if shape else ()
    out_shape = tuple(1 if d in axes else n for d, n in enumerate(shape))
    src = make_operand(data, shape, dtype, broadcast=True, elements=elements)
    out = make_operand(data, out_shape, out_dtype, elements=general_elements(out_dtype))
    out = dataclasses.replace(
        out, strides=tuple(0 if d in axes else s for d, s in enumerate(out.strides))
    )
    return axes, src, out


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), op=st.sampled_from(["MAX", "MIN"]))
def test_max_min_match_numpy_and_propagate_nan(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    dtype: str,
    op: str,
) -> None:
    shape = data.draw(shapes)
    axes, src, out = reduced_operands(
        data, make_operand, shape, dtype, dtype, general_elements(dtype)
    )
    full = wide(np.broadcast_to(src.view, shape))
    expected = wide(out.base.copy())
    view = out.view_of(expected)
    ufunc: np.ufunc
    if dtype == "bool":
        ufunc = np.logical_or if op == "MAX" else np.logical_and
        view[...] = ufunc(view, ufunc.reduce(full, axis=axes, keepdims=True))
    else:
        ufunc = np.maximum if op == "MAX" else np.minimum
        if dtype in FLOATS:
            initial = -math.inf if op == "MAX" else math.inf
        else:
            info = np.iinfo(dtype)
            initial = int(info.min) if op == "MAX" else int(info.max)
        part = ufunc.reduce(full, axis=axes, keepdims=True, initial=initial)
        view[...] = ufunc(view, part)

    mk.reduce(mk.ReduceOp[op], *out.args(), *src.args(), shape)

    np.testing.assert_array_equal(wide(out.result()), expected)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), op=st.sampled_from(["ALL", "ANY"]))
def test_all_any_take_any_dtype_into_bool(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    dtype: str,
    op: str,
) -> None:
    shape = data.draw(shapes)
    axes, src, out = reduced_operands(
        data, make_operand, shape, dtype, "bool", general_elements(dtype)
    )
    truth = wide(np.broadcast_to(src.view, shape)) != 0  # NaN is true
    expected = out.base.copy()
    view = out.view_of(expected)
    if op == "ALL":
        view[...] = view & np.all(truth, axis=axes, keepdims=True)
    else:
        view[...] = view | np.any(truth, axis=axes, keepdims=True)

    mk.reduce(mk.ReduceOp[op], *out.args(), *src.args(), shape)

    np.testing.assert_array_equal(out.result(), expected)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_prod_matches_numpy(
    isa: str,
    make_operand: OperandMaker,
    data: st.DataObject,
    dtype: str,
) -> None:
    shape = data.draw(st.lists(st.integers(0, 5), max_size=3).map(tuple))
    axes, src, out = reduced_operands(data, make_operand, shape, dtype, dtype, prod_elements(dtype))
    if dtype in FLOATS:  # the out values too: exact products
        out = dataclasses.replace(out, storage=to_storage(np.ones_like(out.base)))
        out_base = np.ones_like(out.base)
    else:
        out_base = out.base
    full = np.broadcast_to(src.view, shape)
    expected = wide(out_base.copy())
    with np.errstate(all="ignore"):
        if dtype in FLOATS:
            out.view_of(expected)[...] *= np.prod(wide(full), axis=axes, keepdims=True)
        else:  # ints wrap, bool is and: NumPy in the dtype itself
            expected = out_base.copy()
            part = np.prod(full, axis=axes, dtype=np_dtype(dtype), keepdims=True)
            if dtype == "bool":
                out.view_of(expected)[...] &= part
            else:
                out.view_of(expected)[...] *= part

    mk.reduce(mk.ReduceOp.PROD, *out.args(), *src.args(), shape)

    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(wide(out.result()), wide(expected.astype(np_dtype(dtype))))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_sum_op_matches_reduce_sum_and_numpy(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    dtype: str,
) -> None:
    shape = data.draw(shapes)
    axes, src, out = reduced_operands(data, make_operand, shape, dtype, dtype, sum_elements(dtype))
    out = dataclasses.replace(out, storage=to_storage(np.zeros_like(out.base)))
    twin = to_storage(np.zeros_like(out.base))
    full = np.broadcast_to(src.view, shape)

    mk.reduce(mk.ReduceOp.SUM, *out.args(), *src.args(), shape)
    mk.reduce_sum(twin, out.offset, out.strides, *src.args(), shape)

    np.testing.assert_array_equal(out.result(), to_array(twin))  # one kernel, same bits
    expected = np.zeros(out.base.shape, np.float64)
    expected_view = out.view_of(expected)
    if dtype in FLOATS:
        expected_view[...] = np.sum(wide(full), axis=axes, keepdims=True)
        magnitude = np.zeros_like(expected)
        out.view_of(magnitude)[...] = np.sum(np.abs(wide(full)), axis=axes, keepdims=True)
        count = math.prod(shape[d] for d in axes)
        error = np.abs(wide(out.result()) - expected)
        assert np.all(error <= (count + 2) * eps(dtype) * magnitude)
    else:
        exact = np.zeros_like(out.base)
        out.view_of(exact)[...] = np.sum(full, axis=axes, dtype=np_dtype(dtype), keepdims=True)
        np.testing.assert_array_equal(out.result(), exact)


def axis_last_operands(
    data: st.DataObject,
    make_operand: OperandMaker,
    shape: tuple[int, ...],
    dtype: str,
    out_dtype: str,
    elements: Elements | None = None,
) -> tuple[Operand, Operand]:
    """src over `shape`, and an output with stride 0 along the last dimension."""
    src = make_operand(data, shape, dtype, broadcast=True, elements=elements)
    out = make_operand(data, (*shape[:-1], 1), out_dtype)
    out = dataclasses.replace(out, strides=(*out.strides[:-1], 0))
    return src, out


def nonempty_rows(shape: tuple[int, ...]) -> bool:
    return shape[-1] > 0 or math.prod(shape[:-1]) == 0


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), op=st.sampled_from(["ARGMAX", "ARGMIN"]))
def test_arg_reduce_matches_numpy_first_nan_wins(
    isa: str,
    make_operand: OperandMaker,
    data: st.DataObject,
    dtype: str,
    op: str,
) -> None:
    shape = data.draw(st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple))
    src, out = axis_last_operands(data, make_operand, shape, dtype, "int64")
    full = wide(np.broadcast_to(src.view, shape))
    if not nonempty_rows(shape):
        with pytest.raises(ValueError, match="empty"):
            mk.arg_reduce(mk.ArgReduceOp[op], *out.args(), *src.args(), shape)
        return
    expected = out.base.copy()
    if full.size > 0:
        fn = np.argmax if op == "ARGMAX" else np.argmin
        out.view_of(expected)[...] = fn(full, axis=-1, keepdims=True)

    mk.arg_reduce(mk.ArgReduceOp[op], *out.args(), *src.args(), shape)

    np.testing.assert_array_equal(out.result(), expected)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES), op=st.sampled_from(["CUMSUM", "CUMPROD"]))
def test_scan_matches_numpy_exactly(
    isa: str,
    make_operand: OperandMaker,
    data: st.DataObject,
    dtype: str,
    op: str,
) -> None:
    shape = data.draw(st.lists(st.integers(0, 5), min_size=1, max_size=4).map(tuple))
    src = make_operand(data, shape, dtype, broadcast=True)
    out = make_operand(data, shape, dtype)
    full = np.broadcast_to(src.view, shape)
    expected = out.base.copy()
    fn = np.cumsum if op == "CUMSUM" else np.cumprod
    with np.errstate(all="ignore"):
        out.view_of(expected)[...] = fn(full, axis=-1, dtype=np_dtype(dtype))

    mk.scan(mk.ScanOp[op], *out.args(), *src.args(), shape)

    np.testing.assert_array_equal(wide(out.result()), wide(expected))


def test_scan_in_place(isa: str) -> None:
    values = np.arange(1, 13, dtype=np.int32).reshape(3, 4)
    expected = np.cumsum(values, axis=1)
    s = mk.Storage.from_buffer(values)  # a view: the scan writes into `values` too
    mk.scan(mk.ScanOp.CUMSUM, s, 0, [4, 1], s, 0, [4, 1], [3, 4])
    np.testing.assert_array_equal(np.asarray(s).reshape(3, 4), expected)
    np.testing.assert_array_equal(values, expected)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(FLOATS), ddof=st.sampled_from([0, 1]))
def test_mean_var_match_numpy(
    isa: str,
    make_operand: OperandMaker,
    data: st.DataObject,
    dtype: str,
    ddof: int,
) -> None:
    shape = data.draw(st.lists(st.integers(0, 6), min_size=1, max_size=3).map(tuple))
    bound = 1e3 if dtype != "float16" else 100.0
    width = {"float16": 16, "bfloat16": 32, "float32": 32, "float64": 64}[dtype]
    elements = st.floats(-bound, bound, width=width)  # type: ignore[arg-type]
    src, mean = axis_last_operands(data, make_operand, shape, dtype, dtype, elements)
    var = make_operand(data, (*shape[:-1], 1), dtype)
    var = dataclasses.replace(var, strides=(*var.strides[:-1], 0))
    full = wide(np.broadcast_to(src.view, shape))

    mk.mean_var(*mean.args(), *var.args(), *src.args(), shape, ddof=ddof)

    n = shape[-1]
    with np.errstate(all="ignore"):
        want_mean = np.sum(full, axis=-1, keepdims=True) / n
        want_var = np.sum((full - want_mean) ** 2, axis=-1, keepdims=True) / (n - ddof)
    if n == 0:  # NumPy: an empty row's variance is NaN whatever ddof
        want_var[...] = math.nan
    expected_mean = wide(mean.base.copy())
    mean.view_of(expected_mean)[...] = want_mean
    expected_var = wide(var.base.copy())
    var.view_of(expected_var)[...] = want_var
    # The references rounded once to the dtype, as the kernel does (underflow included).
    expected_mean = wide(expected_mean.astype(np_dtype(dtype)))
    expected_var = wide(expected_var.astype(np_dtype(dtype)))
    scale = np.zeros_like(expected_mean)
    mean.view_of(scale)[...] = np.max(np.abs(full), axis=-1, keepdims=True, initial=0.0)
    tol = 2 * eps(dtype)
    got_mean = wide(mean.result())
    got_var = wide(var.result())
    np.testing.assert_allclose(
        got_mean, expected_mean, rtol=tol, atol=tol * scale.max(initial=0.0) + 1e-300
    )
    var_scale = np.zeros_like(expected_var)
    var.view_of(var_scale)[...] = np.max(full**2, axis=-1, keepdims=True, initial=0.0)
    np.testing.assert_allclose(
        got_var, expected_var, rtol=tol, atol=tol * var_scale.max(initial=0.0) + 1e-300
    )


def reference_logsumexp(x: np.ndarray) -> np.ndarray:
    """torch.logsumexp's answers in float64, along the last axis."""
    with np.errstate(all="ignore"):
        m = np.max(x, axis=-1, keepdims=True, initial=-math.inf)
        finite = np.where(np.isfinite(m), m, 0.0)
        r = finite + np.log(np.sum(np.exp(x - finite), axis=-1, keepdims=True))
    result: np.ndarray = np.where(np.isfinite(m), r, m)  # NaN, +-inf are their own answers
    return result


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(FLOATS))
def test_logsumexp_matches_reference(
    isa: str,
    make_operand: OperandMaker,
    data: st.DataObject,
    dtype: str,
) -> None:
    shape = data.draw(st.lists(st.integers(0, 6), min_size=1, max_size=3).map(tuple))
    src, out = axis_last_operands(data, make_operand, shape, dtype, dtype)
    full = wide(np.broadcast_to(src.view, shape))

    mk.logsumexp(*out.args(), *src.args(), shape)

    expected = wide(out.base.copy())
    out.view_of(expected)[...] = reference_logsumexp(full)
    expected = wide(expected.astype(np_dtype(dtype)))  # the reference, rounded once
    got = wide(out.result())
    # m + log(s) may cancel: allow a few ulps of the row's max besides the relative error.
    with np.errstate(all="ignore"):
        m = np.max(np.abs(full), axis=-1, initial=0.0)
    scale = float(np.max(np.where(np.isfinite(m), m, 0.0), initial=0.0)) + 1.0
    np.testing.assert_allclose(got, expected, rtol=2 * eps(dtype), atol=4 * eps(dtype) * scale)


def test_logsumexp_special_rows(isa: str) -> None:
    rows = np.array([[1000.0, 1000.0], [-math.inf, -math.inf], [math.inf, 1.0], [1.0, math.nan]])
    src = mk.Storage.from_buffer(rows)
    out = mk.Storage("float64", 4)
    mk.logsumexp(out, 0, [1, 0], src, 0, [2, 1], [4, 2])
    got = out.tolist()
    assert got[0] == pytest.approx(1000.0 + math.log(2.0))
    assert got[1:3] == [-math.inf, math.inf]
    assert math.isnan(got[3])


def test_float32_sum_op_is_at_least_as_accurate_as_numpy(isa: str) -> None:
    values = np.random.default_rng(7).random(10**6, dtype=np.float32)
    exact = math.fsum(values.astype(np.float64).tolist())
    out = mk.Storage("float32", 1)
    mk.reduce(mk.ReduceOp.SUM, out, 0, [0], mk.Storage.from_buffer(values), 0, [1], [10**6])
    ulp = float(np.spacing(np.float32(exact)))
    assert abs(out.get_item(0) - exact) <= abs(float(np.sum(values)) - exact) + ulp


def test_errors_name_dtypes_and_shapes() -> None:
    f = mk.Storage("float32", 4)
    i = mk.Storage("int32", 4)
    b = mk.Storage("bool", 1)
    with pytest.raises(TypeError, match=r"int32.*float32"):
        mk.reduce(mk.ReduceOp.MAX, i, 0, [0], f, 0, [1], [4])
    with pytest.raises(TypeError, match="bool out"):
        mk.reduce(mk.ReduceOp.ALL, f, 0, [0], f, 0, [1], [4])
    mk.reduce(mk.ReduceOp.ANY, b, 0, [0], i, 0, [1], [4])
    with pytest.raises(TypeError, match="int64"):
        mk.arg_reduce(mk.ArgReduceOp.ARGMAX, i, 0, [0], f, 0, [1], [4])
    o = mk.Storage("int64", 4)
    with pytest.raises(ValueError, match="stride 0 along the last"):
        mk.arg_reduce(mk.ArgReduceOp.ARGMAX, o, 0, [1], f, 0, [1], [4])
    with pytest.raises(ValueError, match="at least one dimension"):
        mk.arg_reduce(mk.ArgReduceOp.ARGMAX, o, 0, [], f, 0, [], [])
    with pytest.raises(ValueError, match="empty"):
        mk.arg_reduce(mk.ArgReduceOp.ARGMIN, o, 0, [1, 0], f, 0, [0, 1], [2, 0])
    with pytest.raises(TypeError, match=r"floating dtype.*int32"):
        mk.logsumexp(i, 0, [0], i, 0, [1], [4])
    with pytest.raises(ValueError, match="ddof must be 0 or 1"):
        mk.mean_var(f, 0, [0], f, 1, [0], f, 0, [1], [4], ddof=2)
    with pytest.raises(TypeError, match="same dtype"):
        mk.scan(mk.ScanOp.CUMSUM, i, 0, [1], f, 0, [1], [4])
    with pytest.raises(ValueError, match="src"):
        mk.scan(mk.ScanOp.CUMSUM, f, 0, [1], f, 1, [1], [4])
