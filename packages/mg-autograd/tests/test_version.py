"""The version string lives in pyproject.toml and in mg_autograd._version; they must agree."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import mg_autograd

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_version_matches_pyproject() -> None:
    found = re.search(r'^version = "([^"]+)"$', PYPROJECT.read_text(), re.MULTILINE)
    assert found is not None
    assert mg_autograd.__version__ == found.group(1)


def test_version_matches_installed_metadata() -> None:
    assert mg_autograd.__version__ == version("mg-autograd")
