"""Unary math primitives with their own gradient formula: exp, log, sqrt, abs, tanh, sigmoid, erf.

Everything else elementwise (relu, gelu, silu, softplus, ...) is composed from these in
activation.py. Formulas that reuse the forward result (exp, sqrt, tanh, sigmoid) read the
saved output on the first-order path; under ``create_graph=True`` a saved output would come
back as a constant (only saved *inputs* are reconnected to the graph, Note [Duck-typed
backward]), so there the output is recomputed from the input as a recorded op instead.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final, TypeAlias, cast

import mg_core as core

from mg_autograd.function import Context, Function

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = [
    "Abs",
    "Erf",
    "Exp",
    "Log",
    "Sigmoid",
    "Sqrt",
    "Tanh",
    "abs",
    "constant",
    "erf",
    "exp",
    "log",
    "recording",
    "sigmoid",
    "sqrt",
    "tanh",
]

MaybeTensor: TypeAlias = "core.Tensor | None"

_TWO_OVER_SQRT_PI: Final = 2.0 / math.sqrt(math.pi)


def recording(grad: core.Tensor) -> bool:
    """Whether backward runs under ``create_graph`` (the gradient is an mg_autograd Tensor)."""
    return not isinstance(grad, core.Tensor)


def constant(x: core.Tensor) -> core.Tensor:
    """The mg_core data of a saved tensor in either mode: for masks that carry no gradient."""
    given: object = x  # typed as mg_core's, but a Tensor under create_graph
    return given if isinstance(given, core.Tensor) else cast("Tensor", given).data


def _again(function: type[Function], x: core.Tensor) -> core.Tensor:
    """Rerun ``function`` on the (graph-connected) input as a recorded op."""
    return cast("core.Tensor", function.apply_first(x))


class Exp(Function):
    """``e ** x``; the gradient is the output itself."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        out = core.exp(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        x, out = ctx.saved_tensors
        return grad * (_again(Exp, x) if recording(grad) else out)


class Log(Function):
    """Natural logarithm; the gradient is ``1 / x``."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        ctx.save_for_backward(x)
        return core.log(x)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Function):
    """Square root; the gradient is ``1 / (2 sqrt(x))``, so inf at 0 (as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        out = core.sqrt(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        x, out = ctx.saved_tensors
        return grad / ((_again(Sqrt, x) if recording(grad) else out) * 2.0)


class Abs(Function):
    """Absolute value; the gradient is ``sign(x)``, 0 at 0 (as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        ctx.save_for_backward(x)
        return core.abs(x)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        # sign(x) is piecewise constant: a constant factor, so no second-order term.
        return grad * core.sign(constant(x))


class Tanh(Function):
    """Hyperbolic tangent; the gradient is ``1 - tanh(x) ** 2``."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        out = core.tanh(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        x, out = ctx.saved_tensors
        y = _again(Tanh, x) if recording(grad) else out
        return grad * (1.0 - y * y)


class Sigmoid(Function):
    """Logistic function ``1 / (1 + e ** -x)``; the gradient is ``s (1 - s)``.

    A primitive rather than a composition: composed, the gradient at x = -1000 would be
    ``inf / inf``; from the saved output it is ``0 * 1 = 0``.
    """

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        out = core.sigmoid(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        x, out = ctx.saved_tensors
        s = _again(Sigmoid, x) if recording(grad) else out
        return grad * (s * (1.0 - s))


class Erf(Function):
    """Gauss error function; the gradient is ``2 / sqrt(pi) * e ** -(x ** 2)``."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor) -> core.Tensor:
        ctx.save_for_backward(x)
        return core.erf(x)

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> MaybeTensor:
        if not ctx.needs_input_grad[0]:
            return None
        (x,) = ctx.saved_tensors
        e = _again(Exp, -(x * x)) if recording(grad) else core.exp(-(x * x))
        return grad * (e * _TWO_OVER_SQRT_PI)


def exp(x: Tensor) -> Tensor:
    """Return ``e ** x`` elementwise.

    >>> import mg_autograd as ag
    >>> ag.exp(ag.tensor([0.0, 1.0]))
    tensor([1.0000, 2.7183])
    """
    return Exp.apply_first(x)


def log(x: Tensor) -> Tensor:
    """Return the natural logarithm elementwise (-inf at 0, nan below).

    >>> import mg_autograd as ag
    >>> ag.log(ag.tensor([1.0, 4.0]))
    tensor([0.0000, 1.3863])
    """
    return Log.apply_first(x)


def sqrt(x: Tensor) -> Tensor:
    """Return the square root elementwise; its gradient at 0 is inf, as PyTorch's.

    >>> import mg_autograd as ag
    >>> ag.sqrt(ag.tensor([4.0, 9.0]))
    tensor([2., 3.])
    """
    return Sqrt.apply_first(x)


def abs(x: Tensor) -> Tensor:
    """Return ``|x|`` elementwise; the gradient at 0 is 0, as PyTorch's.

    >>> import mg_autograd as ag
    >>> ag.abs(ag.tensor([-1.5, 2.0]))
    tensor([1.5000, 2.0000])
    """
    return Abs.apply_first(x)


def tanh(x: Tensor) -> Tensor:
    """Return the hyperbolic tangent elementwise.

    >>> import mg_autograd as ag
    >>> ag.tanh(ag.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])
    """
    return Tanh.apply_first(x)


def sigmoid(x: Tensor) -> Tensor:
    """Return ``1 / (1 + e ** -x)`` elementwise, with finite gradients for any finite x.

    >>> import mg_autograd as ag
    >>> ag.sigmoid(ag.tensor([0.0, -1000.0, 1000.0]))
    tensor([0.5000, 0.0000, 1.0000])
    """
    return Sigmoid.apply_first(x)


def erf(x: Tensor) -> Tensor:
    """Return the Gauss error function elementwise.

    >>> import mg_autograd as ag
    >>> ag.erf(ag.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8427])
    """
    return Erf.apply_first(x)
