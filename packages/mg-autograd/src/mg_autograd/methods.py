"""`Tensor` methods that call the functional ops, where PyTorch has them (``x.exp()``, ...).

A mixin with no state (``__slots__ = ()``), so tensor.py stays about storage and the graph;
each method is the module-level function itself, so its docstring and doctest live there.
"""

from __future__ import annotations

from mg_autograd.ops import activation as _activation
from mg_autograd.ops import compare as _compare
from mg_autograd.ops import extrema as _extrema
from mg_autograd.ops import joining as _joining
from mg_autograd.ops import softmax as _softmax
from mg_autograd.ops import unary as _unary

__all__ = ["FunctionalMethods"]


class FunctionalMethods:
    """Math, activation, selection and joining methods of `mg_autograd.Tensor`."""

    __slots__ = ()

    exp = _unary.exp
    log = _unary.log
    sqrt = _unary.sqrt
    abs = _unary.abs
    __abs__ = _unary.abs
    tanh = _unary.tanh
    sigmoid = _unary.sigmoid
    erf = _unary.erf
    relu = _activation.relu
    clamp = _compare.clamp
    clip = _compare.clamp
    maximum = _compare.maximum
    minimum = _compare.minimum
    # Ordering only: __eq__ would make tensors unhashable, and the engine keys dicts by them.
    __gt__ = _compare.greater
    __ge__ = _compare.greater_equal
    __lt__ = _compare.less
    __le__ = _compare.less_equal
    amax = _extrema.amax
    amin = _extrema.amin
    max = _extrema.max
    min = _extrema.min
    logsumexp = _softmax.logsumexp
    softmax = _softmax.softmax
    log_softmax = _softmax.log_softmax
    flip = _joining.flip
    split = _joining.split
    chunk = _joining.chunk
