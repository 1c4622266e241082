"""matmul gradients against PyTorch: 2-d, batched with broadcasting, 1-d operands, gradcheck."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch

# (shape of a, shape of b): every combination of 1-d, 2-d and broadcast batch dimensions.
SHAPES = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((2, 1, 3, 4), (3, 4, 5)),
    ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)),
    ((1, 3, 4), (2, 4, 1)),
]


def _pair(shape: tuple[int, ...], seed: int, dtype: str) -> tuple[ag.Tensor, torch.Tensor]:
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return (
        ag.tensor(core.asarray(x), requires_grad=True),
        torch.tensor(x, requires_grad=True),
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("shape_a", "shape_b"), SHAPES)
def test_matmul_grads_match_torch(
    shape_a: tuple[int, ...], shape_b: tuple[int, ...], dtype: str
) -> None:
    a, ta = _pair(shape_a, 1, dtype)
    b, tb = _pair(shape_b, 2, dtype)
    out = a @ b
    tout = ta @ tb
    assert out.shape == tuple(tout.shape)
    upstream = np.random.default_rng(3).standard_normal(tout.shape).astype(dtype)
    out.backward(ag.tensor(core.asarray(upstream)))
    tout.backward(torch.tensor(upstream))
    rtol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=rtol, atol=rtol)
    assert a.grad is not None
    assert b.grad is not None
    assert ta.grad is not None
    assert tb.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize(("shape_a", "shape_b"), SHAPES)
def test_matmul_gradcheck(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> None:
    a, _ = _pair(shape_a, 4, "float64")
    b, _ = _pair(shape_b, 5, "float64")
    assert ag.gradcheck(ag.matmul, [a, b])


def test_transposed_operand_and_second_derivative() -> None:
    """A transposed view as input; then d/dw of (d loss/dx) against torch (create_graph)."""
    x, tx = _pair((3, 4), 6, "float64")
    w, tw = _pair((5, 4), 7, "float64")
    (grad_x,) = _grads(((x @ w.T) ** 2).sum(), [x])
    w.grad = None  # backward(create_graph=True) filled it too; keep only the second pass
    (t_grad_x,) = torch.autograd.grad(((tx @ tw.T) ** 2).sum(), [tx], create_graph=True)
    np.testing.assert_allclose(grad_x.detach().numpy(), t_grad_x.detach().numpy(), rtol=1e-12)
    grad_x.sum().backward()
    t_grad_x.sum().backward()
    assert w.grad is not None
    assert tw.grad is not None
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)


def _grads(loss: ag.Tensor, inputs: list[ag.Tensor]) -> list[ag.Tensor]:
    loss.backward(create_graph=True)
    grads = [t.grad for t in inputs]
    for t in inputs:
        t.grad = None
    assert all(g is not None for g in grads)
    return [g for g in grads if g is not None]


def test_only_one_side_requires_grad_and_mixed_dtypes() -> None:
    a = ag.tensor([[1.0, 2.0]], dtype=core.float32, requires_grad=True)
    b = ag.tensor([[3.0], [4.0]], dtype=core.float64)
    (a @ b).sum().backward()
    assert a.grad is not None
    assert a.grad.dtype is core.float32
    assert a.grad.tolist() == [[3.0, 4.0]]
    assert b.grad is None


def test_shape_mismatch_raises_value_error() -> None:
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\)"):
        ag.tensor([[1.0] * 3] * 2) @ ag.tensor([[1.0] * 3] * 2)
