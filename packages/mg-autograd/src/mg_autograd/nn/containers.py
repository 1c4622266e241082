"""Containers: `Sequential` chains modules, `ModuleList` holds them in a registered list."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from typing import SupportsIndex, overload

from mg_autograd.nn.module import Module
from mg_autograd.tensor import Tensor

__all__ = ["ModuleList", "Sequential"]


class _IndexedModules(Module):
    """Children named "0", "1", ...: what `Sequential` and `ModuleList` share."""

    def _index(self, idx: SupportsIndex) -> int:
        i = operator.index(idx)
        n = len(self._modules)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of range for {type(self).__name__} of length {n}")
        return i + n if i < 0 else i

    def _items(self) -> list[Module]:
        return [m for m in self._modules.values() if m is not None]

    def _renumber(self, modules: Iterable[Module]) -> None:
        self._modules.clear()
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._items())

    def __setitem__(self, idx: SupportsIndex, module: Module) -> None:
        self.add_module(list(self._modules)[self._index(idx)], module)

    def __delitem__(self, idx: SupportsIndex | slice) -> None:
        items = self._items()
        if isinstance(idx, slice):
            del items[idx]
        else:
            del items[self._index(idx)]
        self._renumber(items)

    def append(self, module: Module) -> _IndexedModules:
        """Add ``module`` at the end and return self."""
        self.add_module(str(len(self)), module)
        return self


class Sequential(_IndexedModules):
    """Run modules one after another, each on the previous one's output.

    Takes modules as arguments (named "0", "1", ...) or one mapping of names to modules.

    >>> import mg_autograd as ag
    >>> from mg_autograd import nn
    >>> net = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1))
    >>> net
    Sequential(
      (0): Linear(in_features=2, out_features=3, bias=True)
      (1): Dropout(p=0.1)
    )
    >>> net(ag.tensor([[1.0, 2.0]])).shape
    (1, 3)
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, named in modules[0].items():
                self.add_module(name, named)
            return
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential takes modules, got {type(module).__name__} at {i}")
            self.add_module(str(i), module)

    @overload
    def __getitem__(self, idx: slice) -> Sequential: ...
    @overload
    def __getitem__(self, idx: SupportsIndex) -> Module: ...
    def __getitem__(self, idx: SupportsIndex | slice) -> Module:
        if isinstance(idx, slice):
            return Sequential(dict(list(self._modules.items())[idx]))  # type: ignore[arg-type]
        return self._items()[self._index(idx)]

    def forward(self, x: Tensor) -> Tensor:
        for module in self:
            x = module(x)
        return x


class ModuleList(_IndexedModules):
    """A list of modules whose parameters the owning module sees (a plain list hides them).

    >>> from mg_autograd import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @overload
    def __getitem__(self, idx: slice) -> ModuleList: ...
    @overload
    def __getitem__(self, idx: SupportsIndex) -> Module: ...
    def __getitem__(self, idx: SupportsIndex | slice) -> Module:
        if isinstance(idx, slice):
            return ModuleList(self._items()[idx])
        return self._items()[self._index(idx)]

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules`` and return self."""
        for module in modules:
            if not isinstance(module, Module):
                raise TypeError(f"ModuleList holds modules, got {type(module).__name__}")
            self.append(module)
        return self

    def insert(self, index: SupportsIndex, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        items = self._items()
        items.insert(operator.index(index), module)
        self._renumber(items)

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)
