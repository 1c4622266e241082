"""Layers against torch.nn on the same weights: outputs, input gradients, parameter gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_autograd import nn

F64 = core.float64

#: (id, our module, torch's module, input shape). Both built in float64.
LAYERS: list[
    tuple[str, Callable[[], nn.Module], Callable[[], torch.nn.Module], tuple[int, ...]]
] = [
    ("linear", lambda: nn.Linear(4, 3, dtype=F64), lambda: torch.nn.Linear(4, 3), (2, 5, 4)),
    ("conv", lambda: nn.Conv2d(2, 3, 3, dtype=F64), lambda: torch.nn.Conv2d(2, 3, 3), (2, 2, 5, 6)),
    (
        "conv-stride-pad",
        lambda: nn.Conv2d(3, 2, (3, 2), stride=2, padding=1, dtype=F64),
        lambda: torch.nn.Conv2d(3, 2, (3, 2), stride=2, padding=1),
        (1, 3, 7, 5),
    ),
    (
        "conv-dilation-nobias",
        lambda: nn.Conv2d(1, 2, 2, dilation=2, bias=False, dtype=F64),
        lambda: torch.nn.Conv2d(1, 2, 2, dilation=2, bias=False),
        (2, 1, 5, 5),
    ),
    (
        "conv-groups",
        lambda: nn.Conv2d(4, 6, 3, padding=1, groups=2, dtype=F64),
        lambda: torch.nn.Conv2d(4, 6, 3, padding=1, groups=2),
        (2, 4, 5, 6),
    ),
    (
        "conv-depthwise-stride-dilation",
        lambda: nn.Conv2d(
            3, 6, (3, 2), stride=(2, 1), padding=(2, 1), dilation=2, groups=3, dtype=F64
        ),
        lambda: torch.nn.Conv2d(3, 6, (3, 2), stride=(2, 1), padding=(2, 1), dilation=2, groups=3),
        (2, 3, 7, 6),
    ),
    ("avgpool", lambda: nn.AvgPool2d(2), lambda: torch.nn.AvgPool2d(2), (2, 3, 4, 6)),
    (
        "avgpool-stride-pad",
        lambda: nn.AvgPool2d(3, stride=2, padding=1),
        lambda: torch.nn.AvgPool2d(3, stride=2, padding=1),
        (1, 2, 5, 6),
    ),
    (
        "avgpool-3d-input",
        lambda: nn.AvgPool2d((2, 1)),
        lambda: torch.nn.AvgPool2d((2, 1)),
        (3, 4, 2),
    ),
    ("batchnorm1d", lambda: nn.BatchNorm1d(3, dtype=F64), lambda: torch.nn.BatchNorm1d(3), (5, 3)),
    (
        "batchnorm1d-3d",
        lambda: nn.BatchNorm1d(2, momentum=0.3, dtype=F64),
        lambda: torch.nn.BatchNorm1d(2, momentum=0.3),
        (4, 2, 3),
    ),
    (
        "batchnorm2d",
        lambda: nn.BatchNorm2d(3, dtype=F64),
        lambda: torch.nn.BatchNorm2d(3),
        (2, 3, 2, 2),
    ),
    (
        "batchnorm2d-noaffine-cumulative",
        lambda: nn.BatchNorm2d(2, affine=False, momentum=None, dtype=F64),
        lambda: torch.nn.BatchNorm2d(2, affine=False, momentum=None),
        (3, 2, 2, 3),
    ),
    ("layernorm", lambda: nn.LayerNorm(4, dtype=F64), lambda: torch.nn.LayerNorm(4), (3, 4)),
    (
        "layernorm-2d",
        lambda: nn.LayerNorm((2, 3), eps=1e-3, dtype=F64),
        lambda: torch.nn.LayerNorm((2, 3), eps=1e-3),
        (2, 2, 2, 3),
    ),
    ("flatten", lambda: nn.Flatten(), lambda: torch.nn.Flatten(), (2, 3, 4)),
    ("flatten-range", lambda: nn.Flatten(0, 1), lambda: torch.nn.Flatten(0, 1), (2, 3, 4)),
]


def randomize(theirs: torch.nn.Module, seed: int) -> None:
    """Give torch's module random weights (affine norms start at exactly 1 and 0)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype))


def sync(mine: nn.Module, theirs: torch.nn.Module) -> None:
    values = {k: core.asarray(v.detach().numpy()) for k, v in theirs.state_dict().items()}
    mine.load_state_dict(values)


def compare(mine: nn.Module, theirs: torch.nn.Module, shape: tuple[int, ...], seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=shape)
    xm = ag.tensor(x, requires_grad=True)
    xt = torch.from_numpy(x).requires_grad_()
    out, expected = mine(xm), theirs(xt)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(seed + 1).normal(size=expected.shape)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert xm.grad is not None
    assert xt.grad is not None
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-11)
    torch_params = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        assert p.grad is not None
        grad = torch_params[name].grad
        assert grad is not None
        np.testing.assert_allclose(p.grad.numpy(), grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize(("name", "ours", "theirs", "shape"), LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_matches_torch(
    name: str,
    ours: Callable[[], nn.Module],
    theirs: Callable[[], torch.nn.Module],
    shape: tuple[int, ...],
) -> None:
    reference = theirs().double()
    randomize(reference, 0)
    mine = ours()
    sync(mine, reference)
    compare(mine, reference, shape, 1)
    # A second training step (running statistics move again), then evaluation mode.
    mine.zero_grad()
    reference.zero_grad()
    compare(mine, reference, shape, 2)
    for key, value in reference.state_dict().items():
        np.testing.assert_allclose(mine.state_dict()[key].numpy(), value.numpy(), rtol=1e-12)
    mine.eval()
    reference.eval()
    mine.zero_grad()
    reference.zero_grad()
    compare(mine, reference, shape, 3)


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (nn.Conv2d(3, 8, 3, padding=1), torch.nn.Conv2d(3, 8, 3, padding=1)),
        (
            nn.Conv2d(1, 2, (1, 2), stride=(2, 1), bias=False),
            torch.nn.Conv2d(1, 2, (1, 2), (2, 1), bias=False),
        ),
        (nn.Conv2d(4, 8, 3, groups=4, bias=False), torch.nn.Conv2d(4, 8, 3, groups=4, bias=False)),
        (nn.BatchNorm2d(4), torch.nn.BatchNorm2d(4)),
        (nn.LayerNorm([2, 3]), torch.nn.LayerNorm([2, 3])),
        (nn.AvgPool2d(2), torch.nn.AvgPool2d(2, 2, 0)),
    ],
)
def test_repr_matches_torch(ours: nn.Module, theirs: torch.nn.Module) -> None:
    assert repr(ours) == repr(theirs)


def test_default_init_has_torchs_bounds() -> None:
    conv = nn.Conv2d(4, 2, 3, generator=core.random.default_rng(0))
    bound = 1 / np.sqrt(4 * 9)  # kaiming_uniform(a=sqrt(5)) gives 1/sqrt(fan_in) too
    for p in conv.parameters():
        assert np.abs(p.numpy()).max() <= bound


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: nn.Conv2d(3, 2, 3)(ag.tensor(core.zeros((1, 4, 5, 5)))),
            r"expected input \(N, 3, H, W\), got shape \(1, 4, 5, 5\)",
        ),
        (
            lambda: nn.Conv2d(1, 1, 5)(ag.tensor(core.zeros((1, 1, 3, 3)))),
            "a window of 5 does not fit an axis of 3",
        ),
        (
            lambda: nn.Conv2d(3, 4, 3, groups=2),
            r"in_channels \(3\) must be divisible by groups \(2\)",
        ),
        (
            lambda: nn.Conv2d(4, 6, 3, groups=4),
            r"out_channels \(6\) must be divisible by groups \(4\)",
        ),
        (
            lambda: nn.functional.conv2d(
                ag.tensor(core.zeros((1, 4, 5, 5))), ag.tensor(core.zeros((6, 2, 3, 3))), groups=4
            ),
            r"groups=4 must divide the weight's 6 output channels",
        ),
        (
            lambda: nn.functional.conv2d(
                ag.tensor(core.zeros((1, 4, 5, 5))), ag.tensor(core.zeros((6, 3, 3, 3))), groups=2
            ),
            r"with groups=2 expects 6 input channels, got input of shape \(1, 4, 5, 5\)",
        ),
        (
            lambda: nn.BatchNorm2d(3)(ag.tensor(core.zeros((2, 3, 4)))),
            r"expected 4D input, got shape \(2, 3, 4\)",
        ),
        (
            lambda: nn.BatchNorm1d(3)(ag.tensor(core.zeros((2, 4)))),
            r"expected 3 channels \(axis 1\), got shape \(2, 4\)",
        ),
        (lambda: nn.BatchNorm1d(3)(ag.tensor(core.zeros((1, 3)))), "more than 1 value per channel"),
        (
            lambda: nn.LayerNorm(3)(ag.tensor(core.zeros((2, 4)))),
            r"trailing shape of the input, got input of shape \(2, 4\)",
        ),
        (
            lambda: nn.AvgPool2d(2, padding=2)(ag.tensor(core.zeros((1, 1, 4, 4)))),
            "at most half the kernel size",
        ),
        (lambda: nn.AvgPool2d(2)(ag.tensor(core.zeros((4, 4)))), r"got \(4, 4\)"),
        (lambda: nn.functional.mse_loss(ag.tensor([1.0]), ag.tensor([1.0, 2.0])), "differ"),
        (lambda: nn.MSELoss(reduction="avg"), "reduction must be"),
        (lambda: nn.Dropout(1.5), r"must be in \[0, 1\]"),
    ],
)
def test_bad_input_says_what_was_expected(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_matches_torch(reduction: str) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    xm, xt = ag.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_()
    out = nn.MSELoss(reduction)(xm, ag.tensor(y))
    expected = torch.nn.MSELoss(reduction=reduction)(xt, torch.from_numpy(y))
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    assert xm.grad is not None
    assert xt.grad is not None
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_dropout_keeps_expected_fraction_and_scales() -> None:
    x = ag.tensor(core.ones((100, 100), dtype=core.float32), requires_grad=True)
    out = nn.Dropout(0.3, generator=core.random.default_rng(0))(x)
    values = out.numpy()
    kept = values != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(values[kept], 1 / 0.7, rtol=1e-6)
    out.sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), values)  # d(x * mask)/dx is the mask
    assert nn.Dropout(1.0)(x).numpy().max() == 0.0


@pytest.mark.parametrize("padding_idx", [None, 2, -1])
@pytest.mark.parametrize("shape", [(6,), (2, 3), (0,)])
def test_embedding_matches_torch(padding_idx: int | None, shape: tuple[int, ...]) -> None:
    reference = torch.nn.Embedding(5, 3, padding_idx=padding_idx).double()
    mine = nn.Embedding(5, 3, padding_idx=padding_idx, dtype=F64)
    assert repr(mine) == repr(reference)
    sync(mine, reference)
    idx = np.random.default_rng(0).integers(0, 5, size=shape)
    idx.reshape(-1)[:2] = 2  # a repeated index, which may also be the padding row
    out, expected = mine(ag.tensor(idx)), reference(torch.from_numpy(idx))
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    upstream = np.random.default_rng(1).normal(size=expected.shape)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert mine.weight.grad is not None
    assert reference.weight.grad is not None
    np.testing.assert_allclose(mine.weight.grad.numpy(), reference.weight.grad.numpy(), rtol=1e-12)


def test_embedding_padding_row_starts_at_zero_and_bad_indices() -> None:
    emb = nn.Embedding(4, 2, padding_idx=1)
    assert emb.weight.tolist()[1] == [0.0, 0.0]
    with pytest.raises(IndexError, match="embedding index 4 is out of range for 4 embeddings"):
        emb(ag.tensor([0, 4]))
    with pytest.raises(TypeError, match="must be an integer tensor, got float32"):
        emb(ag.tensor([0.0]))
    with pytest.raises(ValueError, match="padding_idx 4 is out of range"):
        nn.Embedding(4, 2, padding_idx=4)


@settings(max_examples=40, deadline=None)
@given(
    batch=st.integers(1, 2),
    groups=st.integers(1, 3),
    per_group=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    size=st.tuples(st.integers(3, 7), st.integers(3, 7)),
    kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.tuples(st.integers(0, 1), st.integers(0, 1)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
)
def test_conv2d_geometry_matches_torch(
    batch: int,
    groups: int,
    per_group: tuple[int, int],
    size: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    # per_group (1, k) with groups > 1 is a depthwise convolution with multiplier k.
    channels = (groups * per_group[0], groups * per_group[1])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, channels[0], *size))
    w = rng.normal(size=(channels[1], per_group[0], *kernel))
    b = rng.normal(size=channels[1])
    tensors = [torch.from_numpy(a).requires_grad_() for a in (x, w, b)]
    args = (stride, padding, dilation, groups)
    try:
        expected = torch.nn.functional.conv2d(*tensors, *args)
    except RuntimeError:  # the kernel does not fit: we must refuse it too
        with pytest.raises(ValueError, match="does not fit"):
            nn.functional.conv2d(*(ag.tensor(a) for a in (x, w, b)), *args)
        return
    ours = [ag.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = nn.functional.conv2d(*ours, *args)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = rng.normal(size=expected.shape)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    for mine, theirs in zip(ours, tensors, strict=True):
        assert mine.grad is not None
        assert theirs.grad is not None
        np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-9, atol=1e-11)
