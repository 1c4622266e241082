"""`gradcheck`: compare backward's Jacobian with central finite differences, in float64.

For every input that requires grad and every element of it, the function is evaluated at
``x + eps`` and ``x - eps`` (one element at a time, grad mode off): that column of the
numerical Jacobian is ``(f(x + eps) - f(x - eps)) / (2 eps)``. The analytical Jacobian is
built row by row: one backward per output element, seeded with a one-hot gradient. The two
must agree within ``atol + rtol * |numerical|`` everywhere; otherwise the worst element is
reported with its output index, input index and both values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import mg_core as core

from mg_autograd.grad_mode import no_grad
from mg_autograd.tensor import Tensor

__all__ = ["GradcheckError", "gradcheck"]

Jacobian = list[list[float]]  # [output element][input element]


class GradcheckError(RuntimeError):
    """Raised by `gradcheck` when backward and finite differences disagree."""


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_failure: bool = True,
) -> bool:
    """Check ``fn``'s gradients against central differences; return True if they agree.

    ``fn`` takes the ``inputs`` (Tensors) and returns one Tensor. Inputs that require grad
    must be float64, since float32 rounding swamps a finite difference. Inputs with zero
    strides (expanded views, where one stored element stands for many) cannot be perturbed
    one element at a time: the numerical side uses a contiguous copy of such an input with
    the same values, while backward still runs on the input as given.

    Raises:
        TypeError: if an input that requires grad is not float64, or ``fn`` returns no Tensor.
        GradcheckError: on a mismatch, if ``raise_on_failure`` (else return False).

    >>> import mg_autograd as ag
    >>> import mg_core as core
    >>> x = ag.tensor([1.0, 2.0], dtype=core.float64, requires_grad=True)
    >>> gradcheck(lambda t: (t * t).sum(axis=0, keepdims=True) / t, [x])
    True
    >>> gradcheck(lambda t: t * 2, [ag.tensor([1.0], requires_grad=True)])
    Traceback (most recent call last):
    TypeError: gradcheck needs float64 inputs, but input 0 is float32; ...
    """
    for i, x in enumerate(inputs):
        if x.requires_grad and x.dtype is not core.float64:
            raise TypeError(
                f"gradcheck needs float64 inputs, but input {i} is {x.dtype.name}; "
                "float32 rounding swamps finite differences: build the inputs with "
                "dtype=mg_core.float64"
            )
    leaves = [Tensor(x.data, requires_grad=x.requires_grad) for x in inputs]
    for k, x in enumerate(inputs):
        if not x.requires_grad:
            continue
        analytical = _analytical(fn, leaves, k)
        numerical = _numerical(fn, leaves, k, eps)
        failure = _worst_mismatch(analytical, numerical, atol, rtol)
        if failure is not None:
            out_i, in_i = failure
            message = (
                f"Jacobian mismatch for output element {_unravel(out_i, _output_shape(fn, leaves))}"
                f" with respect to input {k} element {_unravel(in_i, x.shape)}: "
                f"backward gives {analytical[out_i][in_i]!r}, finite differences give "
                f"{numerical[out_i][in_i]!r} (atol={atol}, rtol={rtol}, eps={eps})"
            )
            if raise_on_failure:
                raise GradcheckError(message)
            return False
    return True


def _call(fn: Callable[..., Tensor], args: Sequence[Tensor]) -> Tensor:
    out = fn(*args)
    if not isinstance(out, Tensor):
        raise TypeError(
            f"gradcheck: fn must return an mg_autograd.Tensor, got {type(out).__name__}"
        )
    return out


def _output_shape(fn: Callable[..., Tensor], leaves: Sequence[Tensor]) -> tuple[int, ...]:
    with no_grad():
        return _call(fn, leaves).shape


def _analytical(fn: Callable[..., Tensor], leaves: Sequence[Tensor], k: int) -> Jacobian:
    """One row per output element: the gradient of that element with respect to input k."""
    rows: Jacobian = []
    out = _call(fn, leaves)
    for j in range(out.size):
        leaves[k].grad = None
        seed = core.zeros((out.size,), dtype=out.dtype)
        seed[j] = 1.0
        if out.requires_grad:
            out.backward(Tensor(core.reshape(seed, out.shape)), retain_graph=True)
        grad = leaves[k].grad
        rows.append(_flat(grad.data) if grad is not None else [0.0] * leaves[k].size)
    leaves[k].grad = None
    return rows


def _numerical(fn: Callable[..., Tensor], leaves: Sequence[Tensor], k: int, eps: float) -> Jacobian:
    """Columns of central differences, transposed to rows like `_analytical`."""
    args = list(leaves)
    x = leaves[k].data
    if 0 in x.strides and x.size > 1:
        x = x.copy()  # expanded: perturbing one stored element would move many
    args[k] = Tensor(x)
    columns: list[list[float]] = []
    with no_grad():
        for i in range(x.size):
            # Read through the index so non-contiguous inputs are perturbed in place.
            index = _unravel(i, x.shape)
            original = float(x[index].item())
            x[index] = original + eps
            plus = _flat(_call(fn, args).data)
            x[index] = original - eps
            minus = _flat(_call(fn, args).data)
            x[index] = original
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus, strict=True)])
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _worst_mismatch(
    analytical: Jacobian, numerical: Jacobian, atol: float, rtol: float
) -> tuple[int, int] | None:
    worst: tuple[int, int] | None = None
    worst_excess = 0.0
    for o, (a_row, n_row) in enumerate(zip(analytical, numerical, strict=True)):
        for i, (a, n) in enumerate(zip(a_row, n_row, strict=True)):
            excess = abs(a - n) - (atol + rtol * abs(n))
            if math.isnan(excess):
                excess = math.inf  # NaN on either side is always a mismatch
            if excess > worst_excess:
                worst, worst_excess = (o, i), excess
    return worst


def _flat(data: core.Tensor) -> list[float]:
    values = core.reshape(data, (data.size,)).tolist()
    assert isinstance(values, list)
    return [float(v) for v in values]  # type: ignore[arg-type]


def _unravel(i: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    index: list[int] = []
    for n in reversed(shape):
        index.append(i % n)
        i //= n
    return tuple(reversed(index))
