"""NumPy sees mg memory without copies, through every layer."""

from __future__ import annotations

import gc

import mg_autograd as mg
import mg_core
import numpy as np


def test_core_tensor_is_viewed_not_copied() -> None:
    t = mg_core.asarray([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=mg_core.float32)
    view = np.asarray(t)
    view[1, 2] = 60.0
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 60.0]]
    assert view.dtype == np.float32


def test_strided_views_keep_their_layout() -> None:
    base = mg_core.asarray(np.arange(24, dtype=np.float64).reshape(4, 6))
    sliced = base[1:, ::-2]
    expected = np.arange(24, dtype=np.float64).reshape(4, 6)[1:, ::-2]
    np.testing.assert_array_equal(np.asarray(sliced), expected)
    assert np.shares_memory(np.asarray(sliced), np.asarray(base))
    np.testing.assert_array_equal(np.asarray(base.T), np.arange(24.0).reshape(4, 6).T)


def test_numpy_view_outlives_the_tensor() -> None:
    t = mg_core.full((1000,), 7, dtype=mg_core.int64)
    view = np.asarray(t)
    del t
    gc.collect()
    filler = [mg_core.zeros(1000, dtype=mg_core.int64) for _ in range(10)]
    assert view.sum() == 7000
    assert len(filler) == 10


def test_autograd_numpy_shares_the_data() -> None:
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0, 6.0])
    assert x.numpy().dtype == np.float32
