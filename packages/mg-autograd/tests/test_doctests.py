"""Run every docstring example in mg_autograd, so the examples stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import mg_autograd
import pytest

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(mg_autograd.__path__, prefix="mg_autograd.")
)


@pytest.mark.parametrize("name", ["mg_autograd", *MODULES])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
