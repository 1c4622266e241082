"""`RMSprop`: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mg_core as core

from mg_autograd.nn.module import assign_data
from mg_autograd.optim.optimizer import Optimizer, ParamGroup
from mg_autograd.tensor import Tensor

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton): ``s = alpha * s + (1 - alpha) * g²``, ``p -= lr * g / (sqrt(s) + eps)``.

    ``centered`` subtracts the squared running mean of g from s; ``momentum`` accumulates
    the scaled step in a buffer, as in PyTorch.

    >>> import mg_autograd as ag
    >>> w = ag.nn.Parameter(ag.tensor([1.0]))
    >>> w.grad = ag.tensor([2.0])
    >>> RMSprop([w], lr=0.01, alpha=0.75).step()  # s = 1, so the step is lr * 2 / 1
    >>> w
    Parameter containing:
    tensor([0.9800], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[ParamGroup],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        for name, value in [("lr", lr), ("alpha", alpha), ("eps", eps), ("momentum", momentum)]:
            if value < 0:
                raise ValueError(f"invalid {name}: {value} (must be >= 0)")
        if weight_decay < 0:
            raise ValueError(f"invalid weight_decay: {weight_decay} (must be >= 0)")
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
        }
        super().__init__(params, defaults)

    def update(
        self, param: Tensor, grad: core.Tensor, state: dict[str, Any], group: ParamGroup
    ) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        if not state:
            state["step"] = 0
            state["square_avg"] = Tensor(core.zeros_like(param.data))
            if group["momentum"] > 0:
                state["momentum_buffer"] = Tensor(core.zeros_like(param.data))
            if group["centered"]:
                state["grad_avg"] = Tensor(core.zeros_like(param.data))
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + param.data * group["weight_decay"]
        square_avg = state["square_avg"].data * alpha + grad * grad * (1.0 - alpha)
        state["square_avg"] = Tensor(square_avg)
        if group["centered"]:
            mean = state["grad_avg"].data
            mean = mean + (grad - mean) * (1.0 - alpha)
            state["grad_avg"] = Tensor(mean)
            avg = core.pow(square_avg - mean * mean, 0.5) + eps
        else:
            avg = core.pow(square_avg, 0.5) + eps
        if group["momentum"] > 0:
            buf = state["momentum_buffer"].data * group["momentum"] + grad / avg
            state["momentum_buffer"] = Tensor(buf)
            assign_data(param, param.data - buf * lr)
        else:
            assign_data(param, param.data - grad / avg * lr)
