"""The engine refuses to give a wrong gradient: in-place checks, hooks, errors naming the op."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch


def _grad(t: ag.Tensor) -> np.ndarray:
    assert t.grad is not None
    return t.grad.numpy()


# --- version counter -------------------------------------------------------------------------


@pytest.mark.parametrize("modify", ["add_", "mul_", "zero_"])
def test_modifying_a_saved_tensor_in_place_makes_backward_raise(modify: str) -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with ag.no_grad():
        if modify == "zero_":
            x.zero_()
        else:
            getattr(x, modify)(2.0)
    with pytest.raises(RuntimeError, match=r"MulBackward.*in-place.*version 1.*version 0"):
        y.backward()


def test_modifying_a_saved_constant_is_caught_too() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    y = (x * c).sum()
    c.add_(1.0)  # c does not require grad, so no no_grad() is needed
    with pytest.raises(RuntimeError, match="MulBackward"):
        y.backward()


def test_modifying_through_a_view_is_caught() -> None:
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = (x * x).sum()
    with ag.no_grad():
        row = x[0]
        row.mul_(10.0)
    assert x._version == 1
    with pytest.raises(RuntimeError, match="MulBackward"):
        y.backward()


def test_modifying_a_tensor_that_was_not_saved_is_fine() -> None:
    # Add saves no tensors, so changing its input afterwards cannot corrupt the gradient.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1.0).sum()
    with ag.no_grad():
        x.mul_(5.0)
    y.backward()
    np.testing.assert_allclose(_grad(x), [1.0, 1.0])


def test_in_place_on_a_tensor_that_requires_grad_needs_no_grad() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"add_\(\).*no_grad"):
        x.add_(1.0)
    with ag.no_grad():
        x.add_(1.0)
    np.testing.assert_allclose(x.numpy(), [2.0])


def test_in_place_updates_return_self_and_bump_the_version() -> None:
    g = ag.tensor([1.0, 2.0])
    assert g.mul_(3.0) is g
    assert g.add_(ag.tensor([1.0, 1.0])) is g
    np.testing.assert_allclose(g.numpy(), [4.0, 7.0])
    assert g.zero_() is g
    np.testing.assert_allclose(g.numpy(), [0.0, 0.0])
    assert g._version == 3


def test_grad_zero_between_steps_like_torch() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad is not None
    x.grad.zero_()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(_grad(x), [3.0, 3.0])


# --- hooks -----------------------------------------------------------------------------------


def test_hooks_see_and_replace_gradients_like_torch() -> None:
    seen: list[np.ndarray] = []
    t_seen: list[np.ndarray] = []
    x = ag.tensor([1.0, -2.0, 3.0], dtype=core.float64, requires_grad=True)
    tx = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    for leaf, log in ((x, seen), (tx, t_seen)):
        h = leaf * leaf
        h.register_hook(lambda g, log=log: log.append(np.array(g.detach().numpy())))
        h.register_hook(lambda g: g * 2)  # replaces the gradient flowing into h's op
        leaf.register_hook(lambda g: g + 1)  # leaf hook: before accumulation into .grad
        (h * 3).sum().backward()
    np.testing.assert_allclose(seen[0], t_seen[0])
    assert tx.grad is not None
    np.testing.assert_allclose(_grad(x), tx.grad.numpy())


def test_removed_hook_no_longer_runs() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 100)
    handle.remove()
    handle.remove()
    (x * 2).sum().backward()
    np.testing.assert_allclose(_grad(x), [2.0])


def test_hook_returning_wrong_shape_raises() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match=r"hook returned shape \(\)"):
        (x * 2).sum().backward()


def test_hook_on_tensor_without_grad_raises() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0]).register_hook(lambda g: g)


# --- errors that name the op ------------------------------------------------------------------


class Broken(ag.Function):
    @staticmethod
    def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
        return x * 1.0

    @staticmethod
    def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
        raise ValueError("something inside went wrong")


def test_error_inside_backward_names_the_op() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    y = (Broken.apply(x) * 2).sum()
    with pytest.raises(RuntimeError, match="BrokenBackward raised ValueError: something") as info:
        y.backward()
    assert isinstance(info.value.__cause__, ValueError)
    assert "created at" not in str(info.value)


def test_detect_anomaly_adds_where_the_node_was_created() -> None:
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
        x = ag.tensor([1.0], requires_grad=True)
        y = (Broken.apply(x) * 2).sum()  # this line must appear in the error
        with pytest.raises(RuntimeError, match="BrokenBackward") as info:
            y.backward()
    assert not ag.is_anomaly_enabled()
    assert "created at" in str(info.value)
    assert "y = (Broken.apply(x) * 2).sum()" in str(info.value)


def test_detect_anomaly_catches_nan_gradients() -> None:
    with ag.detect_anomaly():
        x = ag.tensor([0.0, 1.0], requires_grad=True)
        y = (x**0.5 * 0.0).sum()
        with pytest.raises(RuntimeError, match=r"PowBackward returned NaN.*argument 0"):
            y.backward()


def test_without_anomaly_mode_nan_gradients_pass_silently_like_torch() -> None:
    x = ag.tensor([0.0], requires_grad=True)
    (x**0.5 * 0.0).sum().backward()
    assert np.isnan(_grad(x)).all()


def test_non_scalar_backward_names_the_shape() -> None:
    x = ag.tensor([[1.0, 2.0]], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(1, 2\)"):
        (x * 2).backward()


# --- grad mode ---------------------------------------------------------------------------------


def test_set_grad_enabled_as_context_and_as_function() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    with ag.set_grad_enabled(False):
        assert not (x * 2).requires_grad
        with ag.set_grad_enabled(True):
            assert (x * 2).requires_grad
    assert ag.is_grad_enabled()
    try:
        ag.set_grad_enabled(False)
        assert not ag.is_grad_enabled()
    finally:
        ag.set_grad_enabled(True)
    assert (x * 2).requires_grad


def test_backward_without_create_graph_records_nothing() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad is not None
    assert x.grad.grad_fn is None
    assert ag.is_grad_enabled()
