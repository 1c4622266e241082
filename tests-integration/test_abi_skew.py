"""A real mg-kernels build with another ABI number is refused by mg-core with a fixing message.

The kernels are built here from the working tree with `MG_KERNELS_ABI_VERSION` overridden,
through scikit-build-core's PEP 517 hook (the nox venv has the build tools, not necessarily pip),
for the scalar ISA only (quicker), unpacked beside the test, and put first on the path of a child
interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from mg_core import _kernels

ROOT = Path(__file__).resolve().parents[1]
OTHER_ABI = _kernels.KERNELS_ABI + 1


@pytest.fixture(scope="module")
def other_abi_kernels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding an importable mg_kernels built with ABI `OTHER_ABI`."""
    tmp = tmp_path_factory.mktemp("abi-skew")
    build = textwrap.dedent(f"""
        from scikit_build_core.build import build_wheel
        print(build_wheel({str(tmp / "wheel")!r}, {{
            "build-dir": {str(tmp / "build")!r},
            "cmake.define.MG_KERNELS_ABI_VERSION": "{OTHER_ABI}",
            "cmake.define.MG_KERNELS_ISAS": "scalar",
        }}))
    """)
    (tmp / "wheel").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", build],
        cwd=ROOT / "packages" / "mg-kernels",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    wheel = tmp / "wheel" / result.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp / "site")
    return tmp / "site"


def run_with(site: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_other_build_reports_its_abi(other_abi_kernels: Path) -> None:
    result = run_with(other_abi_kernels, "import mg_kernels; print(mg_kernels.__abi_version__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(OTHER_ABI)


def test_mg_core_refuses_it_and_says_how_to_fix_it(other_abi_kernels: Path) -> None:
    result = run_with(other_abi_kernels, "import mg_core")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("ImportError: mg-core ")
    assert f"(kernel ABI {_kernels.KERNELS_ABI})" in last_line
    assert f"(ABI {OTHER_ABI}) is installed" in last_line
    assert f"Fix: pip install 'mg-kernels{_kernels.KERNELS_REQUIREMENT}'" in last_line
