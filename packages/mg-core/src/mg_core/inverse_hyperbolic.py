"""asinh, acosh and atanh, composed from kernels that exist (log1p, log, hypot, sqrt).

The textbook formulas (``log(x + sqrt(x*x + 1))`` and friends) lose every digit near 0 and
overflow for large x, so each function uses the stable forms C libraries use: ``log1p`` of a
small argument built without cancellation, and ``log(|x|) + log(2)`` once ``|x|`` is so large
that ``sqrt(x*x + 1) == |x|`` in the dtype (beyond 1/sqrt(eps)). Odd functions work on
``|x|`` and restore the sign with `copysign`, so -0.0 stays -0.0. float16 and bfloat16 (and
int8/uint8/bool, which give float16 as in NumPy) are computed in float32 and rounded once.
"""

from __future__ import annotations

import math
from typing import Final

from .arithmetic import copysign, hypot
from .comparison import greater, less
from .dtype import DType, float32
from .limits import finfo
from .tensor import Tensor
from .ternary import where
from .unary import abs, float_result_dtype, log, log1p, sqrt

__all__ = ["acosh", "asinh", "atanh"]

_LN2: Final = math.log(2.0)


def _computed(x: Tensor, name: str) -> tuple[Tensor, DType]:
    """``x`` in the dtype the formula runs in, and the dtype of the result."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} expects a Tensor, got {type(x).__name__}")
    out = float_result_dtype(x.dtype)
    compute = float32 if out.itemsize == 2 else out
    return (x if x.dtype is compute else x.astype(compute)), out


def _rounded(result: Tensor, out: DType) -> Tensor:
    return result if result.dtype is out else result.astype(out)


def _huge(dtype: DType) -> float:
    """Where ``sqrt(x*x + 1)`` rounds to ``x``: asinh/acosh switch to ``log(x) + log(2)``."""
    return 1.0 / math.sqrt(finfo(dtype).eps)


def asinh(x: Tensor, /) -> Tensor:
    """Return the inverse hyperbolic sine, accurate near 0 and finite for the largest floats.

    Raises:
        TypeError: if x is not a Tensor.

    >>> asinh(mg.asarray([-0.0, 1e-300, 1e300])).tolist()
    [-0.0, 1e-300, 691.4686750787736]
    """
    t, out = _computed(x, "asinh")
    a = abs(t)
    # a + a*a / (1 + sqrt(1 + a*a)) is sqrt(1 + a*a) - 1 + a without the cancellation.
    moderate = log1p(a + a * (a / (1.0 + hypot(1.0, a))))
    result = where(greater(a, _huge(t.dtype)), log(a) + _LN2, moderate)
    return _rounded(copysign(result, t), out)


def acosh(x: Tensor, /) -> Tensor:
    """Return the inverse hyperbolic cosine: NaN below 1, accurate just above 1.

    Raises:
        TypeError: if x is not a Tensor.

    >>> acosh(mg.asarray([1.0, 2.0, 0.5])).tolist()
    [0.0, 1.3169578969248166, nan]
    """
    t, out = _computed(x, "acosh")
    s = t - 1.0  # exact near 1 (Sterbenz), where acosh is steepest
    moderate = log1p(s + sqrt(s * (s + 2.0)))
    result = where(greater(t, _huge(t.dtype)), log(t) + _LN2, moderate)
    result = where(less(t, 1.0), math.nan, result)
    return _rounded(result, out)


def atanh(x: Tensor, /) -> Tensor:
    """Return the inverse hyperbolic tangent: ±inf at ±1, NaN beyond, accurate near 0.

    Raises:
        TypeError: if x is not a Tensor.

    >>> atanh(mg.asarray([-0.0, 1e-300, -1.0, 2.0])).tolist()
    [-0.0, 1e-300, -inf, nan]
    """
    t, out = _computed(x, "atanh")
    a = abs(t)
    # atanh(a) = log1p(2a / (1 - a)) / 2; below 1/2 the argument is split as 2a + 2a*a/(1 - a)
    # so its leading term is exact.
    near_zero = 0.5 * log1p(2.0 * a + 2.0 * a * (a / (1.0 - a)))
    elsewhere = 0.5 * log1p(2.0 * a / (1.0 - a))
    result = where(less(a, 0.5), near_zero, elsewhere)
    return _rounded(copysign(result, t), out)
