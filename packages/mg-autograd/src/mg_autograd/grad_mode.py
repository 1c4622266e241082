"""Grad mode: whether `Function.apply` records graph nodes.

The flag lives in a `ContextVar`, not a global or class attribute, so threads and asyncio tasks
each see their own setting and a `no_grad()` block never leaks into concurrent code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Final

__all__ = [
    "detect_anomaly",
    "enable_grad",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]

_GRAD_ENABLED: Final[ContextVar[bool]] = ContextVar("mg_autograd_grad_enabled", default=True)
_ANOMALY: Final[ContextVar[bool]] = ContextVar("mg_autograd_detect_anomaly", default=False)


def is_grad_enabled() -> bool:
    """Return whether operations on tensors that require grad currently record a graph.

    >>> is_grad_enabled()
    True
    """
    return _GRAD_ENABLED.get()


@contextmanager
def no_grad() -> Iterator[None]:
    """Disable graph recording inside the block (or the decorated function).

    Use it for parameter updates and evaluation: results have ``requires_grad=False`` and no
    ``grad_fn``, and nothing is saved for backward.

    >>> import mg_autograd as ag
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> with no_grad():
    ...     y = w * 2
    >>> y.requires_grad, y.grad_fn is None
    (False, True)
    """
    token = _GRAD_ENABLED.set(False)
    try:
        yield
    finally:
        _GRAD_ENABLED.reset(token)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Re-enable graph recording inside the block, e.g. within a ``no_grad()`` region.

    >>> with no_grad():
    ...     with enable_grad():
    ...         print(is_grad_enabled())
    True
    """
    token = _GRAD_ENABLED.set(True)
    try:
        yield
    finally:
        _GRAD_ENABLED.reset(token)


class set_grad_enabled:  # lower case: used like a function too, as in PyTorch
    """Turn graph recording on or off: for the rest of the context, or inside a ``with`` block.

    >>> with set_grad_enabled(False):
    ...     print(is_grad_enabled())
    False
    >>> is_grad_enabled()
    True
    """

    __slots__ = ("_token",)

    def __init__(self, mode: bool) -> None:
        self._token = _GRAD_ENABLED.set(bool(mode))

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _GRAD_ENABLED.reset(self._token)


def is_anomaly_enabled() -> bool:
    """Return whether `detect_anomaly` is on: nodes record where they were created.

    >>> is_anomaly_enabled()
    False
    """
    return _ANOMALY.get()


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Debug backward: record where each node is created, and check gradients for NaN.

    Inside the block every recorded node keeps the Python stack of the forward call that made
    it; an error raised while running that node's backward (including a gradient holding NaN)
    then names the op and shows that stack. It slows forward down: use it only to debug.

    >>> import mg_autograd as ag
    >>> with detect_anomaly():  # doctest: +ELLIPSIS
    ...     x = ag.tensor([0.0], requires_grad=True)
    ...     y = x**0.5  # d/dx sqrt(x) at 0 is inf, and 0 * inf is NaN
    ...     (y * 0.0).sum().backward()
    Traceback (most recent call last):
    RuntimeError: PowBackward returned NaN in its gradient for argument 0...
    """
    token = _ANOMALY.set(True)
    try:
        yield
    finally:
        _ANOMALY.reset(token)
