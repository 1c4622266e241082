"""Doctest setup for `pytest --doctest-modules packages/mg-core/src` (not shipped in the wheel)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _mg_namespace(doctest_namespace: dict[str, object]) -> None:
    import mg_core

    doctest_namespace["mg"] = mg_core
