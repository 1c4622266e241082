"""``x[key] = value``: values against NumPy, gradients against PyTorch, gradcheck, errors.

Each row writes a value into ``y = base * 2`` (a non-leaf), multiplies by fixed weights and
backpropagates; both the base leaf and the value leaf must get torch's gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

BASE = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7.0 - 1.0
MASK = np.array([[True, False, True], [False, False, True]])

# (name, key for mg / NumPy, key for torch or None (torch has no negative steps), value shape).
ROWS: list[tuple[str, Any, Any, tuple[int, ...]]] = [
    ("int", 1, 1, (3, 4)),
    ("int_broadcast", -1, -1, (4,)),
    ("slice_step", (0, slice(None, None, 2)), (0, slice(None, None, 2)), (2, 4)),
    ("neg_step", (slice(None), slice(None, None, -2)), None, (2, 2, 1)),
    ("neg_step_lead1", (1, slice(2, 0, -1), 1), None, (1, 1, 2)),
    ("none_ellipsis", (None, ..., 2), (None, ..., 2), (1, 3)),
    ("scalar_shape", (1, 2, 3), (1, 2, 3), ()),
    ("index_dups", ([1, 0, 1],), ([1, 0, 1],), (3, 3, 4)),
    ("index_dups_bcast", ([0, 0, 1],), ([0, 0, 1],), (1, 4)),
    ("two_arrays", ([0, 1, 0], [2, 2, 2]), ([0, 1, 0], [2, 2, 2]), (3, 4)),
    ("separated", ([0, 1], slice(None), [3, 3]), ([0, 1], slice(None), [3, 3]), (2, 3)),
    ("mask", (MASK,), (torch.tensor(MASK),), (3, 4)),
    ("mask_axis", (slice(None), np.array([True, False, True])), None, (2, 2, 1)),
]


def _weights(shape: tuple[int, ...]) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.arange(np.prod(shape), dtype=np.float64).reshape(shape) * 0.5 + 1.0


def _torch_key(key: Any) -> Any:
    if not isinstance(key, tuple):
        return key
    items = []
    for item in key:
        items.append(torch.tensor(item) if isinstance(item, np.ndarray) else item)
    return tuple(items)


def _run_torch(key: Any, value: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], ...]:
    """torch has no negative slice steps: write through a flipped index grid instead."""
    base = torch.tensor(BASE, requires_grad=True)
    v = torch.tensor(value, requires_grad=True)
    flat_index = torch.tensor(np.arange(BASE.size).reshape(BASE.shape)[key].copy())
    y = (base * 2).reshape(-1)
    y[flat_index] = (
        v.expand(flat_index.shape) if v.ndim <= flat_index.ndim else v.reshape(flat_index.shape)
    )
    y = y.reshape(BASE.shape)
    (y * torch.tensor(_weights(BASE.shape))).sum().backward()
    assert base.grad is not None
    assert v.grad is not None
    return y.detach().numpy(), base.grad.numpy(), v.grad.numpy()


@pytest.mark.parametrize(
    ("name", "key", "torch_key", "value_shape"), ROWS, ids=[r[0] for r in ROWS]
)
def test_against_numpy_and_torch(
    name: str, key: Any, torch_key: Any, value_shape: tuple[int, ...]
) -> None:
    value = np.arange(np.prod(value_shape), dtype=np.float64).reshape(value_shape) * 3.0 - 5.0
    base = ag.tensor(BASE, dtype=core.float64, requires_grad=True)
    v = ag.tensor(value, dtype=core.float64, requires_grad=True)
    y = base * 2
    y[key] = v
    expected = BASE * 2
    expected[key] = value
    np.testing.assert_array_equal(y.numpy(), expected)
    assert y.grad_fn is not None
    assert y.grad_fn.name() == "SetItemBackward"
    (y * ag.tensor(_weights(BASE.shape), dtype=core.float64)).sum().backward()
    if torch_key is None:
        _, base_grad, v_grad = _run_torch(key, value)
    else:
        tb = torch.tensor(BASE, requires_grad=True)
        tv = torch.tensor(value, requires_grad=True)
        ty = tb * 2
        ty[_torch_key(torch_key)] = tv
        np.testing.assert_array_equal(ty.detach().numpy(), expected)
        (ty * torch.tensor(_weights(BASE.shape))).sum().backward()
        assert tb.grad is not None
        assert tv.grad is not None
        base_grad, v_grad = tb.grad.numpy(), tv.grad.numpy()
    assert base.grad is not None
    assert v.grad is not None
    np.testing.assert_allclose(base.grad.numpy(), base_grad, rtol=1e-12)
    np.testing.assert_allclose(v.grad.numpy(), v_grad, rtol=1e-12)


# A duplicated position keeps only its last value, so finite differences see one write while
# the analytic gradient (torch's) reaches every duplicate: those rows cannot be gradchecked.
UNIQUE_ROWS = [r for r in ROWS if r[0] not in {"index_dups", "index_dups_bcast", "two_arrays"}]


@pytest.mark.parametrize(
    ("name", "key", "torch_key", "value_shape"), UNIQUE_ROWS, ids=[r[0] for r in UNIQUE_ROWS]
)
def test_gradcheck(name: str, key: Any, torch_key: Any, value_shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    base = ag.tensor(BASE, dtype=core.float64, requires_grad=True)
    v = ag.tensor(rng.standard_normal(value_shape), dtype=core.float64, requires_grad=True)

    def fn(b: ag.Tensor, value: ag.Tensor) -> ag.Tensor:
        y = b.exp()
        y[key] = value * value
        return y * b

    assert ag.gradcheck(fn, (base, v))


def test_last_write_wins_and_every_duplicate_gets_its_gradient() -> None:
    a = ag.tensor([1.0, 1.0, 1.0, 1.0], dtype=core.float64, requires_grad=True)
    v = ag.tensor([1.0, 2.0, 3.0], dtype=core.float64, requires_grad=True)
    ta = torch.tensor([1.0, 1.0, 1.0, 1.0], dtype=torch.float64, requires_grad=True)
    tv = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = a * 2
    ty = ta * 2
    y[ag.tensor([0, 2, 0])] = v
    ty[torch.tensor([0, 2, 0])] = tv
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = np.array([1.0, 2.0, 3.0, 4.0])
    (y * ag.tensor(w, dtype=core.float64)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    assert a.grad is not None
    assert v.grad is not None
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())  # type: ignore[union-attr]
    np.testing.assert_array_equal(v.grad.numpy(), tv.grad.numpy())  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "value", [2.5, core.asarray([1.0, 2.0, 3.0, 4.0], dtype=core.float64)], ids=["py", "core"]
)
def test_constant_value_gives_only_the_base_a_gradient(value: float | core.Tensor) -> None:
    base = ag.tensor(BASE, dtype=core.float64, requires_grad=True)
    y = base * 3
    y[0, 1] = value
    y.sum().backward()
    expected = np.full(BASE.shape, 3.0)
    expected[0, 1] = 0.0
    assert base.grad is not None
    np.testing.assert_array_equal(base.grad.numpy(), expected)


def test_write_into_a_constant_buffer_makes_it_require_grad() -> None:
    out = ag.tensor(np.zeros((3, 2)), dtype=core.float64)
    w = ag.tensor([1.0, 2.0], dtype=core.float64, requires_grad=True)
    tout = torch.zeros(3, 2, dtype=torch.float64)
    tw = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    for i in range(3):
        out[i] = w * float(i + 1)
        tout[i] = tw * float(i + 1)
    assert out.requires_grad
    assert not out.is_leaf
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy())
    assert w.grad is not None
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy())  # type: ignore[union-attr]


def test_double_setitem_and_earlier_consumers_see_the_old_values() -> None:
    """Edges recorded before a write keep leading to the old tensor (torch's edges do)."""
    results = []
    for lib in (ag, torch):
        kw: dict[str, Any] = {"dtype": core.float64 if lib is ag else torch.float64}
        a = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True, **kw)
        v = lib.tensor([5.0, 6.0], requires_grad=True, **kw)
        h = a * 2
        before = h + 1  # consumes the old h; Add saves nothing, so no version error
        h[1:3] = v
        middle = h + 0.5
        h[0] = v[1] * v[0]
        # The value is read from h itself (mg copies the overlap; torch refuses it).
        h[1:] = h[:-1] if lib is ag else h[:-1].clone()
        loss = (before * before).sum() + (middle * 3).sum() + (h * h * h).sum()
        loss.backward()
        results.append((h.detach().numpy().copy(), a.grad.numpy(), v.grad.numpy()))
    for mine, theirs in zip(results[0], results[1], strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def test_second_order_through_setitem() -> None:
    grads = []
    for lib in (ag, torch):
        kw: dict[str, Any] = {"dtype": core.float64 if lib is ag else torch.float64}
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True, **kw)
        v = lib.tensor([0.5, -1.5], requires_grad=True, **kw)
        y = a * a
        y[[0, 2]] = v * a[1]
        loss = (y**3).sum()
        if lib is ag:
            loss.backward(create_graph=True)
            ga, gv = a.grad, v.grad
            a.grad = None
        else:
            ga, gv = torch.autograd.grad(loss, (a, v), create_graph=True)
        (ga * ga + gv.sum() * 0.25).sum().backward()
        grads.append((ga.detach().numpy().copy(), gv.detach().numpy().copy(), a.grad.numpy()))
    for mine, theirs in zip(grads[0], grads[1], strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def test_setitem_bumps_the_version_and_saved_tensors_notice() -> None:
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = a * 1.0
    y = h * h  # saves h
    version = h._version
    h[0] = 5.0
    assert h._version == version + 1
    with pytest.raises(RuntimeError, match=r"needed by MulBackward .* modified by an in-place"):
        y.sum().backward()


def test_leaf_that_requires_grad_refuses_unless_no_grad() -> None:
    w = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"leaf Variable that requires grad .* in-place"):
        w[0] = 5.0
    assert w.tolist() == [1.0, 2.0, 3.0]
    with ag.no_grad():
        w[1:] = ag.tensor([7.0, 8.0], requires_grad=True)
    assert w.tolist() == [1.0, 7.0, 8.0]
    assert w.is_leaf
    assert w._version == 1
    (w * w).sum().backward()
    assert w.grad is not None
    assert w.grad.tolist() == [2.0, 14.0, 16.0]


def test_plain_write_without_grad_is_not_recorded() -> None:
    x = ag.tensor([[1, 2], [3, 4]])
    x[x > 2] = 0
    assert x.tolist() == [[1, 2], [0, 0]]
    assert x.grad_fn is None
    assert x._version == 1


def test_integer_target_with_a_grad_value_just_writes() -> None:
    x = ag.tensor([0, 0, 0])
    x[1] = ag.tensor(2.7, requires_grad=True)
    assert x.tolist() == [0, 2, 0]
    assert x.grad_fn is None


@pytest.mark.parametrize(
    "view", [lambda h: h[0], lambda h: h.T, lambda h: h.reshape(6)], ids=["index", "T", "reshape"]
)
def test_write_into_a_view_is_refused_when_recorded(view: Callable[[Any], Any]) -> None:
    h = ag.tensor(np.ones((2, 3)), requires_grad=True) * 2
    v = view(h)
    with pytest.raises(RuntimeError, match=r"into a view .* of another tensor \(shape \(2, 3\)\)"):
        v[0] = ag.tensor(1.0, requires_grad=True)
    buffer = ag.tensor(np.zeros((2, 3)))
    row = buffer[1]
    with pytest.raises(RuntimeError, match="cannot rebase the viewed tensor"):
        row[0] = ag.tensor(1.0, requires_grad=True)
    row[0] = 4.0  # nothing to record: a plain write through the view
    assert buffer.tolist() == [[0.0, 0.0, 0.0], [4.0, 0.0, 0.0]]


@pytest.mark.parametrize(
    ("key", "value", "error", "pattern"),
    [
        ((0, 5), 1.0, IndexError, "5"),
        (slice(None), ag.tensor([1.0, 2.0]), ValueError, r"\(2,\)"),
        ([0, 7], 1.0, IndexError, "7"),
    ],
)
def test_bad_writes_raise(key: Any, value: Any, error: type[Exception], pattern: str) -> None:
    y = ag.tensor(np.ones((2, 3)), requires_grad=True) * 1.0
    with pytest.raises(error, match=pattern):
        y[key] = value


def test_views_taken_before_a_write_see_it_when_used_after() -> None:
    """PyTorch regenerates a view's grad_fn after its base is written; so does mg."""
    results = []
    for lib in (ag, torch):
        kw: dict[str, Any] = {"dtype": core.float64 if lib is ag else torch.float64}
        a = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True, **kw)
        v = lib.tensor([7.0, 8.0], requires_grad=True, **kw)
        h = a * 2
        row = h[0]
        col = h[:, 1]
        inner = h[1:][0]  # a view of a view
        early = row + 1  # consumed before the write: sees the old h
        h[0, 1:] = v
        h[1, 0] = v[0] * v[1]
        late = row * col.sum() + inner * 3  # consumed after: sees the new values
        loss = (early * early).sum() + (late * late).sum() + (h * 0.5).sum()
        loss.backward()
        results.append((late.detach().numpy().copy(), a.grad.numpy(), v.grad.numpy()))
    for mine, theirs in zip(results[0], results[1], strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def test_draw_dot_follows_the_fixed_edges() -> None:
    pytest.importorskip("graphviz")
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    h = a * 2
    early = h + 1
    h[0] = 5.0
    dot = ag.draw_dot((early + h).sum())
    assert dot.source.count("MulBackward") == 1
    assert "SetItemBackward" in dot.source


def test_autograd_index_tensors_and_mixed_dtypes() -> None:
    a = ag.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)  # float32
    v = ag.tensor([0.25, 0.5], dtype=core.float64, requires_grad=True)
    y = a * 1.0
    y[ag.tensor([3, 1])] = v
    y[ag.tensor([True, False, False, False])] = 9.0
    assert y.dtype is core.float32
    assert y.tolist() == [9.0, 0.5, 3.0, 0.25]
    (y * ag.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert a.grad is not None
    assert v.grad is not None
    assert a.grad.tolist() == [0.0, 0.0, 3.0, 0.0]
    assert v.grad.dtype is core.float64
    assert v.grad.tolist() == [4.0, 2.0]


@st.composite
def _write(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[Any, ...], tuple[int, ...]]:
    """A base shape, an in-range basic key (any step, None, ...) and a broadcastable value shape."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    items: list[Any] = []
    for size in shape[: draw(st.integers(0, len(shape)))]:
        bound = st.none() | st.integers(-size, size)
        step = st.none() | st.sampled_from([1, 2, -1, -2, 3])
        items.append(draw(st.integers(-size, size - 1) | st.builds(slice, bound, bound, step)))
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    if draw(st.booleans()):  # after the items, so each still indexes the axis drawn for it
        items.append(Ellipsis)
    target = np.zeros(shape)[tuple(items)].shape
    value = [n if draw(st.booleans()) else 1 for n in target]
    lead = draw(st.integers(0, 1)) if target else 0  # NumPy refuses (1,) into a scalar slot
    return shape, tuple(items), (1,) * lead + tuple(value[draw(st.integers(0, len(value))) :])


@settings(max_examples=60, deadline=None)
@given(case=_write())
def test_random_basic_writes_against_numpy_and_torch(
    case: tuple[tuple[int, ...], tuple[Any, ...], tuple[int, ...]],
) -> None:
    shape, key, value_shape = case
    base_np = np.arange(np.prod(shape), dtype=np.float64).reshape(shape) - 2.0
    value_np = np.arange(np.prod(value_shape), dtype=np.float64).reshape(value_shape) + 10.0
    weights = _weights(shape)
    base = ag.tensor(base_np, dtype=core.float64, requires_grad=True)
    v = ag.tensor(value_np, dtype=core.float64, requires_grad=True)
    y = base * 2
    y[key] = v
    expected = base_np * 2
    expected[key] = value_np
    np.testing.assert_array_equal(y.numpy(), expected)
    (y * ag.tensor(weights, dtype=core.float64)).sum().backward()
    # torch has no negative steps: write through the flat positions the key selects.
    tb = torch.tensor(base_np, requires_grad=True)
    tv = torch.tensor(value_np, requires_grad=True)
    positions = np.arange(base_np.size).reshape(shape)[key]
    flat = (tb * 2).reshape(-1)
    extra = tv.ndim - positions.ndim
    value = tv.reshape(tv.shape[extra:]) if extra > 0 else tv
    flat[torch.tensor(np.array(positions).reshape(-1))] = value.expand(positions.shape).reshape(-1)
    (flat.reshape(shape) * torch.tensor(weights)).sum().backward()
    assert base.grad is not None
    assert v.grad is not None
    np.testing.assert_allclose(base.grad.numpy(), tb.grad.numpy(), rtol=1e-12)  # type: ignore[union-attr]
    np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy(), rtol=1e-12)  # type: ignore[union-attr]
