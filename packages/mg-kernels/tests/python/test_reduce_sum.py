"""reduce_sum against np.sum: reduced axes anywhere, strided and broadcast sources, accuracy."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Literal

import mg_kernels as mk
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import np_dtype

if TYPE_CHECKING:
    from conftest import OperandMaker

DTYPES = tuple(d.name for d in mk.dtypes())
FLOATS = tuple(d.name for d in mk.dtypes() if d.kind == "f")
FLOAT_WIDTH: dict[str, Literal[16, 32, 64]] = {
    "float16": 16,
    "bfloat16": 32,
    "float32": 32,
    "float64": 64,
}


def elements(
    dtype: str,
) -> st.SearchStrategy[float] | st.SearchStrategy[int] | st.SearchStrategy[bool]:
    if dtype == "bool":
        return st.booleans()
    if dtype in FLOATS:
        # float16 tops out at 65504: with at most 5**4 terms, |x| <= 100 keeps every sum finite.
        # Past overflow mg (float32 accumulator) and NumPy (float16 pairwise) meet inf at
        # different points, and inf - inf has no error to compare.
        bound = 100.0 if dtype == "float16" else 1e3
        return st.floats(-bound, bound, width=FLOAT_WIDTH[dtype])
    info = np.iinfo(dtype)
    return st.integers(int(info.min), int(info.max))


@settings(max_examples=250, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_reduce_sum_matches_numpy(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    dtype: str,
) -> None:
    shape = data.draw(shapes)
    axes = tuple(sorted(data.draw(st.sets(st.integers(0, len(shape) - 1))))) if shape else ()
    out_shape = tuple(1 if d in axes else n for d, n in enumerate(shape))
    src = make_operand(data, shape, dtype, broadcast=True, elements=elements(dtype))
    out = make_operand(data, out_shape, dtype, elements=elements(dtype))
    out = dataclasses.replace(
        out, strides=tuple(0 if d in axes else s for d, s in enumerate(out.strides))
    )
    full = np.broadcast_to(src.view, shape)
    expected = out.base.copy()
    with np.errstate(all="ignore"):
        out.view_of(expected)[...] += np.sum(full, axis=axes, dtype=np_dtype(dtype), keepdims=True)

    mk.reduce_sum(*out.args(), *src.args(), shape)

    if dtype not in FLOATS:  # ints wrap; bool sums are logical or, as NumPy's
        np.testing.assert_array_equal(out.result(), expected)
    else:
        count = math.prod(shape[d] for d in axes)
        magnitude = np.abs(out.base).astype(np.float64)
        out.view_of(magnitude)[...] += np.sum(
            np.abs(full), axis=axes, dtype=np.float64, keepdims=True
        )
        eps = float(ml_dtypes.finfo(np_dtype(dtype)).eps)  # type: ignore[no-untyped-call]
        tolerance = (count + 2) * eps * magnitude
        error = np.abs(out.result().astype(np.float64) - expected.astype(np.float64))
        assert np.all(error <= tolerance)


@pytest.mark.parametrize("step", [1, -1, 3])
def test_float32_sum_is_at_least_as_accurate_as_numpy(isa: str, step: int) -> None:
    values = np.random.default_rng(42).random(3 * 10**6, dtype=np.float32)
    view = values[::step][: 10**6]
    exact = math.fsum(view.astype(np.float64).tolist())
    numpy_error = abs(float(np.sum(view)) - exact)
    base = mk.Storage.from_buffer(values)
    offset = 0 if step > 0 else values.size - 1
    out = mk.Storage("float32", 1)
    mk.reduce_sum(out, 0, [0], base, offset, [step], [10**6])
    ulp = float(np.spacing(np.float32(exact)))
    assert abs(out.get_item(0) - exact) <= 2 * numpy_error + ulp


def test_sum_adds_into_out_and_integers_wrap(isa: str) -> None:
    src = mk.Storage.filled("int32", 100, 2**31 - 1)
    out = mk.Storage.from_list("int32", [5])
    mk.reduce_sum(out, 0, [0], src, 0, [1], [100])
    expected = np.array([5], np.int32) + np.sum(np.asarray(src), dtype=np.int32)
    assert out.tolist() == expected.tolist()


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_narrow_float_rows_accumulate_in_float32_and_round_once(isa: str, dtype: str) -> None:
    # 4096 ones: a float16 running sum would stick at 2048; a float32 one does not.
    src = mk.Storage.filled(dtype, 4096, 1.0)
    out = mk.Storage(dtype, 1)
    mk.reduce_sum(out, 0, [0], src, 0, [1], [4096])
    assert out.tolist() == [4096.0]


def test_bool_sum_is_logical_or(isa: str) -> None:
    src = mk.Storage.from_list("bool", [False] * 50 + [True] + [False] * 50)
    out = mk.Storage("bool", 1)
    mk.reduce_sum(out, 0, [0], src, 0, [1], [101])
    assert out.tolist() == [True]
