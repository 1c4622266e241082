"""TensorDataset and DataLoader: batching, seeded shuffling, drop_last, bad input."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_autograd.data import DataLoader, TensorDataset


def dataset(n: int) -> tuple[np.ndarray, np.ndarray, TensorDataset]:
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64) * 10
    return x, y, TensorDataset(ag.tensor(x), ag.tensor(y))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 12),
    batch_size=st.integers(1, 5),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_batches_cover_the_rows_once(
    n: int, batch_size: int, shuffle: bool, drop_last: bool, seed: int
) -> None:
    x, _, ds = dataset(n)
    loader = DataLoader(ds, batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed)
    batches = list(loader)
    assert len(batches) == len(loader)
    expected_len = n // batch_size if drop_last else -(-n // batch_size)
    assert len(batches) == expected_len
    rows: list[int] = []
    for xb, yb in batches:
        assert xb.shape[0] == yb.shape[0]
        assert xb.shape[0] == batch_size or (not drop_last and xb is batches[-1][0])
        assert xb.dtype is core.float32
        assert yb.dtype is core.int64
        labels = [int(v) // 10 for v in yb.tolist()]  # type: ignore[union-attr]
        np.testing.assert_array_equal(xb.numpy(), x[labels])  # rows stay paired
        rows += labels
    assert len(set(rows)) == len(rows)
    if not drop_last:
        assert sorted(rows) == list(range(n))
    if not shuffle:
        assert rows == sorted(rows)


def test_seeded_shuffle_repeats_across_loaders_and_changes_per_epoch() -> None:
    _, _, ds = dataset(20)

    def epochs(loader: DataLoader) -> list[list[float]]:
        return [[v for (_, yb) in loader for v in yb.tolist()] for _ in range(2)]  # type: ignore[union-attr]

    first = epochs(DataLoader(ds, 4, shuffle=True, seed=7))
    assert first == epochs(DataLoader(ds, 4, shuffle=True, seed=7))
    assert first[0] != first[1]
    assert first != epochs(DataLoader(ds, 4, shuffle=True, seed=8))
    ag.manual_seed(3)
    default = epochs(DataLoader(ds, 4, shuffle=True))
    ag.manual_seed(3)
    assert default == epochs(DataLoader(ds, 4, shuffle=True))


def test_generator_argument_is_used() -> None:
    _, _, ds = dataset(10)
    a = [
        yb.tolist()
        for _, yb in DataLoader(ds, 10, shuffle=True, generator=core.random.default_rng(5))
    ]
    b = [yb.tolist() for _, yb in DataLoader(ds, 10, shuffle=True, seed=5)]
    assert a == b


def test_bad_input() -> None:
    with pytest.raises(ValueError, match=r"must share their first axis, got \(3,\), \(2,\)"):
        TensorDataset(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([1.0, 2.0]))
    _, _, ds = dataset(3)
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        DataLoader(ds, 0)
    with pytest.raises(TypeError, match="DataLoader takes a TensorDataset, got list"):
        DataLoader([1, 2], 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="either generator= or seed="):
        DataLoader(ds, 1, generator=core.random.default_rng(0), seed=0)
