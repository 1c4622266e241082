"""Fixtures for the mg-kernels tests: run kernel tests once per ISA, build strided operands."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import EllipsisType, ModuleType
from typing import Literal

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import strategies as st


def _register_numpy_bridge() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "mg_kernels_numpy_bridge", Path(__file__).with_name("numpy_bridge.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_register_numpy_bridge()
from mg_kernels_numpy_bridge import np_dtype, to_array, to_storage  # noqa: E402

Index = tuple[EllipsisType | slice, ...]

DTYPES: tuple[str, ...] = tuple(d.name for d in mk.dtypes())
"""Every dtype, in the kernels' table order."""


@pytest.fixture(scope="module", params=mk.available_isas())
def isa(request: pytest.FixtureRequest) -> Iterator[str]:
    """Make every kernel call of the test use one ISA; tests run once per available ISA.

    Module scope so hypothesis tests may use it; the previous ISA is restored afterwards.
    """
    previous = mk.isa()
    name: str = request.param
    mk.set_isa(name)
    yield name
    mk.set_isa(previous)


@dataclass(frozen=True)
class Operand:
    """A storage holding a copy of `base`, and the strided view `view_of(base)` of it."""

    storage: mk.Storage
    offset: int
    strides: tuple[int, ...]
    base: np.ndarray
    view_of: Callable[[np.ndarray], np.ndarray]

    @property
    def view(self) -> np.ndarray:
        return self.view_of(self.base)

    def args(self) -> tuple[mk.Storage, int, tuple[int, ...]]:
        return self.storage, self.offset, self.strides

    def result(self) -> np.ndarray:
        """The storage's current contents (a copy)."""
        return to_array(self.storage)


Elements = st.SearchStrategy[float] | st.SearchStrategy[int] | st.SearchStrategy[bool]

FLOAT_WIDTHS: dict[str, Literal[16, 32, 64]] = {
    "float16": 16,
    "bfloat16": 32,
    "float32": 32,
    "float64": 64,
}


MAX_DRAWN = 1024
"""The most element values one operand draws; larger storages repeat them."""


def element_strategy(dtype: str) -> Elements:
    if dtype == "bool":
        return st.booleans()
    if dtype in FLOAT_WIDTHS:
        # bfloat16: float32 values, rounded to nearest even when the array is built.
        return st.floats(width=FLOAT_WIDTHS[dtype])
    info = np.iinfo(dtype)
    return st.integers(int(info.min), int(info.max))


class OperandMaker:
    """Draws strided operands: permuted memory order, steps of +-1 or +-2, padding on both sides,
    and (for inputs) broadcast dimensions with stride 0. The NumPy view is the oracle's input."""

    def __call__(
        self,
        data: st.DataObject,
        shape: Sequence[int],
        dtype: str,
        *,
        broadcast: bool = False,
        elements: Elements | None = None,
    ) -> Operand:
        ndim = len(shape)
        perm = data.draw(st.permutations(range(ndim)))
        steps = [data.draw(st.sampled_from([1, 2, -1, -2])) for _ in shape]
        dims_b = [broadcast and n > 0 and data.draw(st.booleans()) for n in shape]
        view_shape = [1 if b else n for n, b in zip(shape, dims_b, strict=True)]
        base_dims = [max(1, abs(s) * n) for s, n in zip(steps, view_shape, strict=True)]
        front = data.draw(st.integers(0, 3))
        back = data.draw(st.integers(0, 3))
        count = int(np.prod(base_dims)) + front + back
        strategy = element_strategy(dtype) if elements is None else elements
        # Hypothesis caps list sizes (a shape of 4 dims with steps of 2 needs 10,000 elements):
        # draw at most MAX_DRAWN values and repeat them to fill the storage.
        drawn = min(count, MAX_DRAWN)
        values = data.draw(st.lists(strategy, min_size=drawn, max_size=drawn))
        base = np.resize(np.array(values, dtype=np_dtype(dtype)), count)

        def view_of(flat: np.ndarray) -> np.ndarray:
            arr = flat[front : front + int(np.prod(base_dims))]
            arr = arr.reshape([base_dims[p] for p in perm]).transpose(np.argsort(perm))
            # The leading Ellipsis keeps 0-d results arrays (views), not scalars.
            reverse: Index = (..., *(slice(None, None, s) for s in steps))
            trim: Index = (..., *(slice(0, n) for n in view_shape))
            return arr[reverse][trim]

        view = view_of(base)
        itemsize = base.itemsize
        offset = (
            view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
        ) // itemsize
        strides = tuple(
            0 if b else s // itemsize for s, b in zip(view.strides, dims_b, strict=True)
        )
        if view.size == 0:
            offset = 0
        return Operand(to_storage(base), offset, strides, base, view_of)


@pytest.fixture(scope="session")
def make_operand() -> OperandMaker:
    """Callable drawing a strided `Operand` (see OperandMaker) inside a hypothesis test."""
    return OperandMaker()


@pytest.fixture(scope="session")
def shapes() -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes of 0-4 dimensions with sizes 0-5 (size 1 and 0 included on purpose)."""
    return st.lists(st.integers(0, 5), min_size=0, max_size=4).map(tuple)
