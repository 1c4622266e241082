"""Depthwise conv2d (groups == in_channels, its own Function) against torch on the same weights."""

from __future__ import annotations

import itertools

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_autograd import nn
from mg_autograd.nn._depthwise import DepthwiseConv2d, offset_layout

F = nn.functional
Pair = tuple[int, int]

#: (batch, channels, multiplier, (H, W), kernel, stride, padding, dilation)
Case = tuple[int, int, int, Pair, Pair, Pair, Pair, Pair]
CASES: list[Case] = [
    (2, 3, 1, (5, 5), (3, 3), (1, 1), (1, 1), (1, 1)),
    (1, 4, 1, (7, 6), (3, 3), (1, 1), (0, 0), (1, 1)),  # batch 1, no padding
    (2, 3, 2, (5, 7), (3, 2), (1, 2), (1, 0), (2, 1)),  # multiplier 2, width stride only
    (1, 4, 1, (6, 5), (2, 3), (2, 1), (1, 1), (1, 2)),  # row stride: the 2-d slices
    (2, 2, 3, (7, 7), (3, 3), (2, 3), (1, 1), (1, 1)),
    (3, 5, 1, (9, 4), (1, 1), (1, 3), (0, 2), (1, 1)),  # 1x1 kernel, padding wider than it
    (1, 2, 1, (1, 1), (3, 3), (1, 1), (1, 1), (1, 1)),  # one pixel
    (2, 2, 1, (8, 8), (5, 5), (3, 3), (2, 2), (1, 1)),
    (1, 3, 2, (11, 13), (3, 3), (1, 1), (2, 1), (2, 3)),
    (2, 3, 2, (20, 21), (3, 3), (1, 1), (1, 1), (1, 1)),  # runs of 460: matmul weight grads
    (2, 1, 4, (6, 7), (3, 3), (1, 1), (1, 1), (1, 1)),  # one input channel, groups=1
    (1, 2, 1, (30, 29), (3, 3), (1, 2), (1, 1), (1, 2)),  # matmul over every 2nd element
]


def _arrays(
    case: Case, dtype: type[np.floating], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, c, m, hw, kernel, *_ = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c, *hw)).astype(dtype)
    w = rng.normal(size=(c * m, 1, *kernel)).astype(dtype)
    return x, w, rng.normal(size=c * m).astype(dtype)


def _compare(
    case: Case,
    dtype: type[np.floating],
    bias: bool,
    rtol: float,
    atol: float,
) -> None:
    x, w, b = _arrays(case, dtype, seed=sum(case[3]) + case[1])
    c, (stride, padding, dilation) = case[1], case[5:]
    theirs = [torch.from_numpy(a).requires_grad_() for a in (x, w, b)]
    ours = [ag.tensor(a, requires_grad=True) for a in (x, w, b)]
    expected = torch.nn.functional.conv2d(
        theirs[0], theirs[1], theirs[2] if bias else None, stride, padding, dilation, c
    )
    out = F.conv2d(ours[0], ours[1], ours[2] if bias else None, stride, padding, dilation, c)
    assert out.grad_fn is not None
    assert out.grad_fn.name().startswith("DepthwiseConv2d")
    assert out.dtype == ag.tensor(x).dtype
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)
    assert out.data.is_contiguous
    upstream = np.random.default_rng(1).normal(size=expected.shape).astype(dtype)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    for mine, reference in zip(ours[: 2 + bias], theirs[: 2 + bias], strict=True):
        assert mine.grad is not None
        assert reference.grad is not None
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=rtol, atol=atol)
    assert ours[0].grad is not None
    assert ours[0].grad.data.is_contiguous
    if not bias:
        assert ours[2].grad is None


@pytest.mark.parametrize("case", CASES, ids=str)
def test_depthwise_matches_torch_float64(case: Case) -> None:
    _compare(case, np.float64, bias=True, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_depthwise_matches_torch_float32_without_bias(
    case: Case,
) -> None:
    _compare(case, np.float32, bias=False, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES[:5], ids=str)
def test_depthwise_gradcheck(case: Case) -> None:
    x, w, b = (ag.tensor(a, requires_grad=True) for a in _arrays(case, np.float64, seed=3))
    c, (stride, padding, dilation) = case[1], case[5:]
    assert ag.gradcheck(lambda *t: F.conv2d(*t, stride, padding, dilation, c), [x, w, b])


@settings(max_examples=30, deadline=None)
@given(
    batch=st.integers(1, 2),
    channels=st.integers(2, 4),
    multiplier=st.integers(1, 2),
    size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)),
)
def test_depthwise_geometry_matches_torch(
    batch: int,
    channels: int,
    multiplier: int,
    size: Pair,
    kernel: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair,
) -> None:
    case = (batch, channels, multiplier, size, kernel, stride, padding, dilation)
    span = [dilation[a] * (kernel[a] - 1) + 1 for a in (0, 1)]
    if any(size[a] + 2 * padding[a] < span[a] for a in (0, 1)):
        x, w, _ = _arrays(case, np.float64, seed=0)
        with pytest.raises(ValueError, match="does not fit"):
            F.conv2d(ag.tensor(x), ag.tensor(w), None, stride, padding, dilation, channels)
        return
    _compare(case, np.float64, bias=True, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "case",
    [
        (2, 2, 2, (5, 6), (3, 2), (1, 2), (1, 1), (1, 2)),  # flat runs, widened grad
        (1, 3, 1, (6, 5), (2, 3), (2, 1), (0, 1), (1, 1)),  # 2-d slices (row stride 2)
    ],
    ids=str,
)
def test_depthwise_second_derivative_matches_torch(case: Case) -> None:
    # create_graph: the backward is recorded (Note [Duck-typed backward]), so the gradient of
    # a function of the first gradients flows back to the input and the weight.
    x, w, b = _arrays(case, np.float64, seed=5)
    stride, padding, dilation = case[5:]
    ours = [ag.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.from_numpy(a).requires_grad_() for a in (x, w, b)]
    out = F.conv2d(*ours, stride, padding, dilation, case[1])
    expected = torch.nn.functional.conv2d(*theirs, stride, padding, dilation, case[1])
    (out * out).sum().backward(create_graph=True)
    gx, gw = ours[0].grad, ours[1].grad
    assert gx is not None
    assert gw is not None
    for t in ours:
        t.grad = None
    tgx, tgw = torch.autograd.grad((expected * expected).sum(), theirs[:2], create_graph=True)
    ((gx * gx).sum() + (gw * gw).sum()).backward()
    ((tgx * tgx).sum() + (tgw * tgw).sum()).backward()
    for mine, reference in zip(ours, theirs, strict=True):
        assert mine.grad is not None
        assert reference.grad is not None
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-10)


def test_depthwise_gradients_only_where_needed() -> None:
    x = ag.tensor(np.ones((1, 2, 4, 4)), requires_grad=True)
    w = ag.tensor(np.ones((2, 1, 3, 3)))
    F.conv2d(x, w, None, 1, 1, 1, 2).sum().backward()
    assert x.grad is not None
    assert w.grad is None
    # each interior input pixel is seen by all 9 offsets, a corner by 4
    assert x.grad.numpy()[0, 0, 1, 1] == 9.0
    assert x.grad.numpy()[0, 1, 0, 0] == 4.0


def test_depthwise_module_and_no_grad() -> None:
    conv = nn.Conv2d(4, 8, 3, padding=1, groups=4, dtype=core.float64)
    reference = torch.nn.Conv2d(4, 8, 3, padding=1, groups=4, dtype=torch.float64)
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(conv.weight.numpy()))
        reference.bias.copy_(torch.from_numpy(conv.bias.numpy()))  # type: ignore[union-attr]
    x = np.random.default_rng(2).normal(size=(3, 4, 6, 5))
    with ag.no_grad():
        out = conv(ag.tensor(x))
    assert out.grad_fn is None
    expected = reference(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_offset_layout_widens_to_a_multiple_of_the_width_stride() -> None:
    # width 5 + 2 = 7 is no multiple of stride 2: one extra zero column, then 4 columns a row
    g = offset_layout((4, 5), (3, 3), (1, 2), (1, 1), (1, 1), (4, 3))
    assert g.flat
    assert (g.plane[1], g.cols) == (8, 4)
    for key, (i, j) in zip(g.keys, itertools.product(range(3), range(3)), strict=True):
        assert isinstance(key, tuple)
        start = key[-1]
        assert isinstance(start, slice)
        assert start.start == i * 8 + j
    rows = offset_layout((4, 5), (3, 3), (2, 2), (1, 1), (1, 1), (2, 3))
    assert not rows.flat
    assert rows.positions == (2, 3)
    assert DepthwiseConv2d.__doc__ is not None
