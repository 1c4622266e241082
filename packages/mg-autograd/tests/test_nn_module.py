"""nn.Module, Parameter, containers, state_dict and init, against torch.nn on the same weights."""

from __future__ import annotations

import math

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_autograd import nn


def to_torch(t: ag.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.array(t.numpy()))


def copy_weights(mine: nn.Module, theirs: torch.nn.Module) -> None:
    """Give ``mine`` the parameters of ``theirs`` (same names), through our load_state_dict."""
    values = {k: core.asarray(v.detach().numpy()) for k, v in theirs.state_dict().items()}
    mine.load_state_dict(values)


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = nn.Linear(3, 4)
        self.layers = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 2, bias=False)])
        self.scale = nn.Parameter(ag.tensor([1.0]))
        self.register_buffer("steps", ag.tensor([0.0]))
        self.register_buffer("scratch", ag.tensor([0.0]), persistent=False)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        x = self.inner(x)
        for layer in self.layers:
            x = layer(x)
        return x * self.scale


class TorchBlock(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = torch.nn.Linear(3, 4)
        self.layers = torch.nn.ModuleList(
            [torch.nn.Linear(4, 4), torch.nn.Linear(4, 2, bias=False)]
        )
        self.scale = torch.nn.Parameter(torch.tensor([1.0]))
        self.register_buffer("steps", torch.tensor([0.0]))
        self.register_buffer("scratch", torch.tensor([0.0]), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inner(x)
        for layer in self.layers:
            x = layer(x)
        return x * self.scale


def test_names_and_order_match_torch() -> None:
    mine, theirs = Block(), TorchBlock()
    assert [n for n, _ in mine.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in mine.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in mine.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in mine.named_children()] == [n for n, _ in theirs.named_children()]
    assert list(mine.state_dict()) == list(theirs.state_dict())


def test_forward_and_gradients_match_torch() -> None:
    mine, theirs = Block(), TorchBlock()
    copy_weights(mine, theirs)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    out = mine(ag.tensor(x))
    expected = theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    (out * out).sum().backward()
    (expected * expected).sum().backward()
    grads = dict(theirs.named_parameters())
    for name, p in mine.named_parameters():
        assert p.grad is not None
        theirs_grad = grads[name].grad
        assert theirs_grad is not None
        np.testing.assert_allclose(p.grad.numpy(), theirs_grad.numpy(), rtol=1e-4, atol=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    batch=st.lists(st.integers(1, 3), min_size=0, max_size=2),
    sizes=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    bias=st.booleans(),
)
def test_linear_matches_torch(batch: list[int], sizes: tuple[int, int], bias: bool) -> None:
    theirs = torch.nn.Linear(*sizes, bias=bias).double()
    mine = nn.Linear(*sizes, bias=bias, dtype=core.float64)
    copy_weights(mine, theirs)
    x = np.random.default_rng(1).normal(size=(*batch, sizes[0]))
    xm = ag.tensor(x, requires_grad=True)
    xt = torch.from_numpy(x).requires_grad_()
    out, expected = mine(xm), theirs(xt)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-12)
    upstream = np.random.default_rng(2).normal(size=expected.shape)
    out.backward(ag.tensor(upstream))
    expected.backward(torch.from_numpy(upstream))
    assert xm.grad is not None
    assert xt.grad is not None
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    for name, p in mine.named_parameters():
        assert p.grad is not None
        np.testing.assert_allclose(p.grad.numpy(), dict(theirs.named_parameters())[name].grad)


def test_linear_wrong_feature_count_names_expected_and_got() -> None:
    with pytest.raises(ValueError, match=r"expected input with 3 features .* got shape \(2, 4\)"):
        nn.Linear(3, 2)(ag.tensor(core.zeros((2, 4), dtype=core.float32)))


def test_repr_matches_torch_for_linear_and_nesting() -> None:
    mine = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 1, bias=False)))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(2, 3), torch.nn.Sequential(torch.nn.Linear(3, 1, bias=False))
    )
    assert repr(mine) == repr(theirs)
    assert repr(nn.Flatten()) == repr(torch.nn.Flatten())


def test_load_state_dict_strict_lists_every_problem_and_writes_nothing() -> None:
    model = nn.Linear(2, 3)
    before = model.weight.tolist()
    bad = {"weight": core.zeros((2, 3), dtype=core.float32), "extra": core.zeros((1,))}
    with pytest.raises(ValueError, match="Error\\(s\\) in loading state_dict for Linear") as info:
        model.load_state_dict(bad)
    message = str(info.value)
    assert "missing keys: ['bias']" in message
    assert "unexpected keys: ['extra']" in message
    assert "'weight': checkpoint has (2, 3), model has (3, 2)" in message
    assert model.weight.tolist() == before


def test_load_state_dict_non_strict_reports_keys_but_still_checks_shapes() -> None:
    model = nn.Linear(2, 1)
    result = model.load_state_dict({"bias": core.asarray([5.0]), "other": core.zeros(())}, False)
    assert result.missing_keys == ["weight"]
    assert result.unexpected_keys == ["other"]
    assert model.bias is not None
    assert model.bias.tolist() == [5.0]
    with pytest.raises(ValueError, match="shape mismatch for 'bias'"):
        model.load_state_dict({"bias": core.zeros((2,))}, strict=False)


def test_load_state_dict_casts_and_bumps_version() -> None:
    model = nn.Linear(1, 1)
    version = model.weight._version
    model.load_state_dict({"weight": core.asarray([[2]]), "bias": core.asarray([0.5])})
    assert model.weight.dtype is core.float32
    assert model.weight.tolist() == [[2.0]]
    assert model.weight._version == version + 1


def test_state_dict_values_share_data_but_are_detached() -> None:
    model = nn.Linear(2, 2)
    sd = model.state_dict()
    assert not sd["weight"].requires_grad
    with ag.no_grad():
        model.weight.mul_(0.0)
    assert sd["weight"].tolist() == [[0.0, 0.0], [0.0, 0.0]]


def test_train_eval_and_requires_grad() -> None:
    model = Block()
    assert all(m.training for m in model.modules())
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert model.layers[1].training
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_to_dtype_keeps_parameter_objects() -> None:
    model = Block()
    params = list(model.parameters())
    model.to(core.float64)
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(p.dtype is core.float64 for p in params)
    assert model.steps.dtype is core.float64
    with pytest.raises(TypeError, match="floating-point"):
        model.to(core.int32)


def test_zero_grad() -> None:
    model = nn.Linear(2, 1)
    model(ag.tensor([[1.0, 2.0]])).sum().backward()
    model.zero_grad(set_to_none=False)
    assert model.weight.grad is not None
    assert model.weight.grad.tolist() == [[0.0, 0.0]]
    model.zero_grad()
    assert model.weight.grad is None


def test_attribute_routing() -> None:
    model = nn.Module()
    model.w = nn.Parameter(ag.tensor([1.0]))
    model.sub = nn.Linear(1, 1)
    assert [n for n, _ in model.named_parameters()] == ["w", "sub.weight", "sub.bias"]
    model.w = ag.tensor([2.0])  # a plain tensor replaces (and unregisters) the parameter
    assert [n for n, _ in model.named_parameters()] == ["sub.weight", "sub.bias"]
    del model.sub
    assert list(model.parameters()) == []
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        _ = model.missing
    with pytest.raises(TypeError, match="buffer 'b' must be a Tensor"):
        model.register_buffer("b", 3.0)  # type: ignore[arg-type]


def test_module_before_init_says_so() -> None:
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__"):
        Broken()


def test_shared_parameters_are_listed_once() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.children())) == 1


def test_containers_index_slice_and_edit() -> None:
    a, b, c = nn.Linear(1, 1), nn.Linear(1, 1), nn.Flatten()
    seq = nn.Sequential(a, b, c)
    assert seq[-1] is c
    assert len(seq[1:]) == 2
    assert seq[1:][0] is b
    del seq[0]
    assert [n for n, _ in seq.named_children()] == ["0", "1"]
    assert seq[0] is b
    layers = nn.ModuleList([a])
    layers.append(b)
    layers.insert(0, c)
    layers += [nn.Identity()]
    assert list(layers)[:3] == [c, a, b]
    assert len(layers) == 4
    with pytest.raises(IndexError, match="index 4 is out of range for ModuleList of length 4"):
        layers[4]
    with pytest.raises(TypeError, match="Sequential takes modules"):
        nn.Sequential(3)  # type: ignore[arg-type]
    named = nn.Sequential({"first": a})
    assert [n for n, _ in named.named_children()] == ["first"]


def test_parameter_repr_and_sharing() -> None:
    data = ag.tensor([1.0])
    p = nn.Parameter(data)
    assert p.data is data.data
    assert p.requires_grad
    assert repr(p) == "Parameter containing:\ntensor([1.], requires_grad=True)"


# --- init -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "param"), [("linear", None), ("relu", None), ("tanh", None), ("leaky_relu", 0.2)]
)
def test_calculate_gain_matches_torch(name: str, param: float | None) -> None:
    assert nn.init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param)
    )


@pytest.mark.parametrize("shape", [(3, 5), (8, 3, 5, 5), (2, 4, 3)])
def test_fans_match_torch(shape: tuple[int, ...]) -> None:
    ours = nn.init.fan_in_and_fan_out(ag.tensor(core.zeros(shape)))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


@pytest.mark.parametrize(
    ("fill", "bound"),
    [
        (
            lambda t, g: nn.init.kaiming_uniform_(t, generator=g),
            math.sqrt(6 / 300),
        ),  # gain sqrt(2) at a=0
        (lambda t, g: nn.init.xavier_uniform_(t, generator=g), math.sqrt(6 / (300 + 200))),
        (lambda t, g: nn.init.uniform_(t, -0.5, 0.5, g), 0.5),
    ],
)
def test_uniform_inits_fill_their_range(fill: object, bound: float) -> None:
    t = ag.tensor(core.zeros((200, 300), dtype=core.float32))
    fill(t, core.random.default_rng(0))  # type: ignore[operator]
    values = t.numpy()
    assert values.min() >= -bound * (1 + 1e-6)
    assert values.max() <= bound * (1 + 1e-6)
    assert values.max() > 0.99 * bound
    assert values.min() < -0.99 * bound  # the range is used
    assert abs(values.std() - bound / math.sqrt(3)) < 0.01 * bound


@pytest.mark.parametrize(
    ("fill", "std"),
    [
        (
            lambda t, g: nn.init.kaiming_normal_(t, nonlinearity="relu", generator=g),
            math.sqrt(2 / 300),
        ),
        (lambda t, g: nn.init.xavier_normal_(t, gain=2.0, generator=g), 2 * math.sqrt(2 / 500)),
        (lambda t, g: nn.init.normal_(t, 0.0, 0.3, g), 0.3),
    ],
)
def test_normal_inits_have_their_std(fill: object, std: float) -> None:
    t = ag.tensor(core.zeros((200, 300), dtype=core.float64))
    fill(t, core.random.default_rng(1))  # type: ignore[operator]
    assert abs(t.numpy().std() - std) < 0.02 * std
    assert abs(t.numpy().mean()) < 0.02 * std


def test_init_is_reproducible_with_manual_seed() -> None:
    ag.manual_seed(42)
    first = [p.tolist() for p in nn.Linear(3, 3).parameters()]
    ag.manual_seed(42)
    assert [p.tolist() for p in nn.Linear(3, 3).parameters()] == first
    assert [p.tolist() for p in nn.Linear(3, 3).parameters()] != first


def test_init_constants_and_errors() -> None:
    t = ag.tensor(core.zeros((2, 2)))
    assert nn.init.ones_(t).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert nn.init.zeros_(t).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(3,\)"):
        nn.init.xavier_uniform_(ag.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="mode must be"):
        nn.init.kaiming_uniform_(t, mode="fan_avg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        nn.init.calculate_gain("swish")


def test_init_inside_grad_mode_on_a_parameter() -> None:
    p = nn.Parameter(ag.tensor([0.0, 0.0]))
    nn.init.constant_(p, 2.0)  # no_grad inside: allowed on a leaf that requires grad
    assert p.tolist() == [2.0, 2.0]
    assert p.requires_grad


# --- clip_grad_norm_ ------------------------------------------------------------------


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type: float, max_norm: float) -> None:
    rng = np.random.default_rng(3)
    grads = [rng.normal(size=s).astype(np.float32) for s in [(3, 4), (4,), ()]]
    mine = [nn.Parameter(ag.tensor(np.zeros_like(g))) for g in grads]
    theirs = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, q, g in zip(mine, theirs, grads, strict=True):
        p.grad = ag.tensor(g)
        q.grad = torch.from_numpy(g.copy())
    total = nn.utils.clip_grad_norm_(mine, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert total.item() == pytest.approx(expected.item(), rel=1e-5)
    for p, q in zip(mine, theirs, strict=True):
        assert p.grad is not None
        assert q.grad is not None
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_nonfinite() -> None:
    p = nn.Parameter(ag.tensor([0.0]))
    p.grad = ag.tensor([math.inf])
    with pytest.raises(RuntimeError, match=r"total norm of order 2\.0 of the gradients is inf"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert nn.utils.clip_grad_norm_([], 1.0).item() == 0.0
