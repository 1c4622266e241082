"""DType lookup, promotion (vs NumPy 2 / NEP 50) and limits."""

from __future__ import annotations

import mg_core as mg
import numpy as np
import pytest
from mg_core.dtype import all_dtypes, as_dtype, check_int_fits
from mg_core_strategies import DTYPES


def test_constants() -> None:
    for dt in all_dtypes():
        ref = np.dtype(dt.name)
        assert (dt.itemsize, dt.kind, dt.typestr) == (ref.itemsize, ref.kind, ref.str)
        assert str(dt) == dt.name
    assert [d.name for d in all_dtypes()] == list(DTYPES)


@pytest.mark.parametrize("name", DTYPES)
def test_as_dtype_accepts_names_numpy_dtypes_and_types(name: str) -> None:
    expected = getattr(mg, name)
    assert as_dtype(name) is expected
    assert as_dtype(np.dtype(name)) is expected
    assert as_dtype(getattr(np, name)) is expected
    assert as_dtype(expected) is expected


def test_python_types_map_like_numpy() -> None:
    assert as_dtype(float).name == np.dtype(float).name
    assert as_dtype(int).name == np.dtype(int).name


@pytest.mark.parametrize("bad", ["float16", np.float16, np.dtype("bool"), bool, "complex64"])
def test_unsupported_dtype_is_named(bad: object) -> None:
    name = np.dtype(bad).name if not isinstance(bad, str) else bad
    with pytest.raises(
        TypeError, match=rf"unsupported dtype '{name}'; supported: float32, float64"
    ):
        as_dtype(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", DTYPES)
def test_result_type_of_two_dtypes_matches_numpy(a: str, b: str) -> None:
    assert mg.result_type(as_dtype(a), as_dtype(b)).name == np.result_type(a, b).name
    assert mg.result_type(mg.zeros(1, a), mg.zeros(1, b)).name == np.result_type(a, b).name


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("scalar", [1, -3, True, 2**40, 1.5, -0.0])
def test_python_scalars_are_weak_like_numpy(a: str, scalar: int | float) -> None:
    expected = np.result_type(np.zeros(1, a), scalar).name
    assert mg.result_type(as_dtype(a), scalar).name == expected
    assert mg.result_type(np.zeros(1, a), scalar).name == expected
    assert mg.result_type(scalar, as_dtype(a)).name == expected


@pytest.mark.parametrize("scalars", [(1,), (1.0,), (1, 2.0), (True, 3)])
def test_only_scalars_give_the_default_dtypes(scalars: tuple[int | float, ...]) -> None:
    assert mg.result_type(*scalars).name == np.result_type(*scalars).name


def test_result_type_errors() -> None:
    with pytest.raises(ValueError, match="at least one"):
        mg.result_type()
    with pytest.raises(TypeError, match="unsupported operand of type list"):
        mg.result_type(mg.float32, [1])


@pytest.mark.parametrize("name", ["int32", "int64"])
def test_int_range_check_matches_numpy(name: str) -> None:
    info = np.iinfo(name)
    for ok in (int(info.min), int(info.max), 0):
        check_int_fits(ok, as_dtype(name))
    for bad in (int(info.min) - 1, int(info.max) + 1):
        with pytest.raises(OverflowError) as ours:
            check_int_fits(bad, as_dtype(name))
        with pytest.raises(OverflowError) as theirs:
            np.zeros(1, name) + bad
        if name == "int32":  # NumPy words the int64 case differently
            assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", ["int32", "int64"])
def test_iinfo(name: str) -> None:
    ours, ref = mg.iinfo(name), np.iinfo(name)
    assert (ours.bits, ours.min, ours.max) == (ref.bits, int(ref.min), int(ref.max))
    with pytest.raises(TypeError, match="needs a float dtype"):
        mg.finfo(name)


@pytest.mark.parametrize("name", ["float32", "float64"])
def test_finfo(name: str) -> None:
    ours, ref = mg.finfo(name), np.finfo(name)
    assert ours.bits == ref.bits
    assert (ours.eps, ours.min, ours.max) == (float(ref.eps), float(ref.min), float(ref.max))
    assert ours.smallest_normal == float(ref.smallest_normal)
    with pytest.raises(TypeError, match="needs an integer dtype"):
        mg.iinfo(name)
