"""DType lookup, promotion and casting (vs NumPy 2 / NEP 50), limits, kernel support."""

from __future__ import annotations

import itertools

import mg_core as mg
import numpy as np
import pytest
from mg_core.dtype import all_dtypes, as_dtype, check_int_fits, int_bounds, with_weak

NUMPY_NAMES = tuple(d.name for d in all_dtypes() if d.name != "bfloat16")
PAIRS = list(itertools.product(NUMPY_NAMES, NUMPY_NAMES))
CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def test_there_are_13_dtypes_laid_out_like_numpy() -> None:
    assert len(all_dtypes()) == 13
    for name in NUMPY_NAMES:
        dt, ref = as_dtype(name), np.dtype(name)
        assert (dt.itemsize, dt.kind, dt.typestr) == (ref.itemsize, ref.kind, ref.str)
        assert str(dt) == dt.name == ref.name
        assert getattr(mg, name) is dt
    bf16 = as_dtype("bfloat16")
    assert (bf16.itemsize, bf16.kind, bf16.typestr) == (2, "f", "<V2")


@pytest.mark.parametrize("name", NUMPY_NAMES)
def test_as_dtype_accepts_names_numpy_dtypes_and_types(name: str) -> None:
    expected = as_dtype(name)
    assert as_dtype(np.dtype(name)) is expected
    assert as_dtype(np.dtype(name).type) is expected
    assert as_dtype(expected) is expected


def test_python_types_map_like_numpy() -> None:
    for py in (bool, int, float):
        assert as_dtype(py).name == np.dtype(py).name


@pytest.mark.parametrize("bad", ["complex64", np.complex128, np.dtype("complex64"), "float8"])
def test_unknown_dtype_is_named(bad: object) -> None:
    name = bad if isinstance(bad, str) else np.dtype(bad).name  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=rf"unsupported dtype '{name}'; mg has bool, int8"):
        as_dtype(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_promote_types_matches_numpy_exhaustively(a: str, b: str) -> None:
    expected = np.promote_types(a, b).name
    assert mg.promote_types(as_dtype(a), as_dtype(b)).name == expected
    assert mg.result_type(as_dtype(a), as_dtype(b)).name == np.result_type(a, b).name


def test_promotion_is_symmetric() -> None:
    dts = all_dtypes()
    for a, b in itertools.product(dts, dts):
        assert mg.promote_types(a, b) is mg.promote_types(b, a)


def test_result_type_of_three_dtypes_matches_numpy_exhaustively() -> None:
    mismatches = [
        (a, b, c)
        for a, b, c in itertools.product(NUMPY_NAMES, repeat=3)
        if mg.result_type(a, b, c).name != np.result_type(a, b, c).name
    ]
    assert mismatches == []
    assert mg.result_type("int8", "uint8", "bfloat16") is mg.bfloat16


BF16_EXPECTED = {
    "bool": "bfloat16", "int8": "bfloat16", "uint8": "bfloat16",
    "int16": "float32", "uint16": "float32",
    "int32": "float64", "uint32": "float64", "int64": "float64", "uint64": "float64",
    "float16": "float32", "bfloat16": "bfloat16", "float32": "float32", "float64": "float64",
}  # fmt: skip


@pytest.mark.parametrize(("other", "expected"), BF16_EXPECTED.items())
def test_bfloat16_follows_its_documented_rules(other: str, expected: str) -> None:
    got = mg.promote_types(mg.bfloat16, as_dtype(other))
    assert got.name == expected
    if other in NUMPY_NAMES and other != "float16":
        # the rule is NumPy's float16 rule, except that 8-bit ints fit bfloat16 too
        as_f16 = np.promote_types("float16", other).name
        assert expected == as_f16.replace("float16", "bfloat16")


@pytest.mark.parametrize(("a", "b"), PAIRS)
@pytest.mark.parametrize("casting", CASTINGS)
def test_can_cast_matches_numpy_exhaustively(a: str, b: str, casting: str) -> None:
    expected = np.can_cast(a, b, casting=casting)  # type: ignore[arg-type]
    assert mg.can_cast(as_dtype(a), as_dtype(b), casting) is expected  # type: ignore[arg-type]


def test_can_cast_bfloat16_and_errors() -> None:
    assert mg.can_cast(mg.int8, mg.bfloat16)
    assert not mg.can_cast(mg.float16, mg.bfloat16)
    assert mg.can_cast(mg.bfloat16, mg.float32)
    assert mg.can_cast(mg.zeros(1, "int32"), mg.float64)
    with pytest.raises(ValueError, match="casting must be one of"):
        mg.can_cast(mg.int8, mg.int8, "sometimes")  # type: ignore[arg-type]


SCALARS = [True, False, 1, -3, 0, 127, 1.5, -0.0, float("inf")]


@pytest.mark.parametrize("a", NUMPY_NAMES)
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
def test_python_scalars_are_weak_like_numpy(a: str, scalar: int | float) -> None:
    expected = np.result_type(np.zeros(1, a), scalar).name
    assert mg.result_type(as_dtype(a), scalar).name == expected
    assert mg.result_type(np.zeros(1, a), scalar).name == expected
    assert mg.result_type(scalar, as_dtype(a)).name == expected


@pytest.mark.parametrize("scalar", [True, 1, 1.5], ids=repr)
def test_bfloat16_takes_weak_scalars_like_float16(scalar: int | float) -> None:
    assert with_weak(mg.bfloat16, as_dtype(type(scalar))) is mg.bfloat16
    assert mg.result_type(mg.bfloat16, scalar) is mg.bfloat16


@pytest.mark.parametrize("scalars", [(1,), (1.0,), (True,), (1, 2.0), (True, 3), (True, 1.0)])
def test_only_scalars_give_the_default_dtypes(scalars: tuple[int | float, ...]) -> None:
    assert mg.result_type(*scalars).name == np.result_type(*scalars).name


def test_result_type_errors() -> None:
    with pytest.raises(ValueError, match="at least one"):
        mg.result_type()
    with pytest.raises(TypeError, match="unsupported operand of type list"):
        mg.result_type(mg.float32, [1])


@pytest.mark.parametrize("name", [n for n in NUMPY_NAMES if np.dtype(n).kind in "iu"])
def test_int_range_check_matches_numpy(name: str) -> None:
    info = np.iinfo(name)
    assert int_bounds(as_dtype(name)) == (int(info.min), int(info.max))
    for ok in (int(info.min), int(info.max), 0):
        check_int_fits(ok, as_dtype(name))
    for bad in (int(info.min) - 1, int(info.max) + 1):
        with pytest.raises(OverflowError) as ours:
            check_int_fits(bad, as_dtype(name))
        with pytest.raises(OverflowError) as theirs:
            np.zeros(1, name) + bad
        if info.bits < 64:  # NumPy words the 64-bit cases differently
            assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", [n for n in NUMPY_NAMES if np.dtype(n).kind in "iu"])
def test_iinfo(name: str) -> None:
    ours, ref = mg.iinfo(name), np.iinfo(name)
    assert (ours.bits, ours.min, ours.max) == (ref.bits, int(ref.min), int(ref.max))
    assert ours.dtype is as_dtype(name)
    with pytest.raises(TypeError, match="needs a float dtype"):
        mg.finfo(name)


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo(name: str) -> None:
    ours, ref = mg.finfo(name), np.finfo(name)
    assert ours.bits == ref.bits
    assert (ours.eps, ours.min, ours.max) == (float(ref.eps), float(ref.min), float(ref.max))
    assert ours.smallest_normal == float(ref.smallest_normal)
    with pytest.raises(TypeError, match="needs an integer dtype"):
        mg.iinfo(name)


def test_finfo_bfloat16_from_its_bit_layout() -> None:
    """bfloat16 is the top half of a float32: the limits are float32's rounded to 8 bits."""
    info = mg.finfo("bfloat16")
    top = np.frombuffer(np.array([0x7F7F0000], np.uint32).tobytes(), np.float32)[0]
    assert info.max == float(top) == -info.min
    assert info.smallest_normal == float(np.finfo(np.float32).smallest_normal)
    assert info.eps == 2.0**-7
    assert info.bits == 16


def test_bool_has_no_limits() -> None:
    with pytest.raises(TypeError, match="needs an integer dtype, got bool"):
        mg.iinfo(mg.bool)
    with pytest.raises(TypeError, match="needs a float dtype, got bool"):
        mg.finfo(mg.bool)


def test_the_kernels_compute_in_all_thirteen_dtypes() -> None:
    assert mg.kernel_dtypes() == all_dtypes()


NUMPY_DTYPES = tuple(d.name for d in all_dtypes() if d.name != "bfloat16")


@pytest.mark.parametrize("name", NUMPY_DTYPES)
def test_creation_in_every_dtype_matches_numpy(name: str) -> None:
    pairs = [
        (mg.zeros(3, name), np.zeros(3, name)),
        (mg.ones(3, name), np.ones(3, name)),
        (mg.full(3, 1, name), np.full(3, 1, name)),
        (mg.asarray([1, 0], name), np.asarray([1, 0], name)),
        (mg.arange(3.0).astype(name), np.arange(3.0).astype(name)),
        (mg.asarray(np.arange(4).astype(name)), np.arange(4).astype(name)),
    ]
    if name != "bool":  # NumPy refuses a bool arange longer than 2
        pairs.append((mg.arange(3, dtype=name), np.arange(3, dtype=name)))
    for ours, ref in pairs:
        assert ours.dtype.name == ref.dtype.name
        assert ours.tolist() == ref.tolist()


def test_bool_scalars_and_lists_mean_bool_tensors() -> None:
    if mg.bool in mg.kernel_dtypes():
        assert mg.asarray([True, False]).dtype is mg.bool
    else:
        with pytest.raises(TypeError, match="unsupported dtype 'bool'"):
            mg.asarray([True, False])
        with pytest.raises(TypeError, match="unsupported dtype 'bool'"):
            mg.full(2, True)
    assert mg.asarray([True, 2]).dtype is mg.int64
    assert mg.asarray([True, 2.5]).dtype is mg.float64


@pytest.mark.parametrize("name", ["float32", "float64", "int32", "int64"])
@pytest.mark.parametrize("scalar", [True, 3, -7, 2.5, -0.0], ids=repr)
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
def test_weak_scalars_in_operators_match_numpy(name: str, scalar: int | float, op: str) -> None:
    import operator

    fn = getattr(operator, op)
    ref = np.arange(-2, 3, dtype=name)
    t = mg.asarray(ref)
    for ours, theirs in ((fn(t, scalar), fn(ref, scalar)), (fn(scalar, t), fn(scalar, ref))):
        assert ours.dtype.name == theirs.dtype.name
        np.testing.assert_array_equal(np.asarray(ours), theirs)


def test_operators_refuse_python_ints_that_do_not_fit() -> None:
    t = mg.asarray([1, 2], "int32")
    with pytest.raises(OverflowError, match="Python integer 4294967296 out of bounds for int32"):
        t + 2**32
    with pytest.raises(OverflowError, match="out of bounds for int32"):
        2**32 * t
