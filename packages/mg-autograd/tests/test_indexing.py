"""Advanced indexing and gather/scatter ops against PyTorch: values and gradients, gradcheck.

Each row runs the same op on mg and torch leaves (float64), backpropagates a fixed non-uniform
upstream gradient and compares. Duplicate indices must accumulate; negative indices, bool
masks, mixed keys and non-contiguous bases are covered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch

Fn = Callable[..., Any]

BASE = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7.0 - 1.0


def _i(values: Any) -> tuple[ag.Tensor, torch.Tensor]:
    return ag.tensor(values), torch.tensor(values)


# (name, mg op, torch op); each op takes the (2, 3, 4) leaf.
ROWS: list[tuple[str, Fn, Fn]] = [
    ("list_dup", lambda x: x[[1, 0, 1]], lambda x: x[[1, 0, 1]]),
    ("neg_list", lambda x: x[:, [-1, 0, -1]], lambda x: x[:, [-1, 0, -1]]),
    (
        "ag_tensor",
        lambda x: x[ag.tensor([[0, 1], [1, 1]])],
        lambda x: x[torch.tensor([[0, 1], [1, 1]])],
    ),
    ("core_tensor", lambda x: x[core.asarray([2, 2]) - 1], lambda x: x[torch.tensor([1, 1])]),
    ("numpy", lambda x: x[..., np.array([3, 3, 0])], lambda x: x[..., np.array([3, 3, 0])]),
    ("two_arrays", lambda x: x[[0, 1, 0], [2, 2, 2]], lambda x: x[[0, 1, 0], [2, 2, 2]]),
    ("separated", lambda x: x[[0, 1], :, [3, 3]], lambda x: x[[0, 1], :, [3, 3]]),
    ("slice_none", lambda x: x[None, 1:, [0, 0], ::-1], lambda x: x[None, 1:, [0, 0]].flip(-1)),
    ("int_and_array", lambda x: x[1, [2, 0, 2]], lambda x: x[1, [2, 0, 2]]),
    ("mask_all", lambda x: x[x > 0.0], lambda x: x[x > 0.0]),
    (
        "mask_2d",
        lambda x: x[ag.tensor([[True, False, True], [False, False, True]])],
        lambda x: x[torch.tensor([[True, False, True], [False, False, True]])],
    ),
    (
        "mask_axis",
        lambda x: x[:, ag.tensor([True, False, True])],
        lambda x: x[:, torch.tensor([True, False, True])],
    ),
    (
        "noncontig",
        lambda x: x.transpose(0, 2)[[3, 0, 3], 1:],
        lambda x: x.transpose(0, 2)[[3, 0, 3], 1:],
    ),
    (
        "index_select",
        lambda x: ag.index_select(x, 1, ag.tensor([2, 0, 2, -1])),
        lambda x: torch.index_select(x, 1, torch.tensor([2, 0, 2, 2])),
    ),
    (
        "index_select_m",
        lambda x: x.index_select(-1, ag.tensor([1, 1])),
        lambda x: x.index_select(-1, torch.tensor([1, 1])),
    ),
    (
        "gather0",
        lambda x: ag.gather(x, 0, ag.tensor([[[1, 0, 1, 1]], [[0, 0, 1, 0]]])),
        lambda x: torch.gather(x, 0, torch.tensor([[[1, 0, 1, 1]], [[0, 0, 1, 0]]])),
    ),
    (
        "gather2",
        lambda x: x.gather(2, ag.tensor([[[3, 3], [0, 1]], [[2, 2], [2, 1]]])),
        lambda x: x.gather(2, torch.tensor([[[3, 3], [0, 1]], [[2, 2], [2, 1]]])),
    ),
    (
        "take",
        lambda x: ag.take(x, ag.tensor([[23, 0], [-1, 5]])),
        lambda x: torch.take(x, torch.tensor([[23, 0], [23, 5]])),
    ),
    (
        "masked_fill",
        lambda x: ag.masked_fill(x, x > 0.5, -2.0),
        lambda x: x.masked_fill(x > 0.5, -2.0),
    ),
    (
        "scatter_add",
        lambda x: ag.scatter_add(x, 1, ag.tensor([[[0, 2, 0, 0]], [[1, 1, 1, 2]]]), x[:, :1] * 3.0),
        lambda x: torch.scatter_add(
            x, 1, torch.tensor([[[0, 2, 0, 0]], [[1, 1, 1, 2]]]), x[:, :1] * 3.0
        ),
    ),
]


@pytest.mark.parametrize(("name", "op", "torch_op"), ROWS, ids=[r[0] for r in ROWS])
def test_against_torch(name: str, op: Fn, torch_op: Fn) -> None:
    x = ag.tensor(BASE, dtype=core.float64, requires_grad=True)
    tx = torch.tensor(BASE, requires_grad=True)
    out = op(x)
    expected = torch_op(tx)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
    upstream = np.arange(out.size, dtype=np.float64).reshape(out.shape) + 1.0
    out.backward(ag.tensor(upstream, dtype=core.float64))
    expected.backward(torch.tensor(upstream))
    assert x.grad is not None
    assert tx.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize(("name", "op", "torch_op"), ROWS, ids=[r[0] for r in ROWS])
def test_gradcheck(name: str, op: Fn, torch_op: Fn) -> None:
    # Masks computed from x would move under finite differences: fix them on the base data.
    x = ag.tensor(BASE + 0.01, dtype=core.float64, requires_grad=True)
    assert ag.gradcheck(op, (x,))


def test_second_order_through_indexing() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], dtype=core.float64, requires_grad=True)
    tx = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = (x[[0, 0, 2]] ** 3).sum()
    ty = (tx[[0, 0, 2]] ** 3).sum()
    y.backward(create_graph=True)
    (g,) = torch.autograd.grad(ty, tx, create_graph=True)
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), g.detach().numpy())
    gx, x.grad = x.grad, None
    (gx[[2, 0]] * ag.tensor([1.0, 5.0], dtype=core.float64)).sum().backward()
    (g[[2, 0]] * torch.tensor([1.0, 5.0], dtype=torch.float64)).sum().backward()
    assert x.grad is not None
    assert tx.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_advanced_index_is_a_copy_not_a_view() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[[0, 1]]
    assert y.grad_fn is not None
    assert y.grad_fn.name() == "AdvancedIndexBackward"
    x.data[0] = 10.0
    assert y.tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda x: x[[0, 5]], IndexError, "index 5 is out of bounds"),
        (lambda x: x[ag.tensor([True, False, True])], IndexError, "boolean index"),
        (lambda x: ag.gather(x, 0, ag.tensor([0, 1])), IndexError, "index has 1 dimensions"),
        (lambda x: ag.gather(x, 3, ag.tensor([[0]])), IndexError, "dim 3 is out of range"),
        (lambda x: ag.gather(x, 0, ag.tensor([[0.5]])), TypeError, "integer tensor"),
        (lambda x: ag.index_select(x, 0, ag.tensor([[0]])), IndexError, "0-d or 1-d"),
        (lambda x: ag.take(x, ag.tensor([6])), IndexError, "out of bounds"),
        (lambda x: ag.scatter_add(x, 0, ag.tensor([[0]]), ag.tensor([1.0])), ValueError, "src"),
    ],
)
def test_bad_index_raises(call: Fn, error: type[Exception], pattern: str) -> None:
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    with pytest.raises(error, match=pattern):
        call(x)
