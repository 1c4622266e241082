"""Numerics at the edges (issue 8): the table in docs/reliability.md, one row per op family.

Each row gives mg's documented result; where NumPy defines the result too, NumPy must agree
(`numpy_agrees`). The one departure: float -> int casts of NaN, inf and out-of-range values,
which NumPy leaves to the platform (x86 gives INT_MIN) and mg defines as saturation, NaN -> 0.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import mg_core as mc
import numpy as np
import pytest

NAN, INF = float("nan"), float("inf")
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def t(values: list[Any], dtype: str) -> tuple[np.ndarray, mc.Tensor]:
    a = np.asarray(values, dtype=dtype)
    return a, mc.asarray(a)


def binary(name: str, x: list[Any], y: list[Any], dtype: str) -> Callable[[Any], Any]:
    (xn, xm), (yn, ym) = t(x, dtype), t(y, dtype)
    return lambda m: getattr(m, name)(xn, yn) if m is np else getattr(mc, name)(xm, ym)


def unary(name: str, x: list[Any], dtype: str) -> Callable[[Any], Any]:
    xn, xm = t(x, dtype)
    return lambda m: getattr(m, name)(xn) if m is np else getattr(mc, name)(xm)


def cast(x: list[Any], src: str, dst: str) -> Callable[[Any], Any]:
    xn, xm = t(x, src)
    return lambda m: xn.astype(dst) if m is np else xm.astype(getattr(mc, dst))


# (row name, computation, mg's result, whether NumPy defines the same result)
ROWS: list[tuple[str, Callable[[Any], Any], list[Any], bool]] = [
    ("int overflow wraps", binary("add", [127, -128], [1, -1], "int8"), [-128, 127], True),
    ("int64 overflow wraps", binary("multiply", [I64_MAX], [2], "int64"), [-2], True),
    ("unsigned wraps", binary("subtract", [0], [1], "uint8"), [255], True),
    ("int // 0 is 0", binary("floor_divide", [1, -1, 0], [0, 0, 0], "int32"), [0, 0, 0], True),
    ("int % 0 is 0", binary("remainder", [1, -1], [0, 0], "int32"), [0, 0], True),
    ("INT_MIN // -1 wraps", binary("floor_divide", [I64_MIN], [-1], "int64"), [I64_MIN], True),
    ("int / 0 is float", binary("divide", [1, 0, -1], [0, 0, 0], "int64"), [INF, NAN, -INF], True),
    ("int ** big wraps", binary("pow", [10], [30], "int64"), [5076944270305263616], True),
    ("shift >= width is 0", binary("bitwise_left_shift", [1], [64], "int64"), [0], True),
    ("abs(INT_MIN) wraps", unary("abs", [-128], "int8"), [-128], True),
    ("float / 0", binary("divide", [0.0, 1.0, -1.0], [0.0] * 3, "float64"), [NAN, INF, -INF], True),
    ("float // 0 and % 0", binary("floor_divide", [1.0], [0.0], "float64"), [INF], True),
    ("float % 0 is nan", binary("remainder", [1.0], [0.0], "float64"), [NAN], True),
    ("float16 overflow is inf", binary("multiply", [60000.0], [2.0], "float16"), [INF], True),
    (
        "to float16 overflow",
        cast([1e5, -1e5, 65520.0], "float64", "float16"),
        [INF, -INF, INF],
        True,
    ),
    ("float32 exp overflow", unary("exp", [1000.0, -1000.0], "float32"), [INF, 0.0], True),
    ("sqrt of negative", unary("sqrt", [-1.0, -0.0], "float64"), [NAN, -0.0], True),
    (
        "log of negative, log(0)",
        unary("log", [-1.0, 0.0, -0.0], "float64"),
        [NAN, -INF, -INF],
        True,
    ),
    ("log1p(-1), log1p(-2)", unary("log1p", [-1.0, -2.0], "float32"), [-INF, NAN], True),
    ("max propagates nan", unary("max", [1.0, NAN, 2.0], "float64"), NAN, True),  # type: ignore[list-item]
    (
        "maximum propagates nan",
        binary("maximum", [1.0, NAN], [NAN, 2.0], "float64"),
        [NAN, NAN],
        True,
    ),
    (
        "round half to even",
        unary("round", [0.5, 1.5, 2.5, -0.5], "float32"),
        [0.0, 2.0, 2.0, -0.0],
        True,
    ),
    (
        "float -> int saturates",
        cast([NAN, INF, -INF, 1e20, -1e20, 3.7, -3.7], "float64", "int32"),
        [0, 2**31 - 1, -(2**31), 2**31 - 1, -(2**31), 3, -3],
        False,
    ),
    (
        "float -> uint8 saturates",
        cast([NAN, 300.0, -1.0, 255.9], "float64", "uint8"),
        [0, 255, 0, 255],
        False,
    ),
    (
        "float -> bool: nan is True",
        cast([NAN, 0.0, -0.0], "float64", "bool"),
        [True, False, False],
        True,
    ),
]


@pytest.mark.parametrize(("compute", "expected", "numpy_agrees"), [r[1:] for r in ROWS],
                         ids=[r[0] for r in ROWS])  # fmt: skip
def test_edge(compute: Callable[[Any], Any], expected: Any, numpy_agrees: bool) -> None:
    got = np.asarray(compute(mc))
    np.testing.assert_array_equal(got, np.asarray(expected, dtype=got.dtype))
    if got.dtype.kind == "f":  # -0.0 where the table says so (a NaN's sign is not specified)
        ref = np.asarray(expected, dtype=got.dtype)
        signs = np.where(np.isnan(ref), False, np.signbit(ref))
        assert np.where(np.isnan(got), False, np.signbit(got)).tolist() == signs.tolist()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        want = np.asarray(compute(np))
    assert got.dtype == want.dtype
    if numpy_agrees:
        np.testing.assert_array_equal(got, want)
