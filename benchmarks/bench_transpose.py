"""Transposed copy of a (4096, 4096) float32 matrix: mg's tiled copy against NumPy and PyTorch.

mg copies the transposed view (`copy` with src strides (1, 4096)) into a preallocated
contiguous output with 1 and 2 threads; NumPy runs `np.ascontiguousarray(a.T)` (allocates, as
users write it) and `np.copyto(out, a.T)` (preallocated); PyTorch `a.t().contiguous()` with 1 and
2 threads. Bandwidth counts one read and one write of the matrix.

    python benchmarks/bench_transpose.py [--n 4096] [--rounds 7]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import mg_kernels as mk
import numpy as np
import torch
from timing import compare, report


def mg_transpose(out: mk.Storage, src: mk.Storage, n: int, threads: int) -> Callable[[], None]:
    def call() -> None:
        mk.set_num_threads(threads)
        mk.copy(out, 0, [n, 1], src, 0, [1, n], [n, n])

    return call


def torch_transpose(t: torch.Tensor, threads: int) -> Callable[[], object]:
    def call() -> object:
        torch.set_num_threads(threads)
        return t.t().contiguous()

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    n: int = args.n
    previous = (mk.get_num_threads(), torch.get_num_threads())
    src, out = mk.Storage("float32", n * n), mk.Storage("float32", n * n)
    a = np.asarray(src).reshape(n, n)
    a[...] = np.random.default_rng(0).random((n, n), dtype=np.float32)
    out_np = np.empty_like(a)
    t = torch.from_numpy(a)
    medians = compare(
        {
            "numpy ascontiguousarray(a.T)": lambda: np.ascontiguousarray(a.T),
            "numpy copyto(out, a.T)": lambda: np.copyto(out_np, a.T),
            f"mg copy 1 thread ({mk.isa()})": mg_transpose(out, src, n, 1),
            f"mg copy 2 threads ({mk.isa()})": mg_transpose(out, src, n, 2),
            "torch t().contiguous() 1 thr": torch_transpose(t, 1),
            "torch t().contiguous() 2 thr": torch_transpose(t, 2),
        },
        args.rounds,
    )
    baseline = "numpy ascontiguousarray(a.T)"
    report(f"float32 ({n}, {n}) transposed copy", medians, baseline)
    for name, seconds in medians.items():
        print(f"  {name:<28} {2 * 4 * n * n / seconds / 1e9:10.2f} GB/s")
    np.testing.assert_array_equal(np.asarray(out).reshape(n, n), a.T)
    mk.set_num_threads(previous[0])
    torch.set_num_threads(previous[1])


if __name__ == "__main__":
    main()
