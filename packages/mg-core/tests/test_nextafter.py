"""nextafter against NumPy, bit for bit: every pair of special values, random pairs, dtypes."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest

INT_OF = {2: np.int16, 4: np.int32, 8: np.int64}


def _specials(dt: Any) -> np.ndarray[Any, Any]:
    fi = np.finfo(dt)
    values = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, 2.0]
    values += [float(fi.max), -float(fi.max), float(fi.tiny), -float(fi.tiny)]
    values += [float(fi.smallest_subnormal), -float(fi.smallest_subnormal)]
    return np.array(values, dtype=dt)


def _assert_bits_equal(got: np.ndarray[Any, Any], ref: np.ndarray[Any, Any]) -> None:
    assert got.dtype == ref.dtype
    nan = np.isnan(ref)
    np.testing.assert_array_equal(np.isnan(got), nan)
    as_int = INT_OF[ref.itemsize]
    np.testing.assert_array_equal(got.view(as_int)[~nan], ref.view(as_int)[~nan])


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.float16])
def test_bit_exact_on_every_pair_of_specials(dt: Any) -> None:
    s = _specials(dt)
    x1, x2 = np.repeat(s, s.size), np.tile(s, s.size)
    with np.errstate(all="ignore"):
        ref = np.nextafter(x1, x2)
    _assert_bits_equal(np.asarray(mg.nextafter(mg.asarray(x1), mg.asarray(x2))), ref)


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.float16])
def test_bit_exact_on_random_pairs(dt: Any) -> None:
    rng = np.random.default_rng(7)
    top = int(np.log10(float(np.finfo(dt).max))) - 1
    x = (rng.standard_normal(4000) * 10.0 ** rng.integers(-top, top, 4000)).astype(dt)
    y = np.concatenate([np.roll(x, 1)[:2000], x[2000:]])  # half move, half equal
    with np.errstate(all="ignore"):
        ref = np.nextafter(x, y)
    _assert_bits_equal(np.asarray(mg.nextafter(mg.asarray(x), mg.asarray(y))), ref)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (np.array([1, 2, 3], dtype=np.int8), np.array([0, 5, 3], dtype=np.int8)),
        (np.array([1, 2], dtype=np.int32), np.array([[0.0], [9.0]], dtype=np.float32)),
        (np.array([1.0, -0.0], dtype=np.float32), 2.0),
        (0.0, np.array([-1.0, 1.0], dtype=np.float32)),
        (np.array([[1.0, 2.0]]), np.array([[0.0], [3.0], [2.0]])),
    ],
)
def test_dtypes_scalars_and_broadcasting_follow_numpy(a: Any, b: Any) -> None:
    ma = mg.asarray(a) if isinstance(a, np.ndarray) else a
    mb = mg.asarray(b) if isinstance(b, np.ndarray) else b
    _assert_bits_equal(np.asarray(mg.nextafter(ma, mb)), np.asarray(np.nextafter(a, b)))


def test_bad_operands_raise() -> None:
    with pytest.raises(ValueError, match="broadcast"):
        mg.nextafter(mg.zeros(2), mg.zeros(3))
    with pytest.raises(TypeError):
        mg.nextafter(mg.zeros(2), "x")  # type: ignore[arg-type]
