"""Plot float32 add time per element against size: mg vs NumPy vs PyTorch, one process.

Writes docs/_static/add_vs_size.png (or --out). Outputs are preallocated for all three, so the
plot shows kernel speed, not allocation. Not a bench_* script: `nox -s bench` does not run it;
`nox -s bench -- --plot` does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib
import mg_core
import mg_kernels
import numpy as np
import torch
from timing import compare

matplotlib.use("Agg")  # files only; no display on CI machines
import matplotlib.pyplot as plt

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "_static" / "add_vs_size.png"


def time_size(n: int, rounds: int) -> dict[str, float]:
    """Median nanoseconds per element of each contender for an add of `n` elements."""
    a_np = np.random.default_rng(0).random(n, dtype=np.float32)
    out_np = np.empty_like(a_np)
    storage = mg_core.asarray(a_np).buffer.storage
    out_storage = mg_core.empty(n, dtype=mg_core.float32).buffer.storage
    a_t, out_t = torch.from_numpy(a_np), torch.empty(n)

    def mg_add() -> None:
        mg_kernels.binary(mg_kernels.BinaryOp.ADD, out_storage, 0, (1,),
                          storage, 0, (1,), storage, 0, (1,), (n,))  # fmt: skip

    medians = compare(
        {
            "NumPy": lambda: np.add(a_np, a_np, out=out_np),
            f"mg ({mg_kernels.isa()})": mg_add,
            "PyTorch": lambda: torch.add(a_t, a_t, out=out_t),
        },
        rounds,
    )
    return {label: seconds / n * 1e9 for label, seconds in medians.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    sizes = [2**k for k in range(4, 25, 2)]
    per_size = [time_size(n, args.rounds) for n in sizes]
    series = {label: [point[label] for point in per_size] for label in per_size[0]}
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, values in series.items():
        ax.loglog(sizes, values, marker="o", label=label)
    ax.set_xlabel("elements (float32, a + a into a preallocated output)")
    ax.set_ylabel("ns per element (median)")
    ax.set_title(
        f"Elementwise add; PyTorch on {torch.get_num_threads()} threads, "
        f"mg on {mg_kernels.get_num_threads()}, NumPy on 1"
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
