"""mg_core.random vs NumPy's PCG64 and SeedSequence (the oracle), plus distribution checks."""

from __future__ import annotations

import math

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mg_core.random import PCG64, default_rng, seed_sequence_state

seeds = st.integers(0, 2**130)


@given(seeds, st.integers(1, 6))
def test_seed_sequence_matches_numpy(seed: int, n: int) -> None:
    expected = np.random.SeedSequence(seed).generate_state(n, np.uint64)
    assert seed_sequence_state(seed, n) == [int(v) for v in expected]


@given(seeds)
def test_seeded_state_and_raw_stream_match_numpy(seed: int) -> None:
    ref = np.random.PCG64(seed)
    ours = PCG64(seed)
    assert ours.state == {k: int(v) for k, v in ref.state["state"].items()}
    assert [ours.next_uint64() for _ in range(20)] == [int(v) for v in ref.random_raw(20)]


@given(st.integers(0, 2**128 - 1), st.integers(0, 2**127 - 1))
def test_generator_step_matches_numpy_from_any_state(state: int, inc: int) -> None:
    ref = np.random.PCG64()
    ref.state = {
        "bit_generator": "PCG64",
        "state": {"state": state, "inc": 2 * inc + 1},
        "has_uint32": 0,
        "uinteger": 0,
    }
    ours = PCG64()
    ours.state = {"state": state, "inc": 2 * inc + 1}
    assert [ours.next_uint64() for _ in range(5)] == [int(v) for v in ref.random_raw(5)]


@given(st.integers(0, 2**64), st.integers(0, 50))
def test_random_doubles_equal_numpys(seed: int, n: int) -> None:
    ours = default_rng(seed).random(n)
    assert ours.dtype is mg.float64
    np.testing.assert_array_equal(np.asarray(ours), np.random.default_rng(seed).random(n))


def test_shapes_dtypes_and_errors() -> None:
    rng = default_rng(0)
    assert rng.random().shape == ()
    r32 = rng.random((2, 3), dtype="float32")
    assert (r32.shape, r32.dtype) == ((2, 3), mg.float32)
    assert all(0.0 <= v < 1.0 for v in r32.reshape(-1).tolist())  # type: ignore[union-attr]
    with pytest.raises(TypeError, match="needs a float dtype"):
        rng.random(2, dtype="int32")
    with pytest.raises(ValueError, match="empty range"):
        rng.integers(3, 3)
    with pytest.raises(ValueError, match="scale must be non-negative"):
        rng.normal(scale=-1.0)
    with pytest.raises(ValueError, match="non-negative"):
        default_rng(-1)
    with pytest.raises(TypeError, match="seed must be"):
        default_rng([1, 2])
    assert default_rng().random().shape == ()
    assert default_rng(np.int64(3)).random().item() == default_rng(3).random().item()


def test_same_seed_same_stream_different_seed_different() -> None:
    a, b, c = default_rng(5), default_rng(5), default_rng(6)
    assert a.integers(100, size=10).tolist() == b.integers(100, size=10).tolist()
    assert a.normal(size=4).tolist() == b.normal(size=4).tolist()
    assert a.random(4).tolist() != c.random(4).tolist()


@pytest.mark.parametrize(
    ("low", "high", "endpoint"), [(0, 7, False), (-3, 3, True), (0, 2**63, False)]
)
def test_integers_are_in_range_and_cover_it(low: int, high: int, endpoint: bool) -> None:
    values = default_rng(1).integers(low, high, size=2000, endpoint=endpoint).tolist()
    assert isinstance(values, list)
    top = high if endpoint else high - 1
    assert all(low <= v <= top for v in values)  # type: ignore[operator]
    if high - low < 20:
        assert set(values) == set(range(low, top + 1))


def test_integers_are_uniform_chi_square() -> None:
    counts = np.bincount(np.asarray(default_rng(2).integers(10, size=20000)), minlength=10)
    chi2 = float(((counts - 2000) ** 2 / 2000).sum())
    assert chi2 < 27.88  # the 0.999 quantile with 9 degrees of freedom


def test_normal_moments() -> None:
    x = np.asarray(default_rng(3).normal(2.0, 3.0, size=(100, 100)))
    assert abs(x.mean() - 2.0) < 4 * 3.0 / math.sqrt(x.size)
    assert abs(x.std() - 3.0) < 0.1


def test_permutation_and_shuffle() -> None:
    rng = default_rng(4)
    p = rng.permutation(10)
    assert sorted(p.tolist()) == list(range(10))  # type: ignore[type-var]
    rows = mg.asarray(np.arange(12).reshape(4, 3))
    shuffled = rng.permutation(rows)
    ref = np.arange(12).reshape(4, 3)
    assert sorted(map(tuple, np.asarray(shuffled).tolist())) == sorted(map(tuple, ref.tolist()))
    buffer = rows.buffer
    rng.shuffle(rows)
    assert rows.buffer is buffer
    assert sorted(np.asarray(rows)[:, 0].tolist()) == [0, 3, 6, 9]
    with pytest.raises(ValueError, match="0-d"):
        rng.permutation(mg.asarray(1.0))


def test_permutations_are_uniform() -> None:
    rng = default_rng(9)
    counts: dict[tuple[int, ...], int] = {}
    for _ in range(6000):
        key = tuple(rng.permutation(3).tolist())  # type: ignore[arg-type]
        counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 6
    chi2 = sum((c - 1000) ** 2 / 1000 for c in counts.values())
    assert chi2 < 20.52  # the 0.999 quantile with 5 degrees of freedom
