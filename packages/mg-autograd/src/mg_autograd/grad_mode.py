"""Grad mode: whether `Function.apply` records graph nodes.

The flag lives in a `ContextVar`, not a global or class attribute, so threads and asyncio tasks
each see their own setting and a `no_grad()` block never leaks into concurrent code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

__all__ = ["enable_grad", "is_grad_enabled", "no_grad"]

_GRAD_ENABLED: Final[ContextVar[bool]] = ContextVar("mg_autograd_grad_enabled", default=True)


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
