"""The array API standard's inspection namespace: `__array_namespace_info__()`.

Tensor.__array_namespace__ returns the `mg_core` module itself; this module describes it.
Only dtypes the installed kernels compute in are reported (bfloat16 and float16 are not
array API dtypes and are never listed).
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

from .buffer import kernel_dtypes
from .dtype import DType, float64, int64

__all__ = ["ArrayAPIInfo", "__array_api_version__", "__array_namespace_info__"]

__array_api_version__: Final = "2024.12"

Device: TypeAlias = Literal["cpu"]

_KINDS: Final[dict[str, str]] = {
    "bool": "b",
    "signed integer": "i",
    "unsigned integer": "u",
    "integral": "iu",
    "real floating": "f",
    "numeric": "iuf",
}
_STANDARD: Final = frozenset(
    ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float32", "float64")
)  # fmt: skip


class ArrayAPIInfo:
    """What mg_core offers, as the array API's inspection functions report it.

    >>> info = mg.__array_namespace_info__()
    >>> info.default_device(), info.devices(), info.capabilities()["boolean indexing"]
    ('cpu', ['cpu'], False)
    >>> info.default_dtypes()["real floating"]
    mg_core.float64
    >>> sorted(info.dtypes(kind="real floating"))
    ['float32', 'float64']
    """

    def capabilities(self) -> dict[str, bool | int | None]:
        """Return the optional features: none yet (no boolean masks, no data-dependent shapes)."""
        return {"boolean indexing": False, "data-dependent shapes": False, "max dimensions": None}

    def default_device(self) -> Device:
        """Return 'cpu', the only device."""
        return "cpu"

    def devices(self) -> list[Device]:
        """Return the devices tensors can live on: ['cpu']."""
        return ["cpu"]

    def default_dtypes(self, *, device: Device | None = None) -> dict[str, DType]:
        """Return NumPy's defaults: float64 for floats, int64 for integers and indices."""
        _check_device(device)
        return {"real floating": float64, "integral": int64, "indexing": int64}

    def dtypes(
        self, *, device: Device | None = None, kind: str | tuple[str, ...] | None = None
    ) -> dict[str, DType]:
        """Return the array API dtypes of `kind` (all if None) that mg computes in today.

        Raises ValueError for an unknown kind ('complex floating' gives an empty dict).
        """
        _check_device(device)
        kinds = (kind,) if isinstance(kind, str) else kind
        if kinds is None:
            wanted = "biuf"
        else:
            for k in kinds:
                if k not in _KINDS and k != "complex floating":
                    raise ValueError(f"unknown dtype kind {k!r}; known: {', '.join(_KINDS)}")
            wanted = "".join(_KINDS.get(k, "") for k in kinds)
        return {d.name: d for d in kernel_dtypes() if d.kind in wanted and d.name in _STANDARD}


def _check_device(device: object) -> None:
    if device not in (None, "cpu"):
        raise ValueError(f"unknown device {device!r}; mg has only 'cpu'")


def __array_namespace_info__() -> ArrayAPIInfo:  # the standard's name
    """Return the inspection namespace of the array API (see `ArrayAPIInfo`)."""
    return ArrayAPIInfo()
