"""Weight initialisation, in place and outside the graph (PyTorch's ``torch.nn.init``).

Samples are drawn in float64 from an `mg_core.random.Generator` (``generator=``, else the
default one that `mg_autograd.manual_seed` reseeds) and cast to the tensor's dtype.
"""

from __future__ import annotations

import math
from typing import Literal, TypeAlias

import mg_core as core

from mg_autograd.grad_mode import no_grad
from mg_autograd.nn.module import assign_data
from mg_autograd.random import default_generator
from mg_autograd.tensor import Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "fan_in_and_fan_out",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

FanMode: TypeAlias = Literal["fan_in", "fan_out"]

_GAINS = {
    "linear": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "selu": 0.75,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Return the recommended scale for weights feeding ``nonlinearity``.

    ``param`` is leaky_relu's negative slope (default 0.01).

    >>> calculate_gain("tanh")
    1.6666666666666667
    >>> round(calculate_gain("leaky_relu", 0.2), 6)
    1.38675
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; one of {sorted(_GAINS)}")
    return _GAINS[nonlinearity]


def fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """Return (fan_in, fan_out) of a weight of shape (out, in, *kernel).

    Raises:
        ValueError: for a tensor with fewer than 2 dimensions.

    >>> import mg_autograd as ag
    >>> fan_in_and_fan_out(ag.tensor(core.zeros((8, 3, 5, 5))))
    (75, 200)
    """
    if tensor.ndim < 2:
        raise ValueError(
            f"fan in and fan out need a tensor of at least 2 dimensions, got shape {tensor.shape}"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: core.random.Generator | None = None
) -> Tensor:
    """Fill ``tensor`` with samples of U(a, b) and return it.

    >>> import mg_autograd as ag
    >>> t = uniform_(ag.tensor(core.zeros((100,))), -2.0, 2.0, core.random.default_rng(0))
    >>> -2.0 <= min(t.tolist()) and max(t.tolist()) < 2.0
    True
    """
    rng = generator or default_generator()
    return _fill(tensor, rng.random(tensor.shape) * (b - a) + a)


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    generator: core.random.Generator | None = None,
) -> Tensor:
    """Fill ``tensor`` with samples of N(mean, std²) and return it.

    >>> import mg_autograd as ag
    >>> normal_(ag.tensor(core.zeros((2, 3))), generator=core.random.default_rng(0)).shape
    (2, 3)
    """
    rng = generator or default_generator()
    return _fill(tensor, rng.normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, value: float) -> Tensor:
    """Fill ``tensor`` with ``value`` and return it.

    >>> import mg_autograd as ag
    >>> constant_(ag.tensor([1.0, 2.0]), 0.5)
    tensor([0.5000, 0.5000])
    """
    return _fill(tensor, core.full(tensor.shape, value))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with zeros and return it.

    >>> import mg_autograd as ag
    >>> zeros_(ag.tensor([1.0, 2.0]))
    tensor([0., 0.])
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with ones and return it."""
    return constant_(tensor, 1.0)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: core.random.Generator | None = None
) -> Tensor:
    """Glorot's uniform init: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    >>> import mg_autograd as ag
    >>> w = xavier_uniform_(ag.tensor(core.zeros((3, 5))), generator=core.random.default_rng(0))
    >>> max(abs(v) for row in w.tolist() for v in row) < (6 / 8) ** 0.5
    True
    """
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, generator: core.random.Generator | None = None
) -> Tensor:
    """Glorot's normal init: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: FanMode = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: core.random.Generator | None = None,
) -> Tensor:
    """He's uniform init: U(-b, b) with b = gain * sqrt(3 / fan), fan chosen by ``mode``.

    ``a`` is the negative slope used by the leaky_relu gain.

    >>> import mg_autograd as ag
    >>> w = ag.tensor(core.zeros((4, 6)))
    >>> w = kaiming_uniform_(w, nonlinearity="relu", generator=core.random.default_rng(0))
    >>> max(abs(v) for row in w.tolist() for v in row) < 1.0  # sqrt(2) * sqrt(3 / 6)
    True
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: FanMode = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: core.random.Generator | None = None,
) -> Tensor:
    """He's normal init: N(0, std²) with std = gain / sqrt(fan), fan chosen by ``mode``."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def _fan(tensor: Tensor, mode: str) -> int:
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")


def _fill(tensor: Tensor, values: core.Tensor) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init fills an mg_autograd.Tensor, got {type(tensor).__name__}")
    with no_grad():
        assign_data(tensor, values)
    return tensor
