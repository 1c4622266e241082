"""Seeded random numbers: `default_rng(seed)` gives a `Generator` on a pure-Python PCG64.

The bit generator reproduces NumPy's `PCG64` bit for bit (the same 128-bit LCG, XSL-RR output
and SeedSequence seeding), so `default_rng(s).random(n)` equals NumPy's
`default_rng(s).random(n)` on every platform. `integers`, `normal`, `permutation` and
`shuffle` draw from the same stream with simple, documented methods (Lemire's unbiased
bounded integers, Marsaglia's polar method, Fisher-Yates): reproducible across platforms and
versions of mg, but not NumPy's streams. Python-level loops: fine for initialising weights,
slow for hundreds of millions of draws.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Final, SupportsIndex

from .dtype import DTypeLike, as_dtype, float64, int64
from .shape import ShapeLike, as_shape, size_of
from .tensor import Tensor

__all__ = ["PCG64", "Generator", "default_rng", "seed_sequence_state"]

_MASK32: Final = 0xFFFFFFFF
_MASK64: Final = 0xFFFFFFFFFFFFFFFF
_MASK128: Final = (1 << 128) - 1
_MULTIPLIER: Final = 0x2360ED051FC65DA44385DF649FCCF645  # PCG's default 128-bit multiplier
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


def seed_sequence_state(seed: int, n_words: int) -> list[int]:
    """Return NumPy's `SeedSequence(seed).generate_state(n_words, uint64)` as Python ints.

    The hash of O'Neill's seed_seq as NumPy implements it: a pool of four 32-bit words.

    >>> hex(seed_sequence_state(0, 1)[0])
    '0xdb2cd7e7b0f478be'
    """
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")
    entropy = [(seed >> (32 * i)) & _MASK32 for i in range(max(1, -(-seed.bit_length() // 32)))]
    hash_const = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal hash_const
        value ^= hash_const
        hash_const = hash_const * _MULT_A & _MASK32
        value = value * hash_const & _MASK32
        return value ^ (value >> 16)

    pool = [hashmix(entropy[i] if i < len(entropy) else 0) for i in range(4)]
    for src in [*range(4), *range(4, len(entropy))]:
        for dst in range(4):
            if src < 4 and src == dst:
                continue
            word = hashmix(pool[src] if src < 4 else entropy[src])
            mixed = (_MIX_L * pool[dst] - _MIX_R * word) & _MASK32
            pool[dst] = mixed ^ (mixed >> 16)
    words: list[int] = []
    hash_b = _INIT_B
    for i in range(2 * n_words):
        value = pool[i % 4] ^ hash_b
        hash_b = hash_b * _MULT_B & _MASK32
        value = value * hash_b & _MASK32
        words.append(value ^ (value >> 16))
    return [words[2 * i] | words[2 * i + 1] << 32 for i in range(n_words)]


class PCG64:
    """The PCG XSL-RR 128/64 bit generator, as NumPy's `PCG64` (same state, same output).

    >>> bits = PCG64(42)
    >>> bits.state == {"state": bits.state["state"], "inc": bits.state["inc"]}
    True
    >>> hex(PCG64(0).next_uint64())
    '0xa30febcfd9c2825f'
    """

    __slots__ = ("_inc", "_state")

    def __init__(self, seed: int = 0) -> None:
        s0, s1, i0, i1 = seed_sequence_state(operator.index(seed), 4)
        self._inc = ((i0 << 64 | i1) << 1 | 1) & _MASK128
        self._state = 0
        self._step()
        self._state = (self._state + (s0 << 64 | s1)) & _MASK128
        self._step()

    @property
    def state(self) -> dict[str, int]:
        """The 128-bit LCG `state` and odd increment `inc`, as in NumPy's state['state']."""
        return {"state": self._state, "inc": self._inc}

    @state.setter
    def state(self, value: dict[str, int]) -> None:
        self._state = value["state"] & _MASK128
        self._inc = value["inc"] & _MASK128 | 1

    def _step(self) -> None:
        self._state = (self._state * _MULTIPLIER + self._inc) & _MASK128

    def next_uint64(self) -> int:
        """Advance the LCG, then return the XSL-RR output of the new state."""
        self._step()
        s = self._state
        word = ((s >> 64) ^ s) & _MASK64
        rot = s >> 122
        return ((word >> rot) | (word << (64 - rot))) & _MASK64


class Generator:
    """Draw tensors of random numbers from a `PCG64` (NumPy's Generator API, in part).

    >>> rng = default_rng(0)
    >>> rng.random(3).tolist() == [0.6369616873214543, 0.2697867137638703, 0.04097352393619469]
    True
    """

    __slots__ = ("bit_generator",)

    def __init__(self, bit_generator: PCG64) -> None:
        self.bit_generator = bit_generator

    def _doubles(self, n: int) -> list[float]:
        nxt = self.bit_generator.next_uint64
        return [(nxt() >> 11) * (1.0 / 9007199254740992.0) for _ in range(n)]

    def random(self, size: ShapeLike | None = None, dtype: DTypeLike = float64) -> Tensor:
        """Return uniform floats in [0, 1), of shape `size` (a 0-d tensor if None).

        float64 values are NumPy's for the same seed; float32 uses the top 24 bits.

        >>> default_rng(1).random((2, 2)).shape
        (2, 2)
        """
        shape = () if size is None else as_shape(size)
        dt = as_dtype(dtype)
        if dt.kind != "f":
            raise TypeError(f"random needs a float dtype, got {dt.name}")
        n = size_of(shape)
        if dt.itemsize >= 8:
            values = self._doubles(n)
        else:
            nxt = self.bit_generator.next_uint64
            values = [(nxt() >> 40) * 2.0**-24 for _ in range(n)]
        return _creation.asarray(values, dt).reshape(shape)

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: ShapeLike | None = None) -> Tensor:
        """Return float64 samples of N(loc, scale²) (Marsaglia's polar method).

        >>> default_rng(0).normal(size=3).dtype
        mg_core.float64
        """
        if scale < 0:
            raise ValueError(f"normal: scale must be non-negative, got {scale}")
        shape = () if size is None else as_shape(size)
        n = size_of(shape)
        out: list[float] = []
        while len(out) < n:
            u, v = (2.0 * x - 1.0 for x in self._doubles(2))
            s = u * u + v * v
            if 0.0 < s < 1.0:
                f = math.sqrt(-2.0 * math.log(s) / s)
                out += (loc + scale * u * f, loc + scale * v * f)
        return _creation.asarray(out[:n], float64).reshape(shape)

    def integers(
        self,
        low: int,
        high: int | None = None,
        size: ShapeLike | None = None,
        dtype: DTypeLike = int64,
        endpoint: bool = False,
    ) -> Tensor:
        """Return uniform integers in [low, high) ([0, low) if `high` is None; `endpoint` closes).

        ValueError for an empty range; the range must fit 64 bits.

        >>> t = default_rng(0).integers(5, 10, size=100)
        >>> (t.dtype, 5 <= min(t.tolist()), max(t.tolist()) < 10)
        (mg_core.int64, True, True)
        """
        if high is None:
            low, high = 0, low
        span = high - low + (1 if endpoint else 0)
        if span <= 0:
            raise ValueError(f"integers: empty range low={low}, high={high}")
        if span > 1 << 64:
            raise ValueError(f"integers: range of {span} values does not fit 64 bits")
        shape = () if size is None else as_shape(size)
        values = [low + self._below(span) for _ in range(size_of(shape))]
        return _creation.asarray(values, dtype).reshape(shape)

    def _below(self, span: int) -> int:
        """Lemire's unbiased integer in [0, span) from 64-bit draws."""
        nxt = self.bit_generator.next_uint64
        product = nxt() * span
        if (product & _MASK64) < span:
            threshold = ((1 << 64) - span) % span
            while (product & _MASK64) < threshold:
                product = nxt() * span
        return product >> 64

    def _order(self, n: int) -> list[int]:
        """A uniformly random permutation of range(n) (Fisher-Yates)."""
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self._below(i + 1)
            order[i], order[j] = order[j], order[i]
        return order

    def permutation(self, x: SupportsIndex | Tensor) -> Tensor:
        """Return a shuffled arange(x), or a copy of tensor `x` with its rows shuffled.

        >>> sorted(default_rng(3).permutation(5).tolist())
        [0, 1, 2, 3, 4]
        """
        if not isinstance(x, Tensor):
            return _creation.asarray(self._order(operator.index(x)), int64)
        if x.ndim == 0:
            raise ValueError("permutation: a 0-d tensor has no axis to shuffle")
        out = _joining.empty_tensor(x.shape, x.dtype)
        for k, i in enumerate(self._order(x.shape[0])):
            _joining.copy_into(out[k], x[i])
        return out

    def shuffle(self, x: Tensor) -> None:
        """Shuffle the rows (axis 0) of `x` in place.

        >>> t = mg.arange(4)
        >>> default_rng(0).shuffle(t)
        >>> sorted(t.tolist())
        [0, 1, 2, 3]
        """
        _joining.copy_into(x, self.permutation(x))


def default_rng(seed: SupportsIndex | Sequence[int] | None = None) -> Generator:
    """Return a Generator on PCG64 seeded like NumPy's `default_rng(seed)` for an int seed.

    `seed=None` takes 128 bits from the OS (os.urandom), so it is not reproducible.

    >>> default_rng(7).random().item() == default_rng(7).random().item()
    True
    """
    if seed is None:
        import os

        seed = int.from_bytes(os.urandom(16), "little")
    if not isinstance(seed, SupportsIndex):
        raise TypeError(f"default_rng: seed must be a non-negative int, got {seed!r}")
    return Generator(PCG64(operator.index(seed)))


from . import creation as _creation  # noqa: E402  # creation imports tensor, as we do
from . import joining as _joining  # noqa: E402
