"""apply_pair and apply_first, the narrow recording paths, against the general `apply`."""

from __future__ import annotations

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
from mg_autograd.function import Context, Function, Node
from mg_autograd.ops.elementwise import Mul
from mg_autograd.ops.movement import Reshape
from mg_autograd.ops.reduction import Sum


class Scale(Function):
    """x * factor with eight extra ignored options: more than apply_first caches."""

    @staticmethod
    def forward(ctx: Context, x: core.Tensor, factor: float, *extra: object) -> core.Tensor:
        ctx.factor = factor
        return x * factor

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, ...]:
        return (grad * ctx.factor, *(None,) * 9)


@pytest.mark.parametrize(("ra", "rb"), [(True, True), (True, False), (False, True)])
def test_apply_pair_records_like_apply(ra: bool, rb: bool) -> None:
    a = ag.tensor([1.0, 2.0], requires_grad=ra)
    b = ag.tensor([3.0, 4.0], requires_grad=rb)
    via_pair = Mul.apply_pair(a, b)
    via_apply = Mul.apply(a, b)
    for out in (via_pair, via_apply):
        assert isinstance(out.grad_fn, Node)
        assert out.grad_fn.needs_input_grad == (ra, rb)
        assert out.grad_fn.inputs == (a if ra else None, b if rb else None)
        np.testing.assert_array_equal(out.numpy(), [3.0, 8.0])
    via_pair.sum().backward()
    if ra:
        assert a.grad is not None
        np.testing.assert_array_equal(a.grad.numpy(), [3.0, 4.0])
    if rb:
        assert b.grad is not None
        np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0])


def test_apply_pair_without_grad_gives_a_leaf() -> None:
    out = Mul.apply_pair(ag.tensor([1.0]), ag.tensor([2.0]))
    assert out.grad_fn is None
    assert not out.requires_grad
    with ag.no_grad():
        out = Mul.apply_pair(ag.tensor([1.0], requires_grad=True), ag.tensor([2.0]))
    assert out.grad_fn is None


def test_apply_first_records_the_first_argument_only() -> None:
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = Sum.apply_first(x, None, False)
    assert out.grad_fn is not None
    assert out.grad_fn.needs_input_grad == (True, False, False)
    assert out.grad_fn.inputs == (x, None, None)
    out.backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])


def test_apply_first_takes_an_mg_core_tensor_through_apply() -> None:
    out = Sum.apply_first(core.asarray([1.0, 2.0]), None, False)
    assert isinstance(out, ag.Tensor)
    assert out.grad_fn is None
    assert out.item() == 3.0


def test_apply_first_with_many_options_takes_the_general_path() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    out = Scale.apply_first(x, 3.0, *range(8))
    assert out.grad_fn is not None
    assert out.grad_fn.needs_input_grad == (True, *(False,) * 9)
    out.sum().backward()
    assert x.grad is not None
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_apply_first_view_shares_the_version_counter() -> None:
    base = ag.tensor([1.0, 2.0, 3.0, 4.0]) * 1.0
    view = Reshape.apply_first(base, (2, 2))
    assert view._base is base
    assert view._vc is base._vc is not None
    base.data[0] = 9.0  # an in-place write seen through the counter
    base._counter().value += 1
    assert view._version == base._version == 1


def test_new_nodes_start_with_the_class_defaults() -> None:
    out = ag.tensor([1.0], requires_grad=True) * 2.0
    node = out.grad_fn
    assert node is not None
    assert node.hooks is None
    assert node.trace == ""
    assert not node.is_freed
    out.register_hook(lambda g: g)
    assert node.hooks is not None
    assert len(node.hooks) == 1
    assert Node.hooks is None  # set on the instance, not on the class
