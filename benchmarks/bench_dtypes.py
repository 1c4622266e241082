"""Casts and narrow-float arithmetic: mg vs NumPy vs PyTorch in one process, ratios and GB/s.

Every contender writes into a preallocated output, so this times the kernels, not allocation.
Goals (issue 9): float32 <-> float16 no slower than PyTorch and >= 5x faster than NumPy; float16
add no slower than PyTorch and >= 10x faster than NumPy; float32 <-> bfloat16 no slower than
PyTorch (NumPy has no bfloat16); float32 -> float64 and int32 -> float32 no slower than NumPy.
Also: step-2 and transposed float32 <-> float16 (strided casts through the vector kernels), and
the int <-> float pairs (int32 <-> float32, int64 <-> float64, uint8 -> float32).
Run: `python benchmarks/bench_dtypes.py [--rounds N] [--size N]` with numpy and torch installed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import mg_kernels as mk
import numpy as np
import torch
from timing import compare, report

NP = {
    "float16": np.float16,
    "float32": np.float32,
    "float64": np.float64,
    "int32": np.int32,
    "int64": np.int64,
    "uint8": np.uint8,
}
TORCH = {
    "int64": torch.int64,
    "uint8": torch.uint8,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int32": torch.int32,
}


def storage_like(values: np.ndarray, dtype: str) -> mk.Storage:
    """A storage of `values` cast to `dtype` by the kernels themselves."""
    src = mk.Storage.from_buffer(values)
    out = mk.Storage.empty(dtype, values.size)
    mk.copy(out, 0, (1,), src, 0, (1,), (values.size,))
    return out


def show(title: str, medians: dict[str, float], baseline: str, nbytes: int) -> None:
    """Times and ratios against `baseline`, then each contender's bytes moved per second."""
    report(title, medians, baseline)
    rates = ", ".join(f"{name.split()[0]} {nbytes / s / 1e9:.1f}" for name, s in medians.items())
    print(f"  GB/s (read + written): {rates}")


def bench_cast(src: str, dst: str, n: int, rounds: int) -> None:
    values = np.random.default_rng(0).standard_normal(n).astype(np.float32) * 100
    if src in ("int32", "int64"):
        values = values.astype(NP[src])
    elif src == "uint8":
        values = np.abs(values).astype(np.uint8)
    a_mg = storage_like(values, src)
    out_mg = mk.Storage.empty(dst, n)
    a_t = torch.from_numpy(values).to(TORCH[src])
    out_t = torch.empty(n, dtype=TORCH[dst])
    contenders: dict[str, Callable[[], object]] = {
        f"mg     copy ({mk.isa()})": lambda: mk.copy(out_mg, 0, (1,), a_mg, 0, (1,), (n,)),
        f"torch  copy_ {torch.get_num_threads()}thr": lambda: out_t.copy_(a_t),
    }
    if src in NP and dst in NP:
        a_np = values.astype(NP[src])
        out_np = np.empty(n, NP[dst])
        contenders["numpy  copyto"] = lambda: np.copyto(out_np, a_np, casting="unsafe")
    medians = compare(contenders, rounds)
    nbytes = n * (a_mg.itemsize + out_mg.itemsize)
    baseline = "numpy  copyto" if "numpy  copyto" in medians else next(iter(medians))
    show(f"{src} -> {dst}, {n:,} elements", medians, baseline, nbytes)
    expected = out_t.float().numpy() if dst == "bfloat16" else None
    if expected is not None:  # the same bits as PyTorch (both round to nearest even)
        got = storage_like_float32(out_mg, n)
        np.testing.assert_array_equal(got, expected)


def bench_strided_cast(src: str, dst: str, n: int, rounds: int, layout: str) -> None:
    """A step-2 source into a contiguous output, or a transposed (column-major) square source
    into a row-major output; n elements either way."""
    side = int(n**0.5)
    values = np.random.default_rng(2).standard_normal(2 * n).astype(NP[src])
    out_np = np.empty(n if layout == "step 2" else (side, side), NP[dst])
    if layout == "step 2":
        view = values[::2]
        mg_args = (0, (2,), (n,))
        out_strides: tuple[int, ...] = (1,)
    else:
        view = values[: side * side].reshape(side, side).T
        mg_args = (0, (1, side), (side, side))
        out_strides = (side, 1)
    a_mg = mk.Storage.from_buffer(values)
    out_mg = mk.Storage.empty(dst, out_np.size)
    a_t = torch.from_numpy(values)
    view_t = a_t[::2] if layout == "step 2" else a_t[: side * side].reshape(side, side).T
    out_t = torch.empty(out_np.shape, dtype=TORCH[dst])
    offset, strides, shape = mg_args
    medians = compare(
        {
            "numpy  copyto": lambda: np.copyto(out_np, view, casting="unsafe"),
            f"mg     copy ({mk.isa()})": lambda: mk.copy(
                out_mg, 0, out_strides, a_mg, offset, strides, shape
            ),
            f"torch  copy_ {torch.get_num_threads()}thr": lambda: out_t.copy_(view_t),
        },
        rounds,
    )
    nbytes = out_np.size * (values.itemsize + out_np.itemsize)
    show(f"{src} -> {dst} {layout}, {out_np.size:,} elements", medians, "numpy  copyto", nbytes)
    np.copyto(out_np, view, casting="unsafe")
    assert np.asarray(out_mg).tobytes() == out_np.tobytes()


def storage_like_float32(s: mk.Storage, n: int) -> np.ndarray:
    out = mk.Storage.empty("float32", n)
    mk.copy(out, 0, (1,), s, 0, (1,), (n,))
    return np.asarray(out)


def bench_half_add(n: int, rounds: int) -> None:
    rng = np.random.default_rng(1)
    a_np = rng.standard_normal(n).astype(np.float16)
    b_np = rng.standard_normal(n).astype(np.float16)
    out_np = np.empty_like(a_np)
    a_mg, b_mg = mk.Storage.from_buffer(a_np), mk.Storage.from_buffer(b_np)
    out_mg = mk.Storage.empty("float16", n)
    a_t, b_t = torch.from_numpy(a_np), torch.from_numpy(b_np)
    out_t = torch.empty_like(a_t)

    def mg_add() -> None:
        mk.binary(
            mk.BinaryOp.ADD, out_mg, 0, (1,), a_mg, 0, (1,), b_mg, 0, (1,), (n,)
        )  # fmt: skip

    medians = compare(
        {
            "numpy  add(out=)": lambda: np.add(a_np, b_np, out=out_np),
            f"mg     binary ({mk.isa()})": mg_add,
            f"torch  add(out=) {torch.get_num_threads()}thr": lambda: torch.add(
                a_t, b_t, out=out_t
            ),
        },
        rounds,
    )
    show(f"float16 add, {n:,} elements", medians, "numpy  add(out=)", 3 * 2 * n)
    np.testing.assert_array_equal(np.asarray(out_mg), a_np + b_np)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads (mg uses one)")
    args = parser.parse_args()
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    print(
        f"mg-kernels {mk.__version__}, ISA {mk.isa()}, numpy {np.__version__}, "
        f"torch {torch.__version__}"
    )
    for src, dst in [
        ("float32", "float16"),
        ("float16", "float32"),
        ("float32", "bfloat16"),
        ("bfloat16", "float32"),
        ("float32", "float64"),
        ("int32", "float32"),
        ("float32", "int32"),
        ("int64", "float64"),
        ("float64", "int64"),
        ("uint8", "float32"),
    ]:
        bench_cast(src, dst, args.size, args.rounds)
    for layout in ("step 2", "transposed"):
        bench_strided_cast("float32", "float16", args.size, args.rounds, layout)
        bench_strided_cast("float16", "float32", args.size, args.rounds, layout)
    bench_half_add(args.size, args.rounds)


if __name__ == "__main__":
    main()
