"""Sum of 10**7 float32 values: mg_kernels.reduce(SUM) vs numpy.sum vs torch.sum (1 thread each).

Reports the median time of each (benchmarks/timing.py) and each result's error against the
float64 math.fsum of the same values. Target: mg no slower than NumPy, and no less accurate.
Run: python benchmarks/bench_reduce.py [--rounds N] [--n N]
"""

from __future__ import annotations

import argparse
import math

import mg_kernels as mk
import numpy as np
import torch
from timing import compare, report


def bench_sum(n: int, rounds: int) -> None:
    torch.set_num_threads(1)
    mk.set_num_threads(1)
    values = np.random.default_rng(0).random(n, dtype=np.float32)
    src = mk.Storage.from_buffer(values)
    out = mk.Storage("float32", 1)
    tensor = torch.from_numpy(values)

    def mg_sum() -> float:
        out.set_item(0, 0.0)
        mk.reduce(mk.ReduceOp.SUM, out, 0, [0], src, 0, [1], [n])
        return out.get_item(0)

    report(
        f"sum of {n:.0e} float32 (isa {mk.isa()}, torch threads {torch.get_num_threads()})",
        compare(
            {"numpy": lambda: np.sum(values), "torch": lambda: torch.sum(tensor), "mg": mg_sum},
            rounds,
        ),
        "numpy",
    )
    exact = math.fsum(values.astype(np.float64).tolist())
    print(f"\nerror against math.fsum (exact sum {exact!r})")
    for name, got in (
        ("numpy", float(np.sum(values))),
        ("torch", float(torch.sum(tensor))),
        ("mg", mg_sum()),
    ):
        print(f"  {name:<28} {abs(got - exact):12.4g}   relative {abs(got - exact) / exact:.3g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--n", type=int, default=10**7)
    args = parser.parse_args()
    bench_sum(args.n, args.rounds)


if __name__ == "__main__":
    main()
