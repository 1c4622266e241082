"""copy/cast over all 13 x 13 dtype pairs against NumPy's and ml_dtypes' astype, bit for bit,
including edge values; out-of-range float -> int follows the documented rule instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import mg_kernels as mk
import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import np_dtype, to_array, to_storage

if TYPE_CHECKING:
    from conftest import Elements, OperandMaker

DTYPES = tuple(d.name for d in mk.dtypes())
INTS = tuple(d.name for d in mk.dtypes() if d.kind in "iu")
FLOATS = tuple(d.name for d in mk.dtypes() if d.kind == "f")


def in_range(src: str, out: str) -> Elements | None:
    """Source values whose cast NumPy defines: floats that truncate into the target int range."""
    if not (src in FLOATS and out in INTS):
        return None
    info = np.iinfo(out)
    fmax = float(ml_dtypes.finfo(np_dtype(src)).max)  # type: ignore[no-untyped-call]
    with np.errstate(over="ignore"):  # 2**32 and up are inf in float16
        above = np.array(float(info.max) + 1, np_dtype(src))
    top = np.nextafter(above, np.zeros((), np_dtype(src)))
    lo = max(float(info.min), -fmax)
    return st.floats(lo, min(float(top), fmax), width=64)


def cast_expected(values: np.ndarray, out: str) -> np.ndarray:
    """NumPy's astype, with the documented values where NumPy's are undefined: float -> int
    saturates to the int's min/max, and NaN gives 0."""
    with np.errstate(all="ignore"):  # signalling NaNs warn in any float cast
        expected = values.astype(np_dtype(out))
        x = values.astype(np.float64)
    is_float = values.dtype.kind == "f" or values.dtype == np_dtype("bfloat16")  # ml_dtypes: "V"
    if is_float and out in INTS:
        info = np.iinfo(out)
        expected[x >= float(info.max) + 1] = info.max
        expected[x <= float(info.min) - 1] = info.min
        expected[np.isnan(x)] = 0
    return expected


@settings(max_examples=300, deadline=None)
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
        out.view_of(expected)[...] = src.view.astype(np_dtype(out_dtype))

    mk.copy(*out.args(), *src.args(), shape)

    assert out.result().tobytes() == expected.tobytes()


def edge_values(dtype: str) -> np.ndarray:
    """Every bit pattern of the 1- and 2-byte dtypes; for the others min/max and neighbours,
    signed zeros, infinities, NaNs (quiet and signalling), subnormals, the float16 and bfloat16
    halfway points and values a hair either side of them, and random bit patterns."""
    dt = np_dtype(dtype)
    if dtype == "bool":  # bytes other than 0 and 1 are not valid NumPy bools
        return np.array([False, True])
    if dt.itemsize <= 2:
        return np.arange(2 ** (8 * dt.itemsize), dtype=f"u{dt.itemsize}").view(dt)
    if dtype in INTS:
        info = np.iinfo(dtype)
        picks = [info.min, info.min + 1, -129, -1, 0, 1, 127, 128, 255, 256, 32767, 32768]
        picks += [65504, 65519, 65520, 2**24 + 1, 16842753, 2**31 - 1, 2**31, 2**53 + 1]
        picks += [2**63 - 1, info.max - 1, info.max]
        return np.array([p for p in picks if info.min <= p <= info.max], dt)
    bits = np.random.default_rng(5).integers(0, 2 ** (8 * dt.itemsize), 4000, dtype=np.uint64)
    random = bits.astype(f"u{dt.itemsize}").view(dt)
    halves = np.arange(0x7C00, dtype=np.uint16).view(np.float16).astype(np.float64)
    half_ties = (halves[:-1] + halves[1:]) / 2
    bf16 = np.arange(0, 0x7F80, 7, dtype=np.uint32) << 16
    bf16_ties = (bf16 | 0x8000).view(np.float32).astype(np.float64)
    ties = np.concatenate([half_ties, bf16_ties])
    ties = np.concatenate([ties, -ties])
    nudged = np.concatenate([np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf)])
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 65504.0, 65520.0, 1e300])
    fi = ml_dtypes.finfo(dt)  # type: ignore[no-untyped-call]
    special = np.concatenate([special, [fi.max, -fi.max, fi.tiny, fi.smallest_subnormal]])
    signalling = np.array([0x7F800001, 0x7FA00000, 0xFF800001], np.uint32).view(np.float32)
    with np.errstate(all="ignore"):
        floats = np.concatenate([ties, nudged, special]).astype(dt)
        return np.concatenate([floats, random, signalling.astype(dt)])


@pytest.mark.parametrize("out_dtype", DTYPES)
@pytest.mark.parametrize("src_dtype", DTYPES)
def test_cast_of_edge_values_matches_numpy_bit_for_bit(
    isa: str, src_dtype: str, out_dtype: str
) -> None:
    values = edge_values(src_dtype)
    expected = cast_expected(values, out_dtype)
    out = mk.Storage.empty(out_dtype, len(values))

    mk.copy(out, 0, [1], to_storage(values), 0, [1], [len(values)])

    got = to_array(out)
    bad = np.flatnonzero(got.view(f"u{got.itemsize}") != expected.view(f"u{got.itemsize}"))
    assert bad.size == 0, (
        f"{src_dtype} -> {out_dtype}: {bad.size} mismatches, first at {values[bad[0]]!r}"
        f" (bits {values[bad[:1]].tobytes().hex()}): got {got[bad[0]]!r}, want {expected[bad[0]]!r}"
    )


@pytest.mark.parametrize("layout", ["step", "transposed"])
@pytest.mark.parametrize("out_dtype", DTYPES)
@pytest.mark.parametrize("src_dtype", DTYPES)
def test_strided_cast_of_edge_values_matches_numpy_bit_for_bit(
    isa: str, src_dtype: str, out_dtype: str, layout: str
) -> None:
    """The same edge values through strided and transposed views (the buffered vector paths and
    the tiled transpose): a step-2 source with an offset into a reversed step-3 output, and a
    column-major source into a row-major output at least 64 x 64."""
    values = edge_values(src_dtype)
    n = max(len(values), 64 * 64)
    n += -n % 64
    values = np.resize(values, n)  # repeats the edge values up to a whole number of rows
    expected = cast_expected(values, out_dtype)
    if layout == "step":
        spread = np.zeros(2 * n + 1, values.dtype)
        spread[1::2] = values
        out = mk.Storage.empty(out_dtype, 3 * n)
        mk.copy(out, 3 * n - 1, [-3], to_storage(spread), 1, [2], [n])
        got = to_array(out)[::-1][::3]
    else:
        rows = n // 64
        column_major = values.reshape(rows, 64).T.copy()
        out = mk.Storage.empty(out_dtype, n)
        mk.copy(out, 0, [64, 1], to_storage(column_major.ravel()), 0, [1, rows], [rows, 64])
        got = to_array(out)
    width = f"u{got.itemsize}"
    bad = np.flatnonzero(got.view(width) != expected.view(width))
    assert bad.size == 0, (
        f"{src_dtype} -> {out_dtype} ({layout}): {bad.size} mismatches, first at "
        f"{values[bad[0]]!r}: got {got[bad[0]]!r}, want {expected[bad[0]]!r}"
    )


def cast(values: Sequence[float], src: str, out: str) -> list[float]:
    source = to_storage(np.array(list(values) * 9, dtype=np_dtype(src)))
    result = mk.Storage(out, len(values) * 9)
    mk.copy(result, 0, [1], source, 0, [1], [len(values) * 9])
    return result.tolist()[: len(values)]


@pytest.mark.parametrize("src", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("out", ["int8", "uint8", "int32", "uint64", "int64"])
def test_float_to_int_saturates_and_maps_nan_to_zero(isa: str, src: str, out: str) -> None:
    # Outside the int range NumPy's result is platform-defined; ours is documented: saturate,
    # NaN -> 0. The expected values are the documented ones.
    info = np.iinfo(out)
    values = [np.nan, np.inf, -np.inf, 1e30, -1e30, -1.0]
    expected = [0, info.max, info.min, info.max, info.min, -1 if info.min < 0 else 0]
    if src == "float16":
        values[3:5] = [65504.0, -65504.0]
        expected[3:5] = [min(65504, info.max), max(-65504, info.min)]
    assert cast(values, src, out) == expected


@pytest.mark.parametrize("src", ["float32", "float64"])
@pytest.mark.parametrize("out", ["int32", "int64"])
def test_float_to_int_truncates_toward_zero_like_numpy(isa: str, src: str, out: str) -> None:
    values = [2.9, -2.9, -0.5, 0.5, 1e6 + 0.75, -1e6 - 0.75]
    assert cast(values, src, out) == np.array(values, src).astype(out).tolist()


def test_int64_to_int32_wraps_like_numpy(isa: str) -> None:
    values = [2**32 + 5, 2**31, -(2**31) - 1, -1]
    assert cast(values, "int64", "int32") == np.array(values, "int64").astype("int32").tolist()


def test_bool_casts_follow_numpy(isa: str) -> None:
    assert cast([0.0, -0.0, 0.5, np.nan, -3.0], "float32", "bool") == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert cast([1, 0], "bool", "float16") == [1.0, 0.0]
