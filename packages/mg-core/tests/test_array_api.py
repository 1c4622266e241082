"""The array API surface: namespace, inspection info, conversions, device, mT."""

from __future__ import annotations

import math

import mg_core as mg
import numpy as np
import pytest


def test_namespace_and_version() -> None:
    t = mg.zeros(2)
    assert t.__array_namespace__() is mg
    assert t.__array_namespace__(api_version="2024.12") is mg
    assert mg.__array_api_version__ == "2024.12"
    with pytest.raises(ValueError, match="unsupported array API version"):
        t.__array_namespace__(api_version="1999.01")


def test_info() -> None:
    info = mg.__array_namespace_info__()
    assert set(info.capabilities()) == {
        "boolean indexing",
        "data-dependent shapes",
        "max dimensions",
    }
    assert info.default_device() == "cpu"
    assert info.devices() == ["cpu"]
    defaults = info.default_dtypes(device="cpu")
    assert defaults["real floating"].name == np.dtype(float).name
    assert defaults["integral"].name == defaults["indexing"].name == np.dtype(int).name
    every = info.dtypes()
    assert {"float32", "float64", "int32", "int64"} <= set(every)
    assert "bfloat16" not in every
    assert all(d.kind == "f" for d in info.dtypes(kind="real floating").values())
    assert all(
        d.kind in "iu" for d in info.dtypes(kind=("signed integer", "unsigned integer")).values()
    )
    assert info.dtypes(kind="complex floating") == {}
    with pytest.raises(ValueError, match="unknown dtype kind"):
        info.dtypes(kind="strings")
    with pytest.raises(ValueError, match="unknown device"):
        info.dtypes(device="gpu")  # type: ignore[arg-type]


def test_device_and_to_device() -> None:
    t = mg.ones(3)
    assert t.device == "cpu"
    assert t.to_device("cpu") is t
    with pytest.raises(ValueError, match="only 'cpu'"):
        t.to_device("cuda")


@pytest.mark.parametrize("value", [0.0, -2.5, math.inf, math.nan, 7.0])
def test_python_conversions_follow_numpy(value: float) -> None:
    t, ref = mg.asarray(value), np.asarray(value)
    assert math.isnan(float(t)) if math.isnan(value) else float(t) == float(ref)
    assert bool(t) is bool(ref)
    if math.isfinite(value):
        assert int(t) == int(ref)
    else:
        with pytest.raises((OverflowError, ValueError)):
            int(t)


def test_index_only_for_integer_tensors() -> None:
    assert [10, 20, 30][mg.asarray(1)] == 20
    assert operator_index(mg.asarray(2, "int32")) == 2
    with pytest.raises(TypeError, match="integer tensors"):
        operator_index(mg.asarray(1.0))
    with pytest.raises(TypeError, match="integer tensors"):
        operator_index(mg.asarray([1]))


def operator_index(x: object) -> int:
    import operator

    return operator.index(x)  # type: ignore[arg-type]


def test_mT_matches_numpy() -> None:
    ref = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(np.asarray(mg.asarray(ref).mT), ref.mT)
