"""The array API's constants: e, inf, nan, pi and newaxis (None, as in NumPy)."""

from __future__ import annotations

import math
from typing import Final

__all__ = ["e", "inf", "nan", "newaxis", "pi"]

e: Final = math.e
inf: Final = math.inf
nan: Final = math.nan
pi: Final = math.pi
#: Indexing with ``newaxis`` inserts a size-1 axis: ``t[:, newaxis]``.
newaxis: Final = None
