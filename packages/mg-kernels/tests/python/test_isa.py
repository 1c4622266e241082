"""ISA dispatch from Python: introspection, set_isa, and MG_KERNELS_ISA read at import."""

from __future__ import annotations

import os
import subprocess
import sys

import mg_kernels as mk
import pytest


def test_available_isas_start_with_scalar_and_include_the_active_one() -> None:
    isas = mk.available_isas()
    assert isas[0] == "scalar"
    assert mk.isa() in isas
    assert len(set(isas)) == len(isas)


def test_set_isa_switches_and_rejects_unknown_names() -> None:
    previous = mk.isa()
    try:
        mk.set_isa("scalar")
        assert mk.isa() == "scalar"
    finally:
        mk.set_isa(previous)
    with pytest.raises(ValueError, match=r"'avx9000'.*scalar"):
        mk.set_isa("avx9000")


def test_version_and_abi_version() -> None:
    assert mk.__version__ == "0.1.0.dev0"
    assert mk.__abi_version__ == 1
    assert set(mk.__all__) <= set(dir(mk))


def run_with_isa(value: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MG_KERNELS_ISA": value}
    code = "import mg_kernels; print(mg_kernels.isa())"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_environment_variable_forces_an_isa_and_rejects_bad_names() -> None:
    forced = run_with_isa("scalar")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.strip() == "scalar"

    bad = run_with_isa("bogus")
    assert bad.returncode != 0
    assert "MG_KERNELS_ISA" in bad.stderr
    assert "'bogus'" in bad.stderr
    assert f"available ISAs: {', '.join(mk.available_isas())}" in bad.stderr
