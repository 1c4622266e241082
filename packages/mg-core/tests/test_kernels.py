"""The mg_kernels choke point: version/ABI check (pure) and its use at import."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import mg_core
import pytest
from mg_core import _kernels
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

REQ = ">=0.1.0.dev0,<0.2"


@pytest.mark.parametrize(
    ("version", "abi"),
    [("0.1.0.dev0", 1), ("0.1.0.dev7", 1), ("0.1.0", 1), ("0.1.9.post1", 1), ("0.1.99", 1)],
)
def test_compatible_kernels_pass(version: str, abi: int) -> None:
    assert _kernels.check_kernels(version, abi, requirement=REQ, abi=1) is None


@pytest.mark.parametrize(
    ("version", "abi", "why"),
    [
        ("0.0.9", 1, "too old"),
        ("0.1.0.dev0", 1, "ok"),
        ("0.2.0.dev1", 1, "pre-release of the next minor"),
        ("0.2.5", 2, "too new"),
        ("0.1.3", 2, "ABI mismatch"),
        ("0.1.3", 0, "ABI mismatch"),
        ("not-a-version", 1, "unparseable"),
    ],
)
def test_incompatible_kernels_explain_the_fix(version: str, abi: int, why: str) -> None:
    message = _kernels.check_kernels(version, abi, requirement=REQ, abi=1, core_version="9.9")
    if why == "ok":
        assert message is None
        return
    assert message == (
        f"mg-core 9.9 needs mg-kernels {REQ} (kernel ABI 1), but mg-kernels {version} "
        f"(ABI {abi}) is installed. Fix: pip install 'mg-kernels{REQ}'"
    )


def test_defaults_are_this_packages_constants() -> None:
    assert _kernels.KERNELS_REQUIREMENT == REQ
    assert _kernels.KERNELS_ABI == 1
    message = _kernels.check_kernels("0.2.5", 2)
    assert message is not None
    assert message.startswith(
        f"mg-core {mg_core.__version__} needs mg-kernels {REQ} (kernel ABI 1)"
    )


def test_requirement_matches_pyproject() -> None:
    tomllib = pytest.importorskip("tomllib")
    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    (kernels,) = [Requirement(d) for d in deps if Requirement(d).name == "mg-kernels"]
    assert kernels.specifier == SpecifierSet(_kernels.KERNELS_REQUIREMENT)


def test_version_matches_pyproject() -> None:
    tomllib = pytest.importorskip("tomllib")
    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    assert tomllib.loads(pyproject.read_text())["project"]["version"] == mg_core.__version__


def test_installed_kernels_pass_the_check() -> None:
    assert _kernels.check_kernels(_kernels.KERNELS_VERSION, 1) is None


def _import_mg_core_with(tmp_path: Path, prelude: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "run.py"
    script.write_text(prelude + "\nimport mg_core\n")
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=60
    )


def test_import_refuses_a_wrong_abi(tmp_path: Path) -> None:
    prelude = textwrap.dedent("""
        import sys, types
        fake = types.ModuleType("mg_kernels")
        fake.__version__ = "0.2.5"
        fake.__abi_version__ = 2
        sys.modules["mg_kernels"] = fake
    """)
    result = _import_mg_core_with(tmp_path, prelude)
    assert result.returncode != 0
    assert "ImportError: mg-core" in result.stderr
    assert f"but mg-kernels 0.2.5 (ABI 2) is installed. Fix: pip install 'mg-kernels{REQ}'" in (
        result.stderr
    )


def test_import_explains_missing_kernels(tmp_path: Path) -> None:
    result = _import_mg_core_with(tmp_path, "import sys\nsys.modules['mg_kernels'] = None")
    assert result.returncode != 0
    assert "but mg-kernels is not installed. Fix: pip install" in result.stderr


def test_broken_kernels_message_names_the_error() -> None:
    message = _kernels.missing_kernels_message(ImportError("undefined symbol: _ZN2mg3foo"))
    assert "mg-kernels failed to import (ImportError: undefined symbol: _ZN2mg3foo)" in message


def test_only_the_choke_point_imports_mg_kernels() -> None:
    src = Path(mg_core.__file__).parent
    importers = []
    for path in sorted(src.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "mg_kernels" for name in names):
                importers.append(path.name)
    assert sorted(set(importers)) == ["_kernels.py"]
