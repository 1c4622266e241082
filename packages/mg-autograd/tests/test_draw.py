"""draw_dot builds a graphviz.Digraph of the graph (no `dot` binary needed)."""

from __future__ import annotations

import builtins
from typing import Any

import mg_autograd as ag
import pytest


def test_draw_dot_shows_ops_shapes_dtypes_values_and_grads() -> None:
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    loss = (a * b + a).sum()
    loss.backward()
    source = ag.draw_dot(loss).source
    for text in ("SumBackward", "AddBackward", "MulBackward", "(2,) float32", "leaf"):
        assert text in source
    assert "data [1, 2]" in source
    assert "grad [4, 5]" in source  # d/da = b + 1
    assert source.count("shape=ellipse") == 3
    assert source.count("shape=box") == 5  # a, b, a*b, a*b+a, the sum


def test_draw_dot_hides_values_of_big_tensors() -> None:
    x = ag.tensor([float(i) for i in range(20)], requires_grad=True)
    source = ag.draw_dot(x * 2).source
    assert "(20,) float32" in source
    assert "data" not in source


def test_draw_dot_handles_a_deep_chain() -> None:
    x = ag.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    assert ag.draw_dot(y).source.count("MulBackward") == 3000


def test_draw_dot_without_graphviz_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "graphviz":
            raise ImportError("No module named 'graphviz'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"mg-autograd\[graphviz\]"):
        ag.draw_dot(ag.tensor([1.0], requires_grad=True))
