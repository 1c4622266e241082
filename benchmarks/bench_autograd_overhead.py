"""Autograd overhead on tiny tensors: mg_autograd vs PyTorch in one process, as time ratios.

Three views of what the Python layer costs when the kernels have almost nothing to do:
forward + backward of ``(a * b + a).sum()`` on 16-element float32 tensors, that forward alone
with grad tracking on, and one backward through a 10,000-op chain (graph retained, so the same
graph is reused every round). Run with `nox -s bench`; pass `--rounds N` for steadier medians.
"""

from __future__ import annotations

import argparse

import mg_autograd as ag
import mg_kernels
import numpy as np
import torch
from timing import compare, report

CHAIN: int = 10_000


def bench_small_expression(n: int, rounds: int) -> None:
    rng = np.random.default_rng(0)
    a_np, b_np = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    a, b = ag.tensor(a_np, requires_grad=True), ag.tensor(b_np, requires_grad=True)
    ta = torch.tensor(a_np, requires_grad=True)
    tb = torch.tensor(b_np, requires_grad=True)

    def mg_step() -> None:
        a.grad = b.grad = None
        (a * b + a).sum().backward()

    def torch_step() -> None:
        ta.grad = tb.grad = None
        (ta * tb + ta).sum().backward()

    report(
        f"(a * b + a).sum(): forward + backward, float32, {n} elements",
        compare({"torch": torch_step, "mg": mg_step}, rounds),
        "torch",
    )
    report(
        f"(a * b + a).sum(): forward only, grad tracking on, {n} elements",
        compare({"torch": lambda: (ta * tb + ta).sum(), "mg": lambda: (a * b + a).sum()}, rounds),
        "torch",
    )
    mg_step()
    torch_step()
    assert a.grad is not None
    assert ta.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-6)


def bench_chain(rounds: int) -> None:
    x = ag.tensor(1.0, requires_grad=True)
    tx = torch.tensor(1.0, requires_grad=True)
    y, ty = x, tx
    for _ in range(CHAIN):
        y = y * 1.0001
        ty = ty * 1.0001
    report(
        f"backward through a {CHAIN:,}-op chain (retain_graph=True)",
        compare(
            {
                "torch": lambda: ty.backward(retain_graph=True),
                "mg": lambda: y.backward(retain_graph=True),
            },
            rounds,
        ),
        "torch",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--size", type=int, default=16)
    args = parser.parse_args()
    print(
        f"mg-autograd {ag.__version__}, ISA {mg_kernels.isa()}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads)"
    )
    bench_small_expression(args.size, args.rounds)
    bench_chain(max(3, args.rounds // 3))


if __name__ == "__main__":
    main()
