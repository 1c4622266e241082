"""unary against NumPy: every op and dtype, strided/broadcast/offset views, each ISA forced.

Exact ops must equal NumPy bit for bit (NaN matching NaN); math functions are compared in ulps
with NumPy's float64 result (at most 2 ulp for float32/float64, 1 ulp for float16/bfloat16, which
compute in float32 and round once).
"""

from __future__ import annotations

import math
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

Op = mk.UnaryOp
DTYPES = tuple(d.name for d in mk.dtypes())
INTS = tuple(d.name for d in mk.dtypes() if d.kind in "iu")
FLOATS = ("float16", "bfloat16", "float32", "float64")
NARROW = ("float16", "bfloat16")
PREDICATES = (Op.ISNAN, Op.ISINF, Op.ISFINITE, Op.LOGICAL_NOT)
NUMERIC = (Op.NEGATIVE, Op.ABS, Op.SIGN, Op.SQUARE, Op.RELU, Op.FLOOR, Op.CEIL, Op.TRUNC, Op.ROUND)
EXACT = (*NUMERIC, *PREDICATES, Op.SQRT, Op.RECIPROCAL, Op.BITWISE_INVERT)
VECTORISED = (Op.EXP, Op.LOG, Op.SIN, Op.COS, Op.TANH, Op.SIGMOID, Op.ERF)

Ufunc = Callable[[np.ndarray], np.ndarray]
_erf: Ufunc = np.vectorize(math.erf, otypes=[np.float64])


def _relu(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x) | (x > 0), x, np.zeros_like(x))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.asarray(1.0 / (1.0 + np.exp(-x)))


NUMPY: dict[mk.UnaryOp, Ufunc] = {
    Op.NEGATIVE: np.negative,
    Op.ABS: np.abs,
    Op.SIGN: np.sign,
    Op.SQRT: np.sqrt,
    Op.RECIPROCAL: np.reciprocal,
    Op.SQUARE: np.square,
    Op.EXP: np.exp,
    Op.EXP2: np.exp2,
    Op.EXPM1: np.expm1,
    Op.LOG: np.log,
    Op.LOG2: np.log2,
    Op.LOG10: np.log10,
    Op.LOG1P: np.log1p,
    Op.SIN: np.sin,
    Op.COS: np.cos,
    Op.TAN: np.tan,
    Op.TANH: np.tanh,
    Op.SINH: np.sinh,
    Op.COSH: np.cosh,
    Op.ASIN: np.arcsin,
    Op.ACOS: np.arccos,
    Op.ATAN: np.arctan,
    Op.ERF: _erf,
    Op.SIGMOID: _sigmoid,
    Op.RELU: _relu,
    Op.FLOOR: np.floor,
    Op.CEIL: np.ceil,
    Op.TRUNC: np.trunc,
    Op.ROUND: np.rint,
    Op.ISNAN: np.isnan,
    Op.ISINF: np.isinf,
    Op.ISFINITE: np.isfinite,
    Op.LOGICAL_NOT: np.logical_not,
    Op.BITWISE_INVERT: np.invert,
}


def supported(op: mk.UnaryOp, dtype: str) -> bool:
    """The documented dtype rules of `unary`."""
    if op in PREDICATES:
        return True
    if op == Op.BITWISE_INVERT:
        return dtype == "bool" or dtype in INTS
    if op in NUMERIC:
        return dtype != "bool"
    return dtype in FLOATS


def out_dtype(op: mk.UnaryOp, dtype: str) -> str:
    return "bool" if op in PREDICATES else dtype


def expected_exact(op: mk.UnaryOp, x: np.ndarray, dtype: str) -> np.ndarray:
    """NumPy's result in the output dtype; narrow floats compute in float32 and round once."""
    with np.errstate(all="ignore"):
        if dtype in NARROW:
            result = NUMPY[op](x.astype(np.float32))
            return np.asarray(result if op in PREDICATES else result.astype(np_dtype(dtype)))
        if dtype in INTS and op in (Op.FLOOR, Op.CEIL, Op.TRUNC, Op.ROUND):
            return x.copy()
        if dtype in INTS and op == Op.RELU:
            return np.asarray(np.maximum(x, np.zeros_like(x)))
        return np.asarray(NUMPY[op](x))


PRECISION = {
    "float16": (11, -14),
    "bfloat16": (8, -126),
    "float32": (24, -126),
    "float64": (53, -1022),
}
ULP_BOUND = {"float16": 1.0, "bfloat16": 1.0, "float32": 2.0, "float64": 2.0}


def ulp_errors(got: np.ndarray, x: np.ndarray, op: mk.UnaryOp, dtype: str) -> np.ndarray:
    """|got - f(x)| in ulps of dtype at the float64 reference f(x); 0 where both are the same
    NaN/inf, inf where only one is."""
    with np.errstate(all="ignore"):
        ref = np.asarray(NUMPY[op](x.astype(np.float64)), dtype=np.float64)
        rounded = ref.astype(np_dtype(dtype)).astype(np.float64)
        g = got.astype(np.float64)
        bits, emin = PRECISION[dtype]
        _, e = np.frexp(np.where(np.isfinite(ref), ref, 1.0))
        ulp = np.ldexp(1.0, np.maximum(e - 1, emin) - (bits - 1))
        err = np.abs(g - ref) / ulp
    special = ~np.isfinite(rounded) | ~np.isfinite(g)
    same = (np.isnan(rounded) & np.isnan(g)) | (rounded == g)
    return np.where(special, np.where(same, 0.0, np.inf), err)


OPS_AND_DTYPES = [(op, d) for op in Op for d in DTYPES if supported(op, d)]


@settings(max_examples=800, deadline=None)
@given(data=st.data(), op_dtype=st.sampled_from(OPS_AND_DTYPES))
def test_unary_matches_numpy(
    isa: str,
    make_operand: OperandMaker,
    shapes: st.SearchStrategy[tuple[int, ...]],
    data: st.DataObject,
    op_dtype: tuple[mk.UnaryOp, str],
) -> None:
    op, dtype = op_dtype
    shape = data.draw(shapes)
    out = make_operand(data, shape, out_dtype(op, dtype))
    src = make_operand(data, shape, dtype, broadcast=True)
    before = out.base.copy()

    mk.unary(op, *out.args(), *src.args(), shape)

    result = out.result()
    untouched = np.ones(before.shape, dtype=bool)
    out.view_of(untouched)[...] = False
    assert result[untouched].tobytes() == before[untouched].tobytes()  # nothing else written
    got = out.view_of(result)
    x = np.broadcast_to(src.view, shape)
    if op in EXACT:
        expected = expected_exact(op, x, dtype)
        if dtype in FLOATS and op not in PREDICATES:
            got, expected = got.astype(np.float64), expected.astype(np.float64)
        np.testing.assert_array_equal(got, expected)
    else:
        errors = ulp_errors(got, x, op, dtype)
        assert errors.size == 0 or errors.max() <= ULP_BOUND[dtype], (op.name, dtype, x, got)


def float32_sweep() -> np.ndarray:
    """Every 4099th float32 bit pattern (about a million, all exponents and signs) plus edges."""
    patterns = np.arange(0, 2**32, 4099, dtype=np.uint64).astype(np.uint32)
    edges = np.array(
        [
            0.0,
            -0.0,
            1e-45,
            -1e-45,
            1.1754942e-38,
            3.4028235e38,
            np.inf,
            -np.inf,
            np.nan,
            88.72283,
            88.72284,
            -87.33655,
            -103.97208,
            -104.0,
            0.625,
            1.0,
            3.92,
            32768.0,
            1e30,
        ],
        dtype=np.float32,
    )
    return np.concatenate([patterns.view(np.float32), edges, -edges])


@pytest.mark.parametrize("op", VECTORISED, ids=lambda op: op.name)
def test_vectorised_float32_within_two_ulp(isa: str, op: mk.UnaryOp) -> None:
    x = float32_sweep()
    out = mk.Storage("float32", x.size)
    mk.unary(op, out, 0, [1], to_storage(x), 0, [1], [x.size])
    errors = ulp_errors(to_array(out), x, op, "float32")
    worst = int(np.argmax(errors))
    assert errors[worst] <= 2.0, f"{op.name} on {isa}: {errors[worst]} ulp at x = {x[worst]!r}"


@pytest.mark.parametrize("dtype", INTS)
def test_integer_corners_wrap(isa: str, dtype: str) -> None:
    info = np.iinfo(dtype)
    x = np.array([info.min, info.min + 1, -1 if info.min < 0 else 1, 0, 1, info.max], dtype=dtype)
    for op in (Op.NEGATIVE, Op.ABS, Op.SIGN, Op.SQUARE, Op.RELU, Op.BITWISE_INVERT, Op.ROUND):
        out = mk.Storage(dtype, x.size)
        mk.unary(op, out, 0, [1], to_storage(x), 0, [1], [x.size])
        np.testing.assert_array_equal(to_array(out), expected_exact(op, x, dtype), err_msg=op.name)


def test_in_place(isa: str) -> None:
    x = np.linspace(-3, 3, 37, dtype=np.float32)
    s = to_storage(x)
    mk.unary(Op.RELU, s, 0, [1], s, 0, [1], [x.size])
    np.testing.assert_array_equal(to_array(s), np.maximum(x, 0))


@pytest.mark.parametrize(
    ("op", "src", "out", "message"),
    [
        (Op.EXP, "int32", "int32", "unary: EXP is not defined for dtype int32"),
        (
            Op.BITWISE_INVERT,
            "float32",
            "float32",
            "BITWISE_INVERT is not defined for dtype float32",
        ),
        (Op.NEGATIVE, "bool", "bool", "NEGATIVE is not defined for dtype bool"),
        (Op.ISNAN, "float32", "float32", "writes dtype bool, got out dtype float32"),
        (Op.SQRT, "float64", "float32", "writes dtype float64, got out dtype float32"),
    ],
)
def test_refuses_bad_dtypes(op: mk.UnaryOp, src: str, out: str, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        mk.unary(op, mk.Storage(out, 2), 0, [1], mk.Storage(src, 2), 0, [1], [2])


def test_refuses_bad_layouts() -> None:
    with pytest.raises(ValueError, match="src"):
        mk.unary(Op.EXP, mk.Storage("float32", 4), 0, [1], mk.Storage("float32", 2), 0, [1], [4])
