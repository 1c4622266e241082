"""Outputs that overlap an input: the kernels copy the input first (Note [Overlapping operands]),
so every result equals NumPy's, which also reads its inputs as they were before the call."""

from __future__ import annotations

import mg_kernels as mk
import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import to_array, to_storage


@given(n=st.integers(1, 3000), shift=st.integers(-5, 5))
def test_shifted_binary_equals_numpy(isa: str, n: int, shift: int) -> None:
    data = np.arange(n + 10, dtype=np.float32)
    x = to_storage(data)
    out_at, in_at = 5 + shift, 5
    expected = data.copy()
    np.multiply(data[in_at : in_at + n], 3.0, out=expected[out_at : out_at + n])
    three = to_storage(np.array([3.0], dtype=np.float32))
    mk.binary(mk.BinaryOp.MUL, x, out_at, [1], x, in_at, [1], three, 0, [0], [n])
    np.testing.assert_array_equal(to_array(x), expected)


@given(n=st.integers(1, 200))
def test_in_place_transpose_and_reverse_equal_numpy(isa: str, n: int) -> None:
    data = np.arange(n * n, dtype=np.float64).reshape(n, n)
    x = to_storage(data)
    mk.copy(x, 0, [n, 1], x, 0, [1, n], [n, n])  # x = x.T
    np.testing.assert_array_equal(to_array(x).reshape(n, n), data.T)
    mk.copy(x, n * n - 1, [-1], x, 0, [1], [n * n])  # x = x[::-1]
    np.testing.assert_array_equal(to_array(x), data.T.ravel()[::-1])
