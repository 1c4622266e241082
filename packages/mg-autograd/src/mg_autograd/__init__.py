"""mg_autograd: a differentiable Tensor over mg_core, with PyTorch's Function/ctx contract.

>>> import mg_autograd as ag
>>> a = ag.tensor([1.0, 2.0], requires_grad=True)
>>> b = ag.tensor([3.0, 4.0], requires_grad=True)
>>> (a * b + a).sum().backward()
>>> a.grad, b.grad
(tensor([4., 5.]), tensor([1., 2.]))
"""

from mg_autograd._version import __version__
from mg_autograd.function import Context, Function
from mg_autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from mg_autograd.tensor import Tensor, tensor

__all__ = [
    "Context",
    "Function",
    "Tensor",
    "__version__",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "tensor",
]
