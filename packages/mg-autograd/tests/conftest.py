"""Shared test setup: `strategies.py` importable by a unique name.

With --import-mode=importlib the tests directory is not on sys.path, and a bare
`import strategies` could pick up another package's module of that name (mg-core has one), so
the module is registered here as `mg_autograd_strategies`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "mg_autograd_strategies", Path(__file__).with_name("strategies.py")
)
assert _spec is not None
assert _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
sys.modules["mg_autograd_strategies"] = _module
_spec.loader.exec_module(_module)
