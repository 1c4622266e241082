"""Imports go one way only: mg_autograd -> mg_core -> (only mg_core/_kernels.py) -> mg_kernels."""

from __future__ import annotations

import ast
from pathlib import Path

import mg_core
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {
    "mg_kernels": ROOT / "packages/mg-kernels/python/mg_kernels",
    "mg_core": ROOT / "packages/mg-core/src/mg_core",
    "mg_autograd": ROOT / "packages/mg-autograd/src/mg_autograd",
}
FORBIDDEN = {
    "mg_kernels": {"mg_core", "mg_autograd"},
    "mg_core": {"mg_autograd"},
    "mg_autograd": {"mg_kernels"},
}


def imported_modules(path: Path) -> set[str]:
    """Dotted names of every module a file imports (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(package: str) -> list[Path]:
    files = sorted(SOURCES[package].rglob("*.py*"))
    assert files, f"no sources found for {package} under {SOURCES[package]}"
    return files


@pytest.mark.parametrize("package", sorted(SOURCES))
def test_no_import_goes_upward_or_skips_a_layer(package: str) -> None:
    for path in python_files(package):
        tops = {name.split(".")[0] for name in imported_modules(path)}
        assert not tops & FORBIDDEN[package], f"{path} imports {sorted(tops & FORBIDDEN[package])}"


def test_only_the_choke_point_imports_the_kernels() -> None:
    importers = [
        path.name
        for path in python_files("mg_core")
        if any(name.split(".")[0] == "mg_kernels" for name in imported_modules(path))
    ]
    assert importers == ["_kernels.py"]


def test_autograd_uses_only_public_core_names() -> None:
    public = set(mg_core.__all__)
    for path in python_files("mg_autograd"):
        tree = ast.parse(path.read_text(), filename=str(path))
        aliases = {"mg_core"}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name == "mg_core" or not alias.name.startswith("mg_core."), (
                        f"{path} imports the submodule {alias.name}"
                    )
                    if alias.name == "mg_core":
                        aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module == "mg_core":
                private = {a.name for a in node.names} - public
                assert not private, f"{path} imports non-public mg_core names {sorted(private)}"
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mg_core."):
                pytest.fail(f"{path} imports from the submodule {node.module}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                assert node.attr in public, f"{path} uses mg_core.{node.attr}, not in __all__"
