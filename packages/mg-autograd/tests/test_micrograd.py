"""micrograd's classic scalar examples (expressions with reuse), checked against torch.

The expressions are micrograd's ``test_sanity_check``/``test_more_ops`` and the lecture's
``L = (a*b + c) * f``, with ``relu`` (not in mg yet) replaced by polynomial terms; in-place
``+=`` is spelled out as ``c = c + ...`` so both libraries build the same graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_autograd as ag
import mg_core as core
import pytest
import torch


def sanity_check(x: Any) -> Any:
    z = 2 * x + 2 + x
    q = z * z + z * x
    h = z * z * 0.5
    return h + q + q * x


def more_ops(a: Any, b: Any) -> Any:
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a) ** 2
    d = d + 3 * d + (b - a) ** 2
    e = c - d
    f = e**2
    g = f / 2.0
    return g + 10.0 / f


def lecture(a: Any, b: Any, c: Any, f: Any) -> Any:
    e = a * b
    d = e + c
    return d * f


def diamond(a: Any, b: Any) -> Any:
    s = a * b
    return (s + a) * (s - b) / (s * s + 1)


CASES: list[tuple[str, Callable[..., Any], tuple[float, ...]]] = [
    ("sanity_check", sanity_check, (-4.0,)),
    ("more_ops", more_ops, (-4.0, 2.0)),
    ("lecture", lecture, (2.0, -3.0, 10.0, -2.0)),
    ("diamond", diamond, (1.5, -0.5)),
]


@pytest.mark.parametrize(("name", "fn", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_scalar_expression_matches_torch(
    name: str, fn: Callable[..., Any], inputs: tuple[float, ...]
) -> None:
    mg_in = [ag.tensor(v, dtype=core.float64, requires_grad=True) for v in inputs]
    torch_in = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in inputs]
    out = fn(*mg_in)
    torch_out = fn(*torch_in)
    out.backward()
    torch_out.backward()
    assert out.item() == pytest.approx(torch_out.item(), rel=1e-12)
    for m, t in zip(mg_in, torch_in, strict=True):
        assert m.grad is not None
        assert t.grad is not None
        assert m.grad.item() == pytest.approx(t.grad.item(), rel=1e-12)


@pytest.mark.parametrize(("name", "fn", "inputs"), CASES, ids=[c[0] for c in CASES])
def test_scalar_expression_passes_gradcheck(
    name: str, fn: Callable[..., Any], inputs: tuple[float, ...]
) -> None:
    mg_in = [ag.tensor(v, dtype=core.float64, requires_grad=True) for v in inputs]
    assert ag.gradcheck(fn, mg_in, rtol=1e-6)
