"""The backward engine: ordering, accumulation, pruning, freeing, error cases."""

from __future__ import annotations

import sys

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch


def _grad(t: ag.Tensor) -> np.ndarray:
    assert t.grad is not None
    return t.grad.numpy()


class Spy(ag.Function):
    """Identity that counts how often its backward ran (graph-pruning witness)."""

    backward_calls = 0

    @staticmethod
    def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
        return x * 1.0

    @staticmethod
    def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
        Spy.backward_calls += 1
        return grad


@pytest.fixture(autouse=True)
def _reset_spy() -> None:
    Spy.backward_calls = 0


def test_deep_chain_needs_no_recursion() -> None:
    steps = 10_000
    assert steps > sys.getrecursionlimit()
    x = ag.tensor(1.0, dtype=core.float64, requires_grad=True)
    y = x
    for _ in range(steps):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(_grad(x), 1.0001**steps, rtol=1e-9)


def test_deep_chain_of_additions() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y + x
    y.sum().backward()
    np.testing.assert_allclose(_grad(x), [10_001.0, 10_001.0])


def test_diamond_accumulates_both_paths() -> None:
    # x -> (2x, 3x) -> product = 6x**2, so d/dx = 12x; compared with torch as well.
    values = [1.0, -2.0, 0.5]
    x = ag.tensor(values, requires_grad=True)
    left, right = x * 2, x * 3
    (left * right).sum().backward()
    tx = torch.tensor(values, requires_grad=True)
    ((tx * 2) * (tx * 3)).sum().backward()
    assert tx.grad is not None
    np.testing.assert_allclose(_grad(x), tx.grad.numpy())
    np.testing.assert_allclose(_grad(x), [12.0 * v for v in values])


def test_shared_intermediate_waits_for_all_its_consumers() -> None:
    # h feeds three edges (h*h twice, + h once); its backward must run once, after all of them.
    values = [0.5, -1.0, 2.0]
    x = ag.tensor(values, dtype=core.float64, requires_grad=True)
    h = x * 2
    (h * h + h).sum().backward()
    tx = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    th = tx * 2
    (th * th + th).sum().backward()
    assert tx.grad is not None
    np.testing.assert_allclose(_grad(x), tx.grad.numpy())


def test_backward_returning_none_for_a_needed_input_gives_no_grad() -> None:
    class Opaque(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
            return x * 1.0

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> None:
            return None

    x = ag.tensor([1.0], requires_grad=True)
    w = ag.tensor([2.0], requires_grad=True)
    (Spy.apply(Opaque.apply(x)) * w).backward(ag.tensor([1.0]))
    assert x.grad is None
    np.testing.assert_allclose(_grad(w), [1.0])
    assert Spy.backward_calls == 1


def test_tensor_used_twice_gets_sum_of_gradients() -> None:
    x = ag.tensor([3.0], requires_grad=True)
    (x * x + x).backward(ag.tensor([1.0]))
    np.testing.assert_allclose(_grad(x), [7.0])


def test_leaf_grad_accumulates_across_backward_calls() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(_grad(x), [3.0 + 2.0, 3.0 + 4.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(_grad(x), [3.0, 3.0])


def test_second_backward_without_retain_graph_raises() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_second_backward_through_graph_without_saved_tensors_also_raises() -> None:
    # Stricter than PyTorch on purpose: a freed graph is freed, whatever its ops saved.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_another_backward() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(_grad(x), [3 * 2.0, 3 * 4.0])
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_saved_tensors_are_freed_after_backward() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    node = y.grad_fn
    assert node is not None
    assert len(node.ctx.saved_tensors) == 2
    y.sum().backward()
    assert node.ctx.is_freed
    with pytest.raises(RuntimeError, match="freed"):
        _ = node.ctx.saved_tensors


def test_no_grad_builds_no_graph() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        y = (x * 2 + 1).sum()
    assert not y.requires_grad
    assert y.grad_fn is None
    assert y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_pruning_skips_branches_that_need_no_grad() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([5.0, 7.0])
    constant_branch = Spy.apply(c) * 2
    assert constant_branch.grad_fn is None
    (x * constant_branch).sum().backward()
    assert Spy.backward_calls == 0
    assert c.grad is None
    np.testing.assert_allclose(_grad(x), [10.0, 14.0])
    # The same Function on a path that needs grad does run: the spy is a working witness.
    (Spy.apply(x) * constant_branch).sum().backward()
    assert Spy.backward_calls == 1


def test_needs_input_grad_reflects_inputs() -> None:
    seen: list[tuple[bool, ...]] = []

    class Record(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, a: core.Tensor, b: core.Tensor) -> core.Tensor:
            seen.append(ctx.needs_input_grad)
            return a * b

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> tuple[core.Tensor | None, None]:
            assert not ctx.needs_input_grad[1]
            return grad, None

    a = ag.tensor([1.0], requires_grad=True)
    Record.apply(a, ag.tensor([2.0])).backward(ag.tensor([1.0]))
    assert seen == [(True, False)]


def test_leaf_that_is_not_needed_gets_no_grad() -> None:
    a = ag.tensor([1.0], requires_grad=True)
    b = ag.tensor([2.0], requires_grad=True)
    y = a * 3
    _ = b * 4  # b is in another graph
    y.backward(ag.tensor([1.0]))
    assert b.grad is None


def test_non_scalar_backward_needs_gradient() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        (x * 2).backward()


def test_single_element_backward_needs_no_gradient() -> None:
    x = ag.tensor([[2.0]], requires_grad=True)
    (x * x).backward()
    np.testing.assert_allclose(_grad(x), [[4.0]])


def test_gradient_shape_must_match() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        (x * 2).backward(ag.tensor([1.0, 1.0, 1.0]))


def test_backward_on_leaf_accumulates_gradient() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.backward(ag.tensor([0.5, 0.25]))
    np.testing.assert_allclose(_grad(x), [0.5, 0.25])


def test_gradient_dtype_follows_input_dtype() -> None:
    # float32 * float64 is float64; each leaf still gets a gradient of its own dtype.
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=core.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad is not None
    assert b.grad is not None
    assert a.grad.dtype == core.float32
    assert b.grad.dtype == core.float64
    np.testing.assert_allclose(a.grad.numpy(), [3.0, 4.0])


def test_grads_are_not_part_of_a_graph() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    (x * x).backward(ag.tensor([1.0]))
    assert x.grad is not None
    assert not x.grad.requires_grad
    assert x.grad.grad_fn is None
