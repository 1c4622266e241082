"""Elementwise float32 add: mg vs NumPy vs PyTorch in one process, reported as time ratios.

Two views of the same op: the kernel alone into a preallocated output (what the C++ costs),
and the user-level `a + b` that allocates its result (what a user pays, overhead included).
Run with `nox -s bench`; pass `-- --rounds N` for steadier medians.
"""

from __future__ import annotations

import argparse

import mg_core
import mg_kernels
import numpy as np
import torch
from timing import compare, report


def bench_size(n: int, rounds: int) -> None:
    rng = np.random.default_rng(0)
    a_np, b_np = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    out_np = np.empty_like(a_np)
    a_mg, b_mg = mg_core.asarray(a_np), mg_core.asarray(b_np)
    out_mg = mg_core.zeros(n, dtype=mg_core.float32)
    a_t, b_t = torch.from_numpy(a_np), torch.from_numpy(b_np)
    out_t = torch.empty_like(a_t)

    def mg_kernel() -> None:
        mg_kernels.binary(
            mg_kernels.BinaryOp.ADD,
            out_mg.buffer.storage, 0, (1,),
            a_mg.buffer.storage, 0, (1,),
            b_mg.buffer.storage, 0, (1,),
            (n,),
        )  # fmt: skip

    kernel = compare(
        {
            "numpy  add(out=)": lambda: np.add(a_np, b_np, out=out_np),
            f"mg     binary ({mg_kernels.isa()})": mg_kernel,
            f"torch  add(out=) {torch.get_num_threads()}thr": lambda: torch.add(
                a_t, b_t, out=out_t
            ),
        },
        rounds,
    )
    report(f"float32 add, {n:,} elements, preallocated output", kernel, "numpy  add(out=)")
    expression = compare(
        {
            "numpy  a + b": lambda: a_np + b_np,
            "mg     a + b": lambda: a_mg + b_mg,
            "torch  a + b": lambda: a_t + b_t,
        },
        rounds,
    )
    report(f"float32 add, {n:,} elements, a + b (allocates)", expression, "numpy  a + b")
    np.testing.assert_array_equal(np.asarray(a_mg + b_mg), a_np + b_np)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 16])
    args = parser.parse_args()
    print(
        f"mg-kernels {mg_kernels.__version__}, ISA {mg_kernels.isa()}, numpy {np.__version__}, "
        f"torch {torch.__version__}"
    )
    for n in args.sizes:
        bench_size(n, args.rounds)


if __name__ == "__main__":
    main()
