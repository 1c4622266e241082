"""Shared test setup: hypothesis profile, and `strategies.py` importable by a unique name.

With --import-mode=importlib the tests directory is not on sys.path, and a bare
`import strategies` could pick up another package's module of that name, so the module is
registered here as `mg_core_strategies`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mg-core",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("mg-core")

_spec = importlib.util.spec_from_file_location(
    "mg_core_strategies", Path(__file__).with_name("strategies.py")
)
assert _spec is not None
assert _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
sys.modules["mg_core_strategies"] = _module
_spec.loader.exec_module(_module)

# The NumPy-oracle checks shared by the op-family tests (test_*_ops.py, test_where_clip.py, ...).
_checks_spec = importlib.util.spec_from_file_location(
    "mg_core_op_checks", Path(__file__).with_name("op_checks.py")
)
assert _checks_spec is not None
assert _checks_spec.loader is not None
_checks = importlib.util.module_from_spec(_checks_spec)
sys.modules["mg_core_op_checks"] = _checks
_checks_spec.loader.exec_module(_checks)
