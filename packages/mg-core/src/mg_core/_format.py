"""NumPy-style text for Tensor.__repr__: `tensor([1., 2.], dtype=float32)`.

Every element is printed with the shortest text that reads back to the same value in the
tensor's dtype; decimal points line up; tensors of more than 1000 elements show only their
first and last three entries per axis (and their shape).
"""

from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["format_tensor"]

_SUMMARIZE_OVER: Final = 1000
_EDGE: Final = 3

Nested: TypeAlias = "str | list[Nested]"


def format_tensor(t: Tensor) -> str:
    """Return the repr of `t`."""
    prefix = "tensor("
    summarize = t.size > _SUMMARIZE_OVER
    if t.size == 0:
        body = "[]"
    else:
        nested = _strings(t, summarize)
        body = _render(nested, _Columns(_leaves(nested)), len(prefix), t.ndim)
    # As NumPy: the shape is stated when the text does not show it.
    hidden = summarize or (t.size == 0 and t.ndim != 1)
    extra = f", shape={t.shape}" if hidden else ""
    return f"{prefix}{body}{extra}, dtype={t.dtype.name})"


def _strings(t: Tensor, summarize: bool) -> Nested:
    if not summarize:
        return _map(t.tolist(), t.dtype.name)
    if t.ndim == 0:
        return _scalar(t.item(), t.dtype.name)
    n = t.shape[0]
    if n <= 2 * _EDGE:
        return [_strings(t[i], summarize) for i in range(n)]
    head = [_strings(t[i], summarize) for i in range(_EDGE)]
    tail = [_strings(t[i], summarize) for i in range(n - _EDGE, n)]
    return [*head, "...", *tail]


def _map(values: object, dtype: str) -> Nested:
    if isinstance(values, list):
        return [_map(v, dtype) for v in values]
    assert isinstance(values, (int, float))
    return _scalar(values, dtype)


def _scalar(value: int | float, dtype: str) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    text = repr(value) if dtype == "float64" else _shortest_float32(value)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += "."
    elif mantissa.endswith(".0"):
        mantissa = mantissa[:-1]
    return mantissa + e + exponent


def _shortest_float32(value: float) -> str:
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == value:
            return repr(float(text))  # same digits, in repr's fixed/scientific style
    return repr(value)


def _leaves(nested: Nested) -> list[str]:
    if isinstance(nested, str):
        return [nested]
    return [leaf for child in nested for leaf in _leaves(child)]


class _Columns:
    """Pads entries to one width, lining up decimal points as NumPy does."""

    def __init__(self, leaves: list[str]) -> None:
        plain = [s.partition(".") for s in leaves if _is_decimal(s)]
        self.left = max((len(a) for a, _, _ in plain), default=0)
        self.right = max((len(b) for _, _, b in plain), default=0)
        aligned = self.left + 1 + self.right if plain else 0
        self.width = max([aligned, *(len(s) for s in leaves)])

    def pad(self, text: str) -> str:
        if text == "...":
            return text
        if _is_decimal(text):
            whole, _, frac = text.partition(".")
            text = f"{whole.rjust(self.left)}.{frac.ljust(self.right)}"
        return text.rjust(self.width)


def _is_decimal(text: str) -> bool:
    return "." in text and "e" not in text and text != "..."


def _render(nested: Nested, columns: _Columns, indent: int, ndim: int) -> str:
    if isinstance(nested, str):
        return columns.pad(nested)
    if ndim == 1:
        return "[" + ", ".join(columns.pad(x) for x in nested if isinstance(x, str)) + "]"
    sep = "," + "\n" * (ndim - 1) + " " * (indent + 1)
    rows = [_render(x, columns, indent + 1, ndim - 1) for x in nested]
    return "[" + sep.join(rows) + "]"
