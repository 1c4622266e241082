"""The fused nodes `Linear` and `CrossEntropyIndices` against PyTorch, and their fallbacks.

The op-table tests already run `linear` and `cross_entropy` through them; these pin what is
particular to fusing: one node each, the composed fallback for other bias shapes and for class
weights or smoothing, second derivatives, and the edge cases of the fused formulas.
"""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from mg_autograd.nn import functional as F


def _pair(x: np.ndarray) -> tuple[ag.Tensor, torch.Tensor]:
    return ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


@pytest.mark.parametrize("input_shape", [(5, 4), (4,), (2, 3, 4)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_is_one_node_with_pytorchs_first_and_second_derivatives(
    input_shape: tuple[int, ...], with_bias: bool
) -> None:
    rng = np.random.default_rng(len(input_shape))
    x, tx = _pair(rng.standard_normal(input_shape))
    w, tw = _pair(rng.standard_normal((3, 4)))
    b, tb = _pair(rng.standard_normal(3)) if with_bias else (None, None)
    y = F.linear(x, w, b)
    assert y.grad_fn is not None
    assert y.grad_fn.name() == "LinearBackward"
    assert all(t is None or t.grad_fn is None for t in y.grad_fn.inputs)  # straight to leaves
    (y**3).sum().backward(create_graph=True)
    ty = torch.nn.functional.linear(tx, tw, tb)
    (gx,) = torch.autograd.grad((ty**3).sum(), tx, create_graph=True)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), gx.detach().numpy(), rtol=1e-12)
    second = x.grad
    x.grad = w.grad = None
    (second**2).sum().backward()
    (gx**2).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)


def test_linear_with_another_bias_shape_broadcasts_like_an_add() -> None:
    x = ag.tensor(np.ones((2, 4)), requires_grad=True)
    w = ag.tensor(np.ones((3, 4)), requires_grad=True)
    b = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = F.linear(x, w, b)
    assert y.grad_fn is not None
    assert y.grad_fn.name() == "AddBackward"
    y.sum().backward()
    assert y.tolist() == [[4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]
    assert b.grad is not None
    assert b.grad.tolist() == [[1.0] * 3] * 2


def test_linear_promotes_a_bias_of_a_wider_dtype() -> None:
    x = ag.tensor(np.ones((2, 2), dtype=np.float32))
    w = ag.tensor(np.ones((1, 2), dtype=np.float32))
    y = F.linear(x, w, ag.tensor(np.array([0.25], dtype=np.float64)))
    assert y.dtype == core.float64
    assert y.tolist() == [[2.25], [2.25]]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_is_one_node_and_ignored_targets_get_no_gradient(reduction: str) -> None:
    rng = np.random.default_rng(7)
    x, tx = _pair(rng.standard_normal((6, 5)) * 4)
    target = np.array([0, 4, -100, 2, -100, 1])
    loss = F.cross_entropy(x, ag.tensor(target), reduction=reduction)
    assert loss.grad_fn is not None
    assert loss.grad_fn.name() == "CrossEntropyIndicesBackward"
    torch_loss = torch.nn.functional.cross_entropy(tx, torch.tensor(target), reduction=reduction)
    np.testing.assert_allclose(loss.numpy(), torch_loss.detach().numpy(), rtol=1e-12)
    (loss * loss).sum().backward()
    (torch_loss * torch_loss).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-15)
    assert not x.grad.numpy()[[2, 4]].any()


def test_cross_entropy_with_every_target_ignored_is_nan_as_in_pytorch() -> None:
    x, tx = _pair(np.zeros((2, 3)))
    loss = F.cross_entropy(x, ag.tensor([-100, -100]))
    torch_loss = torch.nn.functional.cross_entropy(tx, torch.tensor([-100, -100]))
    assert np.isnan(loss.item())
    assert np.isnan(torch_loss.item())


def test_cross_entropy_second_derivative_matches_pytorch() -> None:
    rng = np.random.default_rng(3)
    x, tx = _pair(rng.standard_normal((4, 3, 2)))
    target = rng.integers(0, 3, (4, 2))
    F.cross_entropy(x, ag.tensor(target)).backward(create_graph=True)
    torch_loss = torch.nn.functional.cross_entropy(tx, torch.tensor(target))
    (gx,) = torch.autograd.grad(torch_loss, tx, create_graph=True)
    first = x.grad
    assert first is not None
    x.grad = None
    (first**2).sum().backward()
    (gx**2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-15)


def test_cross_entropy_with_weights_or_smoothing_keeps_the_composed_graph() -> None:
    x = ag.tensor(np.zeros((2, 3)), requires_grad=True)
    target = ag.tensor([0, 1])
    weighted = F.cross_entropy(x, target, weight=ag.tensor([1.0, 2.0, 3.0]))
    smoothed = F.cross_entropy(x, target, label_smoothing=0.1)
    for loss in (weighted, smoothed):
        assert loss.grad_fn is not None
        assert loss.grad_fn.name() != "CrossEntropyIndicesBackward"


@pytest.mark.parametrize("target", [[0, -1], [0, 3], [-5, 0]])
@pytest.mark.parametrize("weighted", [False, True])
def test_a_target_out_of_range_is_an_index_error_on_either_path(
    target: list[int], weighted: bool
) -> None:
    weight = ag.tensor([1.0, 1.0, 2.0]) if weighted else None
    with pytest.raises(IndexError, match="a target is out of range for 3 classes"):
        F.cross_entropy(ag.tensor(np.zeros((2, 3))), ag.tensor(target), weight=weight)
    ignored = [t if t in (0, 1, 2) else -100 for t in target]  # the same, ignored, is fine
    assert np.isfinite(F.cross_entropy(ag.tensor(np.zeros((2, 3))), ag.tensor(ignored)).item())
