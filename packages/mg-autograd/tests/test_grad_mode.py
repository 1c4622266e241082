"""Grad mode: no_grad / enable_grad nesting, decorator use, per-thread isolation."""

from __future__ import annotations

import threading

import mg_autograd as ag


def test_default_is_enabled() -> None:
    assert ag.is_grad_enabled()


def test_no_grad_and_enable_grad_nest_and_restore() -> None:
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        with ag.enable_grad():
            assert ag.is_grad_enabled()
            x = ag.tensor([1.0], requires_grad=True)
            assert (x * 2).grad_fn is not None
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_no_grad_restores_after_an_exception() -> None:
    try:
        with ag.no_grad():
            raise KeyError("boom")
    except KeyError:
        pass
    assert ag.is_grad_enabled()


def test_no_grad_as_decorator() -> None:
    @ag.no_grad()
    def step(x: ag.Tensor) -> ag.Tensor:
        return x * 2

    out = step(ag.tensor([1.0], requires_grad=True))
    assert out.grad_fn is None
    assert ag.is_grad_enabled()


def test_no_grad_does_not_leak_into_other_threads() -> None:
    seen: list[bool] = []
    with ag.no_grad():
        thread = threading.Thread(target=lambda: seen.append(ag.is_grad_enabled()))
        thread.start()
        thread.join()
    assert seen == [True]
