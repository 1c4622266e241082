"""save/load in the safetensors format, both ways with PyTorch's ``safetensors.torch``."""

from __future__ import annotations

from pathlib import Path

import mg_autograd as ag
import mg_core as core
import numpy as np
import pytest
import torch
from mg_autograd import nn
from safetensors.torch import load_file as torch_load_file
from safetensors.torch import save_file as torch_save_file

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int8", "uint8", "bool"]


def sample(dtype: str, shape: tuple[int, ...] = (3, 4)) -> np.ndarray:
    values = np.random.default_rng(0).normal(size=shape) * 10
    return values.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_round_trip_keeps_values_and_dtype(tmp_path: Path, dtype: str) -> None:
    original = sample(dtype)
    path = tmp_path / "t.safetensors"
    ag.save({"a": ag.tensor(original), "b": core.asarray(original[:, ::2])}, path)
    loaded = ag.load(path)
    assert sorted(loaded) == ["a", "b"]
    assert loaded["a"].dtype is core.as_dtype(dtype)
    np.testing.assert_array_equal(loaded["a"].numpy(), original)
    np.testing.assert_array_equal(loaded["b"].numpy(), original[:, ::2])


@pytest.mark.parametrize("dtype", DTYPES)
def test_torch_reads_what_we_write(tmp_path: Path, dtype: str) -> None:
    original = sample(dtype, (2, 3, 2))
    path = tmp_path / "mg.safetensors"
    ag.save({"x": ag.tensor(original), "scalar": ag.tensor(original[0, 0, 0])}, path)
    theirs = torch_load_file(str(path))
    np.testing.assert_array_equal(theirs["x"].numpy(), original)
    assert theirs["x"].dtype == getattr(torch, dtype)
    assert theirs["scalar"].shape == ()


@pytest.mark.parametrize("dtype", DTYPES)
def test_we_read_what_torch_writes(tmp_path: Path, dtype: str) -> None:
    original = sample(dtype, (4, 1, 3))
    path = tmp_path / "torch.safetensors"
    torch_save_file(
        {"w": torch.from_numpy(original), "v": torch.from_numpy(original[0, 0])}, str(path)
    )
    loaded = ag.load(path)
    np.testing.assert_array_equal(loaded["w"].numpy(), original)
    np.testing.assert_array_equal(loaded["v"].numpy(), original[0, 0])
    assert loaded["w"].dtype is core.as_dtype(dtype)


def test_model_checkpoint_moves_between_mg_and_torch(tmp_path: Path) -> None:
    mine = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    x = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)

    ag.save(mine.state_dict(), tmp_path / "mg.safetensors", metadata={"format": "pt"})
    theirs.load_state_dict(torch_load_file(str(tmp_path / "mg.safetensors")))
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(mine(ag.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)

    for p in theirs.parameters():
        torch.nn.init.normal_(p)
    torch_save_file(theirs.state_dict(), str(tmp_path / "torch.safetensors"))
    mine.load_state_dict(ag.load(tmp_path / "torch.safetensors"))
    expected = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(mine(ag.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_loading_into_a_model_with_other_keys_lists_them(tmp_path: Path) -> None:
    torch_save_file(torch.nn.Linear(2, 3).state_dict(), str(tmp_path / "l.safetensors"))
    with pytest.raises(ValueError, match=r"shape mismatch for 'weight': checkpoint has \(3, 2\)"):
        nn.Linear(3, 2).load_state_dict(ag.load(tmp_path / "l.safetensors"))
    model = nn.Sequential(nn.Linear(2, 3))
    with pytest.raises(ValueError, match=r"missing keys: \['0.weight', '0.bias'\]"):
        model.load_state_dict(ag.load(tmp_path / "l.safetensors"))
    result = model.load_state_dict(ag.load(tmp_path / "l.safetensors"), strict=False)
    assert result.unexpected_keys == ["bias", "weight"]


def test_bad_values_and_files(tmp_path: Path) -> None:
    path = tmp_path / "x.safetensors"
    with pytest.raises(TypeError, match="'step' is a int"):
        ag.save({"step": 3}, path)  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="checkpoint keys must be str, got int"):
        ag.save({0: ag.tensor([1.0])}, path)  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="'h' is bfloat16"):
        ag.save({"h": core.zeros((2,), dtype=core.bfloat16)}, path)
    with pytest.raises(FileNotFoundError, match="no such checkpoint file"):
        ag.load(tmp_path / "missing.safetensors")
    path.write_bytes(b"not a safetensors file at all")
    with pytest.raises(ValueError, match="is not a valid safetensors file"):
        ag.load(path)


def test_bfloat16_from_torch_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "bf16.safetensors"
    torch_save_file({"w": torch.zeros(2, dtype=torch.bfloat16)}, str(path))
    with pytest.raises(TypeError, match=r"cannot load .* through NumPy"):
        ag.load(path)
