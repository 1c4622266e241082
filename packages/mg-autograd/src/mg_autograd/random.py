"""The default random generator behind `nn.init`, `Dropout` and `DataLoader` shuffling.

Every function that draws random numbers also takes ``generator=`` (an
`mg_core.random.Generator`) for a private stream; without it they share this module's one,
which `manual_seed` reseeds (PyTorch's ``torch.manual_seed``).
"""

from __future__ import annotations

import mg_core as core

__all__ = ["default_generator", "manual_seed"]


class _Default:
    """Holds the shared generator, so reseeding replaces it for every user at once."""

    generator: core.random.Generator = core.random.default_rng()


def manual_seed(seed: int) -> core.random.Generator:
    """Reseed the default generator (NumPy's ``default_rng(seed)`` stream) and return it.

    >>> import mg_autograd as ag
    >>> _ = ag.manual_seed(0)
    >>> a = ag.nn.Linear(2, 2).weight.tolist()
    >>> _ = ag.manual_seed(0)
    >>> a == ag.nn.Linear(2, 2).weight.tolist()
    True
    """
    _Default.generator = core.random.default_rng(seed)
    return _Default.generator


def default_generator() -> core.random.Generator:
    """Return the shared generator that draws when no ``generator=`` is passed."""
    return _Default.generator
