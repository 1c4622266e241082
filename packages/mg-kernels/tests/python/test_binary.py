"""binary against NumPy: broadcasting, strides (negative too), offsets, dtypes; integer corners."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from conftest import OperandMaker

DTYPES = ("float32", "float64", "int32", "int64")
Op = mk.BinaryOp

NUMPY_OPS: dict[mk.BinaryOp, Callable[..., np.ndarray]] = {
    Op.ADD: np.add,
    Op.SUB: np.subtract,
    Op.MUL: np.multiply,
    Op.DIV: np.divide,
    Op.POW: np.power,
}


def numpy_op(op: mk.BinaryOp, dtype: str) -> Callable[..., np.ndarray]:
    """The NumPy ufunc with our semantics: integer DIV is floor division."""
    if op == Op.DIV and dtype.startswith("int"):
        return np.floor_divide
    return NUMPY_OPS[op]


def b_elements(
    op: mk.BinaryOp, dtype: str
) -> st.SearchStrategy[float] | st.SearchStrategy[int] | None:
    if dtype.startswith("int") and op == Op.DIV:
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max)).filter(lambda x: x != 0)
    if dtype.startswith("int") and op == Op.POW:
        return st.integers(0, 70)
    return None


@settings(max_examples=150, deadline=None)
@given(data=st.data(), op=st.sampled_from(list(Op)), dtype=st.sampled_from(DTYPES))
def test_binary_matches_numpy(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    op: mk.BinaryOp,
    dtype: str,
) -> None:
    shape = data.draw(shapes)
    out = make_operand(data, shape, dtype)
    a = make_operand(data, shape, dtype, broadcast=True)
    b = make_operand(data, shape, dtype, broadcast=True, elements=b_elements(op, dtype))
    expected = out.base.copy()
    with np.errstate(all="ignore"):
        out.view_of(expected)[...] = numpy_op(op, dtype)(a.view, b.view)

    mk.binary(op, *out.args(), *a.args(), *b.args(), shape)

    if op == Op.POW and dtype.startswith("float"):
        rtol = 1e-6 if dtype == "float32" else 1e-14
        np.testing.assert_allclose(out.result(), expected, rtol=rtol, equal_nan=True)
    else:
        np.testing.assert_array_equal(out.result(), expected)


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


@pytest.mark.parametrize("op", list(Op))
def test_in_place_on_a_and_on_b(isa: str, op: mk.BinaryOp) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 2.0, 67).astype(np.float64)
    y = rng.uniform(0.5, 2.0, 67).astype(np.float64)
    expected = numpy_op(op, "float64")(x, y)
    a, b = mk.Storage.from_buffer(x), mk.Storage.from_buffer(y)
    mk.binary(op, a, 0, [1], a, 0, [1], b, 0, [1], [67])
    np.testing.assert_allclose(np.asarray(a), expected, rtol=1e-15)
    a, b = mk.Storage.from_buffer(x), mk.Storage.from_buffer(y)
    mk.binary(op, b, 0, [1], a, 0, [1], b, 0, [1], [67])
    np.testing.assert_allclose(np.asarray(b), expected, rtol=1e-15)


def test_binary_op_is_an_int_enum() -> None:
    assert [int(op) for op in Op] == [0, 1, 2, 3, 4]
    assert [op.name for op in Op] == ["ADD", "SUB", "MUL", "DIV", "POW"]
    assert isinstance(Op.ADD, int)
    assert Op(3) is Op.DIV


def test_zero_dimensional_and_empty_shapes() -> None:
    a = mk.Storage.from_list("float64", [2.0])
    out = mk.Storage("float64", 1)
    mk.binary(Op.MUL, out, 0, [], a, 0, [], a, 0, [], [])
    assert out.tolist() == [4.0]
    empty = mk.Storage("float64", 0)
    mk.binary(Op.ADD, empty, 0, [1, 1], empty, 0, [1, 1], empty, 0, [1, 1], [3, 0])
