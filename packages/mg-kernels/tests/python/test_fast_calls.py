"""The METH_FASTCALL entry points: argument reading, allocating variants, errors, references.

binary, unary, reduce_sum and copy read their arguments by hand (Note [Fast calls]); these
tests pin what pybind11 used to check for us, and that binary_new/unary_new give what
binary/unary give into a fresh output.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import to_array, to_storage

Op = mk.BinaryOp


def arange(n: int, dtype: str = "float32") -> mk.Storage:
    return to_storage(np.arange(n, dtype=dtype))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(0, 5),
    cols=st.integers(0, 7),
    op=st.sampled_from([Op.ADD, Op.SUB, Op.MUL, Op.MAXIMUM, Op.LESS, Op.EQUAL]),
    transpose_b=st.booleans(),
)
def test_binary_new_equals_numpy_on_strided_operands(
    rows: int, cols: int, op: mk.BinaryOp, transpose_b: bool
) -> None:
    rng = np.random.default_rng(rows * 8 + cols)
    a = rng.integers(-5, 5, (rows, cols)).astype(np.float32)
    b_base = rng.integers(-5, 5, (cols, rows) if transpose_b else (rows, cols)).astype(np.float32)
    b = b_base.T if transpose_b else b_base
    b_strides = (1, rows) if transpose_b else (cols, 1)
    out = mk.binary_new(op, to_storage(a), 0, (cols, 1), to_storage(b_base), 0, b_strides,
                        (rows, cols))  # fmt: skip
    reference = {
        Op.ADD: np.add, Op.SUB: np.subtract, Op.MUL: np.multiply,
        Op.MAXIMUM: np.maximum, Op.LESS: np.less, Op.EQUAL: np.equal,
    }[op](a, b)  # fmt: skip
    assert out.dtype == reference.dtype.name
    assert out.size == rows * cols
    np.testing.assert_array_equal(to_array(out).reshape(rows, cols), reference)


def test_binary_new_broadcasts_a_stride_zero_scalar() -> None:
    one = mk.Storage.from_list("int16", [7])
    out = mk.binary_new(Op.MUL, arange(6, "int16"), 0, (3, 1), one, 0, (0, 0), (2, 3))
    assert out.tolist() == [0, 7, 14, 21, 28, 35]


def test_unary_new_equals_unary_and_writes_bool_for_predicates() -> None:
    src = to_storage(np.array([0.0, -1.5, np.nan, np.inf], dtype=np.float64))
    negated = mk.unary_new(mk.UnaryOp.NEGATIVE, src, 3, (-1,), (4,))
    assert negated.tolist()[0] == -np.inf
    assert negated.tolist()[2:] == [1.5, -0.0]
    isnan = mk.unary_new(mk.UnaryOp.ISNAN, src, 0, (1,), (4,))
    assert (isnan.dtype, isnan.tolist()) == ("bool", [False, False, True, False])


def test_empty_and_zero_d_shapes() -> None:
    empty = mk.binary_new(Op.ADD, arange(0), 0, (1,), arange(0), 0, (1,), (0,))
    assert (empty.size, empty.dtype) == (0, "float32")
    scalar = mk.binary_new(Op.ADD, arange(3), 2, (), arange(3), 1, (), ())
    assert scalar.tolist() == [3.0]
    assert mk.unary_new(mk.UnaryOp.SQUARE, arange(5), 4, (), ()).tolist() == [16.0]


def test_an_op_the_dtype_lacks_is_refused_even_when_empty() -> None:
    flags = mk.Storage("bool", 0)
    with pytest.raises(TypeError, match="SUB is not defined for dtype bool"):
        mk.binary_new(Op.SUB, flags, 0, (1,), flags, 0, (1,), (0,))


def test_ops_are_enum_members_or_their_ints_and_nothing_else() -> None:
    a = arange(3)
    assert mk.binary_new(int(Op.MUL), a, 0, (1,), a, 0, (1,), (3,)).tolist() == [0.0, 1.0, 4.0]
    with pytest.raises(ValueError, match="unknown op 99"):
        mk.binary_new(99, a, 0, (1,), a, 0, (1,), (3,))
    with pytest.raises(ValueError, match="unknown op -1"):
        mk.unary_new(-1, a, 0, (1,), (3,))
    with pytest.raises(TypeError, match=r"argument 1 \(op\) must be an int, not str"):
        mk.binary_new("ADD", a, 0, (1,), a, 0, (1,), (3,))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda a: mk.binary_new(Op.ADD, a, 0, (1,), a, 0, (1,)),
            r"binary_new\(\) takes 8 positional arguments but 7 were given",
        ),
        (
            lambda a: mk.binary(Op.ADD, a, 0, (1,), "x", 0, (1,), a, 0, (1,), (3,)),
            r"binary\(\) argument 5 \(a\) must be a Storage, not str",
        ),
        (
            lambda a: mk.unary_new(mk.UnaryOp.NEGATIVE, a, 0.5, (1,), (3,)),
            r"unary_new\(\) argument 3 \(offset\) must be an int, not float",
        ),
        (
            lambda a: mk.copy(a, 0, (1.0,), a, 0, (1,), (3,)),
            r"copy\(\) argument 3 \(strides\) must hold ints; entry 0 is float",
        ),
        (
            lambda a: mk.reduce_sum(a, 0, (0,), a, 0, (1,), 3),
            r"reduce_sum\(\) argument 7 \(shape\) must be a sequence of ints, not int",
        ),
    ],
)
def test_bad_arguments_are_type_errors_that_name_the_argument(
    call: Callable[[mk.Storage], object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        call(arange(3))


def test_keyword_arguments_are_refused() -> None:
    a = arange(3)
    with pytest.raises(TypeError, match="keyword"):
        mk.unary(mk.UnaryOp.NEGATIVE, a, 0, (1,), a, 0, (1,), shape=(3,))  # type: ignore[call-arg]


def test_any_sequence_of_integers_is_read_like_a_tuple() -> None:
    a = arange(6)
    out = mk.Storage("float32", 6)
    mk.binary(Op.ADD, out, 0, range(1, 2), a, 0, [np.int64(1)], a, np.int32(0), (1,), range(6, 7))
    assert out.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def test_more_than_64_dimensions_is_a_value_error() -> None:
    a = arange(1)
    with pytest.raises(ValueError, match="at most 64 dimensions"):
        mk.unary_new(mk.UnaryOp.NEGATIVE, a, 0, (0,) * 65, (1,) * 65)


def test_an_integer_too_large_for_int64_is_an_overflow_error() -> None:
    a = arange(1)
    with pytest.raises(OverflowError):
        mk.unary_new(mk.UnaryOp.NEGATIVE, a, 2**64, (), ())


def test_a_result_too_large_for_memory_is_a_memory_error() -> None:
    a = arange(1)
    with pytest.raises(MemoryError):
        mk.unary_new(mk.UnaryOp.NEGATIVE, a, 0, (0, 0), (2**31, 2**31))


def test_layout_errors_are_value_errors_naming_the_operand() -> None:
    a = arange(4)
    with pytest.raises(ValueError, match="'b'"):
        mk.binary_new(Op.ADD, a, 0, (1,), a, 1, (1,), (4,))


def test_calls_leave_the_reference_counts_of_their_arguments_alone() -> None:
    a, b = arange(4), arange(4)
    strides, shape = (1,), (4,)
    before = [sys.getrefcount(x) for x in (a, b, strides, shape)]
    for _ in range(1000):
        mk.binary_new(Op.ADD, a, 0, strides, b, 0, strides, shape)
        mk.unary_new(mk.UnaryOp.NEGATIVE, a, 0, strides, shape)
        with contextlib.suppress(ValueError):  # the error path must not leak either
            mk.binary_new(Op.ADD, a, 0, strides, b, 9, strides, shape)
    assert [sys.getrefcount(x) for x in (a, b, strides, shape)] == before


def test_calls_above_and_below_the_gil_threshold_agree() -> None:
    n = 1 << 16  # above the threshold under which the GIL stays held
    a = arange(n)
    big = to_array(mk.binary_new(Op.ADD, a, 0, (1,), a, 0, (1,), (n,)))
    small = to_array(mk.binary_new(Op.ADD, a, 0, (1,), a, 0, (1,), (100,)))
    np.testing.assert_array_equal(big[:100], small)
    np.testing.assert_array_equal(big, 2 * np.arange(n, dtype=np.float32))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "uint16", "int64", "bool"])
def test_sum_all_equals_numpys_sum_in_the_same_dtype(dtype: str) -> None:
    values = (np.arange(60) * 7 % 11).astype(dtype).reshape(5, 12)
    src = to_storage(values)
    # contiguous, the transpose, and reversed rows with step 2 (element offset 48: row 4)
    views = [((12, 1), (5, 12), 0, values), ((1, 12), (12, 5), 0, values.T),
             ((-12, 2), (5, 6), 48, values[::-1, ::2])]  # fmt: skip
    for strides, shape, offset, view in views:
        total = mk.sum_all(src, offset, strides, shape)
        assert (total.dtype, total.size) == (dtype, 1)
        # NumPy's add.reduce in the source dtype: integers wrap, bools OR (small ints: exact)
        assert total.tolist() == [np.add.reduce(view, axis=None, dtype=values.dtype).item()]
    assert mk.sum_all(mk.Storage(dtype, 0), 0, (1,), (0,)).tolist() == [0]  # an empty sum


def test_sum_all_wraps_integers_and_checks_its_arguments() -> None:
    big = mk.Storage.from_list("int8", [100, 100, 100])
    assert mk.sum_all(big, 0, (1,), (3,)).tolist() == [44]  # 300 wraps to 44 in an int8 total
    with pytest.raises(ValueError, match="'src'"):
        mk.sum_all(big, 1, (1,), (3,))
    with pytest.raises(TypeError, match=r"sum_all\(\) takes 4 positional arguments but 3"):
        mk.sum_all(big, 0, (1,))  # type: ignore[call-arg]
