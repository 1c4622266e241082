"""The Function/ctx contract, as a user writing their own Function sees it."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from mg_autograd.function import Context, Node


class ScaledProduct(ag.Function):
    """alpha * x * y, with a non-tensor argument, written as a user would."""

    @staticmethod
    def forward(ctx: ag.Context, x: core.Tensor, y: core.Tensor, alpha: float) -> core.Tensor:
        ctx.save_for_backward(x, y)
        ctx.alpha = alpha
        return x * y * alpha

    @staticmethod
    def backward(
        ctx: ag.Context, grad: core.Tensor
    ) -> tuple[core.Tensor | None, core.Tensor | None, None]:
        x, y = ctx.saved_tensors
        alpha = ctx.alpha
        assert isinstance(alpha, float)
        grad_x = grad * y * alpha if ctx.needs_input_grad[0] else None
        grad_y = grad * x * alpha if ctx.needs_input_grad[1] else None
        return grad_x, grad_y, None


def test_user_function_matches_torch() -> None:
    xs, ys = [1.0, -2.0, 3.0], [0.5, 4.0, -1.0]
    x = ag.tensor(xs, dtype=core.float64, requires_grad=True)
    y = ag.tensor(ys, dtype=core.float64, requires_grad=True)
    out = (ScaledProduct.apply(x, y, 1.5) + x).sum()
    out.backward()
    tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(ys, dtype=torch.float64, requires_grad=True)
    tout = (tx * ty * 1.5 + tx).sum()
    tout.backward()
    assert x.grad is not None
    assert y.grad is not None
    assert tx.grad is not None
    assert ty.grad is not None
    np.testing.assert_allclose(out.item(), tout.item())
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy())


def test_grad_fn_names_the_function() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    out = ScaledProduct.apply(x, x, 2.0)
    assert isinstance(out.grad_fn, Node)
    assert out.grad_fn.name() == "ScaledProductBackward"
    assert repr(out) == "tensor([2.], grad_fn=<ScaledProductBackward>)"
    assert not out.is_leaf


def test_apply_records_nothing_without_grad() -> None:
    out = ScaledProduct.apply(ag.tensor([1.0]), ag.tensor([2.0]), 2.0)
    assert out.grad_fn is None
    assert not out.requires_grad


def test_single_gradient_may_be_returned_bare() -> None:
    class Double(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
            return x * 2

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
            return grad * 2

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_wrong_number_of_gradients_is_reported() -> None:
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, x: core.Tensor, y: core.Tensor) -> core.Tensor:
            return x + y

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
            return grad

    x = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Bad\.backward returned 1 gradients but forward"):
        Bad.apply(x, x).sum().backward()


def test_wrong_gradient_shape_is_reported() -> None:
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
            return x.sum()

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
            return grad  # should have been broadcast back to x's shape

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(\) for argument 0 of shape \(2,\)"):
        Bad.apply(x).backward()


def test_forward_must_return_a_core_tensor() -> None:
    class Bad(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
            return 1.0  # type: ignore[return-value]

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
            return grad

    with pytest.raises(TypeError, match=r"Bad\.forward must return an mg_core\.Tensor, got float"):
        Bad.apply(ag.tensor([1.0]))


def test_forward_and_backward_must_be_static() -> None:
    with pytest.raises(TypeError, match="must be a @staticmethod"):

        class Bad(ag.Function):
            def forward(self, ctx: ag.Context, x: core.Tensor) -> core.Tensor:
                return x


def test_save_for_backward_takes_core_tensors_only() -> None:
    ctx = Context()
    with pytest.raises(TypeError, match="ctx attributes"):
        ctx.save_for_backward(ag.tensor([1.0]))  # type: ignore[arg-type]


def test_missing_ctx_attribute_explains_itself() -> None:
    with pytest.raises(AttributeError, match=r"set it in forward \(ctx.scale = ...\)"):
        _ = Context().scale


def test_integer_output_is_not_recorded() -> None:
    class Floor(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
            return x.astype(core.int64)

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> None:
            return None

    out = Floor.apply(ag.tensor([1.5], requires_grad=True))
    assert out.dtype == core.int64
    assert out.grad_fn is None
    assert not out.requires_grad
