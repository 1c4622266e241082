"""asinh, acosh, atanh against NumPy: within 2 ulp everywhere, exact signs, NaN and inf."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_core as mg
import numpy as np
import pytest

Fn = Callable[[mg.Tensor], mg.Tensor]
FUNCTIONS: list[tuple[str, Fn, Any]] = [
    ("asinh", mg.asinh, np.arcsinh),
    ("acosh", mg.acosh, np.arccosh),
    ("atanh", mg.atanh, np.arctanh),
]


def _domain(dt: Any) -> np.ndarray[Any, Any]:
    """Log-spaced magnitudes over the whole range, both signs, the edges and the specials."""
    fi = np.finfo(dt)
    mags = np.geomspace(float(fi.smallest_subnormal), float(fi.max) / 2, 3000)  # max: below
    near_one = np.geomspace(float(fi.eps), 0.5, 300)
    return np.concatenate(
        [
            mags,
            -mags,
            np.linspace(-3.0, 3.0, 3001),
            1.0 + near_one,
            1.0 - near_one,
            [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5],
            [float(fi.max), float(fi.tiny), 1.0 + float(fi.eps), 1.0 - float(fi.epsneg)],
        ]
    ).astype(dt)


def _ulp_error(got: np.ndarray[Any, Any], ref: np.ndarray[Any, Any]) -> float:
    same = (got == ref) | (np.isnan(got) & np.isnan(ref))
    finite = np.isfinite(ref) & ~same
    spacing = np.spacing(np.abs(ref[finite])).astype(np.float64)
    diff = np.abs(got[finite].astype(np.float64) - ref[finite].astype(np.float64))
    assert np.array_equal(np.isnan(got), np.isnan(ref)), "NaN where NumPy has none (or not)"
    assert np.all(same | finite), "an infinity differs from NumPy's"
    return float((diff / spacing).max()) if diff.size else 0.0


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.float16])
@pytest.mark.parametrize(("name", "fn", "ref"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_within_two_ulp_of_numpy(name: str, fn: Fn, ref: Any, dt: Any) -> None:
    x = _domain(dt)
    with np.errstate(all="ignore"):
        expected = ref(x)
    got = np.asarray(fn(mg.asarray(x)))
    assert got.dtype == expected.dtype
    assert _ulp_error(got, expected) <= 2.0
    zeros = expected == 0
    np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(expected[zeros]))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64", "bool"])
@pytest.mark.parametrize(("name", "fn", "ref"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_integer_and_bool_inputs_give_numpys_float(name: str, fn: Fn, ref: Any, dtype: str) -> None:
    x = np.array([0, 1, 2, 5, 100], dtype=dtype) if dtype != "bool" else np.array([True, False])
    with np.errstate(all="ignore"):
        expected = ref(x)
    got = np.asarray(fn(mg.asarray(x)))
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=2 * np.finfo(expected.dtype).eps)


def test_huge_asinh_does_not_overflow() -> None:
    x = np.array([1e300, -1.7e308, 3e38], dtype=np.float64)
    np.testing.assert_allclose(np.asarray(mg.asinh(mg.asarray(x))), np.arcsinh(x), rtol=1e-15)
    f = np.array([3e38, 1e20], dtype=np.float32)
    np.testing.assert_allclose(np.asarray(mg.asinh(mg.asarray(f))), np.arcsinh(f), rtol=1e-6)


@pytest.mark.parametrize(("name", "fn", "ref"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_non_tensor_raises(name: str, fn: Fn, ref: Any) -> None:
    with pytest.raises(TypeError, match=f"{name} expects a Tensor, got list"):
        fn([1.0])  # type: ignore[arg-type]
