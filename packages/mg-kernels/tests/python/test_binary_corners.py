"""The corners of the newer binary ops that random draws rarely hit, against NumPy: shifts past
the width, integer x // 0 and x % 0, float floor division and remainder with signed zeros, inf
and NaN, NaN-propagating maximum/minimum, bool outputs; and the dtype errors."""

from __future__ import annotations

import mg_kernels as mk
import numpy as np
import pytest
from mg_kernels_numpy_bridge import to_array, to_storage

Op = mk.BinaryOp
INTS = tuple(d.name for d in mk.dtypes() if d.kind in "iu")
REPEAT = 9  # each corner lands in the unrolled body, the single-vector loop and the tail


def run(op: mk.BinaryOp, x: np.ndarray, y: np.ndarray, out_dtype: str | None = None) -> np.ndarray:
    """op over two equal-length arrays, tiled so every code path of the row sees each corner."""
    a, b = np.tile(x, REPEAT), np.tile(y, REPEAT)
    out = mk.Storage.empty(out_dtype or str(a.dtype), a.size)
    mk.binary(op, out, 0, [1], to_storage(a), 0, [1], to_storage(b), 0, [1], [a.size])
    return to_array(out)


def expect_numpy(
    op: mk.BinaryOp, ufunc: np.ufunc, x: np.ndarray, y: np.ndarray, *, signs: bool = True
) -> None:
    with np.errstate(all="ignore"):
        expected = ufunc(np.tile(x, REPEAT), np.tile(y, REPEAT))
    got = run(op, x, y, "bool" if expected.dtype == np.bool_ else None)
    np.testing.assert_array_equal(got, expected)
    if signs and expected.dtype.kind == "f":  # signed zeros too
        np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))


@pytest.mark.parametrize("dtype", INTS)
def test_shifts_by_negative_or_too_large_amounts_match_numpy(isa: str, dtype: str) -> None:
    info = np.iinfo(dtype)
    values = [1, int(info.max), int(info.min), 5, 0, int(info.min) + 1]
    amounts = [-1, 0, 1, info.bits - 1, info.bits, info.bits + 1, 100, int(info.min)]
    amounts = [s for s in amounts if info.min <= s <= info.max]
    x = np.array([v for v in values for _ in amounts], dtype)
    y = np.array(amounts * len(values), dtype)
    expect_numpy(Op.LEFT_SHIFT, np.left_shift, x, y)
    expect_numpy(Op.RIGHT_SHIFT, np.right_shift, x, y)


@pytest.mark.parametrize("dtype", INTS)
def test_integer_floor_divide_and_remainder_by_zero_and_minus_one(isa: str, dtype: str) -> None:
    info = np.iinfo(dtype)
    x = np.array([7, 0, int(info.max), int(info.min), int(info.min), 5, int(info.max)], dtype)
    y = np.array([0, 0, 0, 0, 1, 3, 2], dtype)
    if info.min < 0:
        x = np.concatenate([x, np.array([int(info.min), -7, 7, -7], dtype)])
        y = np.concatenate([y, np.array([-1, 2, -2, -2], dtype)])
    expect_numpy(Op.FLOOR_DIVIDE, np.floor_divide, x, y)
    expect_numpy(Op.REMAINDER, np.remainder, x, y)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_float_floor_divide_and_remainder_corners_bit_for_bit(isa: str, dtype: str) -> None:
    inf, nan = np.inf, np.nan
    xs = [7.0, -7.0, 7.0, -7.0, 0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 5.0, -0.0, 6e4, 0.3]
    ys = [2.0, 2.0, -2.0, -2.0, 3.0, 3.0, inf, inf, 1.0, 2.0, 1.0, 0.0, -2.0, 7e-5, 0.1]
    x, y = np.array(xs, dtype), np.array(ys, dtype)
    for ux, uy in ((x, y), (y, x)):
        expect_numpy(Op.FLOOR_DIVIDE, np.floor_divide, ux, uy)
        expect_numpy(Op.REMAINDER, np.remainder, ux, uy)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_maximum_minimum_propagate_nan_from_either_side(isa: str, dtype: str) -> None:
    nan, inf = np.nan, np.inf
    x = np.array([nan, 1.0, nan, -inf, 0.0, -0.0, 2.0, -3.0], dtype)
    y = np.array([1.0, nan, nan, inf, -0.0, 0.0, 2.0, 4.0], dtype)
    # Ties (+0.0 vs -0.0) give b in NumPy's float32/float64 loops and a in its float16 loop.
    for op, ufunc in ((Op.MAXIMUM, np.maximum), (Op.MINIMUM, np.minimum)):
        expect_numpy(op, ufunc, x, y)
        expect_numpy(op, ufunc, y, x)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "float16"])
def test_comparisons_write_bool_and_nan_compares_unequal(isa: str, dtype: str) -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(-3, 4, 41).astype(dtype)
    y = rng.integers(-3, 4, 41).astype(dtype)
    if dtype.startswith("float"):
        x[::5], y[::7] = np.nan, np.nan
    for op in (Op.EQUAL, Op.NOT_EQUAL, Op.LESS, Op.LESS_EQUAL, Op.GREATER, Op.GREATER_EQUAL):
        expect_numpy(op, getattr(np, op.name.lower()), x, y)
    for op in (Op.LOGICAL_AND, Op.LOGICAL_OR, Op.LOGICAL_XOR):
        expect_numpy(op, getattr(np, op.name.lower()), x, y)


def test_bool_bitwise_and_comparisons_read_any_nonzero_byte_as_true(isa: str) -> None:
    raw = mk.Storage.from_bytes("bool", bytes([0, 1, 2, 255]))
    ones = mk.Storage.from_list("bool", [True] * 4)
    out = mk.Storage("bool", 4)
    want = [False, True, True, True]
    for op in (Op.BITWISE_AND, Op.EQUAL):
        mk.binary(op, out, 0, [1], raw, 0, [1], ones, 0, [1], [4])
        assert out.tolist() == want, op
    assert out.tobytes() == bytes([0, 1, 1, 1])


@pytest.mark.parametrize(
    ("op", "dtype"),
    [
        (Op.BITWISE_AND, "float32"),
        (Op.LEFT_SHIFT, "bool"),
        (Op.RIGHT_SHIFT, "float64"),
        (Op.ATAN2, "int32"),
        (Op.LOGADDEXP, "bool"),
        (Op.REMAINDER, "bool"),
    ],
)
def test_undefined_op_dtype_pairs_raise_type_error_naming_both(op: mk.BinaryOp, dtype: str) -> None:
    s = mk.Storage(dtype, 3)
    with pytest.raises(TypeError, match=f"{op.name} is not defined for dtype {dtype}"):
        mk.binary(op, s, 0, [1], s, 0, [1], s, 0, [1], [3])


def test_comparison_out_must_be_bool_and_inputs_must_match() -> None:
    a = mk.Storage("float32", 3)
    i = mk.Storage("int32", 3)
    with pytest.raises(TypeError, match=r"out must have dtype bool .* got out float32"):
        mk.binary(Op.LESS, a, 0, [1], a, 0, [1], a, 0, [1], [3])
    with pytest.raises(TypeError, match="got a float32, b int32"):
        mk.binary(Op.LESS, mk.Storage("bool", 3), 0, [1], a, 0, [1], i, 0, [1], [3])
    with pytest.raises(TypeError, match=r"out must have dtype float32 .* got out bool"):
        mk.binary(Op.MAXIMUM, mk.Storage("bool", 3), 0, [1], a, 0, [1], a, 0, [1], [3])
