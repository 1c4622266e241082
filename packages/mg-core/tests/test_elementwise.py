"""Elementwise ops against NumPy: values, result dtypes, broadcasting, layouts, scalars."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core_strategies import DTYPES, any_values, laid_out, python_scalars, small_exponents


class BinaryOpInfo(NamedTuple):
    """One row of the op table: the mg function, its operator, the NumPy reference."""

    name: str
    fn: Callable[[Any, Any], mg.Tensor]
    operator: Callable[[Any, Any], Any]
    reference: Callable[[Any, Any], Any]
    exponent_values: bool = False  # second operand restricted to small exponents
    float_rtol: float = 0.0  # 0: results must be bit-identical


BINARY_OPS = [
    BinaryOpInfo("add", mg.add, operator.add, np.add),
    BinaryOpInfo("subtract", mg.subtract, operator.sub, np.subtract),
    BinaryOpInfo("multiply", mg.multiply, operator.mul, np.multiply),
    BinaryOpInfo("divide", mg.divide, operator.truediv, np.true_divide),
    BinaryOpInfo("pow", mg.pow, operator.pow, np.power, exponent_values=True, float_rtol=4e-7),
]
OP_IDS = [op.name for op in BINARY_OPS]


def assert_same(ours: mg.Tensor, expected: Any, rtol: float = 0.0) -> None:
    """Check dtype, shape and values (NaN equals NaN; signed zeros must agree)."""
    expected = np.asarray(expected)
    assert isinstance(ours, mg.Tensor)
    assert ours.dtype.name == expected.dtype.name
    assert ours.shape == expected.shape
    got = np.asarray(ours)
    if rtol and expected.dtype.kind == "f":
        np.testing.assert_allclose(got, expected, rtol=rtol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected)
    if expected.dtype.kind == "f":
        zeros = (expected == 0) & (got == 0)
        np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(expected[zeros]))


def reference(op: BinaryOpInfo, a: Any, b: Any) -> Any:
    with np.errstate(all="ignore"):
        return op.reference(a, b)


@pytest.mark.parametrize("op", BINARY_OPS, ids=OP_IDS)
@given(data=st.data(), case=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
def test_binary_op_matches_numpy(
    op: BinaryOpInfo, data: st.DataObject, case: hnp.BroadcastableShapes
) -> None:
    dtype_a, dtype_b = data.draw(st.sampled_from(DTYPES)), data.draw(st.sampled_from(DTYPES))
    ref_a, a = data.draw(laid_out(dtype_a, case.input_shapes[0]), label="a")
    b_values = small_exponents if op.exponent_values else any_values
    ref_b, b = data.draw(laid_out(dtype_b, case.input_shapes[1], b_values), label="b")
    expected = reference(op, ref_a, ref_b)
    assert_same(op.fn(a, b), expected, op.float_rtol)
    assert_same(op.operator(a, b), expected, op.float_rtol)


@pytest.mark.parametrize("op", BINARY_OPS, ids=OP_IDS)
@given(
    data=st.data(), dtype=st.sampled_from(DTYPES), shape=hnp.array_shapes(min_dims=0, max_dims=2)
)
def test_binary_op_with_python_scalars_matches_numpy(
    op: BinaryOpInfo, data: st.DataObject, dtype: str, shape: tuple[int, ...]
) -> None:
    ref, t = data.draw(
        laid_out(dtype, shape, small_exponents if op.exponent_values else any_values)
    )
    scalar = data.draw(python_scalars())
    for args, ref_args in (((t, scalar), (ref, scalar)), ((scalar, t), (scalar, ref))):
        if op.exponent_values and args[1] is scalar:
            scalar_exponent = data.draw(st.integers(-3, 9) | st.floats(-3, 3))
            args, ref_args = (t, scalar_exponent), (ref, scalar_exponent)
        try:
            expected = reference(op, *ref_args)
        except (OverflowError, ValueError) as error:
            with pytest.raises(type(error)):
                op.fn(*args)
            with pytest.raises(type(error)):
                op.operator(*args)
            continue
        assert_same(op.fn(*args), expected, op.float_rtol)
        assert_same(op.operator(*args), expected, op.float_rtol)


@given(data=st.data())
def test_negative_matches_numpy(data: st.DataObject) -> None:
    dtype = data.draw(st.sampled_from(DTYPES))
    ref, t = data.draw(laid_out(dtype, data.draw(hnp.array_shapes(min_dims=0, max_dims=3))))
    assert_same(mg.negative(t), np.negative(ref))
    assert_same(-t, np.negative(ref))


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_negative_wraps_the_smallest_int_and_keeps_signed_zero(dtype: str) -> None:
    smallest = int(np.iinfo(dtype).min)
    assert_same(
        -mg.asarray([smallest, 0, 5], dtype), np.negative(np.array([smallest, 0, 5], dtype))
    )
    assert_same(-mg.asarray([0.0, -0.0]), np.negative(np.array([0.0, -0.0])))


def test_integer_division_is_true_division() -> None:
    a, b = [7, -7, 0, 1], [2, 2, 0, 0]
    with np.errstate(all="ignore"):
        expected = np.array(a, np.int32) / np.array(b, np.int32)
    assert_same(mg.asarray(a, "int32") / mg.asarray(b, "int32"), expected)


def test_integers_to_negative_powers_are_refused_like_numpy() -> None:
    with pytest.raises(ValueError, match=r"Integers to negative integer powers are not allowed\."):
        mg.asarray([2, 3]) ** -1
    with pytest.raises(ValueError, match=r"Integers to negative integer powers are not allowed\."):
        mg.pow(2, -2)
    assert_same(mg.asarray([2.0]) ** -1, np.array([2.0]) ** -1)
    assert_same(mg.asarray([2], "int32") ** -1.0, np.array([2], np.int32) ** -1.0)


def test_weak_int_overflow_like_numpy() -> None:
    with pytest.raises(OverflowError, match="Python integer 1099511627776 out of bounds for int32"):
        mg.asarray([1], "int32") + 2**40
    assert_same(mg.asarray([1], "int32") / 2**40, np.array([1], np.int32) / 2**40)


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"cannot broadcast shapes \(3, 4\) and \(5, 4\)"):
        mg.zeros((3, 4)) + mg.zeros((5, 4))
    with pytest.raises(ValueError, match=r"cannot broadcast shapes \(2,\) and \(3,\)"):
        mg.multiply(mg.zeros(2, "int32"), mg.zeros(3, "float32"))


def test_unsupported_operands() -> None:
    with pytest.raises(TypeError, match="unsupported operand types Tensor and str"):
        mg.add(mg.zeros(1), "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unsupported operand type"):
        mg.zeros(1) + "x"  # type: ignore[operator]


def test_inputs_are_not_modified_and_results_are_fresh() -> None:
    a = mg.asarray([1.0, 2.0])
    b = a + 0
    assert b.buffer.storage is not a.buffer.storage
    assert b.is_contiguous
    assert a.tolist() == [1.0, 2.0]


def test_numpy_operands_defer_to_numpy() -> None:
    result = mg.asarray([1.0, 2.0]) + np.array([1.0, 1.0])
    np.testing.assert_array_equal(result, [2.0, 3.0])
