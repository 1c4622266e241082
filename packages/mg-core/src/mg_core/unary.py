"""Elementwise functions of one tensor (`sqrt`, `exp`, `isnan`, ...) on the kernels' `unary`.

Each function looks its input dtype up in a table made at import: the dtype the kernel computes
in and the result dtype, NumPy 2's answers. Float functions of integer or bool tensors compute
in the smallest float holding every value (NumPy's loop choice: int8/uint8/bool give float16,
int16/uint16 float32, wider ints float64). A dtype missing from the table is a TypeError that
names the function and the dtype. Hot path: one dict lookup, one allocation, one kernel call.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from ._kernels import UnaryOp, unary_new
from .dtype import DType, all_dtypes, bool_, float16, float32, float64, int8
from .shape import contiguous_strides
from .tensor import Tensor, new_tensor

__all__ = [
    "UnarySpec",
    "abs",
    "acos",
    "asin",
    "atan",
    "bitwise_invert",
    "ceil",
    "cos",
    "cosh",
    "erf",
    "exp",
    "exp2",
    "expm1",
    "float_result_dtype",
    "floor",
    "isfinite",
    "isinf",
    "isnan",
    "log",
    "log1p",
    "log2",
    "log10",
    "logical_not",
    "negative",
    "positive",
    "reciprocal",
    "relu",
    "round",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "tan",
    "tanh",
    "trunc",
    "unary_op",
]

_COPY: Final = None  # in a table: the result is a copy of the input (abs or floor of bools)


class UnarySpec(NamedTuple):
    """One function: its name, kernel op and {input dtype: (compute dtype, result dtype)}."""

    name: str
    op: UnaryOp
    dtypes: dict[DType, tuple[DType | None, DType]]
    needs: str  # what the error message says the function takes


def float_result_dtype(dtype: DType) -> DType:
    """Return the float dtype NumPy computes a float function of `dtype` in.

    >>> float_result_dtype(mg.int8), float_result_dtype(mg.int32), float_result_dtype(mg.float32)
    (mg_core.float16, mg_core.float64, mg_core.float32)
    """
    return _FLOAT_OF[dtype]


_ALL: Final = all_dtypes()
_FLOAT_OF: Final = {
    d: d if d.kind == "f" else {1: float16, 2: float32}.get(d.itemsize, float64) for d in _ALL
}
_NUMERIC: Final = tuple(d for d in _ALL if d is not bool_)


def _float_fn(name: str, op: UnaryOp) -> UnarySpec:
    table: dict[DType, tuple[DType | None, DType]] = {d: (_FLOAT_OF[d], _FLOAT_OF[d]) for d in _ALL}
    return UnarySpec(name, op, table, "a numeric or bool tensor")


def _same_fn(name: str, op: UnaryOp, on_bool: tuple[DType | None, DType] | None) -> UnarySpec:
    """A function that keeps the dtype of numeric input; `on_bool` says what bool does."""
    table: dict[DType, tuple[DType | None, DType]] = {d: (d, d) for d in _NUMERIC}
    if on_bool is not None:
        table[bool_] = on_bool
    return UnarySpec(name, op, table, "a numeric tensor" if on_bool is None else "a tensor")


def _predicate(name: str, op: UnaryOp) -> UnarySpec:
    table: dict[DType, tuple[DType | None, DType]] = {d: (d, bool_) for d in _ALL}
    return UnarySpec(name, op, table, "a tensor")


_BOOL_COPY: Final = (_COPY, bool_)

_ABS: Final = _same_fn("abs", UnaryOp.ABS, _BOOL_COPY)
_SIGN: Final = _same_fn("sign", UnaryOp.SIGN, None)
_SQUARE: Final = _same_fn("square", UnaryOp.SQUARE, (int8, int8))
_NEGATIVE: Final = _same_fn("negative", UnaryOp.NEGATIVE, None)
_RELU: Final = _same_fn("relu", UnaryOp.RELU, None)
_FLOOR: Final = _same_fn("floor", UnaryOp.FLOOR, _BOOL_COPY)
_CEIL: Final = _same_fn("ceil", UnaryOp.CEIL, _BOOL_COPY)
_TRUNC: Final = _same_fn("trunc", UnaryOp.TRUNC, _BOOL_COPY)
_ROUND: Final = _same_fn("round", UnaryOp.ROUND, (float16, float16))
_INVERT: Final = UnarySpec(
    "bitwise_invert",
    UnaryOp.BITWISE_INVERT,
    {d: (d, d) for d in _ALL if d.kind != "f"},
    "an integer or bool tensor",
)
_SQRT: Final = _float_fn("sqrt", UnaryOp.SQRT)
_RECIPROCAL: Final = _float_fn("reciprocal", UnaryOp.RECIPROCAL)
_EXP: Final = _float_fn("exp", UnaryOp.EXP)
_EXP2: Final = _float_fn("exp2", UnaryOp.EXP2)
_EXPM1: Final = _float_fn("expm1", UnaryOp.EXPM1)
_LOG: Final = _float_fn("log", UnaryOp.LOG)
_LOG2: Final = _float_fn("log2", UnaryOp.LOG2)
_LOG10: Final = _float_fn("log10", UnaryOp.LOG10)
_LOG1P: Final = _float_fn("log1p", UnaryOp.LOG1P)
_SIN: Final = _float_fn("sin", UnaryOp.SIN)
_COS: Final = _float_fn("cos", UnaryOp.COS)
_TAN: Final = _float_fn("tan", UnaryOp.TAN)
_TANH: Final = _float_fn("tanh", UnaryOp.TANH)
_SINH: Final = _float_fn("sinh", UnaryOp.SINH)
_COSH: Final = _float_fn("cosh", UnaryOp.COSH)
_ASIN: Final = _float_fn("asin", UnaryOp.ASIN)
_ACOS: Final = _float_fn("acos", UnaryOp.ACOS)
_ATAN: Final = _float_fn("atan", UnaryOp.ATAN)
_ERF: Final = _float_fn("erf", UnaryOp.ERF)
_SIGMOID: Final = _float_fn("sigmoid", UnaryOp.SIGMOID)
_ISNAN: Final = _predicate("isnan", UnaryOp.ISNAN)
_ISINF: Final = _predicate("isinf", UnaryOp.ISINF)
_ISFINITE: Final = _predicate("isfinite", UnaryOp.ISFINITE)
_LOGICAL_NOT: Final = _predicate("logical_not", UnaryOp.LOGICAL_NOT)


def unary_op(spec: UnarySpec, x: Tensor) -> Tensor:
    """Apply the function `spec` describes to every element of `x`: the one hot path.

    >>> unary_op(_SQRT, mg.asarray([4, 9]))
    tensor([2., 3.], dtype=float64)
    """
    try:
        compute, out_dtype = spec.dtypes[x.dtype]
    except (KeyError, AttributeError):
        raise _unsupported(spec, x) from None
    if compute is None:
        return x.copy()
    if x.dtype is not compute:
        x = x.astype(compute)
    shape = x.shape
    out = unary_new(spec.op, x.buffer.storage, x.offset, x.strides, shape)
    return new_tensor(out, out_dtype, shape, contiguous_strides(shape))


def _unsupported(spec: UnarySpec, x: object) -> TypeError:
    if not isinstance(x, Tensor):
        return TypeError(f"{spec.name} expects a Tensor, got {type(x).__name__}")
    return TypeError(f"{spec.name} is not defined for dtype {x.dtype}; it takes {spec.needs}")


# --- the array API functions ---------------------------------------------------------------


def abs(x: Tensor, /) -> Tensor:
    """Return the absolute value of x; the smallest signed int stays itself (it wraps, as in NumPy).

    >>> abs(mg.asarray([-2, 3], dtype="int8"))
    tensor([2, 3], dtype=int8)
    """
    return unary_op(_ABS, x)


def sign(x: Tensor, /) -> Tensor:
    """Return -1, 0 or 1 by the sign of x (NaN stays NaN, -0.0 gives 0.0); not for bool.

    >>> sign(mg.asarray([-2.5, 0.0, 4.0]))
    tensor([-1.,  0.,  1.], dtype=float64)
    """
    return unary_op(_SIGN, x)


def sqrt(x: Tensor, /) -> Tensor:
    """Return the square root; integer tensors give floats (int8 gives float16, as NumPy).

    >>> sqrt(mg.asarray([1.0, 4.0, -1.0]))
    tensor([ 1.,  2., nan], dtype=float64)
    """
    return unary_op(_SQRT, x)


def square(x: Tensor, /) -> Tensor:
    """Return x * x in x's dtype (integers wrap; bool gives int8, as NumPy).

    >>> square(mg.asarray([-3, 4]))
    tensor([ 9, 16], dtype=int64)
    """
    return unary_op(_SQUARE, x)


def exp(x: Tensor, /) -> Tensor:
    """Return e**x.

    >>> exp(mg.asarray([0.0]))
    tensor([1.], dtype=float64)
    """
    return unary_op(_EXP, x)


def exp2(x: Tensor, /) -> Tensor:
    """Return 2**x (not in the array API standard; NumPy's exp2).

    >>> exp2(mg.asarray([3.0, -1.0]))
    tensor([8. , 0.5], dtype=float64)
    """
    return unary_op(_EXP2, x)


def expm1(x: Tensor, /) -> Tensor:
    """Return e**x - 1, accurate for small x.

    >>> expm1(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_EXPM1, x)


def log(x: Tensor, /) -> Tensor:
    """Return the natural logarithm (-inf at 0, NaN below).

    >>> log(mg.asarray([1.0, 0.0]))
    tensor([  0., -inf], dtype=float64)
    """
    return unary_op(_LOG, x)


def log2(x: Tensor, /) -> Tensor:
    """Return the base-2 logarithm.

    >>> log2(mg.asarray([8.0]))
    tensor([3.], dtype=float64)
    """
    return unary_op(_LOG2, x)


def log10(x: Tensor, /) -> Tensor:
    """Return the base-10 logarithm.

    >>> log10(mg.asarray([100.0]))
    tensor([2.], dtype=float64)
    """
    return unary_op(_LOG10, x)


def log1p(x: Tensor, /) -> Tensor:
    """Return log(1 + x), accurate for small x.

    >>> log1p(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_LOG1P, x)


def sin(x: Tensor, /) -> Tensor:
    """Return the sine (radians).

    >>> sin(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_SIN, x)


def cos(x: Tensor, /) -> Tensor:
    """Return the cosine (radians).

    >>> cos(mg.asarray([0.0]))
    tensor([1.], dtype=float64)
    """
    return unary_op(_COS, x)


def tan(x: Tensor, /) -> Tensor:
    """Return the tangent (radians).

    >>> tan(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_TAN, x)


def tanh(x: Tensor, /) -> Tensor:
    """Return the hyperbolic tangent.

    >>> tanh(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_TANH, x)


def sinh(x: Tensor, /) -> Tensor:
    """Return the hyperbolic sine.

    >>> sinh(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_SINH, x)


def cosh(x: Tensor, /) -> Tensor:
    """Return the hyperbolic cosine.

    >>> cosh(mg.asarray([0.0]))
    tensor([1.], dtype=float64)
    """
    return unary_op(_COSH, x)


def asin(x: Tensor, /) -> Tensor:
    """Return the inverse sine (NaN outside [-1, 1]).

    >>> asin(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_ASIN, x)


def acos(x: Tensor, /) -> Tensor:
    """Return the inverse cosine (NaN outside [-1, 1]).

    >>> acos(mg.asarray([1.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_ACOS, x)


def atan(x: Tensor, /) -> Tensor:
    """Return the inverse tangent.

    >>> atan(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_ATAN, x)


def erf(x: Tensor, /) -> Tensor:
    """Return the error function (not in the array API standard; scipy.special.erf).

    >>> erf(mg.asarray([0.0]))
    tensor([0.], dtype=float64)
    """
    return unary_op(_ERF, x)


def sigmoid(x: Tensor, /) -> Tensor:
    """Return 1 / (1 + e**-x), without overflow for large magnitudes (not standard).

    >>> sigmoid(mg.asarray([0.0]))
    tensor([0.5], dtype=float64)
    """
    return unary_op(_SIGMOID, x)


def reciprocal(x: Tensor, /) -> Tensor:
    """Return 1 / x. Integer tensors give floats, as `divide(1, x)` (NumPy would divide ints).

    >>> reciprocal(mg.asarray([2.0, 0.0]))
    tensor([0.5, inf], dtype=float64)
    """
    return unary_op(_RECIPROCAL, x)


def relu(x: Tensor, /) -> Tensor:
    """Return max(x, 0) in x's dtype, NaN propagating (not in the standard); not for bool.

    >>> relu(mg.asarray([-1.5, 2.0]))
    tensor([0., 2.], dtype=float64)
    """
    return unary_op(_RELU, x)


def floor(x: Tensor, /) -> Tensor:
    """Return the largest integer <= x, in x's dtype (integers and bools unchanged).

    >>> floor(mg.asarray([-1.5, 1.5]))
    tensor([-2.,  1.], dtype=float64)
    """
    return unary_op(_FLOOR, x)


def ceil(x: Tensor, /) -> Tensor:
    """Return the smallest integer >= x, in x's dtype (integers and bools unchanged).

    >>> ceil(mg.asarray([-1.5, 1.5]))
    tensor([-1.,  2.], dtype=float64)
    """
    return unary_op(_CEIL, x)


def trunc(x: Tensor, /) -> Tensor:
    """Return x rounded toward zero, in x's dtype.

    >>> trunc(mg.asarray([-1.5, 1.5]))
    tensor([-1.,  1.], dtype=float64)
    """
    return unary_op(_TRUNC, x)


def round(x: Tensor, /) -> Tensor:
    """Return x rounded to the nearest integer, halves to even, in x's dtype (bool: float16).

    >>> round(mg.asarray([0.5, 1.5, 2.5, -0.5]))
    tensor([ 0.,  2.,  2., -0.], dtype=float64)
    """
    return unary_op(_ROUND, x)


def isnan(x: Tensor, /) -> Tensor:
    """Return where x is NaN (never for integers and bools).

    >>> isnan(mg.asarray([1.0, float("nan")]))
    tensor([False,  True], dtype=bool)
    """
    return unary_op(_ISNAN, x)


def isinf(x: Tensor, /) -> Tensor:
    """Return where x is +inf or -inf.

    >>> isinf(mg.asarray([1.0, float("-inf")]))
    tensor([False,  True], dtype=bool)
    """
    return unary_op(_ISINF, x)


def isfinite(x: Tensor, /) -> Tensor:
    """Return where x is neither infinite nor NaN.

    >>> isfinite(mg.asarray([1.0, float("inf"), float("nan")]))
    tensor([ True, False, False], dtype=bool)
    """
    return unary_op(_ISFINITE, x)


def logical_not(x: Tensor, /) -> Tensor:
    """Return where x is zero (false); NaN counts as true, so gives False.

    >>> logical_not(mg.asarray([0, 2]))
    tensor([ True, False], dtype=bool)
    """
    return unary_op(_LOGICAL_NOT, x)


def bitwise_invert(x: Tensor, /) -> Tensor:
    """Return ~x for integer tensors; on bools it is logical not. TypeError for floats.

    >>> bitwise_invert(mg.asarray([0, -1], dtype="int8"))
    tensor([-1,  0], dtype=int8)
    """
    return unary_op(_INVERT, x)


def negative(x: Tensor, /) -> Tensor:
    """Return -x (-0.0 for 0.0; the smallest int wraps to itself, like NumPy); not for bool.

    >>> negative(mg.asarray([0.0, -2.0]))
    tensor([-0.,  2.], dtype=float64)
    """
    return unary_op(_NEGATIVE, x)


def positive(x: Tensor, /) -> Tensor:
    """Return a copy of x (NumPy's positive; TypeError for bool, as NumPy).

    >>> positive(mg.asarray([-1, 2]))
    tensor([-1,  2], dtype=int64)
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"positive expects a Tensor, got {type(x).__name__}")
    if x.dtype is bool_:
        raise TypeError("positive is not defined for dtype bool; it takes a numeric tensor")
    return x.copy()
