"""mg_autograd: a differentiable Tensor over mg_core, with PyTorch's Function/ctx contract.

>>> import mg_autograd as ag
>>> a = ag.tensor([1.0, 2.0], requires_grad=True)
>>> b = ag.tensor([3.0, 4.0], requires_grad=True)
>>> (a * b + a).sum().backward()
>>> a.grad, b.grad
(tensor([4., 5.]), tensor([1., 2.]))
"""

# function.py first: it imports tensor.py at its end, and tensor.py needs Function (a cycle).
from mg_autograd.function import Context, Function

# isort: split
from mg_autograd._version import __version__
from mg_autograd.draw import draw_dot
from mg_autograd.grad_mode import (
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from mg_autograd.gradcheck import GradcheckError, gradcheck
from mg_autograd.tensor import Tensor, tensor

# isort: split
# nn and optim build on Tensor, so they come after it.
from mg_autograd import data, nn, optim
from mg_autograd.random import manual_seed
from mg_autograd.serialization import load, save

__all__ = [
    "Context",
    "Function",
    "GradcheckError",
    "Tensor",
    "__version__",
    "data",
    "detect_anomaly",
    "draw_dot",
    "enable_grad",
    "gradcheck",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "load",
    "manual_seed",
    "nn",
    "no_grad",
    "optim",
    "save",
    "set_grad_enabled",
    "tensor",
]
