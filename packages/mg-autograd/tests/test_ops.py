"""Every op against its oracles, through one table (OpInfo-lite, STYLE §6).

Each row names an op three ways: the mg callable (on mg_autograd Tensors), the NumPy reference
(values) and the PyTorch reference (gradients), plus a hypothesis strategy for its input shapes
(from strategies.py) and its dtypes. One parametrised test runs, for every row, dtype and input
layout (contiguous, transposed, sliced with negative steps, expanded with zero strides): the
forward check against NumPy, the gradient check against torch with a random upstream gradient,
gradcheck in float64, a reuse check (the output used twice) and second derivatives against
torch. Expected values are always computed by the references, never by mg, never pasted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_autograd_strategies import (
    LAYOUTS,
    Shapes,
    broadcastable,
    expanded_values,
    fixed,
    lay_out,
    shapes,
    values,
)

Fn = Callable[..., Any]


@dataclass(frozen=True)
class OpInfo:
    """One row: an op, its references, how to draw input shapes, and its dtypes."""

    name: str
    op: Fn  # on mg_autograd Tensors
    numpy_ref: Fn  # on float64 NumPy arrays: the values oracle
    shapes: st.SearchStrategy[Shapes]
    torch_ref: Fn | None = None  # on torch tensors: the gradient oracle; None = same as op
    positive: bool = False  # inputs in [0.5, 2]: division, fractional/negative powers
    dtypes: tuple[str, ...] = ("float64", "float32")

    def torch_op(self) -> Fn:
        return self.op if self.torch_ref is None else self.torch_ref


def _row(name: str, op: Fn, ref: Fn, shape_st: st.SearchStrategy[Shapes], **kw: Any) -> OpInfo:
    return OpInfo(name, op, ref, shape_st, **kw)


M23 = fixed((2, 3))
M234 = fixed((2, 3, 4))

OPS: list[OpInfo] = [
    _row("add", lambda a, b: a + b, np.add, broadcastable()),
    _row("sub", lambda a, b: a - b, np.subtract, broadcastable()),
    _row("mul", lambda a, b: a * b, np.multiply, broadcastable()),
    _row("div", lambda a, b: a / b, np.divide, broadcastable(), positive=True),
    _row("add_scalar", lambda a: a + 2.5, lambda a: a + 2.5, shapes()),
    _row("rsub_scalar", lambda a: 2.0 - a, lambda a: 2.0 - a, shapes()),
    _row("rmul_scalar", lambda a: -1.5 * a, lambda a: -1.5 * a, shapes()),
    _row("rdiv_scalar", lambda a: 3.0 / a, lambda a: 3.0 / a, shapes(), positive=True),
    _row("neg", lambda a: -a, np.negative, shapes()),
    _row("pow2", lambda a: a**2, lambda a: a**2, shapes()),
    _row("pow3", lambda a: a**3, lambda a: a**3, shapes()),
    _row("pow_half", lambda a: a**0.5, np.sqrt, shapes(), positive=True),
    _row("pow_minus1", lambda a: a**-1, lambda a: 1 / a, shapes(), positive=True),
    _row("pow0", lambda a: a**0, lambda a: a**0, shapes()),
    _row("sum_all", lambda a: a.sum(), np.sum, shapes()),
    _row("sum_axis0", lambda a: a.sum(axis=0), lambda a: a.sum(axis=0), shapes(1)),
    _row("sum_axis-1_keep", lambda a: a.sum(axis=-1, keepdims=True),
         lambda a: a.sum(axis=-1, keepdims=True), shapes(1)),
    _row("sum_axes02", lambda a: a.sum(axis=(0, 2)), lambda a: a.sum(axis=(0, 2)), M234),
    _row("mean_all", lambda a: a.mean(), np.mean, shapes()),
    _row("mean_axes_keep", lambda a: a.mean(axis=(0, -1), keepdims=True),
         lambda a: a.mean(axis=(0, -1), keepdims=True), M234),
    _row("var", lambda a: a.var(), lambda a: a.var(ddof=1), fixed((3, 4))),
    _row("var_axis1_c0", lambda a: a.var(axis=1, correction=0), lambda a: a.var(axis=1),
         M234, torch_ref=lambda a: a.var(dim=1, correction=0)),
    _row("var_keep", lambda a: a.var(axis=0, keepdims=True),
         lambda a: a.var(axis=0, ddof=1, keepdims=True), M234,
         torch_ref=lambda a: a.var(dim=0, keepdim=True)),
    _row("std", lambda a: a.std(axis=-1), lambda a: a.std(axis=-1, ddof=1), M234,
         torch_ref=lambda a: a.std(dim=-1)),
    _row("reshape", lambda a: a.reshape(3, -1), lambda a: a.reshape(3, -1), fixed((2, 3, 2))),
    _row("view_flat", lambda a: a.view(-1), lambda a: a.reshape(-1), shapes()),
    _row("broadcast_to", lambda a: a.broadcast_to((2, 3, 4)),
         lambda a: np.broadcast_to(a, (2, 3, 4)), fixed((3, 1)),
         torch_ref=lambda a: a.broadcast_to((2, 3, 4))),
    _row("expand", lambda a: a.expand(2, -1, 4), lambda a: np.broadcast_to(a, (2, 3, 4)),
         fixed((3, 1))),
    _row("permute", lambda a: a.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), M234),
    _row("transpose", lambda a: a.transpose(0, -1), lambda a: np.swapaxes(a, 0, -1), M234),
    _row("T", lambda a: a.T, lambda a: a.T, M23, torch_ref=lambda a: a.permute(1, 0)),
    _row("squeeze", lambda a: a.squeeze(), lambda a: a.squeeze(), fixed((1, 3, 1))),
    _row("squeeze_axis", lambda a: a.squeeze(0), lambda a: a.squeeze(0), fixed((1, 3, 1))),
    _row("unsqueeze", lambda a: a.unsqueeze(1), lambda a: np.expand_dims(a, 1), M23),
    _row("index_int", lambda a: a[1], lambda a: a[1], M234),
    _row("index_neg", lambda a: a[-1, :, 2], lambda a: a[-1, :, 2], M234),
    _row("slice_step", lambda a: a[:, ::2], lambda a: a[:, ::2], M234),
    _row("slice_neg_step", lambda a: a[::-1, 1::-2], lambda a: a[::-1, 1::-2], M234,
         torch_ref=lambda a: a.flip(0)[:, [1]]),
    _row("index_none_ellipsis", lambda a: a[None, ..., 1], lambda a: a[None, ..., 1], M234),
    _row("composed", lambda a, b: ((a * b + a) / (b * b + 1)).sum(),
         lambda a, b: ((a * b + a) / (b * b + 1)).sum(), fixed((3, 4), (3, 4))),
    _row("composed_broadcast", lambda a, b: ((a - b) ** 2).mean(axis=0) * 0.5 - a.sum(axis=0),
         lambda a, b: ((a - b) ** 2).mean(axis=0) * 0.5 - a.sum(axis=0), fixed((3, 4), (4,))),
    _row("reuse_input", lambda a: a * a + a / (a + 3.0), lambda a: a * a + a / (a + 3.0),
         shapes(), positive=True),
    _row("slice_then_broadcast", lambda a, b: a[:, 1:] * b.unsqueeze(0),
         lambda a, b: a[:, 1:] * b[None], fixed((2, 3), (2,))),
]  # fmt: skip

TOL = {"float64": 1e-10, "float32": 1e-4}
NP_DTYPES = {"float64": np.float64, "float32": np.float32}


def _inputs(row: OpInfo, shape_list: Shapes, layout: str, dtype: str) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    arrays = [values(s, row.positive, rng) for s in shape_list]
    if layout == "expanded":
        arrays = [expanded_values(a) for a in arrays]
    return [a.astype(NP_DTYPES[dtype]) for a in arrays]


def _mg_leaves(arrays: list[np.ndarray], layout: str) -> list[ag.Tensor]:
    return [ag.Tensor(lay_out(a, layout), requires_grad=True) for a in arrays]


def _grad(t: ag.Tensor) -> np.ndarray:
    return np.zeros(t.shape) if t.grad is None else np.asarray(t.grad.numpy(), dtype=np.float64)


def check_forward(row: OpInfo, arrays: list[np.ndarray], layout: str, dtype: str) -> None:
    out = row.op(*_mg_leaves(arrays, layout))
    expected = np.asarray(row.numpy_ref(*arrays))
    assert out.shape == expected.shape
    assert out.dtype.name == dtype
    np.testing.assert_allclose(out.numpy(), expected, rtol=TOL[dtype], atol=TOL[dtype])


def check_against_torch(op: Fn, torch_op: Fn, arrays: list[np.ndarray], layout: str) -> None:
    """Compare every input gradient (random upstream gradient) with torch's."""
    tol = TOL[str(arrays[0].dtype)]
    mg_in = _mg_leaves(arrays, layout)
    torch_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    mg_out = op(*mg_in)
    torch_out = torch_op(*torch_in)
    assert mg_out.shape == tuple(torch_out.shape)
    np.testing.assert_allclose(mg_out.numpy(), torch_out.detach().numpy(), rtol=tol, atol=tol)
    upstream = np.random.default_rng(1).uniform(-1.0, 1.0, size=mg_out.shape)
    upstream = upstream.astype(arrays[0].dtype)
    mg_out.backward(ag.tensor(upstream))
    torch_out.backward(torch.tensor(upstream))
    for i, (m, t) in enumerate(zip(mg_in, torch_in, strict=True)):
        assert m.grad is not None, f"input {i} got no gradient"
        assert t.grad is not None
        assert m.grad.shape == m.shape
        assert m.grad.dtype == m.dtype
        np.testing.assert_allclose(
            m.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol, err_msg=f"input {i}"
        )


def check_second_order(op: Fn, torch_op: Fn, arrays: list[np.ndarray]) -> None:
    """d/dx <grad_x(<op(x), u>), w> against torch.autograd.grad with create_graph."""
    rng = np.random.default_rng(2)
    mg_in = _mg_leaves(arrays, "contiguous")
    torch_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    mg_out = op(*mg_in)
    upstream = rng.uniform(-1.0, 1.0, size=mg_out.shape)
    weights = [rng.uniform(-1.0, 1.0, size=a.shape) for a in arrays]
    mg_out.backward(ag.tensor(upstream, dtype=core.float64), create_graph=True)
    first = [m.grad for m in mg_in]
    torch_out = torch_op(*torch_in)
    torch_first = torch.autograd.grad(
        torch_out, torch_in, torch.tensor(upstream), create_graph=True
    )
    for g, tg in zip(first, torch_first, strict=True):
        assert g is not None
        np.testing.assert_allclose(g.numpy(), tg.detach().numpy(), rtol=1e-10, atol=1e-10)
    for m in mg_in:
        m.grad = None
    total = ag.tensor(0.0, dtype=core.float64)
    for g, w in zip(first, weights, strict=True):
        total = total + (g * ag.tensor(w, dtype=core.float64)).sum()
    torch_total = sum(
        (tg * torch.tensor(w)).sum() for tg, w in zip(torch_first, weights, strict=True)
    )
    if total.requires_grad:
        total.backward()
    expected: list[torch.Tensor | None] = [None] * len(torch_in)
    if isinstance(torch_total, torch.Tensor) and torch_total.requires_grad:
        expected = list(torch.autograd.grad(torch_total, torch_in, allow_unused=True))
    for i, (m, e) in enumerate(zip(mg_in, expected, strict=True)):
        want = np.zeros(m.shape) if e is None else e.numpy()
        np.testing.assert_allclose(_grad(m), want, rtol=1e-9, atol=1e-10, err_msg=f"input {i}")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("row", OPS, ids=lambda r: r.name)
@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_op(row: OpInfo, dtype: str, layout: str, data: st.DataObject) -> None:
    if dtype not in row.dtypes:
        pytest.skip(f"{row.name} does not support {dtype}")
    shape_list = data.draw(row.shapes, label="shapes")
    arrays = _inputs(row, shape_list, layout, dtype)
    check_forward(row, arrays, layout, dtype)
    check_against_torch(row.op, row.torch_op(), arrays, layout)
    if dtype == "float64":
        leaves = _mg_leaves(arrays, layout)
        assert ag.gradcheck(row.op, leaves)
        # Reuse: the output feeds two consumers, and backward must wait for both.
        reused = lambda *xs: (lambda y: y * y + y)(row.op(*xs))  # noqa: E731
        torch_reused = lambda *xs: (lambda y: y * y + y)(row.torch_op()(*xs))  # noqa: E731
        check_against_torch(reused, torch_reused, arrays, layout)
        if layout == "contiguous":
            check_second_order(row.op, row.torch_op(), arrays)


def test_scalar_result_dtype_is_weak() -> None:
    # float32 op Python float stays float32 (NEP 50, as in torch); int tensor op float promotes.
    x = ag.tensor([1.0, 2.0])
    assert (x * 2.5).dtype == core.float32
    assert (2 - x).dtype == core.float32
    assert (ag.tensor([1, 2]) * 2.5).dtype == core.float64


def test_mg_core_tensor_operand_is_a_constant() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = core.asarray([3.0, 4.0], dtype=core.float32)
    (x * c).sum().backward()
    assert x.grad is not None
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])


def test_pow_rejects_tensor_exponent() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="constant Python"):
        _ = x ** ag.tensor(2.0)  # type: ignore[operator]


def test_unsupported_operand_raises_type_error() -> None:
    x = ag.tensor([1.0])
    with pytest.raises(TypeError, match="str"):
        _ = x + "a"  # type: ignore[operator]


@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_reductions_reject_bad_axes(reduce: str) -> None:
    x = ag.tensor([[1.0, 2.0]], requires_grad=True)
    with pytest.raises(IndexError, match="axis 2"):
        getattr(x, reduce)(axis=2)
    with pytest.raises(ValueError, match="axis"):
        getattr(x, reduce)(axis=(0, -2))


def test_broadcast_mismatch_raises_value_error() -> None:
    with pytest.raises(ValueError, match=r"\(3,?\).*\(4,?\)|\(4,?\).*\(3,?\)"):
        _ = ag.tensor([1.0, 2.0, 3.0]) + ag.tensor([1.0, 2.0, 3.0, 4.0])
