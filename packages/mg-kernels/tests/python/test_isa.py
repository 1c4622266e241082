"""ISA dispatch from Python: introspection, set_isa, and MG_KERNELS_ISA read at import."""

from __future__ import annotations

import os
import platform
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


ALL_ISAS = ("scalar", "sse41", "avx2", "avx512", "neon")
"""Every ISA name the kernels know, in enumerator order (mg/isa.hpp)."""

# /proc/cpuinfo flags each table needs (SSE3 is "pni"). Linux drops avx*/avx512* flags when the OS
# does not save the registers (XCR0), which is what the XGETBV check in dispatch.cpp sees too.
CPUINFO_FLAGS: dict[str, frozenset[str]] = {
    "sse41": frozenset({"pni", "ssse3", "sse4_1"}),
    "avx2": frozenset({"avx", "avx2", "fma", "f16c"}),
    "avx512": frozenset(
        {"avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512dq", "avx512vl"}
    ),
}


def cpuinfo_flags() -> frozenset[str]:
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("flags"):
                return frozenset(line.split(":", 1)[1].split())
    pytest.skip("no flags line in /proc/cpuinfo")


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")),
    reason="/proc/cpuinfo flags are compared on x86-64 Linux only",
)
def test_available_isas_match_proc_cpuinfo() -> None:
    flags = cpuinfo_flags()
    expected = ["scalar"] + [name for name, need in CPUINFO_FLAGS.items() if need <= flags]
    assert mk.available_isas() == expected


def test_available_isas_are_known_and_in_preference_order() -> None:
    isas = mk.available_isas()
    assert set(isas) <= set(ALL_ISAS)
    assert isas == sorted(isas, key=ALL_ISAS.index)


def test_default_isa_is_the_best_available() -> None:
    code = "import mg_kernels; print(mg_kernels.isa())"
    env = {k: v for k, v in os.environ.items() if k != "MG_KERNELS_ISA"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == mk.available_isas()[-1]


@pytest.mark.parametrize("name", ALL_ISAS)
def test_every_available_isa_can_be_forced(name: str) -> None:
    if name not in mk.available_isas():
        pytest.skip(f"{name} is not available here")
    previous = mk.isa()
    try:
        mk.set_isa(name)
        assert mk.isa() == name
    finally:
        mk.set_isa(previous)
    forced = run_with_isa(name)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.strip() == name


@pytest.mark.parametrize("name", ALL_ISAS)
def test_unavailable_isas_raise_a_clear_value_error(name: str) -> None:
    if name in mk.available_isas():
        pytest.skip(f"{name} is available here")
    previous = mk.isa()
    expected = f"ISA '{name}' is not available.*available ISAs: {', '.join(mk.available_isas())}"
    with pytest.raises(ValueError, match=expected):
        mk.set_isa(name)
    assert mk.isa() == previous
    bad = run_with_isa(name)
    assert bad.returncode != 0
    assert "MG_KERNELS_ISA" in bad.stderr
    assert f"'{name}' is not available" in bad.stderr


def test_dotted_sse41_spelling_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"unknown ISA 'sse4\.1'"):
        mk.set_isa("sse4.1")
