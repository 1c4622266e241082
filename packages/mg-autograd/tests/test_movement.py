"""Movement ops beyond the op table: views share memory, errors name the problem."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch


def test_views_share_memory_with_their_input() -> None:
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    views = [x.T, x[1], x[:, ::-1], x.reshape(3, 2), x.unsqueeze(0), x.broadcast_to((2, 2, 3))]
    with ag.no_grad():
        x.mul_(10.0)
    for v in views:
        assert v._vc is x._vc
    np.testing.assert_allclose(views[1].numpy(), [40.0, 50.0, 60.0])
    np.testing.assert_allclose(views[2].numpy()[0], [30.0, 20.0, 10.0])


def test_view_of_a_view_chains_gradients_like_torch() -> None:
    values = np.arange(24.0).reshape(2, 3, 4)
    x = ag.tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    (x.permute(2, 0, 1)[1:, 0].T.reshape(-1) ** 2).sum().backward()
    (tx.permute(2, 0, 1)[1:, 0].T.reshape(-1) ** 2).sum().backward()
    assert x.grad is not None
    assert tx.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_same_element_selected_twice_accumulates() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x[1] * x[1:2] + x[-2]).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 2 * 2.0 + 1.0, 0.0])


def test_astype_gradient_comes_back_in_the_input_dtype() -> None:
    x = ag.tensor([1.5, 2.0], requires_grad=True)
    y = x.astype(core.float64)
    assert y.dtype == core.float64
    (y * y).sum().backward()
    assert x.grad is not None
    assert x.grad.dtype == core.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])


def test_mixed_dtype_second_order() -> None:
    x = ag.tensor([1.5], requires_grad=True)
    w = ag.tensor([2.0], dtype=core.float64, requires_grad=True)
    (x * x * w).sum().backward(create_graph=True)
    assert x.grad is not None
    assert x.grad.dtype == core.float32
    g, x.grad, w.grad = x.grad, None, None
    g.sum().backward()  # d/dx (2 x w) = 2 w, d/dw = 2 x
    assert x.grad is not None
    assert w.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [4.0])
    np.testing.assert_allclose(w.grad.numpy(), [3.0])


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda x: x.reshape(4, 2), ValueError, r"cannot reshape tensor of size 6"),
        (lambda x: x[2], IndexError, r"index 2 is out of bounds for axis 0 with size 2"),
        (lambda x: x[0, 0, 0], IndexError, "too many indices"),
        (lambda x: x.transpose(0, 2), IndexError, "axis 2"),
        (lambda x: x.broadcast_to((3, 3)), ValueError, r"\(2, 3\)"),
        (lambda x: x.permute(0, 0), ValueError, "not a permutation"),
    ],
)
def test_bad_movement_arguments_raise(call: object, error: type[Exception], pattern: str) -> None:
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    with pytest.raises(error, match=pattern):
        call(x)  # type: ignore[operator]


def test_var_with_too_few_elements_is_inf_or_nan_like_torch() -> None:
    x = ag.tensor([2.0], dtype=core.float64)
    tx = torch.tensor([2.0], dtype=torch.float64)
    with pytest.warns(UserWarning, match="degrees of freedom"):
        expected = tx.var().item()
    assert np.isnan(expected) == np.isnan(x.var().item())


def test_iteration_yields_differentiable_rows() -> None:
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    assert len(x) == 3
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    (rows[0] * rows[2]).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [[5.0, 6.0], [0.0, 0.0], [1.0, 2.0]])
    with pytest.raises(TypeError, match="0-d"):
        len(ag.tensor(1.0))
    with pytest.raises(TypeError, match="0-d"):
        iter(ag.tensor(1.0))
