"""Tensor.__repr__: NumPy's layout with `tensor(` and an explicit dtype."""

from __future__ import annotations

from typing import Any

import mg_core as mg
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mg_core._format import _round_to, _shortest, format_values
from mg_core_strategies import any_values


class tensor(np.ndarray):  # NumPy's repr then starts with "tensor("
    pass


def numpy_style(ref: np.ndarray) -> str:
    """NumPy's own repr of `ref` as a `tensor(` (so lines wrap where NumPy wraps them).

    NumPy leaves out an implied dtype (float64, int64); mg always shows it, so it is added
    here by the rule of NumPy's array_repr for extras: on the last line if it fits in 75
    columns, else on a new line indented under the opening parenthesis.
    """
    text = repr(ref.view(tensor))
    if "dtype=" in text:
        return text
    body = np.array2string(ref, separator=", ", prefix="tensor(", suffix=")")
    extras = (
        [f"shape={ref.shape}"] if ref.size > 1000 or (ref.size == 0 and ref.shape != (0,)) else []
    )
    extras.append(f"dtype={ref.dtype.name}")
    head, tail = f"tensor({body},", ", ".join(extras) + ")"
    last_line = len(head) - (head.rfind("\n") + 1)
    return head + ("\n" + " " * 7 if last_line + len(tail) + 1 > 75 else " ") + tail


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


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
@pytest.mark.parametrize(
    "make",
    [
        lambda rng: rng.random((20, 30, 4)),
        lambda rng: rng.normal(size=(40, 40)) * 1e5,
        lambda rng: rng.normal(size=(3, 7)) * 10.0 ** rng.integers(-9, 9, size=(3, 7)),
        lambda rng: np.linspace(0, 1, 1200),
        lambda rng: np.arange(1001) - 500,
        lambda rng: rng.random(30) * 1e7,
        lambda rng: np.array([1e-5, 1e5, np.nan, -np.inf]),
        lambda rng: np.array([0.1, 123456.0, 7.0]),
        lambda rng: np.array([[np.nan, np.inf]]),
    ],
)
def test_repr_of_many_values_follows_numpy(make: Any, dtype: str) -> None:
    values = make(np.random.default_rng(0))
    if dtype.startswith("int"):
        values = np.nan_to_num(values, posinf=7, neginf=-7) % 10**8
    ref = values.astype(dtype)
    assert repr(mg.asarray(ref)) == numpy_style(ref)


@given(st.data())
def test_repr_follows_numpy_for_any_values(data: st.DataObject) -> None:
    dtype = data.draw(st.sampled_from(["float32", "float64", "int32", "int64"]))
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=12))
    ref = data.draw(hnp.arrays(dtype, shape, elements=any_values(dtype)))
    assert repr(mg.asarray(ref)) == numpy_style(ref)


@given(st.data())
def test_float16_layout_follows_numpy_before_the_kernels_have_it(data: st.DataObject) -> None:
    shape = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=8))
    ref = data.draw(hnp.arrays("float16", shape, elements=st.floats(width=16)))
    assert format_values(ref.tolist(), "float16", ref.shape, False) == repr(ref.view(tensor))


def bfloat16_values() -> st.SearchStrategy[float]:
    """Every finite bfloat16: a float32 whose low 16 bits are zero."""
    return (
        st.integers(0, 0xFFFF)
        .map(lambda bits: float(np.array([bits << 16], np.uint32).view(np.float32)[0]))
        .filter(np.isfinite)
    )


@given(bfloat16_values())
def test_bfloat16_shortest_text_reads_back_and_is_shortest(value: float) -> None:
    text = _shortest(value, "bfloat16")
    assert _round_to(float(text), "bfloat16") == value
    digits = text.lstrip("-").partition("e")[0].replace(".", "").strip("0")
    if len(digits) > 1:  # one digit fewer does not read back
        shorter = f"{value:.{len(digits) - 2}e}"
        assert _round_to(float(shorter), "bfloat16") != value


def test_bfloat16_rounding_is_to_nearest_even() -> None:
    one_ulp = 2.0**-7
    assert _round_to(1 + one_ulp / 2, "bfloat16") == 1.0  # tie: to even
    assert _round_to(1 + 3 * one_ulp / 2, "bfloat16") == 1 + 2 * one_ulp  # tie: to even
    assert _round_to(1 + one_ulp * 0.51, "bfloat16") == 1 + one_ulp
    assert _round_to(3.4e38, "bfloat16") == np.inf
    assert (
        format_values([1.0, 0.5], "bfloat16", (2,), False) == "tensor([1. , 0.5], dtype=bfloat16)"
    )
