"""Edges of the functional ops, each against PyTorch: huge logits, kinks, ties, bad input.

Stability: logits of +-1000 must give finite values and finite gradients, equal to torch's.
Conventions: the gradients at the kinks (sqrt at 0, abs at 0, relu at 0, ...) and the share of
each tied element (maximum, amax, max along a dim, clamp at its bounds) are torch's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

Fn = Callable[..., Any]
DTYPES = {"float32": (core.float32, torch.float32), "float64": (core.float64, torch.float64)}

LOGITS = [[1000.0, -1000.0, 0.0, 999.0], [-1000.0, -1000.0, -999.5, -1000.0]]


def _same_as_torch(op: Fn, torch_op: Fn, arrays: list[Any], dtype: str, finite: bool) -> None:
    """Values and gradients (upstream gradient of ones) equal torch's; finite if asked."""
    mg_dtype, torch_dtype = DTYPES[dtype]
    mg_in = [ag.tensor(a, dtype=mg_dtype, requires_grad=True) for a in arrays]
    torch_in = [torch.tensor(a, dtype=torch_dtype, requires_grad=True) for a in arrays]
    out = op(*mg_in)
    expected = torch_op(*torch_in)
    out.sum().backward()
    expected.sum().backward()
    # float32: PyTorch rounds intermediates near 1000 (an ulp is 6e-5) where mg shifts first.
    tol = 2e-4 if dtype == "float32" else 1e-12
    got, want = out.numpy(), expected.detach().numpy()
    if finite:
        assert np.isfinite(got).all(), got
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    for m, t in zip(mg_in, torch_in, strict=True):
        assert m.grad is not None
        assert t.grad is not None
        if finite:
            assert np.isfinite(m.grad.numpy()).all(), m.grad
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol)


TARGETS = [0, 2]

STABLE: dict[str, tuple[Fn, Fn]] = {
    "softmax": (lambda x: ag.softmax(x, 1), lambda x: torch.softmax(x, 1)),
    "softmax_dim0": (lambda x: x.softmax(0), lambda x: x.softmax(0)),
    "log_softmax": (lambda x: ag.log_softmax(x, 1), lambda x: torch.log_softmax(x, 1)),
    "logsumexp": (lambda x: ag.logsumexp(x, 1), lambda x: torch.logsumexp(x, 1)),
    "logsumexp_all": (lambda x: x.logsumexp((0, 1)), lambda x: x.logsumexp((0, 1))),
    "sigmoid": (ag.sigmoid, torch.sigmoid),
    "tanh": (ag.tanh, torch.tanh),
    "silu": (ag.silu, F.silu),
    "softplus": (ag.softplus, F.softplus),
    "gelu": (ag.gelu, F.gelu),
    "logsigmoid": (ag.logsigmoid, F.logsigmoid),
    "elu": (ag.elu, F.elu),
    "gelu_tanh": (lambda x: ag.gelu(x, "tanh"), lambda x: F.gelu(x, approximate="tanh")),
    "cross_entropy": (
        lambda x: ag.cross_entropy(x, ag.tensor(TARGETS), label_smoothing=0.1),
        lambda x: F.cross_entropy(x, torch.tensor(TARGETS), label_smoothing=0.1),
    ),
    "bce_with_logits": (
        lambda x: ag.binary_cross_entropy_with_logits(x, (x.detach() > 0).astype(x.dtype)),
        lambda x: F.binary_cross_entropy_with_logits(x, (x.detach() > 0).to(x.dtype)),
    ),
    "bce_with_logits_wrong": (
        lambda x: ag.binary_cross_entropy_with_logits(x, (x.detach() < 0).astype(x.dtype)),
        lambda x: F.binary_cross_entropy_with_logits(x, (x.detach() < 0).to(x.dtype)),
    ),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(STABLE))
def test_huge_logits_give_finite_values_and_gradients(name: str, dtype: str) -> None:
    op, torch_op = STABLE[name]
    _same_as_torch(op, torch_op, [LOGITS], dtype, finite=True)


@settings(max_examples=25, deadline=None)
@given(
    logits=hnp.arrays(
        np.float32,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=5),
        elements=st.floats(-1e4, 1e4, width=32),
    ),
    dim=st.sampled_from([0, 1, -1]),
)
def test_softmax_family_is_finite_for_any_large_logits(logits: np.ndarray, dim: int) -> None:
    x = ag.tensor(logits, requires_grad=True)
    t = torch.tensor(logits, requires_grad=True)
    probs = ag.softmax(x, dim)
    log_probs = ag.log_softmax(x, dim)
    np.testing.assert_allclose(probs.sum(axis=dim).numpy(), 1.0, rtol=1e-5)
    assert (log_probs.numpy() <= 0).all()
    weights = np.linspace(-1.0, 1.0, logits.size, dtype=np.float32).reshape(logits.shape)
    loss = (probs * ag.tensor(weights)).sum() + (log_probs * ag.tensor(weights)).sum()
    loss = loss + ag.logsumexp(x, dim).sum()
    loss.backward()
    expected = (torch.softmax(t, dim) * torch.tensor(weights)).sum()
    expected = expected + (torch.log_softmax(t, dim) * torch.tensor(weights)).sum()
    (expected + torch.logsumexp(t, dim).sum()).backward()
    assert x.grad is not None
    assert t.grad is not None
    assert np.isfinite(x.grad.numpy()).all()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-3, atol=1e-3)


def test_softplus_without_threshold_stays_finite() -> None:
    # PyTorch overflows to inf here (exp(1000)); log1pexp shifts first: log(1 + e^x) -> x.
    x = ag.tensor([1000.0, -1000.0, 0.0], dtype=core.float64, requires_grad=True)
    y = ag.softplus(x, threshold=1e9)
    y.sum().backward()
    np.testing.assert_allclose(y.numpy(), [1000.0, 0.0, np.log(2.0)], rtol=1e-15)
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 0.5], rtol=1e-15)


def test_sigmoid_gradient_underflows_to_zero_not_nan() -> None:
    x = ag.tensor([-1000.0, 1000.0], requires_grad=True)
    ag.sigmoid(x).sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [0.0, 0.0]


AT_ZERO: dict[str, tuple[Fn, Fn]] = {
    "sqrt": (ag.sqrt, torch.sqrt),
    "abs": (ag.abs, torch.abs),
    "relu": (ag.relu, torch.relu),
    "leaky_relu": (lambda x: ag.leaky_relu(x, 0.1), lambda x: F.leaky_relu(x, 0.1)),
    "elu": (lambda x: ag.elu(x, 0.5), lambda x: F.elu(x, 0.5)),
    "clamp_bounds": (lambda x: ag.clamp(x, 0.0, 1.0), lambda x: torch.clamp(x, 0.0, 1.0)),
    "clamp_lo_only": (lambda x: x.clamp(min=1.0), lambda x: x.clamp(min=1.0)),
    "softplus_threshold": (
        lambda x: ag.softplus(x, beta=2.0, threshold=2.0),
        lambda x: F.softplus(x, beta=2.0, threshold=2.0),
    ),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(AT_ZERO))
def test_kinks_follow_torch(name: str, dtype: str) -> None:
    # 0 and 1 are kinks of these ops (1 for the clamp bounds and the softplus threshold).
    op, torch_op = AT_ZERO[name]
    _same_as_torch(op, torch_op, [[0.0, 1.0, -0.0, 2.0]], dtype, finite=False)


def test_sqrt_gradient_at_zero_is_inf() -> None:
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    ag.sqrt(x).sum().backward()
    assert x.grad is not None
    assert x.grad.tolist() == [float("inf"), 0.25]


TIES: dict[str, tuple[Fn, Fn, list[Any]]] = {
    "maximum": (ag.maximum, torch.maximum, [[1.0, 2.0, 3.0], [1.0, 5.0, 3.0]]),
    "minimum": (ag.minimum, torch.minimum, [[1.0, 2.0, 3.0], [1.0, 5.0, 3.0]]),
    "maximum_broadcast": (ag.maximum, torch.maximum, [[[2.0, 1.0], [2.0, 2.0]], [2.0]]),
    "amax_all": (ag.amax, torch.amax, [[[1.0, 3.0, 3.0], [3.0, 0.0, 2.0]]]),
    "amax_dim": (lambda x: x.amax(1), lambda x: x.amax(1), [[[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]]]),
    "amin_dims": (
        lambda x: ag.amin(x, (0, 1), keepdim=True),
        lambda x: torch.amin(x, (0, 1), keepdim=True),
        [[[1.0, 1.0], [0.0, 1.0]]],
    ),
    "max_all": (lambda x: x.max(), lambda x: x.max(), [[[4.0, 4.0], [4.0, 1.0]]]),
    "min_all": (ag.min, torch.min, [[[4.0, 0.0], [0.0, 0.0]]]),
    "max_dim_first_index": (
        lambda x: x.max(1).values,
        lambda x: x.max(1).values,
        [[[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]],
    ),
    "min_dim0": (
        lambda x: ag.min(x, 0, keepdim=True).values,
        lambda x: torch.min(x, 0, keepdim=True).values,
        [[[1.0, 3.0], [1.0, 2.0], [0.5, 2.0]]],
    ),
    "clamp_tensor_ties": (
        ag.clamp,
        torch.clamp,
        [[0.0, 1.0, 2.0, 3.0, 1.0, 2.0], [1.0, 1.0, 1.0, 1.0, 2.0, 2.0], [2.0, 2.0] * 3],
    ),
    "clamp_min_above_max": (
        ag.clamp,
        torch.clamp,
        [[0.0, 1.0, 2.0, 1.5], [1.0, 1.0, 1.0, 2.0], [1.0, 1.0, 1.0, 1.0]],
    ),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(TIES))
def test_ties_split_as_torch(name: str, dtype: str) -> None:
    op, torch_op, arrays = TIES[name]
    _same_as_torch(op, torch_op, arrays, dtype, finite=True)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("which", ["max", "min"])
def test_max_min_along_dim_return_torch_indices(dim: int, keepdim: bool, which: str) -> None:
    data = np.array([[3.0, 1.0, 3.0], [0.0, 0.0, 5.0]])
    values, indices = getattr(ag.tensor(data), which)(dim, keepdim)
    expected = getattr(torch.tensor(data), which)(dim, keepdim)
    assert indices.dtype == core.int64
    np.testing.assert_array_equal(indices.numpy(), expected.indices.numpy())
    np.testing.assert_array_equal(values.numpy(), expected.values.numpy())


def test_number_bounds_are_weak_scalars() -> None:
    # As NumPy 2 (NEP 50): the tensor's float dtype is kept; an int tensor becomes float.
    ints = ag.tensor([1, 2])
    assert ag.clamp(ints, 1.5).tolist() == [1.5, 2.0]
    assert ag.maximum(ints, 1.5).tolist() == [1.5, 2.0]
    assert ag.clamp(ints, 0, 1).tolist() == [1, 1]
    assert ag.clamp(ints, 0, 1).dtype == core.int64
    assert ag.minimum(ag.tensor([1.0, 3.0]), 2.0).dtype == core.float32


def test_max_along_a_nonempty_dim_of_an_empty_tensor() -> None:
    values, indices = X23[:0].max(1)
    assert values.shape == indices.shape == (0,)
    assert ag.amin(X23[:0], 1, keepdim=True).shape == (0, 1)


def test_max_of_0d_tensor_along_dim() -> None:
    x = ag.tensor(2.5, requires_grad=True)
    values, indices = x.max(0)
    values.backward()
    assert (values.item(), indices.item()) == (2.5, 0)
    assert x.grad is not None
    assert x.grad.item() == 1.0


def test_softmax_rows_sum_to_one_and_second_derivatives_are_finite() -> None:
    x = ag.tensor(LOGITS, dtype=core.float64, requires_grad=True)
    y = ag.softmax(x, 1)
    np.testing.assert_allclose(y.sum(axis=1).numpy(), [1.0, 1.0])
    y[:, 0].sum().backward(create_graph=True)
    g = x.grad
    assert g is not None
    x.grad = None
    (g * g).sum().backward()
    assert x.grad is not None
    assert np.isfinite(x.grad.numpy()).all()


def _raises(error: type[Exception], match: str, fn: Fn) -> None:
    with pytest.raises(error, match=match):
        fn()


X23 = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

ERRORS: dict[str, tuple[type[Exception], str, Fn]] = {
    "cat_empty": (ValueError, "non-empty", lambda: ag.cat([])),
    "cat_shapes": (ValueError, r"\(2, 3\) and \(2, 2\)", lambda: ag.cat([X23, X23[:, :2]])),
    "cat_ndim": (ValueError, "same number of dimensions", lambda: ag.cat([X23, X23[0]])),
    "cat_dim": (IndexError, "dim 2", lambda: ag.cat([X23, X23], dim=2)),
    "stack_shapes": (ValueError, r"\(2, 3\) and \(3,\)", lambda: ag.stack([X23, X23[0]])),
    "split_sizes": (ValueError, r"\[1, 1\] do not add up to 3", lambda: ag.split(X23, [1, 1], 1)),
    "split_size": (ValueError, "positive", lambda: ag.split(X23, 0)),
    "chunk_zero": (ValueError, "positive", lambda: ag.chunk(X23, 0)),
    "flip_repeat": (ValueError, "twice", lambda: ag.flip(X23, (0, -2))),
    "flip_dim": (IndexError, "dim 3", lambda: ag.flip(X23, 3)),
    "pad_odd": (ValueError, "even number", lambda: ag.pad(X23, (1, 2, 3))),
    "pad_too_many": (ValueError, "at most 2 per axis", lambda: ag.pad(X23, (1,) * 6)),
    "pad_mode": (ValueError, "reflect", lambda: ag.pad(X23, (1, 1), mode="reflect")),
    "pad_crop": (ValueError, "crop more", lambda: ag.pad(X23, (-2, -2))),
    "gelu_mode": (ValueError, "'sigmoid'", lambda: ag.gelu(X23, approximate="sigmoid")),
    "clamp_none": (ValueError, "at least one", lambda: ag.clamp(X23)),
    "clamp_bound_type": (TypeError, "str", lambda: ag.clamp(X23, "a")),  # type: ignore[arg-type]
    "where_condition": (TypeError, "bool tensor, got float32", lambda: ag.where(X23, X23, 0.0)),
    "softmax_dim": (IndexError, "axis 2", lambda: ag.softmax(X23, 2)),
    "logsumexp_dims": (ValueError, "duplicate", lambda: ag.logsumexp(X23, (1, -1))),
    "amax_empty": (
        ValueError,
        r"empty axis of a tensor of shape \(0, 3\)",
        lambda: ag.amax(X23[:0]),
    ),
    "max_empty_dim": (ValueError, r"\(0, 3\) \(axes \(0,\)\)", lambda: X23[:0].max(0)),
    "max_dim": (IndexError, "axis 5", lambda: X23.max(5)),
    "ce_reduction": (
        ValueError,
        "'avg'",
        lambda: ag.cross_entropy(X23, ag.tensor([0, 1]), reduction="avg"),
    ),
    "ce_target_shape": (
        ValueError,
        r"target shape \(3,\) does not match input shape \(2, 3\)",
        lambda: ag.cross_entropy(X23, ag.tensor([0, 1, 2])),
    ),
    "ce_class_range": (
        IndexError,
        "out of range for 3 classes",
        lambda: ag.cross_entropy(X23, ag.tensor([0, 3])),
    ),
    "ce_smoothing": (
        ValueError,
        "label_smoothing",
        lambda: ag.cross_entropy(X23, ag.tensor([0, 1]), label_smoothing=1.5),
    ),
    "ce_weight": (
        ValueError,
        r"weight must have shape \(3,\)",
        lambda: ag.cross_entropy(X23, ag.tensor([0, 1]), weight=ag.tensor([1.0, 2.0])),
    ),
    "ce_0d": (ValueError, "class axis", lambda: ag.cross_entropy(ag.tensor(1.0), ag.tensor(0))),
    "bce_shape": (
        ValueError,
        r"target shape \(3,\) must equal the input shape \(2, 3\)",
        lambda: ag.binary_cross_entropy_with_logits(X23, X23[0]),
    ),
    "mse_reduction": (ValueError, "reduction", lambda: ag.mse_loss(X23, X23, reduction="x")),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_bad_input_raises_a_clear_error(name: str) -> None:
    error, match, fn = ERRORS[name]
    _raises(error, match, fn)
