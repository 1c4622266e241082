"""The op table, continued: math, activations, selection, reductions, softmax, joining, losses.

Same checks as test_ops.py (its helpers are reused): forward against NumPy, gradients against
torch with a random upstream gradient, gradcheck in float64, the output used twice, and second
derivatives against torch, over contiguous, transposed, negative-step and expanded inputs. A row
may skip gradcheck where the op is not differentiable at the drawn values (the expanded layout
repeats rows, which makes ties for max).
"""

from __future__ import annotations

import importlib.util
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_autograd_strategies import LAYOUTS, Shapes, broadcastable, fixed, shapes


def _load_table_helpers() -> Any:
    """test_ops.py's check functions, loaded under a name pytest does not collect."""
    name = "mg_autograd_op_table"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("test_ops.py"))
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


table = _load_table_helpers()
Fn = Callable[..., Any]
SMOOTH = ("contiguous", "transposed", "sliced")  # no ties from the expanded layout


@dataclass(frozen=True)
class Row:
    """One op: mg callable, NumPy reference, torch reference (None: same as the mg one)."""

    name: str
    op: Fn
    numpy_ref: Fn
    shapes: st.SearchStrategy[Shapes]
    torch_ref: Fn | None = None
    positive: bool = False
    # Layouts where gradcheck runs: the expanded layout repeats rows, and finite differences
    # cannot see how a max splits its gradient among tied elements (torch still can).
    finite_differences: tuple[str, ...] = LAYOUTS
    dtypes: tuple[str, ...] = ("float64", "float32")

    def torch_op(self) -> Fn:
        return self.op if self.torch_ref is None else self.torch_ref


M23 = fixed((2, 3))
M234 = fixed((2, 3, 4))


def _weights(n: int) -> list[float]:
    return [1.0 + 0.5 * i for i in range(n)]


def _weighted_cat(pieces: Any, lib: Any, dim: int) -> Any:
    """Join pieces back, each scaled differently, so every piece's gradient is distinct."""
    return lib.cat([p * w for p, w in zip(pieces, _weights(len(pieces)), strict=False)], dim)


def _np_weighted_cat(pieces: list[np.ndarray], dim: int) -> np.ndarray:
    return np.concatenate([p * w for p, w in zip(pieces, _weights(len(pieces)), strict=False)], dim)


def _cut_methods(a: Any, lib: Any) -> Any:
    """The Tensor methods flip, chunk and split (same spelling in mg and torch)."""
    return _weighted_cat(a.flip(0).chunk(2, 2), lib, 2) - _weighted_cat(a.split(1, 1), lib, 1)


JOINING: list[Row] = [
    Row("cat_dim0", lambda a, b: ag.cat([a, b]), lambda a, b: np.concatenate([a, b]),
        fixed((2, 3), (1, 3)), torch_ref=lambda a, b: torch.cat([a, b])),
    Row("cat_dim-1_three", lambda a, b, c: ag.cat([a, b * 2.0, c], dim=-1),
        lambda a, b, c: np.concatenate([a, b * 2.0, c], -1), fixed((2, 3, 1), (2, 3, 2), (2, 3, 4)),
        torch_ref=lambda a, b, c: torch.cat([a, b * 2.0, c], dim=-1)),
    Row("concat_constant", lambda a: ag.concat([a, core.ones((2, 2), dtype=a.dtype)], dim=1),
        lambda a: np.concatenate([a, np.ones((2, 2))], 1), M23,
        torch_ref=lambda a: torch.cat([a, torch.ones((2, 2), dtype=a.dtype)], dim=1)),
    Row("stack_dim1", lambda a, b: ag.stack([a, b], dim=1), lambda a, b: np.stack([a, b], 1),
        fixed((2, 3), (2, 3)), torch_ref=lambda a, b: torch.stack([a, b], dim=1)),
    Row("stack_last", lambda a, b: ag.stack([a, b * b], dim=-1),
        lambda a, b: np.stack([a, b * b], -1), fixed((3,), (3,)),
        torch_ref=lambda a, b: torch.stack([a, b * b], dim=-1)),
    Row("split_int", lambda a: _weighted_cat(ag.split(a, 2, dim=1), ag, 1),
        lambda a: _np_weighted_cat(np.split(a, [2], 1), 1), M234,
        torch_ref=lambda a: _weighted_cat(torch.split(a, 2, dim=1), torch, 1)),
    Row("split_sizes", lambda a: _weighted_cat(ag.split(a, [1, 0, 3], dim=-1), ag, -1),
        lambda a: _np_weighted_cat(np.split(a, [1, 1], -1), -1), M234,
        torch_ref=lambda a: _weighted_cat(torch.split(a, [1, 0, 3], dim=-1), torch, -1)),
    Row("chunk", lambda a: _weighted_cat(ag.chunk(a, 3, dim=2), ag, 2),
        lambda a: _np_weighted_cat(np.split(a, [2], 2), 2), M234,
        torch_ref=lambda a: _weighted_cat(torch.chunk(a, 3, dim=2), torch, 2)),
    Row("pad_last", lambda a: ag.pad(a, (1, 2)), lambda a: np.pad(a, ((0, 0), (1, 2))), M23,
        torch_ref=lambda a: F.pad(a, (1, 2))),
    Row("pad_two_value", lambda a: ag.pad(a, (0, 1, 2, 0), value=-1.5),
        lambda a: np.pad(a, ((0, 0), (2, 0), (0, 1)), constant_values=-1.5), M234,
        torch_ref=lambda a: F.pad(a, (0, 1, 2, 0), value=-1.5)),
    Row("pad_crop", lambda a: ag.pad(a, (-1, 1, 1, -1)),
        lambda a: np.pad(a[:-1, 1:], ((1, 0), (0, 1))), fixed((3, 4)),
        torch_ref=lambda a: F.pad(a, (-1, 1, 1, -1))),
    Row("methods_flip_chunk_split", lambda a: _cut_methods(a, ag),
        lambda a: _np_weighted_cat(np.split(np.flip(a, 0), 2, 2), 2)
        - _np_weighted_cat(np.split(a, 3, 1), 1), M234,
        torch_ref=lambda a: _cut_methods(a, torch)),
    Row("flip_one", lambda a: ag.flip(a, 0), lambda a: np.flip(a, 0), shapes(1),
        torch_ref=lambda a: torch.flip(a, [0])),
    Row("flip_two", lambda a: ag.flip(a, (-1, 0)), lambda a: np.flip(a, (-1, 0)), M234,
        torch_ref=lambda a: torch.flip(a, (-1, 0))),
]  # fmt: skip

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _np_sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def _np_gelu_tanh(a: np.ndarray) -> np.ndarray:
    return 0.5 * a * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (a + 0.044715 * a**3)))


def _np_softplus(a: np.ndarray, beta: float, threshold: float) -> np.ndarray:
    return np.where(a * beta > threshold, a, np.log1p(np.exp(a * beta)) / beta)


UNARY: list[Row] = [
    Row("exp", ag.exp, np.exp, shapes(), torch_ref=torch.exp),
    Row("log", ag.log, np.log, shapes(), positive=True, torch_ref=torch.log),
    Row("sqrt", ag.sqrt, np.sqrt, shapes(), positive=True, torch_ref=torch.sqrt),
    # `+ a * a * 0`: torch returns its second derivative of abs as a ZeroTensor, which the shared
    # check cannot turn into NumPy; adding a zero term makes it an ordinary tensor of zeros.
    Row("abs", ag.abs, np.abs, shapes(), torch_ref=lambda a: torch.abs(a) + a * a * 0.0),
    Row("abs_builtin", lambda a: abs(a) * a, lambda a: np.abs(a) * a, shapes()),
    Row("tanh", ag.tanh, np.tanh, shapes(), torch_ref=torch.tanh),
    Row("sigmoid", ag.sigmoid, _np_sigmoid, shapes(), torch_ref=torch.sigmoid),
    Row("erf", ag.erf, lambda a: _erf(a).astype(a.dtype), shapes(), torch_ref=torch.erf),
    Row("methods", lambda a: a.exp() + a.tanh() * a.sigmoid() - a.abs().sqrt(),
        lambda a: np.exp(a) + np.tanh(a) * _np_sigmoid(a) - np.sqrt(np.abs(a)), shapes()),
    Row("log_of_exp", lambda a: (a.exp() + 1.0).log(), lambda a: np.log1p(np.exp(a)), shapes()),
    Row("gelu", ag.gelu, lambda a: 0.5 * a * (1 + _erf(a / math.sqrt(2.0))).astype(a.dtype),
        shapes(), torch_ref=F.gelu),
    Row("gelu_tanh", lambda a: ag.gelu(a, approximate="tanh"), _np_gelu_tanh, shapes(),
        torch_ref=lambda a: F.gelu(a, approximate="tanh")),
    Row("silu", ag.silu, lambda a: a * _np_sigmoid(a), shapes(), torch_ref=F.silu),
    Row("relu", ag.relu, lambda a: np.maximum(a, 0), shapes(), torch_ref=torch.relu),
    Row("relu_method", lambda a: a.relu() * a, lambda a: np.maximum(a, 0) * a, shapes()),
    Row("leaky_relu", lambda a: ag.leaky_relu(a, 0.2), lambda a: np.where(a > 0, a, 0.2 * a),
        shapes(), torch_ref=lambda a: F.leaky_relu(a, 0.2)),
    Row("leaky_relu_default", ag.leaky_relu, lambda a: np.where(a > 0, a, 0.01 * a), M23,
        torch_ref=F.leaky_relu),
    Row("logsigmoid", ag.logsigmoid, lambda a: np.log(_np_sigmoid(a)), shapes(),
        torch_ref=F.logsigmoid),
    Row("elu", ag.elu, lambda a: np.where(a > 0, a, np.expm1(a)), shapes(), torch_ref=F.elu),
    Row("elu_alpha", lambda a: ag.elu(a, alpha=0.5),
        lambda a: np.where(a > 0, a, 0.5 * np.expm1(a)), M23,
        torch_ref=lambda a: F.elu(a, alpha=0.5)),
    Row("softplus", ag.softplus, lambda a: _np_softplus(a, 1.0, 20.0), shapes(),
        torch_ref=F.softplus),
    Row("softplus_beta_threshold", lambda a: ag.softplus(a, beta=2.0, threshold=1.0),
        lambda a: _np_softplus(a, 2.0, 1.0), fixed((4, 4)),
        torch_ref=lambda a: F.softplus(a, beta=2.0, threshold=1.0)),
]  # fmt: skip


def _mask(shape: tuple[int, ...]) -> np.ndarray:
    """A fixed boolean pattern for where's condition."""
    return (np.arange(int(np.prod(shape))).reshape(shape) % 3) != 1


SELECTION: list[Row] = [
    Row("where", lambda a, b: ag.where(ag.tensor(_mask((3, 4))), a, b),
        lambda a, b: np.where(_mask((3, 4)), a, b), fixed((3, 4), (4,)),
        torch_ref=lambda a, b: torch.where(torch.tensor(_mask((3, 4))), a, b)),
    Row("where_scalar", lambda a: ag.where(a > 0.5, a * a, 0.0),
        lambda a: np.where(a > 0.5, a * a, 0.0), shapes(),
        torch_ref=lambda a: torch.where(a > 0.5, a * a, 0.0)),
    Row("maximum", ag.maximum, np.maximum, broadcastable(), torch_ref=torch.maximum),
    Row("minimum", ag.minimum, np.minimum, broadcastable(), torch_ref=torch.minimum),
    Row("maximum_method", lambda a, b: a.maximum(b * 0.5), lambda a, b: np.maximum(a, b * 0.5),
        fixed((2, 3), (2, 3))),
    Row("minimum_number", lambda a: ag.minimum(a, 0.25), lambda a: np.minimum(a, 0.25), shapes(),
        torch_ref=lambda a: torch.clamp(a, max=0.25)),
    Row("clamp_scalars", lambda a: ag.clamp(a, -0.5, 1.0), lambda a: np.clip(a, -0.5, 1.0),
        shapes(), torch_ref=lambda a: torch.clamp(a, -0.5, 1.0)),
    Row("clamp_min_only", lambda a: a.clamp(min=0.3), lambda a: np.maximum(a, 0.3), shapes(),
        torch_ref=lambda a: a.clamp(min=0.3)),
    Row("clip_max_only", lambda a: ag.clip(a, max=-0.2), lambda a: np.minimum(a, -0.2), M23,
        torch_ref=lambda a: torch.clip(a, max=-0.2)),
    Row("clamp_tensors", lambda a, lo, hi: ag.clamp(a, lo, hi - 1.0),
        lambda a, lo, hi: np.minimum(np.maximum(a, lo), hi - 1.0), fixed((3, 4), (4,), (3, 1)),
        torch_ref=lambda a, lo, hi: torch.clamp(a, lo, hi - 1.0)),
]  # fmt: skip


REDUCTIONS: list[Row] = [
    Row("amax_all", ag.amax, np.amax, shapes(), torch_ref=torch.amax, finite_differences=SMOOTH),
    Row("amax_dim", lambda a: a.amax(1), lambda a: a.max(axis=1), M234,
        torch_ref=lambda a: a.amax(1)),
    Row("amax_dims_keep", lambda a: ag.amax(a, (0, 2), keepdim=True),
        lambda a: a.max(axis=(0, 2), keepdims=True), M234, finite_differences=SMOOTH,
        torch_ref=lambda a: torch.amax(a, (0, 2), keepdim=True)),
    Row("amin_dim", lambda a: ag.amin(a, -1), lambda a: a.min(axis=-1), M234,
        torch_ref=lambda a: torch.amin(a, -1)),
    Row("max_all", lambda a: a.max(), np.max, shapes(), finite_differences=SMOOTH),
    Row("min_all", lambda a: ag.min(a), np.min, shapes(), finite_differences=SMOOTH,
        torch_ref=torch.min),
    Row("max_dim_values", lambda a: a.max(1).values, lambda a: a.max(axis=1), M234),
    Row("max_dim0_keep", lambda a: ag.max(a, 0, keepdim=True)[0],
        lambda a: a.max(axis=0, keepdims=True), M234, finite_differences=SMOOTH,
        torch_ref=lambda a: torch.max(a, 0, keepdim=True)[0]),
    Row("min_dim_values", lambda a: a.min(-1)[0], lambda a: a.min(axis=-1), M234,
        torch_ref=lambda a: a.min(-1)[0]),
    Row("logsumexp", lambda a: ag.logsumexp(a, 1), lambda a: np.log(np.exp(a).sum(axis=1)),
        M234, torch_ref=lambda a: torch.logsumexp(a, 1)),
    Row("logsumexp_keep", lambda a: a.logsumexp((0, -1), keepdim=True),
        lambda a: np.log(np.exp(a).sum(axis=(0, -1), keepdims=True)), M234,
        torch_ref=lambda a: a.logsumexp((0, -1), keepdim=True)),
    Row("softmax", lambda a: ag.softmax(a, -1),
        lambda a: np.exp(a) / np.exp(a).sum(axis=-1, keepdims=True), shapes(1),
        torch_ref=lambda a: torch.softmax(a, -1)),
    Row("softmax_dim0_method", lambda a: a.softmax(0),
        lambda a: np.exp(a) / np.exp(a).sum(axis=0, keepdims=True), M234),
    Row("log_softmax", lambda a: ag.log_softmax(a, 1),
        lambda a: a - np.log(np.exp(a).sum(axis=1, keepdims=True)), M234,
        torch_ref=lambda a: torch.log_softmax(a, 1)),
    Row("log_softmax_method", lambda a: a.log_softmax(-1),
        lambda a: a - np.log(np.exp(a).sum(axis=-1, keepdims=True)), shapes(1)),
]  # fmt: skip


_TARGET = np.array([2, 0, 3])
_TARGET_2D = np.array([[0, 1, 3, 2], [1, 1, 0, 3]])
_CLASS_WEIGHT = np.array([0.5, 1.0, 2.0, 1.5])


def _np_log_softmax(a: np.ndarray, axis: int) -> np.ndarray:
    shifted = a - a.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _np_cross_entropy(a: np.ndarray, t: np.ndarray, smoothing: float = 0.0) -> np.ndarray:
    logp = _np_log_softmax(a, 1)
    picked = -np.take_along_axis(logp, np.expand_dims(t, 1), 1).squeeze(1)
    uniform = -logp.sum(axis=1) / a.shape[1]
    return (1 - smoothing) * picked + smoothing * uniform


_BCE_WEIGHT = np.array([[0.5], [1.0], [2.0]])  # per row, broadcast
_POS_WEIGHT = np.array([0.5, 1.0, 3.0, 0.25])  # per class


def _np_bce_logits(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = _np_sigmoid(x)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _np_cross_entropy_weighted_ignored(a: np.ndarray) -> np.ndarray:
    """Targets [2, ignored, 3], _CLASS_WEIGHT, smoothing 0.3, mean over the counted weights."""
    logp = _np_log_softmax(a, 1)[[0, 2]]
    picked_weight = _CLASS_WEIGHT[[2, 3]]
    nll = -(logp[[0, 1], [2, 3]] * picked_weight).sum()
    uniform = -(logp * _CLASS_WEIGHT).sum() / 4
    return np.asarray((0.7 * nll + 0.3 * uniform) / picked_weight.sum())


def _ag_target(t: np.ndarray) -> ag.Tensor:
    return ag.tensor(t.tolist())


def _ce(**kw: Any) -> tuple[Fn, Fn]:
    """mg and torch cross_entropy with the class indices in _TARGET and keyword arguments."""
    return (
        lambda a: ag.cross_entropy(a, _ag_target(_TARGET), **kw),
        lambda a: F.cross_entropy(a, torch.tensor(_TARGET), **kw),
    )


LOSSES: list[Row] = [
    Row("cross_entropy", _ce()[0], lambda a: _np_cross_entropy(a, _TARGET).mean(),
        fixed((3, 4)), torch_ref=_ce()[1]),
    Row("cross_entropy_sum", _ce(reduction="sum")[0],
        lambda a: _np_cross_entropy(a, _TARGET).sum(), fixed((3, 4)),
        torch_ref=_ce(reduction="sum")[1]),
    Row("cross_entropy_none_smooth", _ce(reduction="none", label_smoothing=0.2)[0],
        lambda a: _np_cross_entropy(a, _TARGET, 0.2), fixed((3, 4)),
        torch_ref=_ce(reduction="none", label_smoothing=0.2)[1]),
    Row("cross_entropy_mean_smooth", _ce(label_smoothing=0.1)[0],
        lambda a: _np_cross_entropy(a, _TARGET, 0.1).mean(), fixed((3, 4)),
        torch_ref=_ce(label_smoothing=0.1)[1]),
    Row("cross_entropy_spatial",
        lambda a: ag.cross_entropy(a, _ag_target(_TARGET_2D)),
        lambda a: _np_cross_entropy(a, _TARGET_2D).mean(), fixed((2, 4, 4)),
        torch_ref=lambda a: F.cross_entropy(a, torch.tensor(_TARGET_2D))),
    Row("cross_entropy_weight_ignore",
        lambda a: ag.cross_entropy(a, _ag_target(np.array([2, -100, 3])),
                                   weight=ag.tensor(_CLASS_WEIGHT, dtype=a.dtype),
                                   label_smoothing=0.3),
        _np_cross_entropy_weighted_ignored,
        fixed((3, 4)),
        torch_ref=lambda a: F.cross_entropy(a, torch.tensor([2, -100, 3]),
                                            weight=torch.tensor(_CLASS_WEIGHT, dtype=a.dtype),
                                            label_smoothing=0.3)),
    Row("cross_entropy_probabilities",
        lambda a, p: ag.cross_entropy(a, ag.softmax(p, 1), label_smoothing=0.1),
        lambda a, p: -((np.exp(_np_log_softmax(p, 1)) * 0.9 + 0.1 / 4)
                       * _np_log_softmax(a, 1)).sum(axis=1).mean(),
        fixed((3, 4), (3, 4)),
        torch_ref=lambda a, p: F.cross_entropy(a, torch.softmax(p, 1), label_smoothing=0.1)),
    Row("cross_entropy_unbatched", lambda a: ag.cross_entropy(a, ag.tensor(1)),
        lambda a: -_np_log_softmax(a, 0)[1], fixed((4,)),
        torch_ref=lambda a: F.cross_entropy(a, torch.tensor(1))),
    Row("cross_entropy_ignore_in_range",
        lambda a: ag.cross_entropy(a, _ag_target(_TARGET), ignore_index=0, reduction="sum"),
        lambda a: _np_cross_entropy(a, _TARGET)[[0, 2]].sum(), fixed((3, 4)),
        torch_ref=lambda a: F.cross_entropy(a, torch.tensor(_TARGET), ignore_index=0,
                                            reduction="sum")),
    Row("nll_loss", lambda a: ag.nll_loss(ag.log_softmax(a, 1), _ag_target(_TARGET_2D)),
        lambda a: _np_cross_entropy(a, _TARGET_2D).mean(), fixed((2, 4, 4)),
        torch_ref=lambda a: F.nll_loss(torch.log_softmax(a, 1), torch.tensor(_TARGET_2D))),
    Row("nll_loss_weight_none",
        lambda a: ag.nll_loss(a, _ag_target(_TARGET),
                              weight=ag.tensor(_CLASS_WEIGHT, dtype=a.dtype), reduction="none"),
        lambda a: -a[[0, 1, 2], _TARGET] * _CLASS_WEIGHT[_TARGET], fixed((3, 4)),
        torch_ref=lambda a: F.nll_loss(a, torch.tensor(_TARGET),
                                       weight=torch.tensor(_CLASS_WEIGHT, dtype=a.dtype),
                                       reduction="none")),
    # A zero square term for the same reason as the abs row (torch's ZeroTensor).
    Row("l1_loss", ag.l1_loss, lambda a, b: np.abs(a - b).mean(), fixed((3, 4), (3, 4)),
        torch_ref=lambda a, b: F.l1_loss(a, b) + ((a - b) ** 2).sum() * 0.0),
    Row("binary_cross_entropy", lambda p, y: ag.binary_cross_entropy(ag.sigmoid(p), ag.sigmoid(y)),
        lambda p, y: _np_bce_logits(p, _np_sigmoid(y)).mean(), fixed((3, 4), (3, 4)),
        torch_ref=lambda p, y: F.binary_cross_entropy(torch.sigmoid(p), torch.sigmoid(y))),
    Row("mse_loss", ag.mse_loss, lambda a, b: ((a - b) ** 2).mean(), fixed((3, 4), (3, 4)),
        torch_ref=F.mse_loss),
    Row("mse_loss_none", lambda a, b: ag.mse_loss(a, b, reduction="none"),
        lambda a, b: (a - b) ** 2, fixed((2, 3), (2, 3)),
        torch_ref=lambda a, b: F.mse_loss(a, b, reduction="none")),
    Row("bce_with_logits", lambda x, y: ag.binary_cross_entropy_with_logits(x, ag.sigmoid(y)),
        lambda x, y: _np_bce_logits(x, _np_sigmoid(y)).mean(), fixed((3, 4), (3, 4)),
        torch_ref=lambda x, y: F.binary_cross_entropy_with_logits(x, torch.sigmoid(y))),
    Row("bce_with_logits_weights",
        lambda x, y: ag.binary_cross_entropy_with_logits(
            x, ag.sigmoid(y), weight=ag.tensor(_BCE_WEIGHT, dtype=x.dtype), reduction="sum",
            pos_weight=ag.tensor(_POS_WEIGHT, dtype=x.dtype)),
        lambda x, y: (_BCE_WEIGHT * (_POS_WEIGHT * _np_sigmoid(y) * -np.log(_np_sigmoid(x))
                      - (1 - _np_sigmoid(y)) * np.log(1 - _np_sigmoid(x)))).sum(),
        fixed((3, 4), (3, 4)),
        torch_ref=lambda x, y: F.binary_cross_entropy_with_logits(
            x, torch.sigmoid(y), weight=torch.tensor(_BCE_WEIGHT, dtype=x.dtype),
            reduction="sum", pos_weight=torch.tensor(_POS_WEIGHT, dtype=x.dtype))),
]  # fmt: skip

ROWS: list[Row] = [*JOINING, *UNARY, *SELECTION, *REDUCTIONS, *LOSSES]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_op(row: Row, dtype: str, layout: str, data: st.DataObject) -> None:
    if dtype not in row.dtypes:
        pytest.skip(f"{row.name} does not support {dtype}")
    shape_list = data.draw(row.shapes, label="shapes")
    arrays = table._inputs(row, shape_list, layout, dtype)
    table.check_forward(row, arrays, layout, dtype)
    table.check_against_torch(row.op, row.torch_op(), arrays, layout)
    if dtype == "float64":
        if layout in row.finite_differences:
            assert ag.gradcheck(row.op, table._mg_leaves(arrays, layout))
        # Reuse: the output feeds two consumers, and backward must wait for both.
        reused = lambda *xs: (lambda y: y * y + y)(row.op(*xs))  # noqa: E731
        torch_reused = lambda *xs: (lambda y: y * y + y)(row.torch_op()(*xs))  # noqa: E731
        table.check_against_torch(reused, torch_reused, arrays, layout)
        if layout == "contiguous":
            table.check_second_order(row.op, row.torch_op(), arrays)
