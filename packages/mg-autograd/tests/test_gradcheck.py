"""gradcheck: agrees with correct backward formulas, catches wrong ones with a clear report."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest


def _f64(values: list[float] | list[list[float]], requires_grad: bool = True) -> ag.Tensor:
    return ag.tensor(values, dtype=core.float64, requires_grad=requires_grad)


class WrongSquare(ag.Function):
    """x**2 with a deliberately wrong backward (3x instead of 2x)."""

    @staticmethod
    def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
        (x,) = ctx.saved_tensors
        return grad * x * 3.0


def test_passes_for_correct_ops_on_several_inputs() -> None:
    a = _f64([[1.0, 2.0], [3.0, 4.0]])
    b = _f64([0.5, -1.5])
    assert ag.gradcheck(lambda x, y: (x * y + x / (y * y + 1)).sum(axis=0), [a, b])


def test_reports_worst_mismatch_with_indices_and_values() -> None:
    x = _f64([1.0, -2.0, 3.0])
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(lambda t: WrongSquare.apply(t), [x])
    message = str(info.value)
    # The worst element is the largest |x|: x = 3 at index 2, backward 9 vs numerical 6.
    assert "output element (2,)" in message
    assert "input 0 element (2,)" in message
    assert "backward gives 9.0" in message
    assert "finite differences give 6.0" in message


def test_raise_on_failure_false_returns_false() -> None:
    x = _f64([1.0, 2.0])
    assert not ag.gradcheck(lambda t: WrongSquare.apply(t), [x], raise_on_failure=False)


def test_refuses_float32_with_a_message() -> None:
    with pytest.raises(TypeError, match=r"float64.*input 1 is float32"):
        ag.gradcheck(lambda a, b: a * b, [_f64([1.0]), ag.tensor([1.0], requires_grad=True)])


def test_float32_constants_are_fine() -> None:
    # Only inputs that require grad are perturbed, so only they must be float64.
    assert ag.gradcheck(lambda a, c: a * c, [_f64([1.0, 2.0]), ag.tensor([3.0, 4.0])])


def test_expanded_input_is_checked_through_a_contiguous_copy() -> None:
    base = core.asarray([[1.0, 2.0, 3.0]], dtype=core.float64)
    expanded = ag.Tensor(core.broadcast_to(base, (4, 3)), requires_grad=True)
    assert 0 in expanded.data.strides
    assert ag.gradcheck(lambda t: (t * t).sum(axis=1), [expanded])
    np.testing.assert_array_equal(np.asarray(base), [[1.0, 2.0, 3.0]])  # left untouched


def test_non_contiguous_input_is_restored() -> None:
    data = core.asarray([[1.0, 2.0], [3.0, 4.0]], dtype=core.float64).T
    x = ag.Tensor(data, requires_grad=True)
    assert ag.gradcheck(lambda t: t * t * t, [x])
    np.testing.assert_array_equal(np.asarray(data), [[1.0, 3.0], [2.0, 4.0]])
    assert x.grad is None  # gradcheck works on its own leaves


def test_output_independent_of_input_has_zero_jacobian() -> None:
    a = _f64([1.0, 2.0])
    c = _f64([5.0], requires_grad=False)
    assert ag.gradcheck(lambda x, k: k * 2.0 + x.sum() * 0.0, [a, c])


def test_catches_a_wrong_movement_backward() -> None:
    class BadTranspose(ag.Function):
        @staticmethod
        def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
            return x.T

        @staticmethod
        def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
            return grad.T.copy() * 1.0 if grad.ndim < 2 else grad.reshape(grad.shape[::-1])

    x = _f64([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert not ag.gradcheck(lambda t: BadTranspose.apply(t), [x], raise_on_failure=False)
