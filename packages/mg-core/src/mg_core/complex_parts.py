"""conj, real and imag for mg's real dtypes (mg has no complex dtypes yet).

A real number is its own conjugate and its own real part, and its imaginary part is 0, so
`conj` and `real` return a copy of the input and `imag` zeros of its dtype, as NumPy does
for real arrays (NumPy's `real` returns the array itself; a copy keeps writes apart).
"""

from __future__ import annotations

from .creation import zeros
from .dtype import bool_, int8
from .tensor import Tensor

__all__ = ["conj", "imag", "real"]


def _checked(x: object, name: str) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} expects a Tensor, got {type(x).__name__}")
    return x


def conj(x: Tensor, /) -> Tensor:
    """Return the complex conjugate: for real dtypes, a copy of x (bool gives int8, as NumPy).

    >>> conj(mg.asarray([1.5, -2.0]))
    tensor([ 1.5, -2. ], dtype=float64)
    """
    t = _checked(x, "conj")
    return t.astype(int8) if t.dtype is bool_ else t.copy()


def real(x: Tensor, /) -> Tensor:
    """Return the real part: for real dtypes, a copy of x.

    >>> real(mg.asarray([3, -1]))
    tensor([ 3, -1], dtype=int64)
    """
    return _checked(x, "real").copy()


def imag(x: Tensor, /) -> Tensor:
    """Return the imaginary part: for real dtypes, zeros of x's shape and dtype.

    >>> imag(mg.asarray([1.0, 2.0], dtype="float32"))
    tensor([0., 0.], dtype=float32)
    """
    t = _checked(x, "imag")
    return zeros(t.shape, dtype=t.dtype)
