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
from mg_autograd.ops.activation import elu, gelu, leaky_relu, logsigmoid, relu, silu, softplus
from mg_autograd.ops.compare import clamp, clip, maximum, minimum, where
from mg_autograd.ops.cross_entropy import cross_entropy, nll_loss
from mg_autograd.ops.extrema import ValuesIndices, amax, amin, max, min
from mg_autograd.ops.joining import cat, chunk, concat, flip, pad, split, stack
from mg_autograd.ops.linalg import matmul
from mg_autograd.ops.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    l1_loss,
    mse_loss,
)
from mg_autograd.ops.softmax import log_softmax, logsumexp, softmax
from mg_autograd.ops.unary import abs, erf, exp, log, sigmoid, sqrt, tanh
from mg_autograd.tensor import Tensor, tensor

__all__ = [
    "Context",
    "Function",
    "GradcheckError",
    "Tensor",
    "ValuesIndices",
    "__version__",
    "abs",
    "amax",
    "amin",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cat",
    "chunk",
    "clamp",
    "clip",
    "concat",
    "cross_entropy",
    "detect_anomaly",
    "draw_dot",
    "elu",
    "enable_grad",
    "erf",
    "exp",
    "flip",
    "gelu",
    "gradcheck",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "l1_loss",
    "leaky_relu",
    "log",
    "log_softmax",
    "logsigmoid",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "min",
    "minimum",
    "mse_loss",
    "nll_loss",
    "no_grad",
    "pad",
    "relu",
    "set_grad_enabled",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "split",
    "sqrt",
    "stack",
    "tanh",
    "tensor",
    "where",
]
