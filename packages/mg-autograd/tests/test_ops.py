"""Every op against PyTorch, through one table (OpInfo-lite): values and gradients.

Each row builds the same expression on mg_autograd and torch tensors (the operators and
``sum``/``mean`` keywords are spelled the same in both), runs backward with the same upstream
gradient and compares outputs and input gradients. Torch is the oracle; expected values never
come from mg.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

Expr = Callable[..., object]


@dataclass(frozen=True)
class OpCase:
    """One row: an expression over tensors, its input shapes and how to draw inputs."""

    name: str
    expr: Expr
    shapes: tuple[tuple[int, ...], ...]
    positive: bool = False  # draw inputs from [0.5, 2]: pow with fractional/negative exponents


def _binary_cases(name: str, expr: Expr, positive: bool = False) -> list[OpCase]:
    shape_pairs = [((3,), (3,)), ((3, 1), (1, 4)), ((4,), (2, 3, 4)), ((2, 3, 4), (4,))]
    shape_pairs += [((), (2, 3)), ((2, 3), ())]
    return [OpCase(f"{name}{a}{b}", expr, (a, b), positive) for a, b in shape_pairs]


CASES: list[OpCase] = [
    *_binary_cases("add", lambda a, b: a + b),
    *_binary_cases("sub", lambda a, b: a - b),
    *_binary_cases("mul", lambda a, b: a * b),
    *_binary_cases("div", lambda a, b: a / b, positive=True),
    OpCase("add_scalar", lambda a: a + 2.5, ((2, 3),)),
    OpCase("radd_scalar", lambda a: 2.5 + a, ((2, 3),)),
    OpCase("sub_scalar", lambda a: a - 2, ((2, 3),)),
    OpCase("rsub_scalar", lambda a: 2.0 - a, ((2, 3),)),
    OpCase("mul_scalar", lambda a: a * 3, ((2, 3),)),
    OpCase("rmul_scalar", lambda a: -1.5 * a, ((2, 3),)),
    OpCase("div_scalar", lambda a: a / 4.0, ((2, 3),)),
    OpCase("rdiv_scalar", lambda a: 3.0 / a, ((2, 3),), positive=True),
    OpCase("neg", lambda a: -a, ((2, 3),)),
    OpCase("pow2", lambda a: a**2, ((2, 3),)),
    OpCase("pow3", lambda a: a**3, ((2, 3),)),
    OpCase("pow_half", lambda a: a**0.5, ((2, 3),), positive=True),
    OpCase("pow_minus1", lambda a: a**-1, ((2, 3),), positive=True),
    OpCase("pow0", lambda a: a**0, ((2, 3),)),
    OpCase("sum_all", lambda a: a.sum(), ((2, 3, 4),)),
    OpCase("sum_0d", lambda a: a.sum(), ((),)),
    OpCase("sum_axis0", lambda a: a.sum(axis=0), ((2, 3, 4),)),
    OpCase("sum_axis-1", lambda a: a.sum(axis=-1), ((2, 3, 4),)),
    OpCase("sum_axis1_keep", lambda a: a.sum(axis=1, keepdims=True), ((2, 3, 4),)),
    OpCase("sum_axes02", lambda a: a.sum(axis=(0, 2)), ((2, 3, 4),)),
    OpCase("sum_axes02_keep", lambda a: a.sum(axis=(0, 2), keepdims=True), ((2, 3, 4),)),
    OpCase("sum_all_keep", lambda a: a.sum(axis=(0, 1), keepdims=True), ((2, 3),)),
    OpCase("mean_all", lambda a: a.mean(), ((2, 3, 4),)),
    OpCase("mean_axis1", lambda a: a.mean(axis=1), ((2, 3, 4),)),
    OpCase("mean_axes_keep", lambda a: a.mean(axis=(0, -1), keepdims=True), ((2, 3, 4),)),
    OpCase(
        "composed",
        lambda a, b: ((a * b + a) / (b * b + 1)).sum(),
        ((3, 4), (3, 4)),
    ),
    OpCase(
        "composed_broadcast",
        lambda a, b: ((a - b) ** 2).mean(axis=0) * 0.5 - a.sum(axis=0),
        ((3, 4), (4,)),
    ),
    OpCase("reuse", lambda a: a * a + a / (a + 3.0), ((5,),), positive=True),
]

DTYPES = {"float64": (np.float64, 1e-12), "float32": (np.float32, 2e-5)}


def _draw(shape: tuple[int, ...], positive: bool, rng: np.random.Generator) -> np.ndarray:
    if positive:
        return rng.uniform(0.5, 2.0, size=shape)
    return rng.uniform(-2.0, 2.0, size=shape)


def check_against_torch(expr: Expr, inputs: list[np.ndarray], rtol: float) -> None:
    """Compare value, dtype and every input gradient of ``expr`` with PyTorch's."""
    mg_in = [ag.tensor(x, requires_grad=True) for x in inputs]
    torch_in = [torch.tensor(x, requires_grad=True) for x in inputs]
    mg_out = expr(*mg_in)
    torch_out = expr(*torch_in)
    assert isinstance(mg_out, ag.Tensor)
    assert isinstance(torch_out, torch.Tensor)
    assert mg_out.shape == tuple(torch_out.shape)
    assert mg_out.dtype.name == str(torch_out.dtype).removeprefix("torch.")
    np.testing.assert_allclose(mg_out.detach().numpy(), torch_out.detach().numpy(), rtol=rtol)

    upstream = np.random.default_rng(1).uniform(-1.0, 1.0, size=mg_out.shape)
    upstream = upstream.astype(inputs[0].dtype)
    mg_out.backward(ag.tensor(upstream))
    torch_out.backward(torch.tensor(upstream))
    for i, (m, t) in enumerate(zip(mg_in, torch_in, strict=True)):
        assert m.grad is not None, f"input {i} got no gradient"
        assert t.grad is not None
        assert m.grad.shape == m.shape
        assert m.grad.dtype == m.dtype
        np.testing.assert_allclose(
            m.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=rtol, err_msg=f"input {i}"
        )


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_op_matches_torch(case: OpCase, dtype: str) -> None:
    np_dtype, rtol = DTYPES[dtype]
    rng = np.random.default_rng(0)
    inputs = [_draw(s, case.positive, rng).astype(np_dtype) for s in case.shapes]
    check_against_torch(case.expr, inputs, rtol)


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


# ----- hypothesis: any pair of broadcastable shapes ----------------------------------------------

BINARY = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b}


@settings(max_examples=40, deadline=None)
@given(
    op=st.sampled_from(sorted(BINARY)),
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
    data=st.data(),
)
def test_binary_gradients_over_broadcastable_shapes(
    op: str, shapes: hnp.BroadcastableShapes, data: st.DataObject
) -> None:
    finite = st.floats(-10.0, 10.0, allow_nan=False, width=64)
    # Keep divisors away from zero so the reference and mg agree to a tight tolerance.
    divisor = st.one_of(st.floats(0.5, 10.0), st.floats(-10.0, -0.5))
    a_shape, b_shape = shapes.input_shapes
    a = data.draw(hnp.arrays(np.float64, a_shape, elements=finite))
    b = data.draw(hnp.arrays(np.float64, b_shape, elements=divisor if op == "div" else finite))
    check_against_torch(BINARY[op], [a, b], 1e-10)
