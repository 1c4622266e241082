"""create_graph=True: second derivatives of polynomials and rational functions vs torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch

Fn = Callable[[Any], Any]

FUNCTIONS: dict[str, Fn] = {
    "cubic": lambda x: x**3 - 2 * x**2 + x * 0.5 - 1,
    "rational": lambda x: (x * x + 1) / (x + 3),
    "reciprocal_power": lambda x: x**-2 + x**0.5,
    "product_reuse": lambda x: (x * x) * (x + 1) / 2,
    "broadcast_sum": lambda x: (x.reshape(3, 1) * x.reshape(1, 3)).sum(axis=0) / (x + 2),
    "slices": lambda x: (x[::2] * x[1:2] * x[0::2]).sum() + x[None, :].squeeze(0) * x[-1],
    "mean_var": lambda x: x.var() * x.mean() + x,
}

VALUES = [0.5, 1.25, 2.0]


def _mg_derivatives(fn: Fn, order: int) -> np.ndarray:
    """The order-th derivative of sum(fn(x)) taken via repeated create_graph backward."""
    x = ag.tensor(VALUES, dtype=core.float64, requires_grad=True)
    y = fn(x).sum()
    for _ in range(order):
        y.backward(create_graph=True)
        grad, x.grad = x.grad, None
        assert grad is not None
        y = grad.sum()
    return y.numpy() if order == 0 else np.asarray(grad.numpy())


def _torch_derivatives(fn: Fn, order: int) -> np.ndarray:
    x = torch.tensor(VALUES, dtype=torch.float64, requires_grad=True)
    y = fn(x).sum()
    grad = y
    for _ in range(order):
        (grad,) = torch.autograd.grad(y, x, create_graph=True)
        y = grad.sum()
    return grad.detach().numpy()


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_higher_derivatives_match_torch(name: str, order: int) -> None:
    fn = FUNCTIONS[name]
    np.testing.assert_allclose(
        _mg_derivatives(fn, order), _torch_derivatives(fn, order), rtol=1e-10, atol=1e-12
    )


def test_create_graph_gradient_requires_grad_and_first_order_one_does_not() -> None:
    x = ag.tensor([2.0], requires_grad=True)
    (x * x).sum().backward(create_graph=True)
    assert x.grad is not None
    assert x.grad.requires_grad
    assert x.grad.grad_fn is not None
    y = ag.tensor([2.0], requires_grad=True)
    (y * y).sum().backward()
    assert y.grad is not None
    assert not y.grad.requires_grad


def test_create_graph_retains_graph_by_default() -> None:
    x = ag.tensor([2.0], requires_grad=True)
    y = (x * x * x).sum()
    y.backward(create_graph=True)
    y.backward()  # retain_graph defaulted to create_graph, so the graph is still there
    assert x.grad is not None


def test_mixed_partials_match_torch() -> None:
    # d2/dadb of sum(a*a*b / (a + b)): differentiate dy/da with respect to b.
    def f(a: Any, b: Any) -> Any:
        return (a * a * b / (a + b)).sum()

    a = ag.tensor([1.0, 2.0], dtype=core.float64, requires_grad=True)
    b = ag.tensor([0.5, 3.0], dtype=core.float64, requires_grad=True)
    f(a, b).backward(create_graph=True)
    assert a.grad is not None
    dyda = a.grad
    a.grad = b.grad = None
    dyda.sum().backward()
    ta = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([0.5, 3.0], dtype=torch.float64, requires_grad=True)
    (tdyda,) = torch.autograd.grad(f(ta, tb), ta, create_graph=True)
    ta_grad, tb_grad = torch.autograd.grad(tdyda.sum(), (ta, tb))
    assert a.grad is not None
    assert b.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), ta_grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb_grad.numpy(), rtol=1e-12)


class CoreOnlyBackward(ag.Function):
    """A backward written with mg_core functions: fine for first order only."""

    @staticmethod
    def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
        ctx.save_for_backward(x)
        return core.multiply(x, x)

    @staticmethod
    def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
        (x,) = ctx.saved_tensors
        return core.multiply(core.multiply(grad, x), 2.0)


def test_core_only_backward_works_first_order_and_explains_itself_under_create_graph() -> None:
    x = ag.tensor([3.0], requires_grad=True)
    CoreOnlyBackward.apply(x).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [6.0])
    with pytest.raises(RuntimeError, match=r"CoreOnlyBackwardBackward raised .*create_graph=True"):
        CoreOnlyBackward.apply(x).sum().backward(create_graph=True)


def test_create_graph_leaf_grads_do_not_alias() -> None:
    # Add passes one gradient object to both inputs; each .grad must still own its memory.
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True)
    assert a.grad is not None
    assert b.grad is not None
    with ag.no_grad():
        a.grad.zero_()
    np.testing.assert_allclose(b.grad.numpy(), [1.0, 1.0])
