"""`sum_to_shape`: the adjoint of broadcasting, shared by every broadcasting op's backward."""

from __future__ import annotations

import mg_core as core

__all__ = ["sum_to_shape"]


def sum_to_shape(grad: core.Tensor, shape: tuple[int, ...]) -> core.Tensor:
    """Sum ``grad`` down to ``shape``: the adjoint of broadcasting ``shape`` to ``grad.shape``.

    Broadcasting copies an input along new leading axes and along its size-1 axes, so the
    gradient of that input is the sum over those axes: leading extra axes are summed away and
    size-1 axes are summed with keepdims. Expand's backward is exactly this.

    Raises:
        ValueError: if ``shape`` does not broadcast to ``grad.shape``.

    >>> import mg_core as core
    >>> g = core.ones((2, 3, 4))
    >>> sum_to_shape(g, (3, 1)).tolist()
    [[8.0], [8.0], [8.0]]
    >>> sum_to_shape(g, (4,)).tolist()
    [6.0, 6.0, 6.0, 6.0]
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0 or any(n not in (1, m) for n, m in zip(shape, grad.shape[lead:], strict=True)):
        raise ValueError(f"cannot sum gradient of shape {grad.shape} to shape {shape}")
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    # One reduction with keepdims; the reshape then only drops the leading size-1 axes.
    # Methods, not core functions: under create_graph, grad is an mg_autograd.Tensor.
    return grad.sum(axis=axes, keepdims=True).reshape(shape)
