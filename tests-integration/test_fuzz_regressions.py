"""Replays the Python fuzz target's regression inputs (fuzz_corpus/): each file is an input that
once failed (docs/reliability.md); `nox -s fuzz` adds new ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_api import check

CORPUS = sorted((Path(__file__).parent / "fuzz_corpus").iterdir())


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_regression_input(path: Path) -> None:
    check(path.read_bytes())
