"""Binary elementwise functions beyond + - * / ** against NumPy: values, dtypes, operators."""

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
from mg_core_op_checks import NUMPY_DTYPES, assert_matches, is_error, numpy_or_error, values
from mg_core_strategies import laid_out, python_scalars


class BinaryCase(NamedTuple):
    """One row: the mg function, its operator (if any), NumPy's ufunc, allowed ulp error."""

    name: str
    fn: Callable[[Any, Any], mg.Tensor]
    operator: Callable[[Any, Any], Any] | None
    reference: Callable[[Any, Any], Any]
    ulps: float = 0


CASES = [
    BinaryCase("floor_divide", mg.floor_divide, operator.floordiv, np.floor_divide),
    BinaryCase("remainder", mg.remainder, operator.mod, np.remainder),
    BinaryCase("maximum", mg.maximum, None, np.maximum),
    BinaryCase("minimum", mg.minimum, None, np.minimum),
    BinaryCase("atan2", mg.atan2, None, np.arctan2, 2),
    BinaryCase("copysign", mg.copysign, None, np.copysign),
    BinaryCase("hypot", mg.hypot, None, np.hypot, 1),
    BinaryCase("logaddexp", mg.logaddexp, None, np.logaddexp, 2),
    BinaryCase("equal", mg.equal, operator.eq, np.equal),
    BinaryCase("not_equal", mg.not_equal, operator.ne, np.not_equal),
    BinaryCase("less", mg.less, operator.lt, np.less),
    BinaryCase("less_equal", mg.less_equal, operator.le, np.less_equal),
    BinaryCase("greater", mg.greater, operator.gt, np.greater),
    BinaryCase("greater_equal", mg.greater_equal, operator.ge, np.greater_equal),
    BinaryCase("logical_and", mg.logical_and, None, np.logical_and),
    BinaryCase("logical_or", mg.logical_or, None, np.logical_or),
    BinaryCase("logical_xor", mg.logical_xor, None, np.logical_xor),
    BinaryCase("bitwise_and", mg.bitwise_and, operator.and_, np.bitwise_and),
    BinaryCase("bitwise_or", mg.bitwise_or, operator.or_, np.bitwise_or),
    BinaryCase("bitwise_xor", mg.bitwise_xor, operator.xor, np.bitwise_xor),
    BinaryCase("bitwise_left_shift", mg.bitwise_left_shift, operator.lshift, np.left_shift),
    BinaryCase("bitwise_right_shift", mg.bitwise_right_shift, operator.rshift, np.right_shift),
]
IDS = [case.name for case in CASES]


def check(case: BinaryCase, a: Any, b: Any, ref_a: Any, ref_b: Any) -> None:
    """Compare the function (and its operator) with NumPy, errors included."""
    expected = numpy_or_error(case.reference, ref_a, ref_b)
    calls = [case.fn] if case.operator is None else [case.fn, case.operator]
    for call in calls:
        if is_error(expected):
            with pytest.raises(expected):
                call(a, b)
        else:
            assert_matches(call(a, b), expected, case.ulps)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3))
def test_values_and_dtypes_match_numpy_on_any_layout(
    case: BinaryCase, data: st.DataObject, shapes: hnp.BroadcastableShapes
) -> None:
    dtype_a = data.draw(st.sampled_from(NUMPY_DTYPES), label="dtype a")
    dtype_b = data.draw(st.sampled_from(NUMPY_DTYPES), label="dtype b")
    ref_a, a = data.draw(laid_out(dtype_a, shapes.input_shapes[0], values), label="a")
    ref_b, b = data.draw(laid_out(dtype_b, shapes.input_shapes[1], values), label="b")
    check(case, a, b, ref_a, ref_b)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0))
def test_python_scalars_on_either_side_match_numpy(
    case: BinaryCase, data: st.DataObject, shape: tuple[int, ...]
) -> None:
    dtype = data.draw(st.sampled_from(NUMPY_DTYPES), label="dtype")
    ref, t = data.draw(laid_out(dtype, shape, values))
    scalar = data.draw(python_scalars() | st.booleans() | st.integers(-300, 300), label="scalar")
    check(case, t, scalar, ref, scalar)
    check(case, scalar, t, scalar, ref)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_result_dtype_of_every_dtype_pair_matches_numpy(case: BinaryCase) -> None:
    wrong = []
    for name_a in NUMPY_DTYPES:
        for name_b in NUMPY_DTYPES:
            ref_a, ref_b = np.ones(2, name_a), np.ones(2, name_b)
            expected = numpy_or_error(case.reference, ref_a, ref_b)
            try:
                got: Any = case.fn(mg.asarray(ref_a), mg.asarray(ref_b)).dtype.name
            except TypeError:
                got = TypeError
            if is_error(expected):
                if got is not TypeError:
                    wrong.append((name_a, name_b, "no TypeError", got))
            elif got != expected.dtype.name:
                wrong.append((name_a, name_b, expected.dtype.name, got))
    assert not wrong


def test_integer_division_and_remainder_edges_match_numpy() -> None:
    for dtype in ("int8", "int32", "int64"):
        info = np.iinfo(dtype)
        a = np.array([7, -7, 7, -7, 0, 5, int(info.min), int(info.min)], dtype)
        b = np.array([2, 2, -2, -2, 0, 0, -1, 1], dtype)
        with np.errstate(all="ignore"):
            assert_matches(mg.asarray(a) // mg.asarray(b), a // b)
            assert_matches(mg.asarray(a) % mg.asarray(b), a % b)
    x = np.array([-1.0, 1.0, -0.0, 5.0, np.inf, -7.5])
    y = np.array([np.inf, -np.inf, 3.0, 0.0, 2.0, 2.0])
    with np.errstate(all="ignore"):
        assert_matches(mg.asarray(x) // mg.asarray(y), x // y)
        assert_matches(mg.asarray(x) % mg.asarray(y), x % y)


@pytest.mark.parametrize(
    ("fn", "scalar", "expected"),
    [
        (operator.lt, 1000, True),
        (operator.ge, 1000, False),
        (operator.eq, -1000, False),
        (operator.ne, 1000, True),
        (operator.gt, -1000, True),
        (operator.le, -1000, False),
    ],
)
def test_out_of_range_python_ints_compare_like_numpy(
    fn: Callable[[Any, Any], Any], scalar: int, expected: bool
) -> None:
    ref = np.array([[0, 255]], np.uint8)
    assert_matches(fn(mg.asarray(ref), scalar), fn(ref, scalar))
    assert_matches(fn(scalar, mg.asarray(ref)), fn(scalar, ref))
    assert np.asarray(fn(mg.asarray(ref), scalar)).tolist() == [[expected, expected]]


def test_out_of_range_python_int_in_arithmetic_is_an_overflow_error() -> None:
    with pytest.raises(OverflowError, match="Python integer 1000 out of bounds for int8"):
        mg.maximum(mg.zeros(2, "int8"), 1000)


def test_eq_is_elementwise_and_tensors_are_unhashable() -> None:
    t = mg.asarray([1, 2])
    assert_matches(t == mg.asarray([1, 3]), np.array([True, False]))
    assert mg.Tensor.__hash__ is None  # type: ignore[comparison-overlap]
    with pytest.raises(TypeError, match="unhashable"):
        hash(t)
    assert (t == "x") is False  # not an operand: Python falls back to identity
    assert (t != None) is True  # noqa: E711


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (mg.bitwise_and, r"bitwise_and is not defined for dtype float32 and dtype float32"),
        (mg.bitwise_left_shift, r"bitwise_left_shift is not defined for dtype float32"),
    ],
)
def test_integer_only_ops_on_floats_name_the_dtypes(
    fn: Callable[[Any, Any], mg.Tensor], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        fn(mg.zeros(2, "float32"), mg.zeros(2, "float32"))


def test_int64_with_uint64_bitwise_names_the_promotion() -> None:
    with pytest.raises(TypeError, match=r"int64 and dtype uint64 \(which promote to float64\)"):
        mg.zeros(1, "int64") | mg.zeros(1, "uint64")


def test_unsupported_operands_are_type_errors() -> None:
    with pytest.raises(
        TypeError, match="'<' not supported between instances of 'Tensor' and 'str'"
    ):
        _ = mg.zeros(1) < "x"  # type: ignore[operator]
    with pytest.raises(TypeError, match="unsupported operand types Tensor and str"):
        mg.maximum(mg.zeros(1), "x")  # type: ignore[arg-type]


def test_shape_mismatch_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"cannot broadcast shapes \(3, 4\) and \(5, 4\)"):
        _ = mg.zeros((3, 4)) < mg.zeros((5, 4))


IN_PLACE = [
    ("//=", operator.ifloordiv, np.floor_divide),
    ("%=", operator.imod, np.remainder),
    ("**=", operator.ipow, np.power),
    ("&=", operator.iand, np.bitwise_and),
    ("|=", operator.ior, np.bitwise_or),
    ("^=", operator.ixor, np.bitwise_xor),
    ("<<=", operator.ilshift, np.left_shift),
    (">>=", operator.irshift, np.right_shift),
]


@pytest.mark.parametrize(("name", "iop", "ufunc"), IN_PLACE, ids=[row[0] for row in IN_PLACE])
@given(
    data=st.data(),
    dtype_a=st.sampled_from(NUMPY_DTYPES),
    dtype_b=st.sampled_from(NUMPY_DTYPES),
)
def test_in_place_operators_write_into_the_buffer_like_numpy(
    name: str,
    iop: Callable[[Any, Any], Any],
    ufunc: np.ufunc,
    data: st.DataObject,
    dtype_a: str,
    dtype_b: str,
) -> None:
    small = (
        (lambda d: st.integers(0, 5) if d != "bool" else st.booleans()) if name == "**=" else None
    )
    ref_x = data.draw(hnp.arrays(dtype_a, (2, 3), elements=(small or values)(dtype_a)))
    ref_y, y = data.draw(laid_out(dtype_b, (3,), small or values))
    x = mg.asarray(ref_x)
    buffer = x.buffer
    expected = numpy_or_error(
        lambda a, b: ufunc(a, b, out=a, casting="same_kind"), ref_x.copy(), ref_y
    )
    if is_error(expected):
        with pytest.raises(expected):
            iop(x, y)
        return
    result = iop(x, y)
    assert result is x
    assert x.buffer is buffer
    assert_matches(x, expected)


def test_in_place_negative_int_power_is_refused() -> None:
    x = mg.asarray([2, 3])
    with pytest.raises(ValueError, match="Integers to negative integer powers"):
        x **= -1


def test_abs_and_invert_operators() -> None:
    ref = np.array([-3, 0, 5], np.int16)
    assert_matches(abs(mg.asarray(ref)), np.abs(ref))
    assert_matches(~mg.asarray(ref), ~ref)
    assert_matches(~mg.asarray([True, False]), np.array([False, True]))


@pytest.mark.parametrize("case", CASES[8:14], ids=IDS[8:14])
@pytest.mark.parametrize("signed", ["int8", "int64"])
def test_signed_with_uint64_compares_exactly_like_numpy(case: BinaryCase, signed: str) -> None:
    info = np.iinfo(signed)
    a = np.array([int(info.max), -1, 5, int(info.min), 0], signed)
    b = np.array([int(info.max) + 1, 2**64 - 1, 5, 0, 0], np.uint64)  # beyond float64's 2**53
    assert_matches(case.fn(mg.asarray(a), mg.asarray(b)), case.reference(a, b))
    assert_matches(case.fn(mg.asarray(b), mg.asarray(a)), case.reference(b, a))


@pytest.mark.parametrize("case", [c for c in CASES if c.ulps == 0], ids=lambda c: c.name)
def test_bfloat16_matches_float32_on_exactly_representable_values(case: BinaryCase) -> None:
    """NumPy has no bfloat16: small integers and halves are exact in it, so the exact ops'
    results equal NumPy's float32 ones (integer-only ops must refuse it)."""
    a = np.array([-3.5, -2.0, -0.5, 0.0, 1.0, 2.5, 4.0], np.float32)
    b = np.array([2.0, -2.0, 0.5, 1.0, -1.5, 2.5, 3.0], np.float32)
    x, y = mg.asarray(a).astype("bfloat16"), mg.asarray(b).astype("bfloat16")
    expected = numpy_or_error(case.reference, a, b)
    if is_error(expected):
        with pytest.raises(TypeError, match="bfloat16"):
            case.fn(x, y)
        return
    got = case.fn(x, y)
    assert got.dtype.name == ("bool" if expected.dtype == np.bool_ else "bfloat16")
    assert_matches(got.astype("float32") if got.dtype.name != "bool" else got, expected)
