"""binary against NumPy: broadcasting, strides (negative too), offsets, dtypes; integer corners."""

from __future__ import annotations

from collections.abc import Callable
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
NARROW = ("float16", "bfloat16")
Op = mk.BinaryOp


NUMPY_OPS: dict[mk.BinaryOp, Callable[..., np.ndarray]] = {
    Op.ADD: np.add,
    Op.SUB: np.subtract,
    Op.MUL: np.multiply,
    Op.DIV: np.divide,
    Op.POW: np.power,
    Op.FLOOR_DIVIDE: np.floor_divide,
    Op.REMAINDER: np.remainder,
    Op.MAXIMUM: np.maximum,
    Op.MINIMUM: np.minimum,
    Op.ATAN2: np.arctan2,
    Op.COPYSIGN: np.copysign,
    Op.HYPOT: np.hypot,
    Op.LOGADDEXP: np.logaddexp,
    Op.EQUAL: np.equal,
    Op.NOT_EQUAL: np.not_equal,
    Op.LESS: np.less,
    Op.LESS_EQUAL: np.less_equal,
    Op.GREATER: np.greater,
    Op.GREATER_EQUAL: np.greater_equal,
    Op.LOGICAL_AND: np.logical_and,
    Op.LOGICAL_OR: np.logical_or,
    Op.LOGICAL_XOR: np.logical_xor,
    Op.BITWISE_AND: np.bitwise_and,
    Op.BITWISE_OR: np.bitwise_or,
    Op.BITWISE_XOR: np.bitwise_xor,
    Op.LEFT_SHIFT: np.left_shift,
    Op.RIGHT_SHIFT: np.right_shift,
}
FLOATS = ("float16", "bfloat16", "float32", "float64")
FLOAT_ONLY = (Op.ATAN2, Op.COPYSIGN, Op.HYPOT, Op.LOGADDEXP)
BITWISE = (Op.BITWISE_AND, Op.BITWISE_OR, Op.BITWISE_XOR)
SHIFTS = (Op.LEFT_SHIFT, Op.RIGHT_SHIFT)
GIVES_BOOL = tuple(op for op in Op if Op.EQUAL <= op <= Op.LOGICAL_XOR)
TRANSCENDENTAL = (Op.POW, Op.ATAN2, Op.HYPOT, Op.LOGADDEXP)


def supported(op: mk.BinaryOp, dtype: str) -> bool:
    """The documented op x dtype table (docs/kernels.md, "Binary ops")."""
    if op in FLOAT_ONLY:
        return dtype in FLOATS
    if op in BITWISE:
        return dtype not in FLOATS
    if op in SHIFTS:
        return dtype in INTS
    if op in (Op.SUB, Op.DIV, Op.POW, Op.FLOOR_DIVIDE, Op.REMAINDER):
        return dtype != "bool"
    return True


def numpy_op(op: mk.BinaryOp, dtype: str) -> Callable[..., np.ndarray]:
    """The NumPy ufunc with our semantics: integer DIV is floor division, bool ADD is or and
    bool MUL is and. bfloat16 computes in float32 and rounds once, as ml_dtypes does."""
    if dtype == "bool" and op in (Op.ADD, Op.MUL):
        return {Op.ADD: np.logical_or, Op.MUL: np.logical_and}[op]
    ufunc = np.floor_divide if op == Op.DIV and dtype in INTS else NUMPY_OPS[op]
    if dtype != "bfloat16":
        return ufunc

    def via_float32(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        result = ufunc(x.astype(np.float32), y.astype(np.float32))
        return result if op in GIVES_BOOL else result.astype(np_dtype("bfloat16"))

    return via_float32


def b_elements(
    op: mk.BinaryOp, dtype: str
) -> st.SearchStrategy[float] | st.SearchStrategy[int] | None:
    if dtype in INTS and op == Op.DIV:
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max)).filter(lambda x: x != 0)
    if dtype in INTS and op == Op.POW:
        return st.integers(0, min(70, int(np.iinfo(dtype).max)))
    if op in SHIFTS:  # around the width, where the defined corners are; negatives too
        info = np.iinfo(dtype)
        return st.integers(max(-3, int(info.min)), info.bits + 3)
    return None


OPS_AND_DTYPES = [(op, d) for d in DTYPES for op in Op if supported(op, d)]


@settings(max_examples=600, deadline=None)
@given(data=st.data(), op_dtype=st.sampled_from(OPS_AND_DTYPES))
def test_binary_matches_numpy(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    op_dtype: tuple[mk.BinaryOp, str],
) -> None:
    op, dtype = op_dtype
    shape = data.draw(shapes)
    out = make_operand(data, shape, "bool" if op in GIVES_BOOL else dtype)
    a = make_operand(data, shape, dtype, broadcast=True)
    b = make_operand(data, shape, dtype, broadcast=True, elements=b_elements(op, dtype))
    expected = out.base.copy()
    with np.errstate(all="ignore"):
        out.view_of(expected)[...] = numpy_op(op, dtype)(a.view, b.view)

    mk.binary(op, *out.args(), *a.args(), *b.args(), shape)

    result = out.result()
    if dtype in NARROW and op not in GIVES_BOOL:  # compare values (NaN == NaN)
        result, expected = result.astype(np.float64), expected.astype(np.float64)
    if op in TRANSCENDENTAL and dtype not in INTS:
        rtol = {"float32": 1e-6, "float64": 1e-14, "float16": 1e-3, "bfloat16": 1e-2}[dtype]
        np.testing.assert_allclose(result, expected, rtol=rtol, equal_nan=True)
    else:
        np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("op", [Op.ADD, Op.SUB, Op.MUL, Op.DIV])
def test_narrow_float_arithmetic_rounds_once_like_numpy_bit_for_bit(
    isa: str, op: mk.BinaryOp, dtype: str
) -> None:
    # Random bit patterns (subnormals, infinities and NaNs included) through the vector body and
    # the tail. NumPy (float16) and ml_dtypes (bfloat16) compute in float32 and round once.
    bits = np.random.default_rng(int(op)).integers(0, 2**16, size=(2, 20011), dtype=np.uint16)
    x, y = bits.view(np_dtype(dtype))
    out = mk.Storage.empty(dtype, x.size)
    mk.binary(op, out, 0, [1], to_storage(x), 0, [1], to_storage(y), 0, [1], [x.size])
    with np.errstate(all="ignore"):
        expected = NUMPY_OPS[op](x, y)
    got = to_array(out)
    nan = np.isnan(expected.astype(np.float32))
    assert np.array_equal(np.isnan(got.astype(np.float32)), nan)
    assert got[~nan].tobytes() == expected[~nan].tobytes()


@pytest.mark.parametrize("op", [Op.SUB, Op.DIV, Op.POW])
def test_bool_refuses_sub_div_and_pow_naming_dtype_and_op(isa: str, op: mk.BinaryOp) -> None:
    s = mk.Storage("bool", 3)
    with pytest.raises(TypeError, match=f"{op.name} is not defined for dtype bool"):
        mk.binary(op, s, 0, [1], s, 0, [1], s, 0, [1], [3])


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "uint32", "uint64", "int8", "int16"])
def test_small_and_unsigned_ints_wrap_and_divide_by_zero_gives_zero(isa: str, dtype: str) -> None:
    info = np.iinfo(dtype)
    x = [int(info.max), int(info.min), 7, 5, int(info.max)]
    y = [1, 1, 2, 0, int(info.max)]
    for op in (Op.ADD, Op.SUB, Op.MUL, Op.DIV):
        with np.errstate(all="ignore"):
            expected = numpy_op(op, dtype)(np.array(x * 9, dtype), np.array(y * 9, dtype))
        assert run_1d(op, dtype, x, y) == expected.tolist(), op


def run_1d(op: mk.BinaryOp, dtype: str, x: list[int], y: list[int]) -> list[float]:
    """op over two lists, repeated so that vector bodies and scalar tails both see them."""
    a = mk.Storage.from_list(dtype, x * 9)
    b = mk.Storage.from_list(dtype, y * 9)
    out = mk.Storage(dtype, len(x) * 9)
    mk.binary(op, out, 0, [1], a, 0, [1], b, 0, [1], [len(x) * 9])
    return out.tolist()


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_wrap_matches_numpy(isa: str, dtype: str) -> None:
    info = np.iinfo(dtype)
    x = [int(info.max), int(info.min), int(info.min), int(info.max)]
    y = [1, -1, -1, 2]
    for op in (Op.ADD, Op.SUB, Op.MUL):
        with np.errstate(all="ignore"):
            expected = numpy_op(op, dtype)(np.array(x * 9, dtype), np.array(y * 9, dtype))
        assert run_1d(op, dtype, x, y) == expected.tolist(), op


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_floor_division_corners_match_numpy(isa: str, dtype: str) -> None:
    info = np.iinfo(dtype)
    x = [7, -7, 7, -7, 5, 0, -5, int(info.min), int(info.max)]
    y = [2, 2, -2, -2, 0, 0, 0, -1, -1]
    with np.errstate(all="ignore"):  # NumPy warns on x // 0 and MIN // -1 but gives these values
        expected = np.floor_divide(np.array(x * 9, dtype), np.array(y * 9, dtype))
    assert run_1d(Op.DIV, dtype, x, y) == expected.tolist()
    assert run_1d(Op.DIV, dtype, [5, int(info.min)], [0, -1]) == [0, int(info.min)] * 9


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_power_with_negative_exponent_is_defined(isa: str, dtype: str) -> None:
    # NumPy refuses negative integer exponents, so the documented values are written out:
    # the truncated 1 / base**-e, that is 0 except for base 1 (1) and base -1 (+-1).
    x = [2, 1, -1, -1, 0, -3]
    y = [-1, -5, -3, -4, -2, -1]
    assert run_1d(Op.POW, dtype, x, y) == [0, 1, -1, 1, 0, 0] * 9


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_power_wraps_like_numpy(isa: str, dtype: str) -> None:
    x = [3, 2, -2, 7, 0, -1]
    y = [40, 63, 33, 0, 0, 7]
    expected = np.power(np.array(x * 9, dtype), np.array(y * 9, dtype))
    assert run_1d(Op.POW, dtype, x, y) == expected.tolist()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_division_by_zero_is_ieee(isa: str, dtype: str) -> None:
    x = np.array([1.0, -1.0, 0.0, 2.0], dtype)
    y = np.array([0.0, 0.0, 0.0, -0.0], dtype)
    with np.errstate(all="ignore"):
        expected = x / y
    a, b = mk.Storage.from_buffer(x), mk.Storage.from_buffer(y)
    out = mk.Storage(dtype, 4)
    mk.binary(Op.DIV, out, 0, [1], a, 0, [1], b, 0, [1], [4])
    np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize(
    "op", [op for op in Op if supported(op, "float64") and op not in GIVES_BOOL]
)
def test_in_place_on_a_and_on_b(isa: str, op: mk.BinaryOp) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 2.0, 67).astype(np.float64)
    y = rng.uniform(0.5, 2.0, 67).astype(np.float64)
    expected = numpy_op(op, "float64")(x, y)
    # copy=True: each run writes into its own storages, not into x or y (views would).
    a, b = mk.Storage.from_buffer(x, copy=True), mk.Storage.from_buffer(y, copy=True)
    mk.binary(op, a, 0, [1], a, 0, [1], b, 0, [1], [67])
    np.testing.assert_allclose(np.asarray(a), expected, rtol=1e-15)
    a, b = mk.Storage.from_buffer(x, copy=True), mk.Storage.from_buffer(y, copy=True)
    mk.binary(op, b, 0, [1], a, 0, [1], b, 0, [1], [67])
    np.testing.assert_allclose(np.asarray(b), expected, rtol=1e-15)


def test_binary_op_is_an_int_enum() -> None:
    assert [int(op) for op in Op] == list(range(27))
    assert [op.name for op in Op][:5] == ["ADD", "SUB", "MUL", "DIV", "POW"]
    assert int(Op.RIGHT_SHIFT) == 26
    assert isinstance(Op.ADD, int)
    assert Op(3) is Op.DIV


def test_zero_dimensional_and_empty_shapes() -> None:
    a = mk.Storage.from_list("float64", [2.0])
    out = mk.Storage("float64", 1)
    mk.binary(Op.MUL, out, 0, [], a, 0, [], a, 0, [], [])
    assert out.tolist() == [4.0]
    empty = mk.Storage("float64", 0)
    mk.binary(Op.ADD, empty, 0, [1, 1], empty, 0, [1, 1], empty, 0, [1, 1], [3, 0])
