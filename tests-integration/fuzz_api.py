"""Fuzz target over mg_core's public API with NumPy as the oracle (docs/reliability.md).

Each input draws a NumPy array (dtype, shape, odd strides from slicing and transposes, read-only
or not), hands it to `mg_core.asarray`, and applies one drawn operation (unary, binary with
broadcasting, cast, reduction over drawn axes, indexing, slicing, reshape, broadcast_to) to both.
Where NumPy gives a result, mg must give the same dtype, shape and values; where NumPy raises, mg
must raise a typed Python exception (`MG_ERRORS`).

Run by `nox -s fuzz` under atheris (`python fuzz_api.py -max_total_time=60 corpus/`);
`test_fuzz_regressions.py` replays fuzz_corpus/ through `check` without atheris.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

import mg_core as mc
import numpy as np

MG_ERRORS = (ValueError, TypeError, IndexError, OverflowError, ZeroDivisionError, MemoryError)
DTYPES = [
    np.bool_,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.float16,
    np.float32,
    np.float64,
]
UNARY = ["negative", "abs", "sqrt", "exp", "log", "sin", "tanh", "floor", "ceil", "sign",
         "isnan", "isfinite", "square", "logical_not"]  # fmt: skip
BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "less", "equal",
          "logical_and", "floor_divide", "remainder", "bitwise_and", "pow"]  # fmt: skip
REDUCTIONS = ["sum", "prod", "max", "min", "mean", "any", "all", "argmax", "argmin"]
RTOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-13}


class Draw:
    """Reads choices from the fuzzer's bytes; zeros once they run out."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        b = self.data[self.pos] if self.pos < len(self.data) else 0
        self.pos += 1
        return b

    def below(self, n: int) -> int:
        return self.byte() % n

    def signed(self, r: int) -> int:
        return self.below(2 * r + 1) - r

    def pick(self, items: list[Any]) -> Any:
        return items[self.below(len(items))]


def draw_array(d: Draw) -> np.ndarray:
    dtype = np.dtype(d.pick(DTYPES))
    ndim = d.below(4)
    base_shape = tuple(d.below(6) + (d.below(4) == 0) for _ in range(ndim))
    size = int(np.prod(base_shape))
    raw = bytes(d.byte() for _ in range(min(size, 24)))
    values = np.frombuffer((raw or b"\0") * (size // max(len(raw), 1) + 1), dtype=np.uint8)[:size]
    if dtype.kind == "f":
        arr = ((values.astype(np.float64) - 128) / 16).astype(dtype)
        if d.below(8) == 0 and size:
            arr.reshape(-1)[d.below(size)] = d.pick([np.nan, np.inf, -np.inf, 0.0, -0.0])
    else:
        arr = (values.astype(np.int64) - (0 if dtype.kind in "bu" else 128)).astype(dtype)
    arr = arr.reshape(base_shape)
    # Odd strides: a step, a reversed axis, a transpose; then maybe read-only.
    for axis in range(ndim):
        if d.below(3) == 0:
            step = d.pick([2, -1, -2, 3])
            index = [slice(None)] * ndim
            index[axis] = slice(None, None, step)
            arr = arr[tuple(index)]
    if ndim > 1 and d.below(2):
        arr = np.transpose(arr, tuple(reversed(range(ndim))))
    if d.below(3) == 0:
        arr.flags.writeable = False
    return arr


def draw_index(d: Draw, ndim: int) -> tuple[Any, ...]:
    parts: list[Any] = []
    for _ in range(d.below(ndim + 2)):
        kind = d.below(4)
        if kind == 0:
            parts.append(d.signed(7))
        elif kind == 1:
            parts.append(slice(d.pick([None, *range(-6, 7)]), d.pick([None, *range(-6, 7)]),
                               d.pick([None, 1, 2, -1, -3, 0])))  # fmt: skip
        elif kind == 2:
            parts.append(None)
        else:
            parts.append(Ellipsis)
    return tuple(parts)


def draw_case(d: Draw, a: np.ndarray) -> tuple[str, Callable[[Any, Any], Any]]:
    """One operation as (description, f(module, tensor)) for module in (np, mc)."""
    kind = d.below(8)
    if kind == 0:
        name = d.pick(UNARY)
        return name, lambda m, x: getattr(m, name)(x)
    if kind == 1:
        name = d.pick(BINARY)
        b = draw_array(d)
        if d.below(2):  # broadcast-compatible most of the time: trim b to a's trailing shape
            b = np.resize(b, a.shape[-1:]) if b.size else b
        b_mg = mc.asarray(b)
        return f"{name} with {b.dtype}{b.shape}", lambda m, x: getattr(m, name)(
            x, b if m is np else b_mg
        )
    if kind == 2:
        dtype = d.pick(DTYPES)
        return f"astype {np.dtype(dtype)}", lambda m, x: x.astype(
            dtype if m is np else getattr(mc, np.dtype(dtype).name)
        )
    if kind == 3:
        name = d.pick(REDUCTIONS)
        axis: Any = d.pick([None, d.signed(4), (0, -1), ()])
        keepdims = bool(d.below(2)) and not name.startswith("arg")
        kw = {"keepdims": True} if keepdims else {}
        return f"{name} axis={axis} {kw}", lambda m, x: getattr(m, name)(x, axis=axis, **kw)
    if kind == 4:
        index = draw_index(d, a.ndim)
        return f"index {index}", lambda m, x: x[index]
    if kind == 5:
        shape = tuple(d.below(8) - 1 for _ in range(d.below(4)))  # -1: the unknown size
        return f"reshape {shape}", lambda m, x: m.reshape(x, shape)
    if kind == 6:
        shape = tuple(d.below(5) for _ in range(d.below(4))) + a.shape[d.below(2) :]
        return f"broadcast_to {shape}", lambda m, x: m.broadcast_to(x, shape)
    return "asarray round trip", lambda m, x: x


def known_divergence(op: str, a: np.ndarray, numpy_error: Exception | None) -> bool:
    """Where mg departs from NumPy on purpose (docs/reliability.md, "Departures from NumPy").

    A reduction of a 0-d tensor over axis 0 or -1 (NumPy's legacy leniency; the array API and
    mg refuse it); an integer `pow` with a negative exponent (NumPy refuses; mg truncates
    1 / x**n, as C would: 0 unless x is 1 or -1).
    """
    if a.ndim == 0 and any(op.startswith(r) for r in REDUCTIONS) and "axis=None" not in op:
        return numpy_error is None
    return op.startswith("pow") and "negative integer powers" in str(numpy_error)


def skip_values(op: str, a: np.ndarray, want: np.ndarray) -> bool:
    """Values NumPy leaves undefined: float to int of NaN/inf/out of range (docs/reliability.md)."""
    return op.startswith("astype") and a.dtype.kind == "f" and want.dtype.kind in "iub"


def check(data: bytes) -> None:
    d = Draw(data)
    a = draw_array(d)
    op, f = draw_case(d, a)
    x = mc.asarray(a)
    np.testing.assert_array_equal(np.asarray(x), a)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            want = np.asarray(f(np, a))
        except (ValueError, TypeError, IndexError, OverflowError, ZeroDivisionError) as e:
            numpy_error: Exception | None = e
        else:
            numpy_error = None
        try:
            got = f(mc, x)
        except MG_ERRORS as e:
            if numpy_error is None and not known_divergence(op, a, None):
                raise AssertionError(
                    f"{op} on {a.dtype}{a.shape}: NumPy gives a result, mg {e!r}"
                ) from e
            return
    if numpy_error is not None:
        if known_divergence(op, a, numpy_error):
            return
        raise AssertionError(f"{op} on {a.dtype}{a.shape}: NumPy raises {numpy_error!r}, mg not")
    got_np = np.asarray(got)
    where = f"{op} on {a.dtype}{a.shape} strides={a.strides}"
    assert got_np.shape == want.shape, f"{where}: shape {got_np.shape} != {want.shape}"
    assert got_np.dtype == want.dtype, f"{where}: dtype {got_np.dtype} != {want.dtype}"
    if skip_values(op, a, want):
        return
    if want.dtype in RTOL:
        np.testing.assert_allclose(got_np, want, rtol=RTOL[want.dtype], atol=0, equal_nan=True,
                                   err_msg=where)  # fmt: skip
    else:
        np.testing.assert_array_equal(got_np, want, err_msg=where)


def one_input(data: bytes) -> None:
    check(data)


def main() -> None:
    import atheris  # only the fuzz session needs it

    # Coverage guidance: instrument the bytecode of every module loaded so far (mg_core, NumPy,
    # this file). The C++ side is not instrumented (GCC has no libFuzzer coverage).
    atheris.instrument_all()
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
