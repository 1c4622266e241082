"""Stateless layer functions (PyTorch's ``torch.nn.functional``); modules are thin wrappers.

Activations, softmax and the losses are the autograd ops themselves (`mg_autograd.ops`),
re-exported under PyTorch's names; the rest compose differentiable ops, so their gradients
need no code of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import mg_core as core

from mg_autograd.grad_mode import no_grad
from mg_autograd.nn.conv import conv2d
from mg_autograd.nn.embedding import embedding
from mg_autograd.nn.module import assign_data
from mg_autograd.nn.pooling import avg_pool2d, max_pool2d
from mg_autograd.ops import loss as _loss
from mg_autograd.ops.activation import gelu, leaky_relu, relu, silu, softplus
from mg_autograd.ops.cross_entropy import cross_entropy, nll_loss
from mg_autograd.ops.linalg import matmul
from mg_autograd.ops.linear import linear as _linear
from mg_autograd.ops.loss import binary_cross_entropy_with_logits
from mg_autograd.ops.softmax import log_softmax, softmax
from mg_autograd.ops.unary import sigmoid, tanh
from mg_autograd.random import default_generator
from mg_autograd.tensor import Tensor

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "embedding",
    "flatten",
    "gelu",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "tanh",
]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Return ``input @ weight.T + bias`` over the last axis of ``input``.

    ``weight`` has shape (out_features, in_features); ``input`` (..., in_features).

    Raises:
        ValueError: if the last axis of ``input`` is not ``in_features`` long.

    >>> import mg_autograd as ag
    >>> linear(ag.tensor([[1.0, 2.0]]), ag.tensor([[1.0, 1.0], [0.0, 3.0]]), ag.tensor([0.5, 0.0]))
    tensor([[3.5000, 6.0000]])
    """
    if weight.ndim != 2:
        raise ValueError(f"linear: weight must be 2-d (out, in), got shape {weight.shape}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: expected input with {weight.shape[1]} features in its last dimension "
            f"(weight shape {weight.shape}), got input of shape {input.shape}"
        )
    if bias is None or bias.shape == (weight.shape[0],):
        return _linear(input, weight, bias)  # one graph node (ops/linear.py)
    return matmul(input, weight.T) + bias  # another bias shape broadcasts like any add


def flatten(input: Tensor, start_dim: int = 1, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim`` to ``end_dim`` (inclusive) into one.

    >>> import mg_autograd as ag
    >>> flatten(ag.tensor(core.zeros((2, 3, 4)))).shape
    (2, 12)
    """
    ndim = max(input.ndim, 1)
    start, end = start_dim % ndim, end_dim % ndim
    if not (-ndim <= start_dim < ndim and -ndim <= end_dim < ndim) or start > end:
        raise ValueError(
            f"flatten: start_dim={start_dim}, end_dim={end_dim} do not select axes in order "
            f"of a tensor of shape {input.shape}"
        )
    if input.ndim == 0:
        return input.reshape(1)
    shape = input.shape
    merged = 1
    for n in shape[start : end + 1]:
        merged *= n
    return input.reshape(*shape[:start], merged, *shape[end + 1 :])


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    generator: core.random.Generator | None = None,
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Does nothing when ``training`` is False.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([1.0, 1.0, 1.0, 1.0])
    >>> sorted(set(dropout(x, 0.5, generator=core.random.default_rng(0)).tolist()))
    [0.0, 2.0]
    >>> dropout(x, 0.5, training=False) is x
    True
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    rng = generator or default_generator()
    keep = core.greater_equal(rng.random(input.shape, dtype=core.float64), p)
    mask = core.where(keep, 1.0 / (1.0 - p), 0.0).astype(input.dtype)
    return input * mask


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Return the squared error ``(input - target) ** 2``, averaged, summed or per element.

    Raises:
        ValueError: if the shapes differ or ``reduction`` is not 'mean', 'sum' or 'none'.

    >>> import mg_autograd as ag
    >>> mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    if input.shape != target.shape:
        raise ValueError(
            f"mse_loss: input shape {input.shape} and target shape {target.shape} differ"
        )
    return _loss.mse_loss(input, target, reduction)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (axis 1) over the batch and spatial axes, then scale and shift.

    With ``training``, the batch's statistics are used and the running ones (if given) move
    toward them by ``momentum`` (the running variance is the unbiased one, as in PyTorch);
    otherwise the running statistics are used.

    >>> import mg_autograd as ag
    >>> batch_norm(ag.tensor([[1.0], [3.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm expects input of shape (N, C, ...), got {input.shape}")
    axes = (0, *range(2, input.ndim))
    channel_shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    if training:
        count = input.size // input.shape[1]
        if count <= 1:
            raise ValueError(
                f"batch_norm in training needs more than 1 value per channel, got input of "
                f"shape {input.shape}"
            )
        mean = input.mean(axes, keepdims=True)
        var = input.var(axes, keepdims=True, correction=0)
        if running_mean is not None and running_var is not None:
            with no_grad():
                flat_mean = mean.data.reshape(-1)
                unbiased = var.data.reshape(-1) * (count / (count - 1))
                assign_data(running_mean, running_mean.data * (1 - momentum) + flat_mean * momentum)
                assign_data(running_var, running_var.data * (1 - momentum) + unbiased * momentum)
    elif running_mean is None or running_var is None:
        raise ValueError("batch_norm outside training needs running_mean and running_var")
    else:
        mean = running_mean.reshape(channel_shape)
        var = running_var.reshape(channel_shape)
    out = (input - mean) / (var + eps) ** 0.5
    if weight is not None:
        out = out * weight.reshape(channel_shape)
    if bias is not None:
        out = out + bias.reshape(channel_shape)
    return out


def layer_norm(
    input: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each sample over its last ``len(normalized_shape)`` axes, then scale and shift.

    Raises:
        ValueError: if the input's trailing shape is not ``normalized_shape``.

    >>> import mg_autograd as ag
    >>> layer_norm(ag.tensor([[0.0, 2.0]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    shape = tuple(normalized_shape)
    if not shape or input.shape[input.ndim - len(shape) :] != shape or input.ndim < len(shape):
        raise ValueError(
            f"layer_norm: normalized_shape {shape} must be the trailing shape of the input, "
            f"got input of shape {input.shape}"
        )
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    mean = input.mean(axes, keepdims=True)
    var = input.var(axes, keepdims=True, correction=0)
    out = (input - mean) / (var + eps) ** 0.5
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out
