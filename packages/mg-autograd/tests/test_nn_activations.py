"""Activation, softmax, loss and max-pool modules against torch.nn: outputs and gradients."""

from __future__ import annotations

from collections.abc import Callable

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from mg_autograd import nn

#: (id, our module, torch's module, input shape)
ACTIVATIONS: list[
    tuple[str, Callable[[], nn.Module], Callable[[], torch.nn.Module], tuple[int, ...]]
] = [
    ("relu", nn.ReLU, torch.nn.ReLU, (3, 4)),
    ("leaky_relu", lambda: nn.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2), (3, 4)),
    ("gelu", nn.GELU, torch.nn.GELU, (2, 5)),
    ("gelu-tanh", lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh"), (2, 5)),
    ("silu", nn.SiLU, torch.nn.SiLU, (4,)),
    ("tanh", nn.Tanh, torch.nn.Tanh, (2, 3)),
    ("sigmoid", nn.Sigmoid, torch.nn.Sigmoid, (2, 3)),
    ("softmax-1", lambda: nn.Softmax(1), lambda: torch.nn.Softmax(1), (3, 4)),
    ("softmax-last", lambda: nn.Softmax(-1), lambda: torch.nn.Softmax(-1), (2, 3, 4)),
    ("maxpool", lambda: nn.MaxPool2d(2), lambda: torch.nn.MaxPool2d(2), (2, 3, 4, 6)),
    (
        "maxpool-overlap-pad",
        lambda: nn.MaxPool2d(3, stride=2, padding=1),
        lambda: torch.nn.MaxPool2d(3, stride=2, padding=1),
        (1, 2, 5, 7),
    ),
    (
        "maxpool-dilation",
        lambda: nn.MaxPool2d(2, stride=1, dilation=2),
        lambda: torch.nn.MaxPool2d(2, stride=1, dilation=2),
        (2, 5, 5),
    ),
]


@pytest.mark.parametrize(
    ("name", "ours", "theirs", "shape"), ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS]
)
def test_activation_matches_torch(
    name: str,
    ours: Callable[[], nn.Module],
    theirs: Callable[[], torch.nn.Module],
    shape: tuple[int, ...],
) -> None:
    mine, reference = ours(), theirs()
    assert repr(mine) == repr(reference)
    x = np.random.default_rng(0).normal(size=shape) * 3  # no ties, no exact zeros
    xm, xt = ag.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_()
    out, expected = mine(xm), reference(xt)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.random.default_rng(1).normal(size=expected.shape)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert xm.grad is not None
    assert xt.grad is not None
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-11)


def run_loss(
    mine: nn.Module, reference: torch.nn.Module, x: np.ndarray, target: np.ndarray
) -> None:
    xm, xt = ag.tensor(x, requires_grad=True), torch.from_numpy(x).requires_grad_()
    out = mine(xm, ag.tensor(target))
    expected = reference(xt, torch.from_numpy(target))
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    out.sum().backward()
    expected.sum().backward()
    assert xm.grad is not None
    assert xt.grad is not None
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_loss_matches_torch(reduction: str) -> None:
    rng = np.random.default_rng(2)
    x, target = rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)
    weight = rng.uniform(0.5, 2.0, size=4)
    run_loss(
        nn.CrossEntropyLoss(reduction=reduction),
        torch.nn.CrossEntropyLoss(reduction=reduction),
        x,
        target,
    )
    run_loss(
        nn.CrossEntropyLoss(ag.tensor(weight), reduction=reduction, label_smoothing=0.1),
        torch.nn.CrossEntropyLoss(
            torch.from_numpy(weight), reduction=reduction, label_smoothing=0.1
        ),
        x,
        target,
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_loss_matches_torch(reduction: str) -> None:
    rng = np.random.default_rng(3)
    x, target = rng.normal(size=(3, 4)) * 4, rng.uniform(size=(3, 4))
    pos = rng.uniform(0.5, 3.0, size=4)
    run_loss(
        nn.BCEWithLogitsLoss(reduction=reduction),
        torch.nn.BCEWithLogitsLoss(reduction=reduction),
        x,
        target,
    )
    run_loss(
        nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=ag.tensor(pos)),
        torch.nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=torch.from_numpy(pos)),
        x,
        target,
    )


def test_loss_reprs_and_weights_are_buffers() -> None:
    assert repr(nn.CrossEntropyLoss()) == repr(torch.nn.CrossEntropyLoss())
    assert repr(nn.BCEWithLogitsLoss()) == repr(torch.nn.BCEWithLogitsLoss())
    loss = nn.CrossEntropyLoss(ag.tensor([1.0, 2.0]))
    assert list(loss.state_dict()) == list(torch.nn.CrossEntropyLoss(torch.ones(2)).state_dict())
    assert loss.to(core.float64).weight is not None
    assert loss.weight is not None
    assert loss.weight.dtype is core.float64


def test_small_classifier_trains_like_torch() -> None:
    """A whole model: same weights, same data, same optimizer; losses agree step by step."""
    mine = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to(core.float64)
    reference = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    reference = reference.double()
    mine.load_state_dict({k: core.asarray(v.numpy()) for k, v in reference.state_dict().items()})
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(16, 4)), rng.integers(0, 3, size=16)
    opt = ag.optim.Adam(mine.parameters(), lr=0.05)
    torch_opt = torch.optim.Adam(reference.parameters(), lr=0.05)
    for _ in range(5):
        opt.zero_grad()
        torch_opt.zero_grad()
        loss = nn.functional.cross_entropy(mine(ag.tensor(x)), ag.tensor(y))
        expected = torch.nn.functional.cross_entropy(
            reference(torch.from_numpy(x)), torch.from_numpy(y)
        )
        assert loss.item() == pytest.approx(expected.item(), rel=1e-10)
        loss.backward()
        expected.backward()
        opt.step()
        torch_opt.step()
