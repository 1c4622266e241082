"""float32 exp, tanh and sigmoid on 1M elements: mg vs NumPy vs PyTorch, one thread each.

Each contender writes into a preallocated output: `mg_kernels.unary`, NumPy's ufunc with
`out=` (sigmoid as the NumPy expression 1 / (1 + exp(-x)), which allocates temporaries), and
PyTorch, with `mg_kernels.set_num_threads(1)` and `torch.set_num_threads(1)`. Inputs are normal
with sigma 4, so every branch of the vectorised code runs. Targets: no slower than PyTorch and
faster than NumPy.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import mg_kernels as mk
import numpy as np
import torch
from timing import compare, report


def numpy_sigmoid(x: np.ndarray, out: np.ndarray) -> None:
    np.negative(x, out=out)
    np.exp(out, out=out)
    np.add(out, 1.0, out=out)
    np.reciprocal(out, out=out)


def bench_op(name: str, n: int, rounds: int) -> None:
    rng = np.random.default_rng(0)
    x_np = (rng.standard_normal(n) * 4).astype(np.float32)
    out_np = np.empty_like(x_np)
    x_mg = mk.Storage.from_buffer(x_np)
    out_mg = mk.Storage("float32", n)
    x_t = torch.from_numpy(x_np)
    out_t = torch.empty_like(x_t)
    op = {"exp": mk.UnaryOp.EXP, "tanh": mk.UnaryOp.TANH, "sigmoid": mk.UnaryOp.SIGMOID}[name]
    numpy_fn: dict[str, Callable[[], object]] = {
        "exp": lambda: np.exp(x_np, out=out_np),
        "tanh": lambda: np.tanh(x_np, out=out_np),
        "sigmoid": lambda: numpy_sigmoid(x_np, out_np),
    }
    torch_fn: dict[str, Callable[[], object]] = {
        "exp": lambda: torch.exp(x_t, out=out_t),
        "tanh": lambda: torch.tanh(x_t, out=out_t),
        "sigmoid": lambda: torch.sigmoid(x_t, out=out_t),
    }
    medians = compare(
        {
            f"numpy  {name}": numpy_fn[name],
            f"mg     unary {name} ({mk.isa()})": lambda: mk.unary(
                op, out_mg, 0, (1,), x_mg, 0, (1,), (n,)
            ),
            f"torch  {name} 1thr": torch_fn[name],
        },
        rounds,
    )
    report(f"float32 {name}, {n:,} elements, preallocated output", medians, f"torch  {name} 1thr")
    numpy_fn[name]()
    got = np.frombuffer(out_mg.tobytes(), dtype=np.float32)
    np.testing.assert_allclose(got, out_np, rtol=1e-6, atol=1e-30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    mk.set_num_threads(1)
    print(
        f"mg-kernels {mk.__version__}, ISA {mk.isa()}, numpy {np.__version__}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} thread)"
    )
    for name in ("exp", "tanh", "sigmoid"):
        bench_op(name, args.size, args.rounds)


if __name__ == "__main__":
    main()
