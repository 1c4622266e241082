"""Limits (issue 8): element counts past int64, allocations past memory, > 2**31 elements, empty
and 0-d tensors through every op family. See docs/reliability.md."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable

import mg_core as mc
import numpy as np
import pytest

INT64_MAX = 2**63 - 1


@pytest.mark.parametrize(
    "shape", [(2**62, 4), (2**63,), (2**31, 2**31, 4), (3, 2**62, 0), (2**40, 2**40)]
)
@pytest.mark.parametrize("make", [mc.zeros, mc.empty, mc.ones])
def test_element_count_past_int64_is_a_value_error(
    make: Callable[..., mc.Tensor], shape: tuple[int, ...]
) -> None:
    # NumPy refuses these shapes before allocating (zeros ignored), and so does mg.
    with pytest.raises(ValueError, match=r"too big|Maximum allowed dimension"):
        np.empty(shape, dtype=np.uint8)
    with pytest.raises(ValueError, match="int64"):
        make(shape, dtype=mc.uint8)


@pytest.mark.parametrize(
    ("shape", "dtype"),
    [((2**40,), mc.float64), ((2**61,), mc.uint8), ((2**30, 2**30), mc.float32)],
)
def test_allocation_past_memory_is_a_memory_error(shape: tuple[int, ...], dtype: mc.DType) -> None:
    # At least 1 TiB: no test machine maps it (overcommit refuses it), so nothing is touched.
    with pytest.raises(MemoryError):
        mc.zeros(shape, dtype=dtype)
    with pytest.raises(MemoryError):
        mc.empty(shape, dtype=dtype)


def test_broadcast_view_of_more_than_2_31_elements_indexes_correctly() -> None:
    # 65537 * 65536 > 2**32 elements, 512 KiB of memory: every index is a 64-bit offset.
    row = mc.arange(65536)
    view = mc.broadcast_to(row, (65537, 65536))
    assert view.size == 65537 * 65536 > 2**32
    assert int(view[65536, 65535]) == 65535
    assert int(view[-1, -2]) == 65534
    assert int(view[2**15 + 3, 12345]) == 12345
    part = view[65530:, 65000::97]
    assert part.shape == (7, 6)
    np.testing.assert_array_equal(
        np.asarray(part), np.broadcast_to(np.arange(65000, 65536, 97), (7, 6))
    )
    # A reduction along the last axis reads 2**16 elements of a row > 2**31 elements in.
    assert int(view[65536].sum()) == 65535 * 65536 // 2
    assert int(mc.max(view[65535:, ::1024])) == 64512


def _available_bytes() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@pytest.mark.skipif(
    os.environ.get("MG_TEST_BIG_MEMORY") != "1" or _available_bytes() < 8 * 2**30,
    reason="MG_TEST_BIG_MEMORY=1 and 8 GiB free: a 2 GiB tensor (faulting it in takes minutes "
    "on a busy machine)",
)
def test_uint8_tensor_of_more_than_2_31_elements() -> None:
    n = 2**31 + 17
    t = mc.zeros((n,), dtype=mc.uint8)
    t[n - 1] = 7
    t[2**31] = 5
    t[2**31 - 1] = 3
    assert int(t[-1]) == 7
    assert int(t[2**31]) == 5
    assert int(t[2**31 - 1]) == 3
    tail = t[2**31 - 1 :]
    assert tail.shape == (18,)
    assert np.asarray(tail).tolist() == [3, 5] + [0] * 15 + [7]
    # The sum crosses the 2**31 boundary inside one kernel call (and its threads' split points).
    assert int(mc.sum(t, dtype=mc.int64)) == 15
    assert int(mc.count_nonzero(t)) == 3
    del t, tail


# Each family once on an empty and a 0-d operand; NumPy gives the expected shape, dtype and value.
EMPTY_SHAPES = [(0,), (3, 0), (0, 4, 2), ()]

UNARY: list[Callable[[mc.Tensor], mc.Tensor]] = [
    mc.negative,
    mc.abs,
    mc.sqrt,
    mc.exp,
    mc.log,
    mc.sin,
    mc.tanh,
    mc.floor,
    mc.isnan,
    mc.sign,
]
BINARY = ["add", "subtract", "multiply", "divide", "maximum", "less", "equal", "pow"]
REDUCTIONS = ["sum", "prod", "mean", "max", "min", "any", "all", "argmax", "std"]


def _numpy_of(fn: Callable[..., object]) -> Callable[..., np.ndarray]:
    return getattr(np, fn.__name__)  # type: ignore[no-any-return]


def _check(got: mc.Tensor, want: np.ndarray) -> None:
    got_np = np.asarray(got)
    assert got_np.shape == want.shape
    assert got_np.dtype == want.dtype
    np.testing.assert_allclose(got_np, want, rtol=1e-6)  # vectorised exp/log: within 2 ulp


@pytest.mark.parametrize("shape", EMPTY_SHAPES)
def test_unary_binary_cast_on_empty_and_0d(shape: tuple[int, ...]) -> None:
    a_np = np.full(shape, 2.0, dtype=np.float32)
    b_np = np.full(shape, 3.0, dtype=np.float32)
    a, b = mc.asarray(a_np), mc.asarray(b_np)
    for fn in UNARY:
        _check(fn(a), _numpy_of(fn)(a_np))
    for name in BINARY:
        _check(getattr(mc, name)(a, b), getattr(np, name)(a_np, b_np))
        _check(getattr(mc, name)(a, mc.asarray(np.float32(1.5))), getattr(np, name)(a_np, 1.5))
    _check(a.astype(mc.int16), a_np.astype(np.int16))
    _check(mc.where(a > b, a, b), np.where(a_np > b_np, a_np, b_np))
    _check(mc.clip(a, 0.0, 1.0), np.clip(a_np, np.float32(0), np.float32(1)))
    _check(a.reshape(shape[::-1]), a_np.reshape(shape[::-1]))
    _check(mc.flip(a), np.flip(a_np))


@pytest.mark.parametrize("shape", EMPTY_SHAPES)
def test_reductions_on_empty_and_0d(shape: tuple[int, ...]) -> None:
    a_np = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    a = mc.asarray(a_np)
    for name in REDUCTIONS:
        axes: list[int | None] = [None, *range(len(shape))]
        for axis in axes:
            try:
                with warnings.catch_warnings():  # mean of nothing: NumPy warns, gives nan
                    warnings.simplefilter("ignore", RuntimeWarning)
                    want = getattr(np, name)(a_np, axis=axis)
            except ValueError:  # max of nothing: NumPy refuses, so must mg
                with pytest.raises(ValueError, match=r"zero-size|empty"):
                    getattr(mc, name)(a, axis=axis)
                continue
            got = getattr(mc, name)(a, axis=axis)
            got_np = np.asarray(got)
            assert got_np.shape == np.shape(want), (name, shape, axis)
            np.testing.assert_array_equal(got_np, want, err_msg=f"{name} {shape} axis={axis}")
    _check(mc.cumulative_sum(a.reshape(-1)), np.cumsum(a_np.reshape(-1)))


def test_zero_size_concat_stack_and_pad() -> None:
    a_np = np.zeros((0, 3), dtype=np.int32)
    a = mc.asarray(a_np)
    _check(mc.concat([a, a]), np.concatenate([a_np, a_np]))
    _check(mc.stack([a, a]), np.stack([a_np, a_np]))
    _check(mc.pad(a, 1), np.pad(a_np, 1))
