"""`Adam` and `AdamW`: bias-corrected moment estimates; AdamW decays weights decoupled."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import mg_core as core

from mg_autograd.nn.module import assign_data
from mg_autograd.optim.optimizer import Optimizer, ParamGroup
from mg_autograd.tensor import Tensor

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (Kingma and Ba): ``p -= lr * m̂ / (sqrt(v̂) + eps)`` with bias-corrected moments.

    ``weight_decay`` adds ``wd * p`` to the gradient (L2); use `AdamW` for decoupled decay.
    ``amsgrad=True`` divides by the running maximum of the second moment instead (Reddi et
    al.), kept in the state as ``max_exp_avg_sq`` as PyTorch does.

    >>> import mg_autograd as ag
    >>> w = ag.nn.Parameter(ag.tensor([1.0, -1.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = ag.tensor([0.5, -2.0])
    >>> opt.step()  # the first step moves each element by about lr, against its gradient
    >>> w
    Parameter containing:
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    #: Whether ``weight_decay`` scales the parameter directly (AdamW) or joins the gradient.
    decoupled = False

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[ParamGroup],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        if lr < 0 or eps < 0 or weight_decay < 0:
            raise ValueError(
                f"lr, eps and weight_decay must be >= 0, got {lr}, {eps}, {weight_decay}"
            )
        if not all(0.0 <= b < 1.0 for b in betas) or len(betas) != 2:
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas}")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
        }
        super().__init__(params, defaults)

    def update(
        self, param: Tensor, grad: core.Tensor, state: dict[str, Any], group: ParamGroup
    ) -> None:
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = Tensor(core.zeros_like(param.data))
            state["exp_avg_sq"] = Tensor(core.zeros_like(param.data))
        if group["amsgrad"] and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = Tensor(core.zeros_like(param.data))
        state["step"] += 1
        step = state["step"]
        if wd != 0 and self.decoupled:
            assign_data(param, param.data * (1.0 - lr * wd))
        elif wd != 0:
            grad = grad + param.data * wd
        m = state["exp_avg"].data
        m = m + (grad - m) * (1.0 - beta1)
        v = state["exp_avg_sq"].data * beta2 + grad * grad * (1.0 - beta2)
        state["exp_avg"], state["exp_avg_sq"] = Tensor(m), Tensor(v)
        if group["amsgrad"]:
            v = core.maximum(state["max_exp_avg_sq"].data, v)
            state["max_exp_avg_sq"] = Tensor(v)
        step_size = lr / (1.0 - beta1**step)
        denom = core.pow(v, 0.5) / math.sqrt(1.0 - beta2**step) + eps
        assign_data(param, param.data - m / denom * step_size)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter): ``p *= 1 - lr * wd`` first.

    >>> import mg_autograd as ag
    >>> w = ag.nn.Parameter(ag.tensor([1.0]))
    >>> w.grad = ag.tensor([0.0])
    >>> AdamW([w], lr=0.1, weight_decay=0.5).step()  # zero gradient: only the decay acts
    >>> w
    Parameter containing:
    tensor([0.9500], requires_grad=True)
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[ParamGroup],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
