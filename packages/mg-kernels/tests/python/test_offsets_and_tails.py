"""Every head and tail path: operands starting at element offsets 0..31, lengths 0..67.

32 offsets cover every alignment of a 64-byte line (and of every vector width) for the narrow
and wide types alike; 67 elements reach past two unrolled AVX-512 blocks of float32, so every
combination of misaligned head, unrolled body, single-vector steps and scalar tail runs. The
three operands of a binary op start at different offsets, so their misalignments differ too.
"""

from __future__ import annotations

import mg_kernels as mk
import numpy as np
import pytest
from mg_kernels_numpy_bridge import to_array, to_storage

DTYPES = ("int8", "uint16", "int64", "float16", "float32")
OFFSETS = range(32)
LENGTHS = range(68)
SPAN = 32 + 68 + 8  # room for the largest offset plus the longest run


def _values(dtype: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype.startswith("float"):
        return rng.uniform(-100, 100, SPAN).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, SPAN, dtype=dtype, endpoint=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_add_at_every_offset_and_length(isa: str, dtype: str) -> None:
    a, b = _values(dtype, 1), _values(dtype, 2)
    sa, sb = to_storage(a), to_storage(b)
    for offset in OFFSETS:
        oa, ob, oo = offset, (offset * 7 + 3) % 32, (offset * 5 + 1) % 32
        for n in LENGTHS:
            out = mk.Storage(dtype, SPAN)
            mk.binary(mk.BinaryOp.ADD, out, oo, [1], sa, oa, [1], sb, ob, [1], [n])
            with np.errstate(over="ignore"):
                want = a[oa : oa + n] + b[ob : ob + n]
            got = to_array(out)
            np.testing.assert_array_equal(got[oo : oo + n], want, err_msg=f"{offset=} {n=}")
            assert not got[:oo].any(), f"wrote before the run: {offset=} {n=}"
            assert not got[oo + n :].any(), f"wrote after the run: {offset=} {n=}"


@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_copy_and_sum_at_every_offset_and_length(isa: str, dtype: str) -> None:
    x = _values(dtype, 3)
    sx = to_storage(x)
    op = mk.UnaryOp.SQUARE
    for offset in OFFSETS:
        oo = (offset * 3 + 5) % 32
        for n in LENGTHS:
            view = x[offset : offset + n]
            out = mk.Storage(dtype, SPAN)
            mk.unary(op, out, oo, [1], sx, offset, [1], [n])
            with np.errstate(over="ignore"):
                np.testing.assert_array_equal(to_array(out)[oo : oo + n], np.square(view))
            copied = mk.Storage("float64", SPAN)
            mk.copy(copied, oo, [1], sx, offset, [1], [n])
            np.testing.assert_array_equal(to_array(copied)[oo : oo + n], view.astype("float64"))
            total = mk.Storage(dtype, 1)
            mk.reduce(mk.ReduceOp.SUM, total, 0, [0], sx, offset, [1], [n])
            got = to_array(total)[0]
            if dtype.startswith("float"):  # summed in float32, rounded once to dtype
                want = view.astype("float64").sum()
                rounding = float(np.abs(np.spacing(np.asarray(want, dtype=dtype))))
                tolerance = rounding + 1e-5 * float(np.abs(view.astype("float64")).sum())
                assert abs(float(got) - want) <= tolerance, f"{offset=} {n=}: {got} vs {want}"
            else:  # integer sums wrap: exact
                assert got == view.sum(dtype=dtype), f"{offset=} {n=}"
