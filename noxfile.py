"""Developer tasks for the mg monorepo.

One typed table (`PACKAGES`) describes the three distributions; every session reads it.
`nox -s tests` runs each package's tests plus `tests-integration/`; `nox -s demo` runs the demo.
See docs/architecture.md (Note [One build of the kernels per checkout]) for how the C++ is built.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nox
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["lint", "typecheck", "tests"]

# uv ignores pip's configuration; hand it the same local wheel folders (where the CPU-only torch
# wheel lives), or `torch==2.13.0` resolves to a multi-GB CUDA build.
if "PIP_FIND_LINKS" in os.environ:
    os.environ.setdefault("UV_FIND_LINKS", os.environ["PIP_FIND_LINKS"])

# Note [Compiler cache] (docs/architecture.md): with ccache on PATH every CMake build of the
# kernels compiles through it, into a cache of this checkout (.nox/_ccache), so `nox -s build`
# takes the kernel objects of the sdist's wheel from the build `kernels_wheel` made. Paths are
# hashed relative to the build folder (CCACHE_BASEDIR=/), which is two levels below the sources
# in both builds. MG_CCACHE=0 turns it off; CCACHE_DIR and CCACHE_BASEDIR in the environment win.
if shutil.which("ccache") and os.environ.get("MG_CCACHE", "1") != "0":
    os.environ.setdefault("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")
    os.environ.setdefault("CCACHE_DIR", str(ROOT / ".nox" / "_ccache"))
    os.environ.setdefault("CCACHE_BASEDIR", "/")

TORCH = "torch==2.13.0"  # the CPU wheel; see UV_FIND_LINKS above
KERNELS_BUILD_TOOLS = ("scikit-build-core>=0.11", "pybind11>=3.0,<4", "cmake>=3.26", "ninja")
# The digits demo: the dataset ships inside scikit-learn; graphviz renders only if `dot` exists.
DEMO_REQUIREMENTS = ("scikit-learn>=1.3", "tqdm>=4.66", "matplotlib>=3.8", "graphviz>=0.20")
KERNELS_CACHE = ROOT / ".nox" / "_mg-kernels"
# Note [Parallel tests] (docs/architecture.md): pytest-xdist, one worker per core, each test
# sent to the next free worker. `-- -n 0` runs serially.
PYTEST_WORKERS = ("-n", "auto")
# What the kernels' build reads (tests/cpp: the GoogleTest suite built beside the wheel).
KERNELS_BUILD_INPUTS = (
    "CMakeLists.txt",
    "pyproject.toml",
    "README.md",
    "cmake",
    "include",
    "src",
    "python",
    "tests/cpp",
    "tests/fuzz",
)


@dataclass(frozen=True)
class Package:
    """One distribution of the monorepo and the sibling packages it is built on."""

    short: str
    name: str
    import_name: str
    needs: tuple[Package, ...] = ()

    @property
    def path(self) -> Path:
        return ROOT / "packages" / self.name

    @property
    def source(self) -> Path:
        """The folder mypy checks: the importable package itself."""
        if self.import_name == "mg_kernels":
            return self.path / "python" / self.import_name
        return self.path / "src" / self.import_name

    @property
    def test_requires(self) -> list[str]:
        """The package's `test` dependency group (PEP 735) from its pyproject.toml."""
        return list(nox.project.dependency_groups(self.pyproject, "test"))

    @property
    def pyproject(self) -> dict[str, Any]:
        return nox.project.load_toml(self.path / "pyproject.toml")

    @property
    def chain(self) -> tuple[Package, ...]:
        """This package and everything below it, lowest layer first."""
        below: list[Package] = []
        for dep in self.needs:
            below.extend(p for p in dep.chain if p not in below)
        return (*below, self)


KERNELS = Package("kernels", "mg-kernels", "mg_kernels")
CORE = Package("core", "mg-core", "mg_core", needs=(KERNELS,))
AUTOGRAD = Package("autograd", "mg-autograd", "mg_autograd", needs=(CORE,))
PACKAGES: tuple[Package, ...] = (KERNELS, CORE, AUTOGRAD)
BY_SHORT = {pkg.short: pkg for pkg in PACKAGES}


def install(session: nox.Session, pkg: Package, kernels: Path | None = None) -> None:
    """Install `pkg` and the siblings it needs from the working tree, lowest layer first.

    Siblings are installed without dependency resolution (an index must never supply them);
    their third-party requirements are installed afterwards from their pyproject.toml files.
    mg-kernels comes from the shared wheel of its current sources (`kernels_wheel`), or from
    `kernels` (a sanitized wheel) when given.
    """
    for dep in pkg.chain:
        target = (kernels or kernels_wheel(session)) if dep is KERNELS else dep.path
        session.install("--no-deps", *reinstall_flags(session, dep), str(target))
    if requirements := third_party_requirements(pkg):
        session.install(*requirements)


def kernels_wheel(session: nox.Session) -> Path:
    """The mg-kernels wheel of the current sources for the session's Python, built at most once.

    Note [One build of the kernels per checkout]: the wheel is cached under .nox/_mg-kernels,
    keyed by the Python tag and a digest of every source file, and every venv installs the same
    file. The venv that builds it has its CMake build folder, packages/mg-kernels/build/nox-<venv>
    (incremental rebuilds), with the GoogleTest suite when GoogleTest is installed; `cpp_tests`
    runs ctest there.
    """
    tag = session.run(
        "python", "-c", "import sys; print(sys.implementation.cache_tag)", silent=True
    )
    entry = KERNELS_CACHE / f"{str(tag).strip()}-{source_digest(KERNELS.path)}"
    # Two levels below the sources, like the `build/{wheel_tag}` folder of a build from the
    # sdist (pyproject.toml), so both compile the same relative paths (Note [Compiler cache]).
    build_dir = KERNELS.path / "build" / f"nox-{Path(session.virtualenv.location).name}"
    record = entry / "build-dir.txt"
    if not (record.exists() and Path(record.read_text()).is_dir()):
        shutil.rmtree(entry, ignore_errors=True)
        session.install(*KERNELS_BUILD_TOOLS, "build>=1.2")
        session.run(
            "python", "-m", "build", "--wheel", "--no-isolation", "--outdir", str(entry),
            f"--config-setting=build-dir={build_dir}",
            "--config-setting=cmake.define.MG_KERNELS_BUILD_TESTS=AUTO",
            str(KERNELS.path),
        )  # fmt: skip
        record.write_text(str(build_dir))
    return next(entry.glob("*.whl"))


def source_digest(folder: Path) -> str:
    """A digest of the names and contents of the files the kernels' build reads."""
    digest = hashlib.sha256()
    for top in KERNELS_BUILD_INPUTS:
        paths = sorted((folder / top).rglob("*")) if (folder / top).is_dir() else [folder / top]
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reinstall_flags(session: nox.Session, pkg: Package) -> list[str]:
    """Flags that make the installer rebuild `pkg` from the working tree every time."""
    if session.venv_backend == "uv":
        return ["--reinstall-package", pkg.name]
    return ["--force-reinstall"]


def third_party_requirements(pkg: Package) -> list[str]:
    """The runtime requirements of `pkg` and its siblings, minus the siblings themselves."""
    siblings = {p.name for p in PACKAGES}
    found: list[str] = []
    for dep in pkg.chain:
        for req in dep.pyproject["project"].get("dependencies", []):
            if Requirement(req).name not in siblings and req not in found:
                found.append(req)
    return found


@nox.session
@nox.parametrize(
    "target",
    [nox.param(p.short, id=p.short) for p in PACKAGES]
    + [nox.param("integration", id="integration")],
)
def tests(session: nox.Session, target: str) -> None:
    """Run one package's tests (and its doctests), or the cross-package integration tests."""
    if target == "integration":
        install(session, AUTOGRAD)
        session.install(*AUTOGRAD.test_requires, *KERNELS_BUILD_TOOLS)  # test_abi_skew builds
        # --dist loadfile: a module's tests share a worker, so test_abi_skew builds its wheel once
        session.run("pytest", *PYTEST_WORKERS, "--dist", "loadfile", "tests-integration",
                    *session.posargs)  # fmt: skip
        session.run("pytest", "--doctest-modules", str(ROOT / "tools"), *session.posargs)
        return
    pkg = BY_SHORT[target]
    install(session, pkg)
    session.install(*pkg.test_requires)
    session.run("pytest", *PYTEST_WORKERS, str(pkg.path / "tests"), *session.posargs)
    if pkg is not KERNELS:  # the kernels' Python side is a stub and a re-export: no doctests
        session.run("pytest", "--doctest-modules", str(pkg.source), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format) over all Python; clang-format over all C++."""
    session.install("ruff==0.17.6", "clang-format==19.1.7")  # pinned: every machine lints alike
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    cpp = sorted(
        str(p)
        for p in (KERNELS.path).rglob("*")
        if p.suffix in {".hpp", ".cpp", ".h"} and "build" not in p.relative_to(KERNELS.path).parts
    )
    session.run("clang-format", "--dry-run", "--Werror", *cpp)


@nox.session
def lint_workflows(session: nox.Session) -> None:
    """Validate the release machinery offline: workflow schema, zizmor, cibuildwheel's config."""
    session.install("check-jsonschema==0.39.0", "zizmor==1.32.0", "cibuildwheel==2.23.3")
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    session.run("zizmor", "--offline", "--config", str(ROOT / ".github" / "zizmor.yml"), *workflows)
    for platform in ("linux", "macos", "windows"):  # parses [tool.cibuildwheel] for each
        session.run("cibuildwheel", "--print-build-identifiers", "--platform", platform,
                    str(KERNELS.path), silent=True)  # fmt: skip


@nox.session
@nox.parametrize("target", [nox.param(p.short, id=p.short) for p in PACKAGES])
def typecheck(session: nox.Session, target: str) -> None:
    """mypy --strict over one package's source (its siblings are installed, typed)."""
    pkg = BY_SHORT[target]
    install(session, pkg)
    extras = pkg.pyproject["project"].get("optional-dependencies", {})
    session.install("mypy==2.4.1", *(req for reqs in extras.values() for req in reqs))
    session.run("mypy", "--strict", str(pkg.source))
    if pkg is KERNELS:  # the stub must describe the compiled module exactly
        allowlist = str(KERNELS.path / "stubtest-allowlist.txt")
        session.run("python", "-m", "mypy.stubtest", "mg_kernels", "--allowlist", allowlist)


@nox.session
def cpp_tests(session: nox.Session) -> None:
    """Run the C++ GoogleTest suite with ctest, in the build folder of the kernels' wheel."""
    build_dir = Path((kernels_wheel(session).parent / "build-dir.txt").read_text())
    if not (build_dir / "CTestTestfile.cmake").exists():
        session.error(
            "mg-kernels was built without its C++ tests because GoogleTest was not found; "
            "install it (Debian/Ubuntu: apt-get install libgtest-dev), then run "
            "`rm -rf .nox/_mg-kernels` and this session again"
        )
    session.install("cmake>=3.26")  # ctest
    session.run("ctest", "--test-dir", str(build_dir), "--output-on-failure", "--no-tests=error")


@nox.session
def demo(session: nox.Session) -> None:
    """Fit a line, then train an MLP and a CNN on scikit-learn's digits; results go to runs/."""
    install(session, AUTOGRAD)
    session.install(*DEMO_REQUIREMENTS)
    session.run("python", str(ROOT / "examples" / "linear_regression.py"))
    session.run("python", str(ROOT / "examples" / "train_digits.py"), *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """mg vs NumPy vs PyTorch in one process, as time ratios. `-- --plot` redraws the docs plot."""
    install(session, AUTOGRAD)
    session.install("numpy>=2", TORCH, "matplotlib>=3.8", "scikit-learn>=1.3")  # bench_mlp: digits
    if "--plot" in session.posargs:
        session.run("python", str(ROOT / "benchmarks" / "plot_add.py"))
        return
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML site into build/docs (warnings are errors) and run the docs' examples."""
    install(session, AUTOGRAD)
    session.install(*nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), "docs"))
    out = ROOT / "build" / "docs"
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", str(out / "html"))
    session.run("pytest", "--doctest-glob=*.md", "docs", *session.posargs)
    session.log(f"open {out / 'html' / 'index.html'}")


@nox.session(venv_backend="none")
def release(session: nox.Session) -> None:
    """Bump one package's version and changelog: `nox -s release -- core 0.2.0`."""
    # nox's own interpreter: it has `packaging`, which the tool needs.
    session.run(sys.executable, str(ROOT / "tools" / "release.py"), *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """Wheels and sdists of all three into dist/, checked, then installed into a fresh venv."""
    uv = session.venv_backend == "uv"
    session.install("build[uv]>=1.2" if uv else "build>=1.2", "twine>=6")
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    installer = ["--installer=uv"] if uv else []
    for pkg in PACKAGES:
        session.run("python", "-m", "build", *installer, "--outdir", str(dist), str(pkg.path))
    if os.environ.get("CMAKE_CXX_COMPILER_LAUNCHER") == "ccache":  # Note [Compiler cache]
        session.run("ccache", "--show-stats", external=True)
    session.run("twine", "check", "--strict", *(str(p) for p in sorted(dist.iterdir())))
    session.run("python", str(ROOT / "tests-integration" / "check_wheels.py"), str(dist))


# Note [Sanitizer sessions] (docs/reliability.md): `asan`, `ubsan` and `fuzz` share one build of
# mg-kernels with ASan and UBSan together (GCC; -O1), one cached wheel and one CMake folder, built
# from one builder venv; each sanitizer session runs the C++ tests there, then every package's
# tests and the integration tests against that wheel.
SANITIZER_CACHE = ROOT / ".nox" / "_mg-kernels-sanitized"
# MG_KERNELS_SANITIZE in the environment overrides it (e.g. "undefined": no ASan, no preloading).
SANITIZE = "address,undefined"
# The sanitizer build compiles these ISAs only (the machine's widest plus the portable one);
# MG_KERNELS_ISAS in the environment overrides it ("" builds all).
SANITIZER_ISAS = "scalar;avx2"
SANITIZER_ENV = {
    # CPython frees nothing at exit, so LeakSanitizer would report the interpreter itself; the
    # C++ tests (ctest) keep leak detection on. tests-integration: `leaks` covers leaks there.
    # allocator_may_return_null: a huge request gives NULL (bad_alloc -> MemoryError, as the
    # tests expect) instead of an "allocation-size-too-big" report.
    "ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1:allocator_may_return_null=1:"
    "strict_init_order=1:detect_stack_use_after_return=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}


def sanitize_list() -> str:
    """The -fsanitize= list of the shared sanitizer build."""
    return os.environ.get("MG_KERNELS_SANITIZE", SANITIZE)


def sanitizer_builder(session: nox.Session) -> Path:
    """The Python of the venv that builds the sanitized wheel, the same for every session.

    scikit-build-core clears the CMake cache and CMakeFiles/ (every object file) when the build
    folder was last configured by a scikit-build-core installed elsewhere ("New isolated
    environment ..., clearing cache"). Built from each session's own venv, the folder was rebuilt
    from scratch whenever `fuzz` followed `asan` or the other way round; one builder venv keeps
    it incremental. It is made by virtualenv (nox's own dependency) on the session's interpreter
    and made again only when that interpreter or the tools change.
    """
    base = session.run("python", "-c", "import sys; print(sys._base_executable)", silent=True)
    interpreter = str(base).strip()
    venv = SANITIZER_CACHE / "builder"
    python = venv / "bin" / "python"
    tools = (*KERNELS_BUILD_TOOLS, "build>=1.2")
    stamp = venv / "mg-builder.txt"
    want = "\n".join((interpreter, *tools))
    if not (python.exists() and stamp.exists() and stamp.read_text() == want):
        shutil.rmtree(venv, ignore_errors=True)
        session.run(sys.executable, "-m", "virtualenv", "-q", "-p", interpreter, str(venv),
                    external=True)  # fmt: skip
        session.run(str(python), "-m", "pip", "install", "-q", *tools, external=True)
        stamp.write_text(want)
    return python


def sanitized_kernels(session: nox.Session) -> tuple[Path, Path]:
    """The sanitized mg-kernels wheel and its CMake folder (C++ tests, GCC fuzz driver), built
    once per source state like `kernels_wheel`, incrementally in one folder."""
    tag = session.run(
        "python", "-c", "import sys; print(sys.implementation.cache_tag)", silent=True
    )
    isas = os.environ.get("MG_KERNELS_ISAS", SANITIZER_ISAS)
    cpp_tests = os.environ.get("MG_KERNELS_BUILD_TESTS", "ON")  # OFF: a quicker Python-only run
    key = hashlib.sha256(f"{sanitize_list()}/{isas}/{cpp_tests}".encode()).hexdigest()[:6]
    entry = SANITIZER_CACHE / f"{str(tag).strip()}-{source_digest(KERNELS.path)}-{key}"
    build_dir = SANITIZER_CACHE / "build"
    if not list(entry.glob("*.whl")):
        builder = sanitizer_builder(session)
        session.log(f"sanitized build: -fsanitize={sanitize_list()}, ISAs {isas!r}")
        session.run(
            str(builder), "-m", "build", "--wheel", "--no-isolation", "--outdir", str(entry),
            f"--config-setting=build-dir={build_dir}",
            f"--config-setting=cmake.define.MG_KERNELS_BUILD_TESTS={cpp_tests}",
            f"--config-setting=cmake.define.MG_KERNELS_SANITIZE={sanitize_list()}",
            f"--config-setting=cmake.define.MG_KERNELS_ISAS={isas}",
            "--config-setting=cmake.define.MG_KERNELS_BUILD_FUZZERS=ON",
            str(KERNELS.path), external=True,
        )  # fmt: skip
    return next(entry.glob("*.whl")), build_dir


def sanitizer_runtime(session: nox.Session) -> dict[str, str]:
    """The environment the Python suites run in under the sanitized build.

    GCC links the runtime into the extension, but ASan must come first in the process (before
    libc's malloc is used), so python runs with LD_PRELOAD of the compiler's libasan; and of its
    libstdc++ too, or ASan's __cxa_throw interceptor finds no real one (python does not link
    libstdc++) and the first C++ exception dies in "CHECK failed: asan_interceptors.cpp".
    UBSan alone needs no preloading.
    """
    env = dict(SANITIZER_ENV)
    if "address" in sanitize_list():
        cxx = os.environ.get("CXX", "c++")
        libs = [
            str(session.run(cxx, f"-print-file-name={lib}", silent=True, external=True)).strip()
            for lib in ("libasan.so", "libstdc++.so")
        ]
        env["LD_PRELOAD"] = " ".join(libs)
    return env


def suite_digest(wheel: Path) -> str:
    """A digest of what a sanitizer session checks: the sanitized wheel, the Python packages'
    sources and pyproject.toml, every test, and the sanitizer options. Same digest, same run."""
    digest = hashlib.sha256(wheel.read_bytes())
    inputs = [KERNELS.path / "python", KERNELS.path / "tests", ROOT / "tests-integration"]
    for pkg in (CORE, AUTOGRAD):
        inputs += [pkg.path / "src", pkg.path / "tests", pkg.path / "pyproject.toml"]
    skip = {"__pycache__", ".hypothesis", ".pytest_cache"}
    for top in inputs:
        for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
            if path.is_file() and not skip & set(path.parts):
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    digest.update(repr(sorted(SANITIZER_ENV.items())).encode())
    return digest.hexdigest()[:16]


def run_sanitized(session: nox.Session, name: str) -> None:
    """The C++ tests and every Python suite against the shared sanitized build.

    `asan` and `ubsan` run the same checks (both sanitizers are in the build); when one of them
    has passed on exactly these sources and tests (`suite_digest`), the other says so and stops
    (`nox -s asan ubsan` builds and runs once). MG_SANITIZE_RERUN=1 runs it again.
    """
    wheel, build_dir = sanitized_kernels(session)
    passed = wheel.parent / f"passed-{suite_digest(wheel)}"
    if passed.exists() and not session.posargs and not os.environ.get("MG_SANITIZE_RERUN"):
        by = passed.read_text().strip()
        session.log(
            f"{name}: -fsanitize={sanitize_list()} already passed on these sources and tests "
            f"({by}); MG_SANITIZE_RERUN=1 runs it again"
        )
        return
    install(session, AUTOGRAD, kernels=wheel)
    session.install(*{r: None for p in PACKAGES for r in p.test_requires}, "psutil")
    session.install("cmake>=3.26")  # ctest
    cpp_env = {
        **SANITIZER_ENV,
        "ASAN_OPTIONS": "detect_leaks=1:halt_on_error=1:allocator_may_return_null=1",
        # The vectorised-math accuracy sweep: every 4096th float instead of every 256th (the
        # same code paths; the full sweep took 14-80 s per function instrumented).
        "MG_TEST_VMATH_STEP": "4096",
    }
    session.log(f"{name}: -fsanitize={sanitize_list()}; MG_TEST_VMATH_STEP=4096")
    if os.environ.get("MG_KERNELS_BUILD_TESTS", "ON") != "OFF":
        # -E: that test wants every x86 table compiled; sanitizer builds compile a subset.
        session.run("ctest", "--test-dir", str(build_dir), "--output-on-failure",
                    "--no-tests=error", "-E", "X86BuildsCompileEveryX86Table",
                    env=cpp_env)  # fmt: skip
    else:
        session.warn("MG_KERNELS_BUILD_TESTS=OFF: the C++ tests were not built, not run")
    env = sanitizer_runtime(session)
    suites = [str(p.path / "tests") for p in PACKAGES] + [str(ROOT / "tests-integration")]
    # One pytest run for all suites (PYTEST_WORKERS: a worker per core; a sanitizer report ends
    # its worker, and xdist fails the test it was running); test_abi_skew builds a wheel
    # (unrelated to memory safety), so it is left out.
    # --capture=sys: a sanitizer writes its report to file descriptor 2 and exits; pytest's
    # default fd capture would swallow it.
    session.run("pytest", *PYTEST_WORKERS, *suites, "-q", "-p", "no:cacheprovider",
                "--capture=sys",
                "--deselect", "tests-integration/test_abi_skew.py",
                # compares the build's ISAs with the CPU's; sanitizer builds compile a subset
                "--deselect", "packages/mg-kernels/tests/python/test_isa.py"
                "::test_available_isas_match_proc_cpuinfo",
                *session.posargs, env=env)  # fmt: skip
    if not session.posargs and os.environ.get("MG_KERNELS_BUILD_TESTS", "ON") != "OFF":
        passed.write_text(f"by nox -s {name}\n")


@nox.session
def asan(session: nox.Session) -> None:
    """mg-kernels with AddressSanitizer (and UBSan): the C++ tests (+LeakSanitizer) and every
    Python suite."""
    run_sanitized(session, "asan")


@nox.session
def ubsan(session: nox.Session) -> None:
    """mg-kernels with UndefinedBehaviorSanitizer (and ASan): the C++ tests and every Python
    suite; the same build and run as `asan` (Note [Sanitizer sessions])."""
    run_sanitized(session, "ubsan")


# Seconds per fuzz target: `nox -s fuzz -- 600`, or FUZZ_SECONDS=600 in the environment.
FUZZ_SECONDS = 60
# The libFuzzer build: Clang (FUZZ_CXX overrides), ASan + UBSan on the library and the target.
FUZZ_SANITIZE = "address,undefined,fuzzer-no-link"
# Its ISAs: Clang instruments each kernel unit with ASan + UBSan + coverage for 5-15 minutes on a
# shared 2-core machine, so the portable table only unless MG_KERNELS_ISAS says otherwise; the
# GCC/ASan driver run of the same target covers SANITIZER_ISAS (avx2 too).
FUZZ_ISAS = "scalar"


def clang_fuzzer(session: nox.Session) -> Path:
    """The coverage-guided libFuzzer binary of tests/fuzz/fuzz_kernels.cpp, built with Clang.

    Its own CMake folder (.nox/_mg-kernels-fuzz-clang, incremental): the kernel library and the
    target only (no Python extension, no C++ tests), FUZZ_ISAS unless MG_KERNELS_ISAS says.
    Debian/Ubuntu: `apt-get install clang libclang-rt-14-dev` (or the version of your clang).
    """
    cxx = os.environ.get("FUZZ_CXX", "clang++")
    if shutil.which(cxx) is None:
        session.error(f"nox -s fuzz needs {cxx} (Clang with libFuzzer); FUZZ_CXX names another, "
                      "FUZZ_LIBFUZZER=0 skips that target")  # fmt: skip
    isas = os.environ.get("MG_KERNELS_ISAS", FUZZ_ISAS)
    build_dir = ROOT / ".nox" / "_mg-kernels-fuzz-clang"
    session.install("cmake>=3.26", "ninja")
    session.run("cmake", "-S", str(KERNELS.path), "-B", str(build_dir), "-G", "Ninja",
                f"-DCMAKE_CXX_COMPILER={cxx}", "-DCMAKE_BUILD_TYPE=Release",
                "-DMG_KERNELS_BUILD_PYTHON=OFF", "-DMG_KERNELS_BUILD_TESTS=OFF",
                "-DMG_KERNELS_BUILD_FUZZERS=ON", f"-DMG_KERNELS_SANITIZE={FUZZ_SANITIZE}",
                f"-DMG_KERNELS_ISAS={isas}", silent=True)  # fmt: skip
    session.run("cmake", "--build", str(build_dir), "--target", "mg_kernels_fuzz")
    return build_dir / "mg_kernels_fuzz"


@nox.session
def fuzz(session: nox.Session) -> None:
    """Fuzz the C++ entry points and the Python API, each target for FUZZ_SECONDS.

    Three targets: the C++ one built with Clang as a coverage-guided libFuzzer binary under
    ASan + UBSan (FUZZ_LIBFUZZER=0 skips it: its build is the slow part); the same source
    under GCC's ASan + UBSan with a random driver (the library exactly as the sanitized wheel
    builds it, shared with `asan`/`ubsan`); the Python API (atheris) on that wheel.
    `nox -s fuzz -- 600` (or FUZZ_SECONDS=600) runs each for ten minutes. Regression inputs
    live in packages/mg-kernels/tests/fuzz/corpus (ctest and every run here replay them) and
    tests-integration/fuzz_corpus (test_fuzz_regressions.py replays them); a crash fails the
    session and leaves its input in .nox/fuzz-artifacts/ (docs/reliability.md).
    """
    seconds = int(
        session.posargs[0] if session.posargs else os.environ.get("FUZZ_SECONDS", FUZZ_SECONDS)
    )
    libfuzzer = os.environ.get("FUZZ_LIBFUZZER", "1") != "0"
    state = "on" if libfuzzer else "off (FUZZ_LIBFUZZER=0)"
    session.log(f"fuzz: {seconds} s per target; the Clang libFuzzer target: {state}")
    artifacts = ROOT / ".nox" / "fuzz-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    cpp_corpus = KERNELS.path / "tests" / "fuzz" / "corpus"
    san_env = {k: v for k, v in SANITIZER_ENV.items() if k != "ASAN_OPTIONS"}
    if libfuzzer:
        # libFuzzer adds what it finds to the first folder: a scratch one, not the regression
        # inputs.
        cpp_scratch = ROOT / ".nox" / "fuzz-corpus-cpp"
        cpp_scratch.mkdir(parents=True, exist_ok=True)
        binary = clang_fuzzer(session)
        session.run(str(binary), str(cpp_scratch), str(cpp_corpus),
                    f"-max_total_time={seconds}", f"-artifact_prefix={artifacts}/clang-",
                    "-print_final_stats=1", external=True,
                    env={**san_env, "ASAN_OPTIONS": "detect_leaks=1:halt_on_error=1"})  # fmt: skip
    else:
        session.warn("FUZZ_LIBFUZZER=0: the Clang libFuzzer target was not built, not run")
    wheel, build_dir = sanitized_kernels(session)
    install(session, AUTOGRAD, kernels=wheel)
    session.install("atheris>=2.3", "numpy>=2")
    env = sanitizer_runtime(session)
    session.run(str(build_dir / "mg_kernels_fuzz"), str(cpp_corpus),
                f"-max_total_time={seconds}", f"-artifact={artifacts / 'crash-cpp'}",
                f"-artifact_prefix={artifacts}/", external=True,
                env={**env, "ASAN_OPTIONS": "detect_leaks=1:halt_on_error=1"})  # fmt: skip
    scratch = ROOT / ".nox" / "fuzz-corpus"
    scratch.mkdir(parents=True, exist_ok=True)
    py_corpus = ROOT / "tests-integration" / "fuzz_corpus"
    session.run("python", str(ROOT / "tests-integration" / "fuzz_api.py"),
                f"-max_total_time={seconds}", f"-artifact_prefix={artifacts}/",
                "-print_final_stats=1", "-rss_limit_mb=4096", str(scratch), str(py_corpus),
                env=env)  # fmt: skip
