"""Replays the Python fuzz target's regression inputs (fuzz_corpus/): each file is an input that
once failed (docs/reliability.md); `nox -s fuzz` adds new ones."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CORPUS = sorted((HERE / "fuzz_corpus").iterdir())


def _load_target() -> object:
    # pytest runs with --import-mode=importlib: this folder is not on sys.path.
    spec = importlib.util.spec_from_file_location("fuzz_api", HERE / "fuzz_api.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_api"] = module
    spec.loader.exec_module(module)
    return module


fuzz_api = _load_target()


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_regression_input(path: Path) -> None:
    fuzz_api.check(path.read_bytes())  # type: ignore[attr-defined]
