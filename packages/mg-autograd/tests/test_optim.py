"""Optimizers and schedulers, step by step against torch.optim on the same parameters and grads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_autograd as ag
import numpy as np
import pytest
import torch
from mg_autograd import nn, optim
from mg_autograd.optim import lr_scheduler

SHAPES = [(3, 4), (5,), ()]

#: (id, our optimizer class, torch's, keyword arguments both take)
CASES: list[tuple[str, type[optim.Optimizer], type[torch.optim.Optimizer], dict[str, Any]]] = [
    ("sgd", optim.SGD, torch.optim.SGD, {"lr": 0.1}),
    ("sgd-wd", optim.SGD, torch.optim.SGD, {"lr": 0.1, "weight_decay": 0.05}),
    ("sgd-momentum", optim.SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    (
        "sgd-nesterov",
        optim.SGD,
        torch.optim.SGD,
        {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01},
    ),
    ("adam", optim.Adam, torch.optim.Adam, {"lr": 0.01}),
    (
        "adam-wd",
        optim.Adam,
        torch.optim.Adam,
        {"lr": 0.01, "betas": (0.8, 0.9), "weight_decay": 0.1},
    ),
    ("adamw", optim.AdamW, torch.optim.AdamW, {"lr": 0.01}),
    ("adamw-wd", optim.AdamW, torch.optim.AdamW, {"lr": 0.02, "weight_decay": 0.3, "eps": 1e-6}),
    (
        "adam-amsgrad",
        optim.Adam,
        torch.optim.Adam,
        {"lr": 0.01, "betas": (0.5, 0.9), "weight_decay": 0.1, "amsgrad": True},
    ),
    (
        "adamw-amsgrad",
        optim.AdamW,
        torch.optim.AdamW,
        {"lr": 0.02, "betas": (0.7, 0.8), "weight_decay": 0.3, "amsgrad": True},
    ),
    ("rmsprop", optim.RMSprop, torch.optim.RMSprop, {"lr": 0.01}),
    (
        "rmsprop-all",
        optim.RMSprop,
        torch.optim.RMSprop,
        {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1},
    ),
]
IDS = [case[0] for case in CASES]


def make_params(dtype: np.dtype[Any]) -> tuple[list[nn.Parameter], list[torch.nn.Parameter]]:
    rng = np.random.default_rng(0)
    values = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    mine = [nn.Parameter(ag.tensor(v)) for v in values]
    theirs = [torch.nn.Parameter(torch.from_numpy(v.copy())) for v in values]
    return mine, theirs


def set_grads(mine: list[nn.Parameter], theirs: list[torch.nn.Parameter], step: int) -> None:
    rng = np.random.default_rng(100 + step)
    for p, q in zip(mine, theirs, strict=True):
        g = rng.normal(size=p.shape).astype(p.numpy().dtype)
        p.grad = ag.tensor(g)
        q.grad = torch.from_numpy(g.copy())


def assert_params_close(mine: list[nn.Parameter], theirs: list[torch.nn.Parameter], rtol: float):
    for p, q in zip(mine, theirs, strict=True):
        np.testing.assert_allclose(p.numpy(), q.detach().numpy(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize(("dtype", "rtol"), [(np.float64, 1e-12), (np.float32, 2e-5)])
@pytest.mark.parametrize(("name", "ours", "theirs", "kwargs"), CASES, ids=IDS)
def test_steps_match_torch(
    name: str,
    ours: Callable[..., optim.Optimizer],
    theirs: Callable[..., torch.optim.Optimizer],
    kwargs: dict[str, Any],
    dtype: np.dtype[Any],
    rtol: float,
) -> None:
    mine_params, torch_params = make_params(dtype)
    mine, reference = ours(mine_params, **kwargs), theirs(torch_params, **kwargs)
    for step in range(6):
        set_grads(mine_params, torch_params, step)
        mine.step()
        reference.step()
        assert_params_close(mine_params, torch_params, rtol)
    for p, q in zip(mine_params, torch_params, strict=True):
        ours_state, torch_state = mine.state[p], reference.state[q]
        assert set(ours_state) == set(torch_state)
        for key, value in torch_state.items():
            if key == "step":
                assert ours_state[key] == int(value)
            else:
                np.testing.assert_allclose(
                    ours_state[key].numpy(), value.numpy(), rtol=rtol, atol=rtol
                )


@pytest.mark.parametrize(("name", "ours", "theirs", "kwargs"), CASES, ids=IDS)
def test_param_groups_match_torch(
    name: str,
    ours: Callable[..., optim.Optimizer],
    theirs: Callable[..., torch.optim.Optimizer],
    kwargs: dict[str, Any],
) -> None:
    mine_params, torch_params = make_params(np.float64)
    lr = kwargs["lr"]
    mine = ours([{"params": mine_params[:1], "lr": 3 * lr}, {"params": mine_params[1:]}], **kwargs)
    reference = theirs(
        [{"params": torch_params[:1], "lr": 3 * lr}, {"params": torch_params[1:]}], **kwargs
    )
    for step in range(3):
        set_grads(mine_params, torch_params, step)
        mine.step()
        reference.step()
    assert_params_close(mine_params, torch_params, 1e-12)


@pytest.mark.parametrize(("name", "ours", "theirs", "kwargs"), CASES, ids=IDS)
def test_state_dict_round_trip_resumes_exactly(
    name: str,
    ours: Callable[..., optim.Optimizer],
    theirs: Callable[..., torch.optim.Optimizer],
    kwargs: dict[str, Any],
) -> None:
    params, _ = make_params(np.float64)
    clones = [nn.Parameter(ag.tensor(p)) for p in params]
    original = ours(params, **kwargs)
    for step in range(3):
        for p in params:
            p.grad = ag.tensor(np.full(p.shape, 0.1 * step + 0.3))
        original.step()
    saved = original.state_dict()
    for p, c in zip(params, clones, strict=True):
        c.data[...] = p.data
    resumed = ours(clones, lr=123.0)  # the loaded groups bring the real lr back
    resumed.load_state_dict(saved)
    for step in range(3, 5):
        for p, c in zip(params, clones, strict=True):
            p.grad = ag.tensor(np.full(p.shape, 0.1 * step + 0.3))
            c.grad = ag.tensor(np.full(p.shape, 0.1 * step + 0.3))
        original.step()
        resumed.step()
    for p, c in zip(params, clones, strict=True):
        assert p.tolist() == c.tolist()


def test_state_dict_layout_matches_torch() -> None:
    mine_params, torch_params = make_params(np.float64)
    mine = optim.Adam(mine_params, lr=0.01)
    reference = torch.optim.Adam(torch_params, lr=0.01)
    set_grads(mine_params, torch_params, 0)
    mine.step()
    reference.step()
    ours, theirs = mine.state_dict(), reference.state_dict()
    assert list(ours["state"]) == list(theirs["state"])
    assert [g["params"] for g in ours["param_groups"]] == [
        g["params"] for g in theirs["param_groups"]
    ]
    assert set(ours["param_groups"][0]) <= set(theirs["param_groups"][0])
    ours["state"][0]["exp_avg"].data[...] = 0.0  # a copy: the optimizer's state is untouched
    assert mine.state[mine_params[0]]["exp_avg"].numpy().any()


@pytest.mark.parametrize(
    ("ours", "theirs"), [(optim.Adam, torch.optim.Adam), (optim.AdamW, torch.optim.AdamW)]
)
def test_amsgrad_state_moves_between_mg_and_torch(
    ours: Callable[..., optim.Optimizer], theirs: Callable[..., torch.optim.Optimizer]
) -> None:
    kwargs = {"lr": 0.05, "betas": (0.6, 0.7), "weight_decay": 0.2, "amsgrad": True}
    mine_params, torch_params = make_params(np.float64)
    mine, reference = ours(mine_params, **kwargs), theirs(torch_params, **kwargs)
    for step in range(4):
        set_grads(mine_params, torch_params, step)
        mine.step()
        reference.step()
    state = mine.state[mine_params[0]]
    # The running maximum must have kicked in somewhere, or the test proves nothing.
    assert (state["max_exp_avg_sq"].numpy() > state["exp_avg_sq"].numpy()).any()
    theirs_saved, ours_saved = reference.state_dict(), mine.state_dict()
    assert ours_saved["param_groups"][0]["amsgrad"] is True
    for index, torch_state in theirs_saved["state"].items():
        assert set(ours_saved["state"][index]) == set(torch_state)
        for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            np.testing.assert_allclose(
                ours_saved["state"][index][key].numpy(), torch_state[key].numpy(), rtol=1e-12
            )
    # torch's state dict (tensors turned into ours) resumes our optimizer like torch's.
    clones = [nn.Parameter(ag.tensor(p.detach().numpy().copy())) for p in torch_params]
    resumed = ours(clones, lr=1.0)
    resumed.load_state_dict(
        {
            "state": {
                i: {k: ag.tensor(v.numpy()) if k != "step" else int(v) for k, v in s.items()}
                for i, s in theirs_saved["state"].items()
            },
            "param_groups": theirs_saved["param_groups"],
        }
    )
    for step in range(4, 7):
        set_grads(clones, torch_params, step)
        resumed.step()
        reference.step()
    assert_params_close(clones, torch_params, 1e-12)


def test_load_state_dict_layout_mismatch() -> None:
    params, _ = make_params(np.float64)
    saved = optim.SGD(params[:2]).state_dict()
    with pytest.raises(
        ValueError,
        match="parameter group 0: loaded state dict has 2 parameters, the optimizer has 3",
    ):
        optim.SGD(params).load_state_dict(saved)
    with pytest.raises(ValueError, match="has 1 parameter groups, the optimizer has 2"):
        optim.SGD([{"params": params[:1]}, {"params": params[1:]}]).load_state_dict(saved)


def test_zero_grad_and_skipped_parameters() -> None:
    params, _ = make_params(np.float64)
    opt = optim.SGD(params, lr=1.0)
    before = params[1].tolist()
    params[0].grad = ag.tensor(np.ones(params[0].shape))
    opt.step()  # parameters without a gradient are left alone
    assert params[1].tolist() == before
    opt.zero_grad(set_to_none=False)
    assert params[0].grad is not None
    assert not params[0].grad.numpy().any()
    opt.zero_grad()
    assert params[0].grad is None


def test_closure_is_evaluated_with_grad() -> None:
    w = nn.Parameter(ag.tensor([2.0]))
    opt = optim.SGD([w], lr=0.25)

    def closure() -> ag.Tensor:
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ag.no_grad():
        loss = opt.step(closure)
    assert loss is not None
    assert loss.item() == 4.0
    assert w.tolist() == [1.0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: optim.SGD(p, lr=-1.0), "invalid lr: -1.0"),
        (lambda p: optim.SGD(p, nesterov=True), "Nesterov momentum needs momentum > 0"),
        (lambda p: optim.Adam(p, betas=(0.9, 1.0)), r"betas must be two numbers in \[0, 1\)"),
        (lambda p: optim.RMSprop(p, alpha=-0.1), "invalid alpha"),
        (lambda p: optim.SGD(p + p), "more than one parameter group"),
        (lambda p: optim.SGD([]), "empty parameter list"),
    ],
)
def test_bad_arguments(make: Callable[[list[nn.Parameter]], object], message: str) -> None:
    params, _ = make_params(np.float64)
    with pytest.raises(ValueError, match=message):
        make(params)


def test_non_leaf_and_non_tensor_rejected() -> None:
    w = nn.Parameter(ag.tensor([1.0]))
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2])
    with pytest.raises(TypeError, match="can only optimize Tensors, got float"):
        optim.SGD([1.0])  # type: ignore[list-item]


# --- schedulers -----------------------------------------------------------------------

SCHEDULERS: list[tuple[str, Callable[..., Any], Callable[..., Any], dict[str, Any]]] = [
    ("step", lr_scheduler.StepLR, torch.optim.lr_scheduler.StepLR, {"step_size": 3, "gamma": 0.5}),
    (
        "cosine",
        lr_scheduler.CosineAnnealingLR,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        {"T_max": 5},
    ),
    (
        "cosine-min",
        lr_scheduler.CosineAnnealingLR,
        torch.optim.lr_scheduler.CosineAnnealingLR,
        {"T_max": 4, "eta_min": 0.01},
    ),
    ("linear", lr_scheduler.LinearLR, torch.optim.lr_scheduler.LinearLR, {}),
    (
        "linear-down",
        lr_scheduler.LinearLR,
        torch.optim.lr_scheduler.LinearLR,
        {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 4},
    ),
]


@pytest.mark.parametrize(
    ("name", "ours", "theirs", "kwargs"), SCHEDULERS, ids=[s[0] for s in SCHEDULERS]
)
def test_schedules_match_torch(
    name: str, ours: Callable[..., Any], theirs: Callable[..., Any], kwargs: dict[str, Any]
) -> None:
    mine_params, torch_params = make_params(np.float64)
    mine_opt = optim.SGD(
        [{"params": mine_params[:1]}, {"params": mine_params[1:], "lr": 0.3}], lr=0.1
    )
    torch_opt = torch.optim.SGD(
        [{"params": torch_params[:1]}, {"params": torch_params[1:], "lr": 0.3}], lr=0.1
    )
    mine, reference = ours(mine_opt, **kwargs), theirs(torch_opt, **kwargs)
    for _ in range(12):
        np.testing.assert_allclose(
            mine.get_last_lr(), reference.get_last_lr(), rtol=1e-12, atol=1e-15
        )
        mine_opt.step()
        torch_opt.step()
        mine.step()
        reference.step()


def test_scheduler_state_dict_resumes() -> None:
    params, _ = make_params(np.float64)
    opt = optim.SGD(params, lr=1.0)
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(3):
        sched.step()
    saved = sched.state_dict()
    other = lr_scheduler.StepLR(optim.SGD(params, lr=1.0), step_size=5)
    other.load_state_dict(saved)
    other.step()
    sched.step()
    assert other.get_last_lr() == sched.get_last_lr()
    assert "optimizer" not in saved


def test_scheduler_bad_arguments() -> None:
    params, _ = make_params(np.float64)
    opt = optim.SGD(params)
    with pytest.raises(ValueError, match="step_size must be a positive int, got 0"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive int"):
        lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(optim.SGD(params), step_size=1, last_epoch=3)
