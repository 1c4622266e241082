"""copy/cast against NumPy's astype, and the documented float-to-int corners."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from conftest import OperandMaker

DTYPES = ("float32", "float64", "int32", "int64")


def in_range(src: str, out: str) -> st.SearchStrategy[float] | st.SearchStrategy[int] | None:
    """Source values whose cast NumPy defines: floats that truncate into the target int range."""
    if not (src.startswith("float") and out.startswith("int")):
        return None
    bits = np.iinfo(out).bits
    top = float(np.nextafter(np.array(2.0 ** (bits - 1), src), np.array(0, src)))
    return st.floats(-(2.0 ** (bits - 1)), top, width=32 if src == "float32" else 64)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), src_dtype=st.sampled_from(DTYPES), out_dtype=st.sampled_from(DTYPES))
def test_copy_matches_numpy_astype(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    src_dtype: str,
    out_dtype: str,
) -> None:
    shape = data.draw(shapes)
    src = make_operand(
        data, shape, src_dtype, broadcast=True, elements=in_range(src_dtype, out_dtype)
    )
    out = make_operand(data, shape, out_dtype)
    expected = out.base.copy()
    with np.errstate(all="ignore"):  # float64 -> float32 overflow to inf warns in NumPy
        out.view_of(expected)[...] = src.view.astype(out_dtype)

    mk.copy(*out.args(), *src.args(), shape)

    np.testing.assert_array_equal(out.result(), expected)


def cast(values: Sequence[float], src: str, out: str) -> list[float]:
    source = mk.Storage.from_buffer(np.array(list(values) * 9, dtype=src))
    result = mk.Storage(out, len(values) * 9)
    mk.copy(result, 0, [1], source, 0, [1], [len(values) * 9])
    return result.tolist()[: len(values)]


@pytest.mark.parametrize("src", ["float32", "float64"])
@pytest.mark.parametrize("out", ["int32", "int64"])
def test_float_to_int_saturates_and_maps_nan_to_zero(isa: str, src: str, out: str) -> None:
    # Outside the int range NumPy's result is platform-defined; ours is documented: saturate,
    # NaN -> 0. The expected values are the documented ones.
    info = np.iinfo(out)
    values = [
        np.nan,
        np.inf,
        -np.inf,
        1e30,
        -1e30,
        2.0 ** (info.bits - 1),
        -(2.0 ** (info.bits - 1)),
    ]
    expected = [0, info.max, info.min, info.max, info.min, info.max, info.min]
    assert cast(values, src, out) == expected


@pytest.mark.parametrize("src", ["float32", "float64"])
@pytest.mark.parametrize("out", ["int32", "int64"])
def test_float_to_int_truncates_toward_zero_like_numpy(isa: str, src: str, out: str) -> None:
    values = [2.9, -2.9, -0.5, 0.5, 1e6 + 0.75, -1e6 - 0.75]
    assert cast(values, src, out) == np.array(values, src).astype(out).tolist()


def test_int64_to_int32_wraps_like_numpy(isa: str) -> None:
    values = [2**32 + 5, 2**31, -(2**31) - 1, -1]
    assert cast(values, "int64", "int32") == np.array(values, "int64").astype("int32").tolist()
