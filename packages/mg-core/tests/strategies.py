"""Hypothesis strategies shared by mg-core's tests.

`laid_out` draws a NumPy array and an mg Tensor holding the same values with the same kind
of memory layout (contiguous, transposed, sliced with any step, broadcast, or offset into a
larger buffer). Tests compute the expected result with NumPy from the NumPy side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_core as mg
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DTYPES = ("float32", "float64", "int32", "int64")
FLOAT_DTYPES = ("float32", "float64")
INT_DTYPES = ("int32", "int64")
LAYOUTS = ("contiguous", "transposed", "sliced", "broadcast", "offset")

Elements = Callable[[str], st.SearchStrategy[Any]]


def any_values(dtype: str) -> st.SearchStrategy[Any]:
    """Every value of the dtype (floats incl. inf and NaN, no subnormals)."""
    if dtype in INT_DTYPES:
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max))
    return st.floats(width=np.dtype(dtype).itemsize * 8, allow_subnormal=False)


def moderate_values(dtype: str) -> st.SearchStrategy[Any]:
    """Finite values small enough that sums cannot overflow, whatever the order."""
    if dtype in INT_DTYPES:
        return st.integers(-1000, 1000)
    width = np.dtype(dtype).itemsize * 8
    return st.floats(-1e6, 1e6, width=width, allow_subnormal=False)


def small_exponents(dtype: str) -> st.SearchStrategy[Any]:
    if dtype in INT_DTYPES:
        return st.integers(0, 9)
    return st.floats(-4, 4, width=np.dtype(dtype).itemsize * 8, allow_subnormal=False)


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
dtypes = st.sampled_from(DTYPES)


@st.composite
def laid_out(
    draw: st.DrawFn,
    dtype: str,
    shape: tuple[int, ...],
    elements: Elements = any_values,
    layout: str | None = None,
) -> tuple[np.ndarray, mg.Tensor]:
    """Return (numpy view, mg tensor) with equal values, shape and kind of layout."""
    kind = layout or draw(st.sampled_from(LAYOUTS))
    ndim = len(shape)

    def base(base_shape: tuple[int, ...]) -> np.ndarray:
        return draw(hnp.arrays(dtype, base_shape, elements=elements(dtype)))

    if kind == "transposed" and ndim >= 2:
        perm = draw(st.permutations(range(ndim)))
        inverse = tuple(int(i) for i in np.argsort(perm))
        src = base(tuple(shape[inverse[i]] for i in range(ndim)))
        return src.transpose(perm), mg.asarray(src).permute(perm)
    if kind == "sliced" and ndim >= 1:
        keys, base_shape = [], []
        for n in shape:
            step = draw(st.sampled_from([1, 2, 3, -1, -2, -3]))
            pad = draw(st.integers(0, 2))
            length = max(n - 1, 0) * abs(step) + 1 + 2 * pad
            first = pad if step > 0 else length - 1 - pad
            stop = first + n * step
            keys.append(slice(first, stop if stop >= 0 else None, step))
            base_shape.append(length)
        src = base(tuple(base_shape))
        key = tuple(keys)
        view = src[key]
        assert view.shape == shape
        return view, mg.asarray(src)[key]
    if kind == "broadcast" and ndim >= 1:
        lead = draw(st.integers(0, ndim))
        src_shape = tuple(1 if draw(st.booleans()) else n for n in shape[lead:])
        src = base(src_shape)
        return np.broadcast_to(src, shape), mg.asarray(src).broadcast_to(shape)
    if kind == "offset":
        size = int(np.prod(shape))
        flat = base((size + 3,))
        start = draw(st.integers(0, 3))
        chunk = flat[start : start + size]
        return chunk.reshape(shape), mg.asarray(flat)[start : start + size].reshape(shape)
    src = base(shape)
    return src, mg.asarray(src)


@st.composite
def tensors(
    draw: st.DrawFn, dtype: str | None = None, elements: Elements = any_values
) -> tuple[np.ndarray, mg.Tensor]:
    """A (numpy, mg) pair of any dtype, shape and layout."""
    return draw(laid_out(dtype or draw(dtypes), draw(shapes), elements))


def python_scalars(dtype_kind: str | None = None) -> st.SearchStrategy[int | float]:
    """Python ints and floats, including ones that overflow int32."""
    ints = st.integers(-(2**40), 2**40) | st.integers(-5, 5)
    floats = st.floats(-1e6, 1e6, allow_subnormal=False)
    if dtype_kind == "i":
        return ints
    if dtype_kind == "f":
        return floats
    return ints | floats
