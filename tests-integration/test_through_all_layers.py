"""One op through all three layers: Python autograd -> mg_core -> C++ kernel, on every ISA."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import mg_autograd as mg
import mg_kernels
import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=mg_kernels.available_isas())
def isa(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = mg_kernels.isa()
    mg_kernels.set_isa(request.param)
    yield request.param
    mg_kernels.set_isa(previous)


def test_gradients_match_torch_on_every_isa(isa: str) -> None:
    rng = np.random.default_rng(3)
    a_np = rng.standard_normal((5, 37))
    b_np = rng.standard_normal((1, 37))
    a = mg.tensor(a_np.tolist(), dtype="float64", requires_grad=True)
    b = mg.tensor(b_np.tolist(), dtype="float64", requires_grad=True)
    loss = ((a * b + a) / (b * b + 1.0) - a**2).sum()
    loss.backward()

    a_t = torch.tensor(a_np, requires_grad=True)
    b_t = torch.tensor(b_np, requires_grad=True)
    loss_t = ((a_t * b_t + a_t) / (b_t * b_t + 1.0) - a_t**2).sum()
    loss_t.backward()

    assert mg_kernels.isa() == isa
    assert a.grad is not None
    assert b.grad is not None
    np.testing.assert_allclose(loss.item(), loss_t.item(), rtol=1e-12)
    np.testing.assert_allclose(a.grad.numpy(), a_t.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), b_t.grad.numpy(), rtol=1e-12)


def test_demo_fits_its_model() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "linear_regression.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "loss" in result.stdout
