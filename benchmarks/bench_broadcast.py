"""Broadcast add, (1024, 1024) + (1024,) float32: mg vs NumPy vs PyTorch, as time ratios.

Two views: the kernel alone into a preallocated output, and a call that allocates its result
(for mg: `Storage.empty` plus the kernel, without mg-core's Python layer on top). The row operand
has stride 0 along the first axis, so mg runs its contiguous + broadcast SIMD row 1024 times.
PyTorch runs with 1 and with 2 threads; mg's kernels are single-threaded.
Run: `python benchmarks/bench_broadcast.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import mg_kernels as mk
import numpy as np
import torch
from timing import compare, report

ROWS, COLS = 1024, 1024
Contenders = dict[str, Callable[[], object]]


def contenders(
    threads: int,
) -> tuple[dict[str, Callable[[], object]], dict[str, Callable[[], object]]]:
    rng = np.random.default_rng(0)
    a_np = rng.random((ROWS, COLS), dtype=np.float32)
    b_np = rng.random(COLS, dtype=np.float32)
    out_np = np.empty_like(a_np)
    a_mg, b_mg = mk.Storage.from_buffer(a_np.ravel()), mk.Storage.from_buffer(b_np)
    out_mg = mk.Storage.empty("float32", ROWS * COLS)
    a_t, b_t = torch.from_numpy(a_np), torch.from_numpy(b_np)
    out_t = torch.empty_like(a_t)
    add = mk.BinaryOp.ADD

    def mg_into(out: mk.Storage) -> mk.Storage:
        mk.binary(add, out, 0, (COLS, 1), a_mg, 0, (COLS, 1), b_mg, 0, (0, 1), (ROWS, COLS))
        return out

    mg_into(out_mg)
    np.testing.assert_array_equal(np.asarray(out_mg).reshape(ROWS, COLS), a_np + b_np)
    isa = mk.isa()
    preallocated: Contenders = {
        "numpy  add(out=)": lambda: np.add(a_np, b_np, out=out_np),
        f"mg     binary ({isa})": lambda: mg_into(out_mg),
        f"torch  add(out=) {threads}thr": lambda: torch.add(a_t, b_t, out=out_t),
    }
    allocating: Contenders = {
        "numpy  a + b": lambda: a_np + b_np,
        f"mg     empty + binary ({isa})": lambda: mg_into(mk.Storage.empty("float32", ROWS * COLS)),
        f"torch  a + b {threads}thr": lambda: a_t + b_t,
    }
    return preallocated, allocating


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(
        f"mg-kernels {mk.__version__}, ISA {mk.isa()}, numpy {np.__version__}, "
        f"torch {torch.__version__}"
    )
    for threads in (1, 2):
        torch.set_num_threads(threads)
        mk.set_num_threads(threads)
        preallocated, allocating = contenders(threads)
        shape = f"({ROWS}, {COLS}) + ({COLS},) float32"
        report(f"{shape}, preallocated out, mg and torch {threads} thread(s)",
               compare(preallocated, args.rounds), "numpy  add(out=)")  # fmt: skip
        report(f"{shape}, allocating, mg and torch {threads} thread(s)",
               compare(allocating, args.rounds), "numpy  a + b")  # fmt: skip


if __name__ == "__main__":
    main()
