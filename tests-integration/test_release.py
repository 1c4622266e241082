"""tools/release.py: bumps one package, refuses releases its siblings' ranges would exclude."""

from __future__ import annotations

import datetime
import importlib.util
import shutil
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
TODAY = datetime.date(2026, 11, 25)


def load_release_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release", ROOT / "tools" / "release.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


release = load_release_tool()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the real pyprojects and version files, with a changelog that has news."""
    for name in ("mg-kernels", "mg-core", "mg-autograd"):
        folder = tmp_path / "packages" / name
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "packages" / name / "pyproject.toml", folder)
        for version_file in (ROOT / "packages" / name).glob("src/*/_version.py"):
            target = folder / version_file.relative_to(ROOT / "packages" / name)
            target.parent.mkdir(parents=True)
            shutil.copy(version_file, target)
        (folder / "CHANGELOG.md").write_text(
            "# Changelog\n\n## [Unreleased]\n\n### Added\n- Something.\n\n## [0.1.0.dev0]\n"
        )
    return tmp_path


def version_of(tree: Path, name: str) -> str:
    text = (tree / "packages" / name / "pyproject.toml").read_text()
    version: str = tomllib.loads(text)["project"]["version"]
    return version


def apply(edits: list[object]) -> None:
    for edit in edits:
        edit.path.write_text(edit.text)  # type: ignore[attr-defined]


def test_release_bumps_pyproject_version_file_and_changelog(tree: Path) -> None:
    apply(release.plan_release(tree, "core", "0.1.0", TODAY))
    assert version_of(tree, "mg-core") == "0.1.0"
    version_py = (tree / "packages/mg-core/src/mg_core/_version.py").read_text()
    assert '__version__ = "0.1.0"' in version_py
    changelog = (tree / "packages/mg-core/CHANGELOG.md").read_text()
    assert "## [Unreleased]\n\n## [0.1.0] - 2026-11-25\n\n### Added\n- Something." in changelog
    assert version_of(tree, "mg-kernels") == "0.1.0.dev0"  # only the named package moves


def test_release_outside_a_siblings_range_is_refused_and_writes_nothing(tree: Path) -> None:
    before = (tree / "packages/mg-kernels/pyproject.toml").read_text()
    with pytest.raises(release.ReleaseError, match=r"mg-core requires 'mg-kernels.*excludes"):
        release.plan_release(tree, "kernels", "0.2.0", TODAY)
    assert (tree / "packages/mg-kernels/pyproject.toml").read_text() == before


@pytest.mark.parametrize(
    ("package", "version", "message"),
    [
        ("core", "0.0.1", "must be newer"),
        ("core", "not-a-version", "not a PEP 440 version"),
        ("numpy", "1.0", "unknown package 'numpy'"),
    ],
)
def test_bad_requests_are_refused(tree: Path, package: str, version: str, message: str) -> None:
    with pytest.raises(release.ReleaseError, match=message):
        release.plan_release(tree, package, version, TODAY)


def test_an_empty_unreleased_section_is_refused(tree: Path) -> None:
    (tree / "packages/mg-autograd/CHANGELOG.md").write_text("## [Unreleased]\n\n## [0.1.0.dev0]\n")
    with pytest.raises(release.ReleaseError, match=r"Unreleased section of CHANGELOG\.md is empty"):
        release.plan_release(tree, "autograd", "0.1.0", TODAY)
