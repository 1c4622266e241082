"""NumPy-style text for Tensor.__repr__: `tensor([1., 2.], dtype=float32)`.

A port of NumPy 2's `array_repr` with its default print options (precision 8, floatmode
'maxprec', linewidth 75, threshold 1000, edgeitems 3), so a tensor prints as NumPy prints the
same array, with `tensor(` for `array(` and the dtype always shown:
- floats print in positional notation with the shortest digits that read back to the same
  value (at most 8 after the point), or in scientific notation when the largest magnitude is
  at least 10**min(8, decimal precision of the dtype), the smallest non-zero one is below 1e-4,
  or they span more than a factor of 1000; decimal points and exponents line up;
- more than 1000 elements print only the first and last three entries of each axis, with
  `...` between, and then state the shape;
- rows wrap at 75 columns, and `shape=`/`dtype=` move to their own line when they would not fit.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final, TypeAlias, cast

if TYPE_CHECKING:
    from .tensor import Tensor

__all__ = ["format_tensor", "format_values"]

_LINEWIDTH: Final = 75
_THRESHOLD: Final = 1000
_EDGE: Final = 3
_PRECISION: Final = 8
_SEPARATOR: Final = ", "
_PREFIX: Final = "tensor("
_DECIMAL_DIGITS: Final = {"float16": 3, "bfloat16": 2, "float32": 6, "float64": 15}


class _Gap:
    """Marks the elided middle of a summarised axis."""


_GAP: Final = _Gap()
Value: TypeAlias = "int | float | bool"
Nested: TypeAlias = "Value | _Gap | list[Nested]"
Text: TypeAlias = "str | _Gap | list[Text]"


def format_tensor(t: Tensor) -> str:
    """Return the repr of `t`, as NumPy's repr of the same array with `tensor(`.

    >>> print(format_tensor(mg.asarray([[1.5, -2.0], [1e-5, 3.0]], dtype="float32")))
    tensor([[ 1.5e+00, -2.0e+00],
            [ 1.0e-05,  3.0e+00]], dtype=float32)
    """
    summarize = t.size > _THRESHOLD
    values = _values(t, summarize) if t.size else []
    return format_values(values, t.dtype.name, t.shape, summarize)


def format_values(values: Nested, dtype: str, shape: tuple[int, ...], summarize: bool) -> str:
    """Return the repr of a tensor of `dtype` and `shape` whose (edge) values are `values`.

    `values` are nested lists as `tolist()` gives them, with `...` gaps already cut out of
    summarised axes; this lets the layout be tested on dtypes the kernels lack.

    >>> print(format_values([0.0999755859375, 65504.0], "float16", (2,), False))
    tensor([1.00e-01, 6.55e+04], dtype=float16)
    """
    size = 1
    for d in shape:
        size *= d
    if size == 0:
        body = "[]"
    else:
        leaves = [v for v in _leaves(values) if not isinstance(v, _Gap)]
        text = _apply(_formatter(leaves, dtype, len(shape)), values)
        indent = " " * (len(_PREFIX) + 1)
        body = _render(text, len(shape), indent, _LINEWIDTH - len(")"))
    extras = []
    if (size == 0 and shape != (0,)) or summarize:
        extras.append(f"shape={shape}")
    extras.append(f"dtype={dtype}")
    head = _PREFIX + body + ","
    tail = ", ".join(extras) + ")"
    last_line = len(head) - (head.rfind("\n") + 1)
    spacer = "\n" + " " * len(_PREFIX) if last_line + len(tail) + 1 > _LINEWIDTH else " "
    return head + spacer + tail


def _values(t: Tensor, summarize: bool) -> Nested:
    if not summarize:
        return cast(Nested, t.tolist())
    if t.ndim == 0:
        return t.item()
    n = t.shape[0]
    if n <= 2 * _EDGE:
        return [_values(t[i], summarize) for i in range(n)]
    head = [_values(t[i], summarize) for i in range(_EDGE)]
    tail = [_values(t[i], summarize) for i in range(n - _EDGE, n)]
    return [*head, _GAP, *tail]


def _leaves(nested: Nested) -> list[Value | _Gap]:
    if not isinstance(nested, list):
        return [nested]
    return [leaf for child in nested for leaf in _leaves(child)]


def _apply(fmt: Callable[[Value], str], nested: Nested) -> Text:
    if isinstance(nested, _Gap):
        return nested
    if isinstance(nested, list):
        return [_apply(fmt, child) for child in nested]
    return fmt(nested)


def _formatter(leaves: Sequence[Value | _Gap], dtype: str, ndim: int) -> Callable[[Value], str]:
    values = [v for v in leaves if not isinstance(v, _Gap)]
    if dtype == "bool":
        return lambda v: ("True" if ndim == 0 else " True") if v else "False"
    if dtype not in _DECIMAL_DIGITS:
        width = max(len(str(v)) for v in values)
        return lambda v: str(v).rjust(width)
    return _FloatFormat([float(v) for v in values], dtype)


class _FloatFormat:
    """NumPy's FloatingFormat for floatmode 'maxprec' and sign '-'."""

    def __init__(self, values: list[float], dtype: str) -> None:
        self.dtype = dtype
        finite = [v for v in values if math.isfinite(v)]
        nonzero = [abs(v) for v in finite if v != 0]
        cutoff = 10.0 ** min(8, _DECIMAL_DIGITS[dtype])
        self.scientific = bool(nonzero) and (
            max(nonzero) >= cutoff or min(nonzero) < 1e-4 or max(nonzero) / min(nonzero) > 1000
        )
        self.digits = 0
        self.exp_size = 0
        self.pad_left = self.pad_right = 0
        if finite:
            self._fill(finite)
        if len(finite) != len(values):
            neginf = any(v == -math.inf for v in values)
            offset = self.pad_right + 1
            self.pad_left = max(self.pad_left, 3 - offset, 3 + neginf - offset)

    def _fill(self, finite: list[float]) -> None:
        if self.scientific:
            parts = [_scientific(v, self.dtype) for v in finite]
            self.digits = max(len(frac) for _, frac, _ in parts)
            self.exp_size = max(len(exp) for _, _, exp in parts) - 1
            self.pad_left = max(len(whole) for whole, _, _ in parts)
            self.pad_right = self.exp_size + 2 + self.digits
        else:
            pairs = [_positional(v, self.dtype) for v in finite]
            self.pad_left = max(len(whole) for whole, _ in pairs)
            self.pad_right = max(len(frac) for _, frac in pairs)

    def __call__(self, value: Value) -> str:
        v = float(value)
        if not math.isfinite(v):
            text = "nan" if math.isnan(v) else "-inf" if v < 0 else "inf"
            return text.rjust(self.pad_left + self.pad_right + 1)
        if self.scientific:
            # min_digits as NumPy: exact digits of the value beyond the shortest ones
            mantissa, _, exp = f"{v:.{self.digits}e}".partition("e")
            whole, _, frac = mantissa.partition(".")
            digits = exp[1:].rjust(self.exp_size, "0")
            return f"{whole.rjust(self.pad_left)}.{frac}e{exp[0]}{digits}"
        whole, frac = _positional(v, self.dtype)
        return f"{whole.rjust(self.pad_left)}.{frac.ljust(self.pad_right)}"


def _shortest(value: float, dtype: str) -> str:
    """The shortest decimal text that reads back to `value` in `dtype` (Python's repr style)."""
    if dtype == "float64" or dtype not in _DECIMAL_DIGITS:
        return repr(value)
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if _round_to(float(text), dtype) == value:
            return repr(float(text))  # same digits, in repr's fixed/scientific style
    return repr(value)


def _round_to(value: float, dtype: str) -> float:
    """`value` rounded to the nearest `dtype` value (ties to even); inf if out of range."""
    try:
        if dtype == "float16":
            return float(struct.unpack("e", struct.pack("e", value))[0])
        single = struct.unpack("<I", struct.pack("<f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    if dtype == "bfloat16":  # the top half of a float32, rounded to nearest even
        single = (single + 0x7FFF + ((single >> 16) & 1)) >> 16 << 16
        if single & 0x7F800000 == 0x7F800000:
            return math.copysign(math.inf, value)
    return float(struct.unpack("<f", struct.pack("<I", single & 0xFFFFFFFF))[0])


def _positional(value: float, dtype: str) -> tuple[str, str]:
    """(integer part with sign, fraction digits) as dragon4_positional(unique, precision=8)."""
    text = _shortest(value, dtype)
    if "e" in text or len(text.partition(".")[2]) > _PRECISION:
        text = f"{value:.{_PRECISION}f}"
    whole, _, frac = text.partition(".")
    return whole, frac.rstrip("0")


def _scientific(value: float, dtype: str) -> tuple[str, str, str]:
    """(mantissa integer part with sign, fraction digits, exponent with sign) as NumPy's
    dragon4_scientific(unique, precision=8, trim='.')."""
    text = _shortest(value, dtype)
    significant = text.lstrip("-").partition("e")[0].replace(".", "").lstrip("0").rstrip("0")
    digits = min(max(len(significant) - 1, 0), _PRECISION)
    mantissa, _, exp = f"{value:.{digits}e}".partition("e")
    whole, _, frac = mantissa.partition(".")
    return whole, frac.rstrip("0"), exp


def _render(text: Text, ndim: int, indent: str, width: int) -> str:
    """NumPy's _formatArray: nested brackets, rows wrapped to `width`, `...` for gaps."""
    if isinstance(text, str):
        return text
    if isinstance(text, _Gap):
        return "..."
    next_indent = indent + " "
    if ndim == 1:
        s, line = "", indent
        item_width = width - len("]")
        for item in text[:-1]:
            s, line = _extend(s, line, _render(item, 0, next_indent, width - 1), item_width, indent)
            line += _SEPARATOR
        s, line = _extend(s, line, _render(text[-1], 0, next_indent, width - 1), item_width, indent)
        s += line
    else:
        row_sep = _SEPARATOR.rstrip() + "\n" * (ndim - 1)
        rows = [indent + _render(item, ndim - 1, next_indent, width - 1) for item in text]
        s = row_sep.join(rows)
    return "[" + s[len(indent) :] + "]"


def _extend(s: str, line: str, word: str, width: int, indent: str) -> tuple[str, str]:
    if len(line) + len(word) > width and len(line) > len(indent):
        s += line.rstrip() + "\n"
        line = indent
    return s, line + word
