"""Tensor.__repr__: NumPy's layout with `tensor(` and an explicit dtype."""

from __future__ import annotations

import mg_core as mg
import numpy as np
import pytest


def numpy_style(ref: np.ndarray) -> str:
    """NumPy's repr with 'array' renamed, and the dtype shown even when it is the default."""
    text = repr(ref).replace("array(", "tensor(")
    if "dtype=" not in text:
        text = text[:-1] + f", dtype={ref.dtype.name})"
    return text.replace("\n ", "\n  ")  # 'tensor(' is one character longer than 'array('


@pytest.mark.parametrize(
    "ref",
    [
        np.array([1.0, 2.5], np.float32),
        np.array([1.0, 2.0]),
        np.array([[1, 2], [30, -4]], np.int32),
        np.array([[1.5, 2.0], [3.0, -4.25]]),
        np.arange(24).reshape(2, 3, 4),
        np.array(3.0),
        np.array(-7, np.int32),
        np.array([0.1, 0.2], np.float32),
        np.array([-0.0, 2.0]),
        np.array([np.nan, np.inf, -np.inf, 1.0]),
        np.arange(2000).reshape(2, 1000),
        np.zeros((2, 0)),
    ],
)
def test_repr_follows_numpy(ref: np.ndarray) -> None:
    assert repr(mg.asarray(ref)) == numpy_style(ref)


def test_repr_of_views_and_large_tensors() -> None:
    ref = np.arange(12.0).reshape(3, 4)[::-1, ::2]
    assert repr(mg.asarray(np.arange(12.0)).reshape(3, 4)[::-1, ::2]) == numpy_style(ref)
    text = repr(mg.arange(5000.0))
    assert text.startswith("tensor([")
    assert "..." in text
    assert text.endswith(", shape=(5000,), dtype=float64)")
