"""Mini-batches over tensors: `TensorDataset` pairs rows, `DataLoader` batches and shuffles them.

Shuffling draws one permutation per epoch from an `mg_core.random.Generator` (``seed=`` or
``generator=``, else the default that `mg_autograd.manual_seed` reseeds), so a seeded loader
gives the same batches on every run.
"""

from __future__ import annotations

from collections.abc import Iterator

import mg_core as core

from mg_autograd.random import default_generator
from mg_autograd.tensor import Tensor

__all__ = ["DataLoader", "TensorDataset"]


class TensorDataset:
    """Rows of several tensors taken together: item i is ``(t[i] for t in tensors)``.

    Raises:
        ValueError: if the tensors differ in length along axis 0 (names every shape).

    >>> import mg_autograd as ag
    >>> ds = TensorDataset(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), ag.tensor([0, 1]))
    >>> len(ds), ds[1]
    (2, (tensor([3., 4.]), tensor(1)))
    """

    def __init__(self, *tensors: Tensor | core.Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        wrapped = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
        if any(t.ndim == 0 for t in wrapped) or len({t.shape[0] for t in wrapped}) != 1:
            shapes = ", ".join(str(t.shape) for t in wrapped)
            raise ValueError(f"TensorDataset tensors must share their first axis, got {shapes}")
        self.tensors = wrapped

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)


class DataLoader:
    """Yield batches of ``batch_size`` rows from a `TensorDataset`, as tuples of tensors.

    ``shuffle`` reorders rows each epoch; ``drop_last`` skips a final short batch.

    >>> import mg_autograd as ag
    >>> ds = TensorDataset(ag.tensor([0.0, 1.0, 2.0, 3.0, 4.0]))
    >>> [x.tolist() for (x,) in DataLoader(ds, batch_size=2)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
    >>> len(DataLoader(ds, batch_size=2, drop_last=True))
    2
    >>> [sorted(x.tolist()) for (x,) in DataLoader(ds, batch_size=5, shuffle=True, seed=0)]
    [[0.0, 1.0, 2.0, 3.0, 4.0]]
    """

    def __init__(
        self,
        dataset: TensorDataset,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: core.random.Generator | None = None,
        seed: int | None = None,
    ) -> None:
        if not isinstance(dataset, TensorDataset):
            raise TypeError(
                f"DataLoader takes a TensorDataset, got {type(dataset).__name__}; "
                "wrap tensors with TensorDataset(x, y)"
            )
        if isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if generator is not None and seed is not None:
            raise ValueError("pass either generator= or seed=, not both")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = core.random.default_rng(seed) if seed is not None else generator

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.drop_last:
            return n // self.batch_size
        return -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n = len(self.dataset)
        if self.shuffle:
            order = self._permutation(n)
        for batch in range(len(self)):
            start = batch * self.batch_size
            stop = min(start + self.batch_size, n)
            if self.shuffle:
                yield tuple(_gather(t, order[start:stop]) for t in self.dataset.tensors)
            else:
                yield tuple(Tensor(t.data[start:stop]) for t in self.dataset.tensors)

    def _permutation(self, n: int) -> list[int]:
        rng = self.generator or default_generator()
        order = rng.permutation(n).tolist()
        assert isinstance(order, list)
        return [int(i) for i in order]  # type: ignore[arg-type]


def _gather(t: Tensor, rows: list[int]) -> Tensor:
    # One advanced-indexing copy (a gather kernel), not a stack of row views.
    return Tensor(t.data[core.asarray(rows, dtype=core.int64)])
