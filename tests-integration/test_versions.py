"""Sibling version ranges hold, and mg-core refuses a kernels build it cannot use."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import version
from pathlib import Path

import mg_autograd
import mg_core
import mg_kernels
import pytest
from mg_core import _kernels
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTIONS = ("mg-kernels", "mg-core", "mg-autograd")


def project(name: str) -> dict[str, object]:
    data = tomllib.loads((ROOT / "packages" / name / "pyproject.toml").read_text())
    table = data["project"]
    assert isinstance(table, dict)
    return table


def sibling_requirement(dist: str, sibling: str) -> Requirement:
    deps = project(dist)["dependencies"]
    assert isinstance(deps, list)
    found = [Requirement(d) for d in deps if Requirement(d).name == sibling]
    assert len(found) == 1, f"{dist} should depend on {sibling} exactly once: {deps}"
    return found[0]


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_installed_version_is_the_working_tree_version(dist: str) -> None:
    assert version(dist) == project(dist)["version"]


def test_runtime_versions_match_metadata() -> None:
    assert mg_kernels.__version__ == version("mg-kernels")
    assert mg_core.__version__ == version("mg-core")
    assert mg_autograd.__version__ == version("mg-autograd")


@pytest.mark.parametrize(
    ("dist", "sibling"), [("mg-core", "mg-kernels"), ("mg-autograd", "mg-core")]
)
def test_sibling_ranges_are_ranges_and_hold(dist: str, sibling: str) -> None:
    req = sibling_requirement(dist, sibling)
    assert all(spec.operator not in {"==", "==="} for spec in req.specifier), str(req)
    assert req.specifier.contains(Version(version(sibling)), prereleases=True), str(req)


def test_choke_point_range_matches_the_declared_dependency() -> None:
    req = sibling_requirement("mg-core", "mg-kernels")
    assert str(req.specifier) == str(Requirement(f"x{_kernels.KERNELS_REQUIREMENT}").specifier)
    assert mg_kernels.__abi_version__ == _kernels.KERNELS_ABI


def import_core_with_fake_kernels(tmp_path: Path, kernels_version: str, abi: int) -> str:
    """Import mg_core in a child process that sees a stand-in mg_kernels; return its stderr."""
    fake = tmp_path / "mg_kernels"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        textwrap.dedent(f"""
            __version__ = {kernels_version!r}
            __abi_version__ = {abi}
        """)
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import mg_core",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0, "mg_core imported despite an incompatible mg_kernels"
    return result.stderr


# A real other-ABI build is in test_abi_skew.py; stand-ins cover versions cheaply.
@pytest.mark.parametrize(("kernels_version", "abi"), [("0.2.5", 1), ("0.0.9", 1), ("0.2.0", 2)])
def test_incompatible_kernels_give_a_fixing_import_error(
    tmp_path: Path, kernels_version: str, abi: int
) -> None:
    stderr = import_core_with_fake_kernels(tmp_path, kernels_version, abi)
    assert "ImportError" in stderr
    assert f"mg-kernels {kernels_version}" in stderr
    assert f"(ABI {abi})" in stderr
    assert f"pip install 'mg-kernels{_kernels.KERNELS_REQUIREMENT}'" in stderr
