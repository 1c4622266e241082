"""PyTorch-style text for tensor values: ``tensor([1.0000, 2.5000], requires_grad=True)``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import mg_core as core

__all__ = ["format_data"]


def format_data(data: core.Tensor, prefix: str, extras: Sequence[str]) -> str:
    """Return ``prefix(values, extra, ...)`` with values laid out as PyTorch prints them.

    >>> import mg_core as core
    >>> print(format_data(core.asarray([[1.0, -2.0], [3.0, 4.5]]), "tensor", ["x=1"]))
    tensor([[ 1.0000, -2.0000],
            [ 3.0000,  4.5000]], x=1)
    """
    flat = _flatten(data.tolist(), data.ndim)
    if not flat:
        body = "[]"
        if data.ndim > 1:
            extras = [f"size={data.shape}", *extras]
    else:
        fmt = _float_formatter(flat) if data.dtype.kind == "f" else str
        # As PyTorch: the column width comes from nonzero finite values (nan/inf may overflow).
        width = max((len(fmt(v)) for v in flat if v != 0 and math.isfinite(v)), default=0)
        body = _layout(data.tolist(), data.ndim, len(prefix) + 1, lambda v: fmt(v).rjust(width))
    return f"{prefix}({', '.join([body, *extras])})"


def _flatten(values: object, ndim: int) -> list[float]:
    if ndim == 0:
        assert isinstance(values, (int, float))
        return [values]
    assert isinstance(values, list)
    return [v for row in values for v in _flatten(row, ndim - 1)]


def _layout(values: object, ndim: int, indent: int, fmt: Callable[[float], str]) -> str:
    if ndim == 0:
        assert isinstance(values, (int, float))
        return fmt(values)
    assert isinstance(values, list)
    if ndim == 1:
        return "[" + ", ".join(fmt(v) for v in values) + "]"
    # One newline between rows, an extra blank line between matrices, as PyTorch does.
    sep = "," + "\n" * (ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(_layout(v, ndim - 1, indent + 1, fmt) for v in values) + "]"


def _float_formatter(values: list[float]) -> Callable[[float], str]:
    finite = [abs(v) for v in values if math.isfinite(v)]
    nonzero = [v for v in finite if v != 0.0]
    big = max(nonzero, default=0.0)
    small = min(nonzero, default=0.0)
    # PyTorch's rule: scientific notation when magnitudes are extreme or span > 3 decades.
    if nonzero and (big > 1e8 or small < 1e-4 or big / small > 1e3):
        return lambda v: f"{v:.4e}" if math.isfinite(v) else _special(v)
    if all(v == int(v) for v in finite):
        return lambda v: f"{v:.0f}." if math.isfinite(v) else _special(v)
    return lambda v: f"{v:.4f}" if math.isfinite(v) else _special(v)


def _special(v: float) -> str:
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
