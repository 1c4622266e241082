"""The forward fast paths (two-Tensor `Function.apply`, versions recorded without counters)
keep the slow path's semantics: saved tensors modified in place are caught, others are not.
"""

from __future__ import annotations

import mg_autograd as ag
import pytest


def test_saved_argument_modified_in_place_raises_on_both_paths() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    squared = y**2  # general path: two arguments, the second a number
    product = y * y  # fast path: two Tensors
    with ag.no_grad():
        y.add_(1.0)
    with pytest.raises(RuntimeError, match=r"PowBackward \(argument 0\).*version 1"):
        squared.sum().backward()
    with pytest.raises(RuntimeError, match=r"MulBackward \(argument 0\).*version 1"):
        product.sum().backward()


def test_modified_constant_operand_raises() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    k = ag.tensor([2.0, 2.0])
    m = x * k
    k.add_(1.0)
    with pytest.raises(RuntimeError, match=r"MulBackward \(argument 1\)"):
        m.sum().backward()


def test_unsaved_argument_modified_in_place_is_fine() -> None:
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    a2 = a * 1.0
    total = a2 + b  # Add saves nothing
    chosen = ag.where(ag.tensor([True, False]), a2, b)  # Where saves only the condition
    with ag.no_grad():
        a2.add_(1.0)
    (total.sum() + chosen.sum()).backward()
    assert a.grad is not None
    assert a.grad.tolist() == [2.0, 1.0]


def test_saving_does_not_create_version_counters() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.tensor([3.0, 4.0], requires_grad=True)
    _ = x * y
    assert x._vc is None
    assert y._vc is None
    assert x._version == 0


def test_view_after_save_shares_the_counter_and_is_caught() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    base = x * 1.0
    out = base * base
    view = base.reshape(2, 1)  # creates base's counter after the save, at version 0
    with ag.no_grad():
        view.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.sum().backward()
