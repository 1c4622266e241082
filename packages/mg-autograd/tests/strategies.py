"""Shared hypothesis strategies and input layouts for the op table (tests only)."""

from __future__ import annotations

from typing import TypeAlias

import mg_core as core
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

Shape: TypeAlias = tuple[int, ...]
Shapes: TypeAlias = tuple[Shape, ...]

#: How an input tensor is laid out in memory; the values are the same in every layout.
LAYOUTS = ("contiguous", "transposed", "sliced", "expanded")


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1) -> st.SearchStrategy[Shapes]:
    """One shape (as a 1-tuple of shapes) with small sides."""
    one = hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=4)
    return one.map(lambda s: (s,))


def broadcastable(num_shapes: int = 2, max_dims: int = 3) -> st.SearchStrategy[Shapes]:
    """Shapes that broadcast together (each side at most 4)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=0, max_dims=max_dims, max_side=4
    ).map(lambda b: tuple(b.input_shapes))


def fixed(*shape_list: Shape) -> st.SearchStrategy[Shapes]:
    """Exactly these shapes."""
    return st.just(tuple(shape_list))


def values(shape: Shape, positive: bool, rng: np.random.Generator) -> np.ndarray:
    """Float64 values in [-2, 2], or [0.5, 2] when the op needs positive inputs."""
    low = 0.5 if positive else -2.0
    return np.asarray(rng.uniform(low, 2.0, size=shape))


def expanded_values(a: np.ndarray) -> np.ndarray:
    """The values an expanded layout can hold: the first row repeated along axis 0."""
    if a.ndim == 0 or a.shape[0] < 2:
        return a
    return np.array(order="C", object=np.broadcast_to(a[:1], a.shape))


def lay_out(a: np.ndarray, layout: str) -> core.Tensor:
    """Return an mg_core tensor with the values of ``a``, laid out as ``layout`` says.

    transposed: a transposed view of a C-contiguous copy; sliced: every other element of a
    larger buffer, the last axis with a negative step; expanded: ``a[:1]`` broadcast along
    axis 0 (stride 0; ``a`` must come from `expanded_values`).
    """
    if layout == "contiguous" or a.ndim == 0:
        return core.asarray(np.array(order="C", object=a))
    if layout == "transposed":
        return core.asarray(np.array(order="C", object=a.T)).T
    if layout == "sliced":
        key = tuple(slice(None, None, -2 if i == a.ndim - 1 else 2) for i in range(a.ndim))
        big = np.zeros([2 * n for n in a.shape], dtype=a.dtype)
        big[key] = a
        return core.asarray(big)[key]
    if layout == "expanded":
        if a.shape[0] < 2:
            return core.asarray(np.array(order="C", object=a))
        assert (a == a[:1]).all(), "use expanded_values() for the expanded layout"
        return core.broadcast_to(core.asarray(np.array(order="C", object=a[:1])), a.shape)
    raise ValueError(f"unknown layout {layout!r}")
