"""Corners against PyTorch 2.13: NaN through max/min, the two-tensor max/min, where on two
numbers, and sort/argsort/topk (values, indices and gradients).
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
NAN = float("nan")
DATA = [[1.0, NAN, 3.0, NAN], [5.0, 2.0, 5.0, -1.0]]
OTHER = [[2.0, 2.0, 3.0, NAN], [NAN, 2.0, 1.0, 0.0]]


def _compare(op: Fn, torch_op: Fn, *arrays: Any) -> None:
    """Same values (NaN where torch has NaN) and same gradients, upstream ones."""
    mg_in = [ag.tensor(a, dtype=core.float64, requires_grad=True) for a in arrays]
    torch_in = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out, expected = op(*mg_in), torch_op(*torch_in)
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    out.sum().backward()
    expected.sum().backward()
    for m, t in zip(mg_in, torch_in, strict=True):
        assert m.grad is not None
        assert t.grad is not None
        np.testing.assert_array_equal(m.grad.numpy(), t.grad.numpy())


NAN_ROWS: dict[str, tuple[Fn, Fn]] = {
    "max_all": (lambda x: x.max(), lambda x: x.max()),
    "min_all": (lambda x: ag.min(x), lambda x: torch.min(x)),
    "amax_all": (lambda x: x.amax(), lambda x: x.amax()),
    "amax_dim": (lambda x: x.amax(1), lambda x: x.amax(1)),
    "amin_dim0": (lambda x: x.amin(0), lambda x: x.amin(0)),
    "max_dim": (lambda x: x.max(1).values, lambda x: x.max(1).values),
    "min_dim": (lambda x: x.min(1).values, lambda x: x.min(1).values),
    "clamp": (lambda x: x.clamp(1.5, 4.0), lambda x: x.clamp(1.5, 4.0)),
}


@pytest.mark.parametrize("name", NAN_ROWS)
def test_nan_inputs_match_torch(name: str) -> None:
    op, torch_op = NAN_ROWS[name]
    _compare(op, torch_op, DATA)


def test_max_indices_point_at_nan() -> None:
    x = ag.tensor(DATA)
    assert x.max(1).indices.tolist() == torch.tensor(DATA).max(1).indices.tolist()


TWO_ROWS: dict[str, tuple[Fn, Fn]] = {
    "maximum": (ag.maximum, torch.maximum),
    "minimum": (ag.minimum, torch.minimum),
    "max_other": (lambda a, b: a.max(b), lambda a, b: a.max(b)),
    "min_other": (lambda a, b: ag.min(a, b), lambda a, b: torch.min(a, b)),
}


@pytest.mark.parametrize("name", TWO_ROWS)
def test_two_tensor_forms_match_torch_with_nan_and_ties(name: str) -> None:
    op, torch_op = TWO_ROWS[name]
    _compare(op, torch_op, DATA, OTHER)


def test_max_other_broadcasts_a_constant() -> None:
    x = ag.tensor([1.0, 4.0], requires_grad=True)
    x.min(core.asarray([2.0])).sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("a", "b", "dtype"),
    [(1.0, 0.0, torch.float32), (1, 0, torch.int64), (1, 0.5, torch.float32)],
)
def test_where_two_numbers_has_torch_dtype(a: float, b: float, dtype: torch.dtype) -> None:
    cond = [True, False, True]
    got = ag.where(ag.tensor(cond), a, b)
    want = torch.where(torch.tensor(cond), a, b)
    assert got.dtype.name == str(dtype).removeprefix("torch.")
    assert got.tolist() == want.tolist()


SORT_DATA = [[3.0, 1.0, 3.0, -2.0, 1.0], [0.5, 0.5, 9.0, NAN, -1.0]]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sort_matches_torch_stable(dim: int, descending: bool) -> None:
    x = ag.tensor(SORT_DATA, dtype=core.float64, requires_grad=True)
    tx = torch.tensor(SORT_DATA, dtype=torch.float64, requires_grad=True)
    values, indices = ag.sort(x, dim, descending=descending, stable=True)
    t_values, t_indices = torch.sort(tx, dim=dim, descending=descending, stable=True)
    np.testing.assert_array_equal(values.numpy(), t_values.detach().numpy())
    assert indices.tolist() == t_indices.tolist()
    assert x.argsort(dim, descending).tolist() == t_indices.tolist()
    weights = np.arange(10.0).reshape(2, 5)
    (values * ag.tensor(weights, dtype=core.float64)).sum().backward()
    (t_values * torch.tensor(weights)).sum().backward()
    assert x.grad is not None
    assert tx.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize(("k", "dim", "largest"), [(2, 1, True), (3, -1, False), (1, 0, True)])
def test_topk_matches_torch(k: int, dim: int, largest: bool) -> None:
    data = [[3.0, 1.0, 7.0, -2.0], [0.5, 4.0, 9.0, 2.0]]
    x = ag.tensor(data, requires_grad=True)
    tx = torch.tensor(data, requires_grad=True)
    values, indices = x.topk(k, dim, largest=largest)
    t_values, t_indices = tx.topk(k, dim, largest=largest)
    assert values.tolist() == t_values.tolist()
    assert indices.tolist() == t_indices.tolist()
    (values * values).sum().backward()
    (t_values * t_values).sum().backward()
    assert x.grad is not None
    assert tx.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_sort_gradcheck_and_bad_k() -> None:
    x = ag.tensor([[0.3, -1.0, 2.0], [1.5, 0.1, 0.2]], dtype=core.float64, requires_grad=True)
    assert ag.gradcheck(lambda t: ag.sort(t, 1, descending=True).values, (x,))
    assert ag.gradcheck(lambda t: ag.topk(t, 2, 0).values, (x,))
    with pytest.raises(ValueError, match=r"k \(4\) is out of range for dim 1 of size 3"):
        ag.topk(x, 4)
