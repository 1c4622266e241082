"""Gradient hooks (`Tensor.register_hook`): the handle that removes one, and running them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mg_autograd.tensor import Tensor

__all__ = ["RemovableHandle", "run_hooks"]


class RemovableHandle:
    """What `Tensor.register_hook` returns: ``remove()`` unregisters the hook.

    >>> hooks = [print]
    >>> RemovableHandle(hooks, print).remove()
    >>> hooks
    []
    """

    __slots__ = ("_hook", "_hooks")

    def __init__(self, hooks: list[Callable[[Tensor], Tensor | None]], hook: object) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        """Unregister the hook; removing it twice is harmless."""
        for i, h in enumerate(self._hooks):
            if h is self._hook:
                del self._hooks[i]
                return


def run_hooks(hooks: list[Callable[[Tensor], Tensor | None]], grad: Tensor) -> Tensor:
    """Pass ``grad`` through each hook in order; a hook returning a Tensor replaces it.

    Raises:
        TypeError: if a hook returns something other than a Tensor or None.
        RuntimeError: if a hook returns a gradient of another shape.
    """
    from mg_autograd.tensor import Tensor  # here: tensor.py imports this module

    for hook in list(hooks):
        new = hook(grad)
        if new is None:
            continue
        if not isinstance(new, Tensor):
            raise TypeError(
                f"a gradient hook must return a Tensor or None, got {type(new).__name__}"
            )
        if new.shape != grad.shape:
            raise RuntimeError(
                f"a gradient hook returned shape {new.shape} for a gradient of shape {grad.shape}"
            )
        grad = new
    return grad
