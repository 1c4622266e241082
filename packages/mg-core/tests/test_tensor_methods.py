"""Tensor methods (`t.max()`, `t.exp()`, ...) against NumPy, with PyTorch's dim/keepdim names."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core_op_checks import assert_matches, small_values
from mg_core_strategies import laid_out

REDUCTIONS = ["sum", "mean", "prod", "max", "min", "all", "any", "var", "std"]


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
def test_reduction_methods_match_numpy_methods(
    name: str, data: st.DataObject, shape: tuple[int, ...]
) -> None:
    dtype = data.draw(st.sampled_from(["float64", "int32", "bool"]), label="dtype")
    ref, t = data.draw(laid_out(dtype, shape, small_values))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")
    expected = np.asarray(getattr(ref, name)(axis=axis, keepdims=keepdims))
    ours = getattr(t, name)(axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(np.asarray(ours), expected, rtol=1e-12, atol=1e-12)
    assert ours.dtype.name == expected.dtype.name
    torch_style = getattr(t, name)(dim=axis, keepdim=keepdims)
    np.testing.assert_array_equal(np.asarray(torch_style), np.asarray(ours))
    positional = getattr(t, name)(axis, keepdims)
    np.testing.assert_array_equal(np.asarray(positional), np.asarray(ours))


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_methods_match_numpy(name: str) -> None:
    ref = np.array([[3, 9, 1], [9, 2, 2]], np.int16)
    t = mg.asarray(ref)
    for axis in (None, 0, 1, -1):
        assert_matches(getattr(t, name)(axis), getattr(ref, name)(axis).astype(np.int64))
        assert_matches(
            getattr(t, name)(dim=axis, keepdim=True),
            getattr(ref, name)(axis=axis, keepdims=True).astype(np.int64),
        )


def test_cumulative_methods_flatten_without_an_axis_like_numpy() -> None:
    ref = np.arange(1, 7, dtype=np.int32).reshape(2, 3)
    t = mg.asarray(ref)
    assert_matches(t.cumsum(), ref.cumsum())
    assert_matches(t.cumprod(), ref.cumprod())
    assert_matches(t.T.cumsum(0), ref.T.cumsum(0))
    assert_matches(t.cumprod(dim=1), ref.cumprod(axis=1))
    assert_matches(t.cumsum(1, "float32"), ref.cumsum(1, dtype=np.float32))


ELEMENTWISE: dict[str, Any] = {
    "abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "round": np.round,
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "tanh": np.tanh, "sinh": np.sinh,
    "cosh": np.cosh, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "floor": np.floor, "ceil": np.ceil, "trunc": np.trunc, "sign": np.sign,
    "square": np.square, "log2": np.log2, "log10": np.log10, "log1p": np.log1p,
    "expm1": np.expm1, "exp2": np.exp2, "reciprocal": np.reciprocal, "isnan": np.isnan,
    "isinf": np.isinf, "isfinite": np.isfinite, "logical_not": np.logical_not,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
}  # fmt: skip


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_elementwise_methods_equal_the_functions(name: str) -> None:
    ref = np.array([[-0.75, 0.5], [0.25, 1.5]], np.float32).T
    t = mg.asarray(ref.T).T
    with np.errstate(all="ignore"):
        expected = ELEMENTWISE[name](ref)
    assert_matches(getattr(t, name)(), expected, ulps=2)
    assert_matches(getattr(t, name)(), getattr(mg, name)(t))


def test_extra_elementwise_methods() -> None:
    t = mg.asarray([-1.0, 0.0, 2.0])
    assert t.relu().tolist() == [0.0, 0.0, 2.0]
    assert t.sigmoid().tolist()[1] == 0.5
    assert t.erf().tolist()[1] == 0.0
    assert t.clip(-0.5, 1.0).tolist() == [-0.5, 0.0, 1.0]
    assert t.clip(max=0.0).tolist() == [-1.0, 0.0, 0.0]
    assert t.logsumexp(dim=0).item() == pytest.approx(np.logaddexp.reduce([-1.0, 0.0, 2.0]))


def test_axis_and_dim_together_are_refused() -> None:
    with pytest.raises(TypeError, match="pass either axis or dim, not both"):
        mg.zeros((2, 2)).sum(axis=0, dim=1)
    with pytest.raises(TypeError, match="pass either axis or dim, not both"):
        mg.zeros((2, 2)).argmax(axis=0, dim=1)
