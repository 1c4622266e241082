"""Creation of structured tensors: linspace, eye, meshgrid."""

from __future__ import annotations

import math
from typing import Literal

from .dtype import DTypeLike, as_dtype, float64
from .joining import copy_into
from .manipulation import broadcast_to
from .tensor import Tensor, make_tensor

__all__ = ["eye", "linspace", "meshgrid"]


def linspace(
    start: float,
    stop: float,
    /,
    num: int,
    *,
    dtype: DTypeLike | None = None,
    endpoint: bool = True,
) -> Tensor:
    """Return `num` evenly spaced values from `start` to `stop` (excluded if not `endpoint`).

    Values are computed as NumPy does (start + i * step in float64, the last one exactly
    `stop`), then converted; integer dtypes take the floor, as NumPy 2.

    >>> linspace(0, 1, 5)
    tensor([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float64)
    >>> linspace(0, 10, 4, dtype="int32", endpoint=False)
    tensor([0, 2, 5, 7], dtype=int32)
    """
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative, got {num}")
    dt = float64 if dtype is None else as_dtype(dtype)
    div = num - 1 if endpoint else num
    delta = float(stop) - float(start)
    if div > 0:
        step = delta / div
        values = (
            [i * step + start for i in range(num)]
            if step
            else [i / div * delta + start for i in range(num)]
        )
    else:
        values = [float(start)] * num
    if endpoint and num > 1:
        values[-1] = float(stop)
    if dt.kind != "f":
        return _creation.asarray([math.floor(v) for v in values], dt)
    return _creation.asarray(values, dt)


def eye(
    n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: DTypeLike | None = None
) -> Tensor:
    """Return an n_rows x n_cols matrix with ones on diagonal `k` and zeros elsewhere.

    >>> eye(2, 3, k=1, dtype="int32")
    tensor([[0, 1, 0],
            [0, 0, 1]], dtype=int32)
    """
    cols = n_rows if n_cols is None else n_cols
    out = _creation.zeros((n_rows, cols), float64 if dtype is None else dtype)
    first_row, first_col = max(-k, 0), max(k, 0)
    length = max(min(n_rows - first_row, cols - first_col), 0)
    if length:
        diagonal = make_tensor(out.buffer, (length,), (cols + 1,), first_row * cols + first_col)
        copy_into(diagonal, _creation.ones((), out.dtype))
    return out


def meshgrid(*tensors: Tensor, indexing: Literal["xy", "ij"] = "xy") -> list[Tensor]:
    """Return coordinate matrices from 1-d coordinate vectors (copies, as NumPy's default).

    'xy' (Cartesian, the default) swaps the first two output axes; 'ij' is matrix indexing.

    >>> x, y = meshgrid(mg.asarray([1, 2, 3]), mg.asarray([4, 5]))
    >>> x.tolist(), y.tolist()
    ([[1, 2, 3], [1, 2, 3]], [[4, 4, 4], [5, 5, 5]])
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    for t in tensors:
        if t.ndim != 1:
            raise ValueError(f"meshgrid: inputs must be 1-d, got shape {t.shape}")
    sizes = [t.shape[0] for t in tensors]
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, t in enumerate(tensors):
        axis = 1 - i if indexing == "xy" and len(sizes) >= 2 and i < 2 else i
        shape = [1] * len(sizes)
        shape[axis] = t.shape[0]
        out.append(broadcast_to(t.reshape(shape), tuple(sizes)).copy())
    return out


from . import creation as _creation  # noqa: E402  # creation imports tensor, as we do
