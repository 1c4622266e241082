"""Pooling against torch.nn.functional: ceil_mode, the average's divisor and max-pool ties."""

from __future__ import annotations

import itertools
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_autograd import nn

F = nn.functional


def run_both(
    x: np.ndarray, ours: Any, theirs: Any, upstream_seed: int = 1
) -> tuple[ag.Tensor, torch.Tensor, ag.Tensor, torch.Tensor]:
    """Forward and backward through ours and torch's; returns (out, expected, grad, its grad)."""
    xm, xt = ag.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_()
    out, expected = ours(xm), theirs(xt)
    assert out.shape == tuple(expected.shape)
    upstream = np.random.default_rng(upstream_seed).normal(size=expected.shape)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert xm.grad is not None
    assert xt.grad is not None
    return out, expected, xm.grad, xt.grad


GEOMETRIES = [
    # kernel, stride, padding, (H, W)
    (2, 2, 0, (5, 7)),
    (3, 2, 1, (5, 6)),
    (3, 2, 0, (6, 6)),
    ((3, 2), (2, 3), (1, 0), (7, 5)),
    (2, 3, 1, (4, 8)),
    (3, 3, 1, (7, 7)),
    (1, 2, 0, (3, 4)),
    (4, 3, 2, (6, 9)),
]


@pytest.mark.parametrize(("kernel", "stride", "padding", "size"), GEOMETRIES)
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool_matches_torch(
    kernel: Any, stride: Any, padding: Any, size: tuple[int, int], ceil_mode: bool,
    count_include_pad: bool,
) -> None:  # fmt: skip
    x = np.random.default_rng(0).normal(size=(2, 3, *size))
    options = {"ceil_mode": ceil_mode, "count_include_pad": count_include_pad}
    out, expected, grad, their_grad = run_both(
        x,
        lambda t: F.avg_pool2d(t, kernel, stride, padding, **options),
        lambda t: torch.nn.functional.avg_pool2d(t, kernel, stride, padding, **options),
    )
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad.numpy(), their_grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("divisor", [1, 5])
@pytest.mark.parametrize("ceil_mode", [False, True])
def test_avg_pool_divisor_override_matches_torch(divisor: int, ceil_mode: bool) -> None:
    x = np.random.default_rng(2).normal(size=(3, 5, 7))
    options: dict[str, Any] = {"ceil_mode": ceil_mode, "divisor_override": divisor}
    module = nn.AvgPool2d(3, 2, 1, **options)
    reference = torch.nn.AvgPool2d(3, 2, 1, **options)
    assert repr(module) == repr(reference)
    out, expected, grad, their_grad = run_both(x, module, reference)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(grad.numpy(), their_grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize(("kernel", "stride", "padding", "size"), GEOMETRIES)
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("dilation", [1, 2])
def test_max_pool_matches_torch_with_indices(
    kernel: Any, stride: Any, padding: Any, size: tuple[int, int], ceil_mode: bool, dilation: int
) -> None:
    x = np.random.default_rng(3).normal(size=(2, 2, *size))
    args = (kernel, stride, padding, dilation, ceil_mode)
    try:
        torch.nn.functional.max_pool2d(torch.from_numpy(x), *args)
    except RuntimeError:  # the dilated window does not fit: we must refuse it too
        with pytest.raises(ValueError, match="does not fit"):
            F.max_pool2d(ag.tensor(x), *args)
        return
    out, expected, grad, their_grad = run_both(
        x, lambda t: F.max_pool2d(t, *args), lambda t: torch.nn.functional.max_pool2d(t, *args)
    )
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(grad.numpy(), their_grad.numpy())
    with ag.no_grad():
        without_grad = F.max_pool2d(ag.tensor(x, requires_grad=True), *args)
    np.testing.assert_array_equal(without_grad.numpy(), expected.detach().numpy())
    _, indices = F.max_pool2d(ag.tensor(x), *args, return_indices=True)
    _, their_indices = torch.nn.functional.max_pool2d(
        torch.from_numpy(x), *args, return_indices=True
    )
    assert indices.dtype is core.int64
    np.testing.assert_array_equal(indices.numpy(), their_indices.numpy())


TIED = {
    "zeros": np.zeros((1, 2, 5, 6)),
    "integers": np.random.default_rng(4).integers(0, 3, size=(2, 3, 6, 7)).astype(np.float64),
    "minus-inf": np.full((1, 1, 5, 5), -np.inf),
    "nan": np.where(
        np.random.default_rng(5).random((2, 2, 6, 6)) < 0.2,
        np.nan,
        np.random.default_rng(6).integers(0, 2, size=(2, 2, 6, 6)),
    ),
    "3-d": np.random.default_rng(7).integers(0, 2, size=(3, 5, 5)).astype(np.float64),
}


@pytest.mark.parametrize("name", list(TIED))
@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation", "ceil_mode"),
    [
        (2, 1, 0, 1, False),
        (3, 2, 1, 1, True),
        (3, 1, 1, 1, False),
        (2, 2, 1, 2, True),
        ((2, 3), (1, 2), (1, 1), 1, False),
    ],
)
def test_max_pool_ties_send_the_gradient_where_torch_does(
    name: str, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil_mode: bool
) -> None:
    x = TIED[name]
    args = (kernel, stride, padding, dilation, ceil_mode)
    out, expected, grad, their_grad = run_both(
        x, lambda t: F.max_pool2d(t, *args), lambda t: torch.nn.functional.max_pool2d(t, *args)
    )
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(grad.numpy(), their_grad.numpy())  # NaN == NaN here
    without_grad = F.max_pool2d(ag.tensor(x), *args)  # values only, another code path
    np.testing.assert_array_equal(without_grad.numpy(), expected.detach().numpy())
    _, indices = F.max_pool2d(ag.tensor(x), *args, return_indices=True)
    _, their_indices = torch.nn.functional.max_pool2d(
        torch.from_numpy(x), *args, return_indices=True
    )
    np.testing.assert_array_equal(indices.numpy(), their_indices.numpy())


def test_max_pool_float32_ties_and_module() -> None:
    x = np.random.default_rng(8).integers(-1, 2, size=(2, 3, 7, 7)).astype(np.float32)
    module = nn.MaxPool2d(3, 2, 1, ceil_mode=True)
    reference = torch.nn.MaxPool2d(3, 2, 1, ceil_mode=True)
    assert repr(module) == repr(reference)
    out, expected, grad, their_grad = run_both(x, module, reference)
    assert out.dtype is core.float32
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(grad.numpy(), their_grad.numpy().astype(np.float32))


def test_max_pool_second_derivative_matches_torch() -> None:
    x = np.random.default_rng(9).integers(0, 3, size=(1, 2, 5, 5)).astype(np.float64)
    xm, xt = ag.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_()
    (F.max_pool2d(xm * xm, 3, 2, 1) ** 2).sum().backward(create_graph=True)
    gm, xm.grad = xm.grad, None
    (gt,) = torch.autograd.grad(
        (torch.nn.functional.max_pool2d(xt * xt, 3, 2, 1) ** 2).sum(), [xt], create_graph=True
    )
    assert gm is not None
    (gm * gm).sum().backward()
    (gt * gt).sum().backward()
    assert xm.grad is not None
    assert xt.grad is not None
    np.testing.assert_array_equal(xm.grad.numpy(), xt.grad.numpy())


@settings(max_examples=40, deadline=None)
@given(
    size=st.tuples(st.integers(1, 8), st.integers(1, 8)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    ceil_mode=st.booleans(),
    count_include_pad=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_pool_geometry_matches_torch(
    size: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
    padding: tuple[int, int], ceil_mode: bool, count_include_pad: bool, seed: int,
) -> None:  # fmt: skip
    x = np.random.default_rng(seed).integers(0, 4, size=(1, 2, *size)).astype(np.float64)
    pools = [
        (
            lambda t: F.max_pool2d(t, kernel, stride, padding, 1, ceil_mode),
            lambda t: torch.nn.functional.max_pool2d(t, kernel, stride, padding, 1, ceil_mode),
        ),
        (
            lambda t: F.avg_pool2d(t, kernel, stride, padding, ceil_mode, count_include_pad),
            lambda t: torch.nn.functional.avg_pool2d(
                t, kernel, stride, padding, ceil_mode, count_include_pad
            ),
        ),
    ]
    for ours, theirs in pools:
        try:
            theirs(torch.from_numpy(x))
        except RuntimeError:  # torch refuses the geometry: so must we
            with pytest.raises(ValueError, match=r"does not fit|at most half"):
                ours(ag.tensor(x))
            continue
        out, expected, grad, their_grad = run_both(x, ours, theirs)
        np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(grad.numpy(), their_grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x: F.avg_pool2d(x, 2, divisor_override=0), "divisor_override must not be 0"),
        (lambda x: F.max_pool2d(x, 3, padding=2), r"padding \(2, 2\) must be at most half"),
        (lambda x: F.max_pool2d(x, 2, padding=3, dilation=3), r"dilated by \(3, 3\) to \(4, 4\)"),
        (lambda x: F.avg_pool2d(x, (1, 6)), "a window of 6 does not fit an axis of 4"),
        (
            lambda x: F.max_pool2d(x[0, 0], 2),
            r"expects \(N, C, H, W\) or \(C, H, W\) input, got \(4, 4\)",
        ),
    ],
)
def test_bad_pooling_arguments(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(ag.tensor(core.zeros((1, 1, 4, 4))))


def test_ceil_mode_drops_a_window_that_starts_in_the_right_padding() -> None:
    # 5 + 2 * 1 = 7 positions, kernel 2, stride 2: rounding up gives 4 windows, but the 4th
    # would start at 6, past the input and left padding (5 + 1), so PyTorch keeps 3.
    for h, w in itertools.product([5], [5, 6]):
        x = torch.zeros(1, 1, h, w)
        expected = torch.nn.functional.max_pool2d(x, 2, 2, 1, ceil_mode=True).shape
        assert F.max_pool2d(ag.tensor(x.numpy()), 2, 2, 1, ceil_mode=True).shape == expected


def test_gradcheck_pooling_and_grouped_conv() -> None:
    rng = np.random.default_rng(10)
    x = ag.tensor(rng.normal(size=(1, 4, 5, 6)), requires_grad=True)  # no ties
    w = ag.tensor(rng.normal(size=(6, 2, 2, 3)), requires_grad=True)
    assert ag.gradcheck(lambda t: F.max_pool2d(t, 3, 2, 1, ceil_mode=True), [x])
    assert ag.gradcheck(lambda t: F.avg_pool2d(t, 3, 2, 1, True, False), [x])
    assert ag.gradcheck(lambda t, k: F.conv2d(t, k, None, 2, 1, (1, 2), groups=2), [x, w])


def test_max_pool_module_return_indices_matches_torch() -> None:
    x = np.random.default_rng(11).integers(-2, 3, size=(2, 3, 7, 6)).astype(np.float64)
    module = nn.MaxPool2d(3, 2, 1, 1, True, True)  # positional, in torch's order
    reference = torch.nn.MaxPool2d(3, 2, 1, 1, True, True)
    assert repr(module) == repr(reference)
    assert module.return_indices
    xm, xt = ag.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_()
    out, indices = module.forward(xm)
    expected, their_indices = reference(xt)
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    np.testing.assert_array_equal(indices.numpy(), their_indices.numpy())
    assert indices.dtype is core.int64
    assert not indices.requires_grad
    upstream = np.random.default_rng(12).normal(size=expected.shape)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert xm.grad is not None
    assert xt.grad is not None
    np.testing.assert_array_equal(xm.grad.numpy(), xt.grad.numpy())
    pair = module(ag.tensor(x[0]))  # unbatched (C, H, W), through Module.__call__
    assert isinstance(pair, tuple)
    np.testing.assert_array_equal(pair[1].numpy(), their_indices[0].numpy())


def test_max_pool_module_without_indices_returns_a_tensor() -> None:
    out = nn.MaxPool2d(2, return_indices=False)(ag.tensor(core.ones((1, 1, 4, 4))))
    assert isinstance(out, ag.Tensor)
    assert out.shape == (1, 1, 2, 2)
