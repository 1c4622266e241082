"""Depthwise conv2d (issue 10): mg's direct path vs its im2col path vs PyTorch, in one process.

Batch 64, 3x3 kernels, padding 1, ``groups == channels`` (16 and 32) on 28x28 and 8x8 float32
images; forward alone (no graph) and forward + backward of ``conv(x).sum()`` with x, weight
and bias requiring grad. ``im2col`` is the batched-matmul formulation conv2d used before the
direct path (still used for other groups), called directly. Every contender runs on one
thread and is timed in CPU time (`time.process_time`): the machine is shared, and CPU time
does not count the time other processes hold the core. Run with `nox -s bench`; `--rounds N`
for steadier medians.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import mg_autograd as ag
import mg_kernels
import numpy as np
import torch
from mg_autograd.nn.conv import im2col_conv2d
from timing import compare, report

torch.set_num_threads(1)
mg_kernels.set_num_threads(1)

BATCH = 64
KERNEL = 3


def contenders(channels: int, size: int, backward: bool) -> dict[str, Callable[[], object]]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, channels, size, size), dtype=np.float32)
    w = rng.standard_normal((channels, 1, KERNEL, KERNEL), dtype=np.float32)
    b = rng.standard_normal(channels, dtype=np.float32)
    tx, tw, tb = (torch.from_numpy(a).requires_grad_(backward) for a in (x, w, b))
    mx, mw, mb = (ag.tensor(a, requires_grad=backward) for a in (x, w, b))
    geometry = ((KERNEL, KERNEL), (1, 1), (1, 1), (1, 1), (size, size))

    def torch_conv() -> object:
        out = torch.nn.functional.conv2d(tx, tw, tb, 1, 1, 1, channels)
        return out.sum().backward() if backward else out

    def mg_direct() -> object:
        out = ag.nn.functional.conv2d(mx, mw, mb, 1, 1, 1, channels)
        return out.sum().backward() if backward else out

    def mg_im2col() -> object:
        out = im2col_conv2d(mx, mw, *geometry, channels) + mb.reshape(1, -1, 1, 1)
        return out.sum().backward() if backward else out

    return {"torch": torch_conv, "mg direct": mg_direct, "mg im2col": mg_im2col}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    for size in (28, 8):
        for channels in (16, 32):
            for backward in (False, True):
                what = "forward + backward" if backward else "forward"
                title = f"depthwise conv2d {what}: ({BATCH}, {channels}, {size}, {size}), 3x3"
                with torch.set_grad_enabled(backward), ag.set_grad_enabled(backward):
                    medians = compare(
                        contenders(channels, size, backward), rounds, time.process_time
                    )
                report(title, medians, "torch")


if __name__ == "__main__":
    main()
