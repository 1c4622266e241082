"""asarray, full/ones/zeros (and *_like), arange against NumPy."""

from __future__ import annotations

import array
from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core_strategies import DTYPES, laid_out, shapes


def assert_like_numpy(ours: mg.Tensor, expected: Any) -> None:
    expected = np.asarray(expected)
    assert (ours.dtype.name, ours.shape) == (expected.dtype.name, expected.shape)
    np.testing.assert_array_equal(np.asarray(ours), expected)


nested_numbers = st.recursive(
    st.integers(-(2**62), 2**62) | st.floats(allow_nan=False, allow_subnormal=False),
    lambda children: st.lists(children, min_size=1, max_size=3),
    max_leaves=12,
)


@given(st.lists(st.lists(st.integers(-100, 100), min_size=2, max_size=2), max_size=4))
def test_nested_int_lists_match_numpy(values: list[list[int]]) -> None:
    assert_like_numpy(mg.asarray(values), np.asarray(values))


@given(nested_numbers)
def test_nested_sequences_match_numpy_or_fail_like_it(values: Any) -> None:
    try:
        expected = np.asarray(values)
    except ValueError:
        with pytest.raises(ValueError, match="ragged nested sequence"):
            mg.asarray(values)
        return
    assert_like_numpy(mg.asarray(values), expected)


@given(data=st.data(), dtype=st.sampled_from(DTYPES), shape=shapes)
def test_numpy_arrays_of_any_layout_are_viewed(
    data: st.DataObject, dtype: str, shape: tuple[int, ...]
) -> None:
    ref, _ = data.draw(laid_out(dtype, shape))
    ours = mg.asarray(ref)
    assert_like_numpy(ours, ref)
    assert ours.readonly == (not ref.flags.writeable)
    if ref.size:  # a view of any layout, through DLPack (test_interop.py has the details)
        assert np.shares_memory(np.asarray(ours), ref)
    copied = mg.asarray(ref, copy=True)
    assert_like_numpy(copied, ref)
    assert copied.is_contiguous
    assert not copied.readonly


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_argument_converts_like_numpy(dtype: str) -> None:
    for values in ([1, 2, 3], [[1.5, -2.5]], 7, 2.5):
        assert_like_numpy(mg.asarray(values, dtype=dtype), np.asarray(values, dtype=dtype))
    assert_like_numpy(mg.asarray(np.arange(4.0), dtype), np.arange(4.0).astype(dtype))


def test_ranges() -> None:
    assert_like_numpy(mg.asarray(range(2, 9, 3)), np.asarray(range(2, 9, 3)))
    assert_like_numpy(mg.asarray(range(3), "float32"), np.asarray(range(3), np.float32))


def test_scalars_and_empty() -> None:
    for value in (3, -2.5, 2**62):
        assert_like_numpy(mg.asarray(value), np.asarray(value))
    assert_like_numpy(mg.asarray([]), np.asarray([]))
    assert_like_numpy(mg.asarray([[], []]), np.asarray([[], []]))
    assert_like_numpy(mg.asarray(np.float32(1.5)), np.asarray(np.float32(1.5)))
    assert_like_numpy(mg.asarray([np.float32(0.5), np.int64(2)]), np.asarray([0.5, 2]))


def test_tensors_pass_through_without_copy() -> None:
    t = mg.zeros(3, "float32")
    assert mg.asarray(t) is t
    assert mg.asarray(t, "float32") is t
    converted = mg.asarray(t, "int64")
    assert converted.dtype is mg.int64
    assert converted.buffer is not t.buffer
    assert_like_numpy(mg.asarray([t, t]), np.zeros((2, 3)))


def test_other_buffers() -> None:
    assert_like_numpy(mg.asarray(array.array("i", [1, 2])), np.array([1, 2], np.int32))
    assert_like_numpy(
        mg.asarray(memoryview(np.arange(6.0).reshape(2, 3)[:, ::2])),
        np.arange(6.0).reshape(2, 3)[:, ::2],
    )


def test_ragged_error_names_the_shapes() -> None:
    with pytest.raises(
        ValueError,
        match=r"^ragged nested sequence: item \[1\] has shape \(1,\) but item \[0\] has shape "
        r"\(2,\)$",
    ):
        mg.asarray([[1, 2], [3]])
    with pytest.raises(
        ValueError,
        match=r"item \[1, 0\] has shape \(\) but item \[1, 0\] has shape \(2,\)|item \[1, 0\]",
    ):
        mg.asarray([[[1, 2]], [3]])
    with pytest.raises(
        ValueError, match=r"item \[1\] has shape \(2,\) but item \[0\] has shape \(\)"
    ):
        mg.asarray([1, [2, 3]])


@pytest.mark.parametrize(
    "source", [[True, False], True, np.array([True]), np.array([0.5, -2.0], np.float16)]
)
def test_bools_and_halves_convert_like_numpy(source: object) -> None:
    expected = np.asarray(source)
    ours = mg.asarray(source)  # type: ignore[arg-type]
    assert ours.dtype.name == expected.dtype.name
    assert ours.tolist() == expected.tolist()


def test_unsupported_inputs_are_named() -> None:
    with pytest.raises(TypeError, match="unsupported dtype 'complex128'"):
        mg.asarray([1.0], dtype=complex)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot convert str to a Tensor"):
        mg.asarray("12")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot convert NoneType to a tensor element"):
        mg.asarray([1, None])  # type: ignore[list-item]


@pytest.mark.parametrize("shape", [3, (2, 3), (), (0, 2), [1, 2]])
@pytest.mark.parametrize("fill", [0, 7, -2.5, 2**40])
@pytest.mark.parametrize("dtype", [None, *DTYPES])
def test_full_matches_numpy(shape: Any, fill: float, dtype: str | None) -> None:
    try:
        expected = np.full(shape, fill, dtype)
    except OverflowError:
        with pytest.raises(OverflowError):
            mg.full(shape, fill, dtype)
        return
    assert_like_numpy(mg.full(shape, fill, dtype), expected)
    like = mg.zeros(shape, "int32")
    assert_like_numpy(
        mg.full_like(like, 3, dtype), np.full_like(np.zeros(shape, np.int32), 3, dtype)
    )


@pytest.mark.parametrize("shape", [4, (2, 0, 3), ()])
@pytest.mark.parametrize("dtype", [None, *DTYPES])
def test_ones_zeros_match_numpy(shape: Any, dtype: str | None) -> None:
    assert_like_numpy(mg.ones(shape, dtype), np.ones(shape, dtype))
    assert_like_numpy(mg.zeros(shape, dtype), np.zeros(shape, dtype))
    ref = np.full(shape, 5, np.float32)
    assert_like_numpy(mg.ones_like(mg.asarray(ref), dtype), np.ones_like(ref, dtype))
    assert_like_numpy(mg.zeros_like(mg.asarray(ref), dtype), np.zeros_like(ref, dtype))


def test_bad_shapes_and_fills() -> None:
    with pytest.raises(ValueError, match=r"negative dimension -1 in shape \(2, -1\)"):
        mg.zeros((2, -1))
    with pytest.raises(ValueError, match="negative dimension"):
        mg.full(-3, 1.0)
    assert mg.full(2, True).tolist() == np.full(2, True).tolist()
    assert mg.full(2, True).dtype.name == np.full(2, True).dtype.name


@pytest.mark.parametrize(
    "args", [(5,), (2, 9, 3), (5, 1, -2), (3, 3), (0.5, 3.0, 0.25), (1, 2, 0.3), (-1.5,)]
)
def test_arange_matches_numpy(args: tuple[float, ...]) -> None:
    expected = np.arange(*args)
    ours = mg.arange(*args)
    assert (ours.dtype.name, ours.shape) == (expected.dtype.name, expected.shape)
    np.testing.assert_allclose(np.asarray(ours), expected, rtol=1e-15)
    with pytest.raises(ValueError, match="step must not be zero"):
        mg.arange(0, 1, 0)


@given(hnp.arrays(st.sampled_from(DTYPES), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0)))
def test_round_trip_through_numpy(ref: np.ndarray) -> None:
    assert_like_numpy(mg.asarray(ref), ref)


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "int8", "int64", "uint8", "bool"]
)
def test_frombuffer_matches_numpy(dtype: str) -> None:
    values = (np.random.default_rng(0).normal(size=(3, 4)) * 50).astype(dtype)
    for source in (values, values.tobytes(), values[:, ::2]):  # any buffer; strided ones in C order
        expected = np.frombuffer(np.ascontiguousarray(source).tobytes(), dtype=dtype)
        ours = mg.frombuffer(source, dtype)
        assert_like_numpy(ours, expected)
    copy = mg.frombuffer(values, dtype)
    values[...] = 0  # a copy, unlike NumPy's view
    assert np.asarray(copy).any()


def test_frombuffer_reads_bfloat16_bit_patterns() -> None:
    bits = np.array([0x3F80, 0xC000, 0x7F80, 0x0001, 0xFFC1, 0x7F81, 0x8000], dtype=np.uint16)
    ours = mg.frombuffer(bits, "bfloat16")
    assert ours.dtype is mg.bfloat16
    # A bfloat16 is the top half of a float32: NumPy widens the bits itself to check values.
    widened = (bits.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(np.asarray(ours.astype(mg.float32)), widened)
    widened_bits = np.asarray(ours.astype(mg.float32)).view(np.uint32)
    assert (widened_bits >> 16).tolist() == bits.tolist()  # NaN payloads kept too


def test_frombuffer_bad_input() -> None:
    assert mg.frombuffer(b"", "bfloat16").shape == (0,)
    with pytest.raises(ValueError, match="5 bytes is not a multiple of the float32 itemsize 4"):
        mg.frombuffer(bytes(5), "float32")
    with pytest.raises(TypeError, match="frombuffer: list has no buffer protocol"):
        mg.frombuffer([1, 2], "int8")  # type: ignore[arg-type]
