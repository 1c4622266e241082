"""NumPy-oracle helpers shared by the op-family tests (imported as `mg_core_op_checks`).

`values` draws every value of any of NumPy's 12 dtypes (floats include inf and NaN);
`assert_matches` compares an mg result with NumPy's: dtype, shape, values (exact, or within a
number of units in the last place), NaN positions and the sign of zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import strategies as st

NUMPY_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                "uint64", "float16", "float32", "float64")  # fmt: skip
FLOATS = ("float16", "float32", "float64")
INTEGERS = tuple(d for d in NUMPY_DTYPES if d[0] in "iu")


def values(dtype: str) -> st.SearchStrategy[Any]:
    """Every value of `dtype`: full integer ranges, floats with inf and NaN (no subnormals)."""
    if dtype == "bool":
        return st.booleans()
    if dtype in INTEGERS:
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max))
    return st.floats(width=np.dtype(dtype).itemsize * 8, allow_subnormal=False)


def small_values(dtype: str) -> st.SearchStrategy[Any]:
    """Values whose sums and products over a few elements stay finite and exact-ish."""
    if dtype == "bool":
        return st.booleans()
    if dtype in INTEGERS:
        low = 0 if dtype[0] == "u" else -8
        return st.integers(low, 8)
    return st.floats(-8, 8, width=np.dtype(dtype).itemsize * 8, allow_subnormal=False)


def ulp_distance(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Units in the last place between two float arrays of one dtype (NaNs excluded)."""
    itype = {2: np.int16, 4: np.int32, 8: np.int64}[expected.dtype.itemsize]
    lowest = int(np.iinfo(itype).min)

    def ordered(a: np.ndarray) -> np.ndarray:
        bits = np.ascontiguousarray(a).view(itype).astype(np.float64)
        return np.where(bits < 0, lowest - bits, bits)

    return np.abs(ordered(got) - ordered(expected))


def assert_matches(
    ours: object, expected: Any, ulps: float = 0, *, signed_zeros: bool = True
) -> None:
    """Check dtype, shape and values of `ours` against NumPy's `expected`.

    Floats: NaN where NumPy has NaN, equal signs of zeros, and at most `ulps` units in the last
    place elsewhere (0: bit-identical apart from NaN payloads).
    """
    expected = np.asarray(expected)
    assert isinstance(ours, mg.Tensor), type(ours)
    assert ours.dtype.name == expected.dtype.name, (ours.dtype.name, expected.dtype.name)
    assert ours.shape == expected.shape, (ours.shape, expected.shape)
    got = np.asarray(ours)
    if expected.dtype.kind != "f":
        np.testing.assert_array_equal(got, expected)
        return
    nan = np.isnan(expected)
    np.testing.assert_array_equal(np.isnan(got), nan, err_msg="NaN positions differ")
    zeros = (expected == 0) & (got == 0) & signed_zeros
    np.testing.assert_array_equal(
        np.signbit(got[zeros]), np.signbit(expected[zeros]), err_msg="signs of zero differ"
    )
    distance = ulp_distance(got[~nan], expected[~nan])
    if distance.size and distance.max() > ulps:
        worst = int(np.argmax(distance))
        pytest.fail(
            f"{distance.max()} ulp > {ulps}: got {got[~nan][worst]!r}, "
            f"expected {expected[~nan][worst]!r}\ngot {got}\nexpected {expected}"
        )


def numpy_or_error(reference: Callable[..., Any], *args: Any) -> Any:
    """NumPy's answer, or the standard type of the exception it raised, warnings silenced.

    NumPy raises subclasses (`UFuncTypeError`); mg raises the standard type they derive from.
    """
    try:
        with np.errstate(all="ignore"):
            return reference(*args)
    except OverflowError:
        return OverflowError
    except TypeError:
        return TypeError
    except ValueError:
        return ValueError


def is_error(expected: Any) -> bool:
    """True if `numpy_or_error` returned an exception type rather than a value."""
    return isinstance(expected, type) and issubclass(expected, Exception)
