"""The only module of mg_core that imports mg_kernels (the jax/jaxlib choke point).

It checks at import that the installed kernels are a compatible version with the kernel ABI
this mg-core was written for, and raises an ImportError that says how to fix it if not. The
rest of mg_core imports the kernels' names from here, never from mg_kernels.
"""

from __future__ import annotations

from typing import Final

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ._version import __version__
from .dtype import all_dtypes

__all__ = [
    "KERNELS_ABI",
    "KERNELS_REQUIREMENT",
    "KERNELS_VERSION",
    "KERNEL_DTYPES",
    "ArgReduceOp",
    "BinaryOp",
    "ReduceOp",
    "ScanOp",
    "Storage",
    "UnaryOp",
    "arg_reduce",
    "argsort",
    "binary",
    "binary_new",
    "check_kernels",
    "clip",
    "copy",
    "count_nonzero",
    "dlpack_export",
    "dlpack_import",
    "gather",
    "index_offsets",
    "logsumexp",
    "matmul",
    "mean_var",
    "missing_kernels_message",
    "nonzero",
    "reduce",
    "reduce_sum",
    "scan",
    "scatter",
    "searchsorted",
    "sort",
    "sum_all",
    "unary",
    "unary_new",
    "where",
]

KERNELS_REQUIREMENT: Final = ">=0.1.0.dev0,<0.2"
"""The mg-kernels versions this mg-core works with; equal to the range in pyproject.toml."""

KERNELS_ABI: Final = 1
"""The kernel ABI version (`mg_kernels.__abi_version__`) this mg-core was written for."""


def check_kernels(
    installed_version: str,
    installed_abi: int,
    *,
    requirement: str = KERNELS_REQUIREMENT,
    abi: int = KERNELS_ABI,
    core_version: str = __version__,
) -> str | None:
    """Return why the installed mg-kernels cannot be used, or None if it can.

    Pre-releases count as matching (mg-kernels 0.1.0.dev3 satisfies ">=0.1.0.dev0,<0.2").

    >>> check_kernels("0.1.0", 1, requirement=">=0.1,<0.2", abi=1) is None
    True
    >>> print(check_kernels("0.2.5", 2, requirement=">=0.1,<0.2", abi=1, core_version="0.1.0"))
    mg-core 0.1.0 needs mg-kernels >=0.1,<0.2 (kernel ABI 1), but mg-kernels 0.2.5 (ABI 2) \
is installed. Fix: pip install 'mg-kernels>=0.1,<0.2'
    """
    try:
        version_ok = SpecifierSet(requirement, prereleases=True).contains(
            Version(installed_version), prereleases=True
        )
    except (InvalidVersion, InvalidSpecifier):
        version_ok = False
    if version_ok and installed_abi == abi:
        return None
    return (
        f"mg-core {core_version} needs mg-kernels {requirement} (kernel ABI {abi}), "
        f"but mg-kernels {installed_version} (ABI {installed_abi}) is installed. "
        f"Fix: pip install '{_pip_requirement(requirement)}'"
    )


def missing_kernels_message(error: ImportError) -> str:
    """Return the message for an mg-kernels that is absent or fails to load.

    >>> error = ModuleNotFoundError("No module named 'mg_kernels'", name="mg_kernels")
    >>> print(missing_kernels_message(error))  # doctest: +ELLIPSIS
    mg-core ... needs mg-kernels >=... (kernel ABI 1), but mg-kernels is not installed. Fix: ...
    """
    if isinstance(error, ModuleNotFoundError) and error.name == "mg_kernels":
        problem = "mg-kernels is not installed"
    else:
        problem = f"mg-kernels failed to import ({type(error).__name__}: {error})"
    return (
        f"mg-core {__version__} needs mg-kernels {KERNELS_REQUIREMENT} "
        f"(kernel ABI {KERNELS_ABI}), but {problem}. "
        f"Fix: pip install '{_pip_requirement(KERNELS_REQUIREMENT)}'"
    )


def _pip_requirement(requirement: str) -> str:
    return f"mg-kernels{requirement}"


try:
    import mg_kernels as _mg_kernels
except ImportError as _error:
    raise ImportError(missing_kernels_message(_error)) from _error

# getattr: a far too old or foreign mg_kernels may lack these; the check then explains.
KERNELS_VERSION: Final[str] = str(getattr(_mg_kernels, "__version__", "unknown"))
_problem = check_kernels(KERNELS_VERSION, int(getattr(_mg_kernels, "__abi_version__", -1)))
if _problem is not None:
    raise ImportError(_problem)

# Imported only after the check: another ABI may lack these names or mean other things by them.
from mg_kernels import (  # noqa: E402
    ArgReduceOp,
    BinaryOp,
    ReduceOp,
    ScanOp,
    Storage,
    UnaryOp,
    arg_reduce,
    argsort,
    binary,
    binary_new,
    clip,
    copy,
    count_nonzero,
    gather,
    index_offsets,
    logsumexp,
    matmul,
    mean_var,
    nonzero,
    reduce,
    reduce_sum,
    scan,
    scatter,
    searchsorted,
    sort,
    sum_all,
    unary,
    unary_new,
    where,
)
from mg_kernels import from_dlpack as dlpack_import  # noqa: E402
from mg_kernels import to_dlpack as dlpack_export  # noqa: E402


def _computes_in(name: str) -> bool:
    try:
        Storage(name, 0)
    except TypeError:
        return False
    return True


KERNEL_DTYPES: Final[tuple[str, ...]] = tuple(d.name for d in all_dtypes() if _computes_in(d.name))
"""Names of the dtypes the installed kernels compute in (probed once, at import)."""
