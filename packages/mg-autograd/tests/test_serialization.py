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
    with pytest.raises(FileNotFoundError, match="no such checkpoint file"):
        ag.load(tmp_path / "missing.safetensors")
    path.write_bytes(b"not a safetensors file at all")
    with pytest.raises(ValueError, match="is not a valid safetensors file"):
        ag.load(path)


#: Bit patterns covering bfloat16's corners: zeros, the smallest subnormal, one, the largest
#: finite, infinities, quiet NaNs with payloads and a signalling one.
BF16_BITS = [0x0000, 0x8000, 0x0001, 0x8001, 0x3F80, 0xBF80, 0x7F7F, 0xFF7F, 0x7F80, 0xFF80,
             0x7FC0, 0xFFC1, 0x7F81, 0x4049, 0x3DCD, 0x0080]  # fmt: skip
#: The same for float16.
F16_BITS = [0x0000, 0x8000, 0x0001, 0x83FF, 0x3C00, 0xBC00, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00,
            0x7E00, 0xFE01, 0x7C01, 0x4248, 0x2E66, 0x0400]  # fmt: skip


def torch_bits(bits: list[int], dtype: torch.dtype) -> torch.Tensor:
    """A (4, 4) torch tensor of ``dtype`` whose elements have exactly these bit patterns."""
    return torch.tensor(bits, dtype=torch.int32).to(torch.int16).view(dtype).reshape(4, 4)


def bits_of(t: torch.Tensor) -> list[int]:
    return [b & 0xFFFF for b in t.view(torch.int16).reshape(-1).tolist()]


@pytest.mark.parametrize(
    ("bits", "dtype", "name"),
    [(BF16_BITS, torch.bfloat16, "bfloat16"), (F16_BITS, torch.float16, "float16")],
)
def test_half_precision_moves_bit_exactly_between_mg_and_torch(
    tmp_path: Path, bits: list[int], dtype: torch.dtype, name: str
) -> None:
    original = torch_bits(bits, dtype)
    torch_save_file({"w": original, "w_t": original.t().contiguous()}, str(tmp_path / "t.st"))
    loaded = ag.load(tmp_path / "t.st")
    assert loaded["w"].dtype is core.as_dtype(name)
    assert loaded["w"].shape == (4, 4)
    # Values through float32, the independent check (torch widens on its own).
    np.testing.assert_array_equal(
        loaded["w"].data.astype(core.float32).numpy(), original.float().numpy()
    )
    # Back to torch: every bit pattern survives mg, views included.
    ag.save({"w": loaded["w"], "view": loaded["w_t"].T, "f": ag.tensor([1.5])}, tmp_path / "m.st")
    theirs = torch_load_file(str(tmp_path / "m.st"))
    assert theirs["w"].dtype == dtype
    assert bits_of(theirs["w"]) == bits
    assert bits_of(theirs["view"]) == bits
    assert theirs["f"].dtype == torch.float32


def test_bfloat16_made_in_mg_reads_in_torch(tmp_path: Path) -> None:
    values = np.random.default_rng(0).normal(size=(3, 5)).astype(np.float32) * 100
    ours = core.asarray(values).astype(core.bfloat16)
    ag.save({"h": ours, "scalar": ours[1, 2], "empty": ours[:0]}, tmp_path / "m.st")
    theirs = torch_load_file(str(tmp_path / "m.st"))
    expected = torch.from_numpy(values).to(torch.bfloat16)  # torch rounds to nearest even too
    assert bits_of(theirs["h"]) == bits_of(expected)
    assert theirs["scalar"].shape == ()
    assert theirs["scalar"].item() == expected[1, 2].item()
    assert theirs["empty"].shape == (0, 5)
    assert theirs["empty"].dtype == torch.bfloat16
    round_trip = ag.load(tmp_path / "m.st")
    assert round_trip["empty"].shape == (0, 5)
    np.testing.assert_array_equal(
        round_trip["h"].data.astype(core.float32).numpy(), expected.float().numpy()
    )


def test_a_dtype_mg_lacks_is_refused_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "f8.safetensors"
    torch_save_file({"w": torch.zeros(2, dtype=torch.float8_e4m3fn)}, str(path))
    with pytest.raises(TypeError, match=r"cannot load 'w' .* no dtype for safetensors' F8_E4M3"):
        ag.load(path)
