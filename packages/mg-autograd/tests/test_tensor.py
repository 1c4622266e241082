"""The Tensor wrapper and the `tensor` factory: dtypes, flags, conversions, repr."""

from __future__ import annotations

import sys

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from mg_autograd.tensor import TensorData


@pytest.mark.parametrize(
    "data",
    [[1.0, 2.0], [1, 2], 1.5, 7, [1, 2.5], [[1, 2], [3, 4]], [[0.5], [2.0]], []],
    ids=repr,
)
def test_default_dtypes_follow_torch(data: TensorData) -> None:
    expected = str(torch.tensor(data).dtype).removeprefix("torch.")
    got = ag.tensor(data)
    assert got.dtype.name == expected
    assert got.shape == tuple(torch.tensor(data).shape)


def test_arrays_keep_their_dtype_unless_told() -> None:
    assert ag.tensor(np.array([1.0, 2.0])).dtype == core.float64
    assert ag.tensor(np.array([1, 2], dtype=np.int32)).dtype == core.int32
    assert ag.tensor([1, 2], dtype=core.float64).dtype == core.float64
    assert ag.tensor(core.asarray([1.0], dtype=core.float64)).dtype == core.float64


def test_tensor_copies_its_input() -> None:
    source = np.array([1.0, 2.0])
    t = ag.tensor(source)
    source[0] = 99.0
    assert t.tolist() == [1.0, 2.0]


def test_tensor_of_tensor_is_a_detached_copy() -> None:
    x = ag.tensor([1.0], requires_grad=True)
    y = ag.tensor(x)
    assert not y.requires_grad
    assert y.tolist() == [1.0]


@pytest.mark.parametrize("dtype", [None, core.int32, core.int64])
def test_integer_tensor_cannot_require_grad(dtype: core.DType | None) -> None:
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        ag.tensor([1, 2], dtype=dtype, requires_grad=True)
    with pytest.raises(TypeError, match="floating-point"):
        ag.tensor([1, 2], dtype=dtype).requires_grad_()


def test_requires_grad_flags() -> None:
    x = ag.tensor([1.0])
    assert (x.requires_grad, x.is_leaf) == (False, True)
    assert x.requires_grad_() is x
    assert x.requires_grad
    y = x * 2
    assert y.requires_grad
    assert not y.is_leaf
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    x.requires_grad = False
    assert not x.requires_grad


def test_detach_shares_data_and_leaves_the_graph() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.data is y.data
    assert not d.requires_grad
    assert d.is_leaf


def test_constructor_needs_a_core_tensor() -> None:
    with pytest.raises(TypeError, match=r"mg_autograd.tensor\(...\)"):
        ag.Tensor([1.0])  # type: ignore[arg-type]


def test_accessors() -> None:
    x = ag.tensor([[1.0, 2.0, 3.0]])
    assert x.shape == (1, 3)
    assert x.ndim == 2
    assert x.size == 3
    assert x.dtype == core.float32
    assert x.tolist() == [[1.0, 2.0, 3.0]]
    assert ag.tensor([[4.5]]).item() == 4.5
    assert ag.tensor(3).item() == 3


def test_numpy_views_the_data() -> None:
    x = ag.tensor([1.0, 2.0])
    array = x.numpy()
    assert array.dtype == np.float32
    np.testing.assert_array_equal(array, [1.0, 2.0])


def test_numpy_without_numpy_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)  # makes `import numpy` raise ImportError
    with pytest.raises(ImportError, match="pip install numpy"):
        ag.tensor([1.0]).numpy()


def test_numpy_works_on_tensors_that_require_grad() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])
    x.numpy()[0] = 5.0  # a view: it shares the memory of x.data
    assert x.tolist() == [5.0, 2.0]


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        ([1.0, 2.0], None),
        ([[1.5, -2.0], [3.0, 4.0]], None),
        (3.0, None),
        ([1e-5, 1.0], None),
        ([1.0, 1e4], None),
        ([0.1, 2.0], None),
        ([1, 2, 30], None),
        ([1, 2], "int32"),
        ([[[1.0, 2.0]], [[3.0, 4.0]]], "float64"),
        ([1.0, float("nan"), float("inf")], None),
        ([0.1, float("nan")], None),
        ([], None),
    ],
    ids=repr,
)
def test_repr_matches_torch(data: TensorData, dtype: str | None) -> None:
    mg_dtype = None if dtype is None else core.as_dtype(dtype)
    torch_dtype = None if dtype is None else getattr(torch, dtype)
    expected = repr(torch.tensor(data, dtype=torch_dtype)).replace("torch.", "")
    assert repr(ag.tensor(data, dtype=mg_dtype)) == expected


def test_repr_of_empty_matrix_matches_torch() -> None:
    expected = repr(torch.zeros(0, 3)).replace("torch.", "")
    assert repr(ag.Tensor(core.zeros((0, 3), dtype=core.float32))) == expected


def test_repr_shows_autograd_state() -> None:
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x.sum()) == "tensor(3., grad_fn=<SumBackward>)"
    assert repr(-x) == "tensor([-1., -2.], grad_fn=<NegBackward>)"
