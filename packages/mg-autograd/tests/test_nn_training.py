"""A small CNN trained side by side with PyTorch: same weights, data and optimizer."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from mg_autograd import nn


def test_cnn_losses_and_weights_follow_torch_step_by_step() -> None:
    mine = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.0),
        nn.Linear(4 * 3 * 3, 3),
    ).to(core.float64)
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Dropout(0.0),
        torch.nn.Linear(4 * 3 * 3, 3),
    ).double()
    mine.load_state_dict({k: core.asarray(v.numpy()) for k, v in reference.state_dict().items()})
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 1, 6, 6)), rng.integers(0, 3, size=8)
    opt = ag.optim.SGD(mine.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    torch_opt = torch.optim.SGD(reference.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)
    for _ in range(4):
        opt.zero_grad()
        torch_opt.zero_grad()
        loss = nn.CrossEntropyLoss()(mine(ag.tensor(x)), ag.tensor(y))
        expected = torch.nn.CrossEntropyLoss()(reference(torch.from_numpy(x)), torch.from_numpy(y))
        assert loss.item() == pytest.approx(expected.item(), rel=1e-9)
        loss.backward()
        expected.backward()
        nn.utils.clip_grad_norm_(mine.parameters(), 1.0)
        torch.nn.utils.clip_grad_norm_(reference.parameters(), 1.0)
        opt.step()
        torch_opt.step()
    for key, value in reference.state_dict().items():
        np.testing.assert_allclose(
            mine.state_dict()[key].numpy(), value.numpy(), rtol=1e-8, atol=1e-10
        )
    mine.eval()
    reference.eval()
    out = mine(ag.tensor(x)).numpy()
    np.testing.assert_allclose(out, reference(torch.from_numpy(x)).detach().numpy(), rtol=1e-8)
