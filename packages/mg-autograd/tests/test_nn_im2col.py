"""im2col as one Function (`nn/_im2col.py`): the columns, their gradient, conv2d through it."""

from __future__ import annotations

import mg_autograd as ag
import numpy as np
import pytest
import torch
from mg_autograd import nn
from mg_autograd.nn._im2col import im2col

F = nn.functional


def test_columns_match_torch_unfold() -> None:
    # torch's unfold gives (N, C * kh * kw, L), channel-major: our (N, C, K, out_h, out_w)
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 7))
    columns = im2col(ag.tensor(x), (2, 3), (2, 1), (1, 2), (2, 1), (3, 9))
    expected = torch.nn.functional.unfold(torch.from_numpy(x), (2, 3), (2, 1), (1, 2), (2, 1))
    assert columns.shape == (2, 3, 6, 3, 9)
    np.testing.assert_array_equal(columns.numpy().reshape(2, 18, 27), expected.numpy())


def test_gradcheck_im2col() -> None:
    x = ag.tensor(np.random.default_rng(1).normal(size=(1, 2, 4, 5)), requires_grad=True)
    assert ag.gradcheck(lambda t: im2col(t, (2, 2), (1, 2), (1, 1), (1, 1), (4, 3)), [x])


@pytest.mark.parametrize("groups", [1, 2])
def test_conv2d_second_derivative_matches_torch(groups: int) -> None:
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(2, 4, 5, 6)), rng.normal(size=(6, 4 // groups, 3, 2))
    ours = [ag.tensor(a, requires_grad=True) for a in (x, w)]
    theirs = [torch.from_numpy(a).requires_grad_() for a in (x, w)]
    args = (None, (2, 1), 1, (1, 2), groups)
    (F.conv2d(*ours, *args) ** 2).sum().backward(create_graph=True)
    gx, gw = ours[0].grad, ours[1].grad
    assert gx is not None
    assert gw is not None
    for t in ours:
        t.grad = None
    ((gx * gx).sum() + (gw * gw).sum()).backward()
    expected = (torch.nn.functional.conv2d(*theirs, *args) ** 2).sum()
    tgx, tgw = torch.autograd.grad(expected, theirs, create_graph=True)
    ((tgx * tgx).sum() + (tgw * tgw).sum()).backward()
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine.grad is not None
        assert reference.grad is not None
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-10)
