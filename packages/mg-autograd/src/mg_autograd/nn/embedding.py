"""`Embedding`: a lookup table of learnable rows, indexed by integer tensors."""

from __future__ import annotations

from typing import cast

import mg_core as core

from mg_autograd.function import Context, Function
from mg_autograd.nn import init
from mg_autograd.nn.module import Module
from mg_autograd.nn.parameter import Parameter
from mg_autograd.tensor import Tensor

__all__ = ["Embedding", "embedding"]

Shape = tuple[int, ...]


class EmbeddingLookup(Function):
    """Rows of ``weight`` picked by ``rows`` (a flat list of ints), reshaped to ``shape + (D,)``.

    Backward adds each output row's gradient into the row it came from (indices may repeat),
    skipping ``padding_idx`` as PyTorch does.
    """

    @staticmethod
    def forward(
        ctx: Context, weight: core.Tensor, rows: list[int], shape: Shape, padding_idx: int | None
    ) -> core.Tensor:
        ctx.rows = rows
        ctx.weight_shape = weight.shape
        ctx.padding_idx = padding_idx
        dim = weight.shape[1]
        if not rows:
            return core.zeros((*shape, dim), dtype=weight.dtype)
        return weight[core.asarray(rows, dtype=core.int64)].reshape((*shape, dim))  # one gather

    @staticmethod
    def backward(ctx: Context, grad: core.Tensor) -> tuple[core.Tensor | None, None, None, None]:
        if not ctx.needs_input_grad[0]:
            return None, None, None, None
        if not isinstance(grad, core.Tensor):
            raise NotImplementedError("embedding does not support create_graph=True yet")
        rows = cast("list[int]", ctx.rows)
        weight_shape = cast("Shape", ctx.weight_shape)
        flat = grad.reshape((len(rows), weight_shape[1]))
        out = core.zeros(weight_shape, dtype=grad.dtype)
        index = core.asarray(rows, dtype=core.int64)
        if ctx.padding_idx is not None:  # the padding row gets no gradient, as in PyTorch
            kept = index != ctx.padding_idx
            index, flat = index[kept], flat[kept]
        core.add_at(out, index, flat)  # repeated rows accumulate
        return out, None, None, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Return ``weight[input]``: one row of the (V, D) table per integer of ``input``.

    Raises:
        TypeError: if ``input`` is not an integer tensor.
        IndexError: naming the first index outside [0, V).

    >>> import mg_autograd as ag
    >>> embedding(ag.tensor([[2, 0]]), ag.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]))
    tensor([[[4., 5.],
             [0., 1.]]])
    """
    if input.dtype.kind not in "iu":
        raise TypeError(f"embedding indices must be an integer tensor, got {input.dtype.name}")
    if weight.ndim != 2:
        raise ValueError(f"embedding weight must be 2-d (V, D), got shape {weight.shape}")
    values = input.data.reshape(-1).tolist()
    assert isinstance(values, list)
    rows = [int(v) for v in values]  # type: ignore[arg-type]
    size = weight.shape[0]
    for i in rows:
        if not 0 <= i < size:
            raise IndexError(f"embedding index {i} is out of range for {size} embeddings")
    return EmbeddingLookup.apply(weight, rows, input.shape, padding_idx)


class Embedding(Module):
    """A table of ``num_embeddings`` learnable vectors of size ``embedding_dim``, drawn N(0, 1).

    ``padding_idx``'s row starts at zero and receives no gradient.

    >>> import mg_autograd as ag
    >>> emb = ag.nn.Embedding(10, 3)
    >>> emb
    Embedding(10, 3)
    >>> emb(ag.tensor([[1, 2], [4, 9]])).shape
    (2, 2, 3)
    """

    weight: Parameter

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        dtype: core.DType = core.float32,
        generator: core.random.Generator | None = None,
    ) -> None:
        super().__init__()
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"padding_idx {padding_idx} is out of range for {num_embeddings} embeddings"
                )
            padding_idx %= num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.weight = Parameter(core.zeros((num_embeddings, embedding_dim), dtype=dtype))
        self.reset_parameters(generator)

    def reset_parameters(self, generator: core.random.Generator | None = None) -> None:
        """Draw the table from N(0, 1) and zero the padding row."""
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0.0

    def forward(self, x: Tensor) -> Tensor:
        return embedding(x, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text if self.padding_idx is None else f"{text}, padding_idx={self.padding_idx}"
