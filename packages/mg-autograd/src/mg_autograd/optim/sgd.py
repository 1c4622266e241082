"""`SGD`: stochastic gradient descent with momentum, Nesterov momentum and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mg_core as core

from mg_autograd.nn.module import subtract_data
from mg_autograd.optim.optimizer import Optimizer, ParamGroup
from mg_autograd.tensor import Tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    """Step ``p -= lr * d`` where d is the gradient, with optional momentum (PyTorch's rules).

    With ``momentum`` m, ``b = m * b + (1 - dampening) * g`` (``b = g`` on the first step)
    and d is b, or ``g + m * b`` with ``nesterov``. ``weight_decay`` adds ``wd * p`` to g.

    >>> import mg_autograd as ag
    >>> w = ag.nn.Parameter(ag.tensor([1.0]))
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     w.grad = ag.tensor([1.0])
    ...     opt.step()
    >>> w  # 1 - 0.1 * 1 - 0.1 * 1.9
    Parameter containing:
    tensor([0.7100], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[ParamGroup],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        _check_non_negative(lr=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                f"Nesterov momentum needs momentum > 0 and dampening = 0, got momentum="
                f"{momentum}, dampening={dampening}"
            )
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
        }
        super().__init__(params, defaults)

    def update(
        self, param: Tensor, grad: core.Tensor, state: dict[str, Any], group: ParamGroup
    ) -> None:
        if group["weight_decay"] != 0:
            grad = grad + param.data * group["weight_decay"]
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = Tensor(grad.copy())
            else:
                buf = Tensor(buf.data * momentum + grad * (1.0 - group["dampening"]))
            state["momentum_buffer"] = buf
            grad = grad + buf.data * momentum if group["nesterov"] else buf.data
        subtract_data(param, grad * group["lr"])


def _check_non_negative(**values: float) -> None:
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"invalid {name}: {value} (must be >= 0)")
