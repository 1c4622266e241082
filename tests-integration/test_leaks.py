"""Leaks (issue 8): many small ops and many training steps keep memory flat; autograd graphs are
freed when their output goes (by reference counting, or by the collector when hooks make cycles).

Bounds (docs/reliability.md): after a warm-up, 10**6 small ops may grow resident memory by at
most 16 MiB (a leak of 17 bytes per op would break it) and Python-allocated memory, measured by
tracemalloc over 10**5 of them, by at most 256 KiB (3 bytes per op); 10**4 forward+backward
steps the same 16 MiB and 256 KiB.
"""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc
import weakref
from collections.abc import Callable

import mg_autograd as mg
import mg_core as mc
import numpy as np
import pytest

RSS_BOUND = 16 * 2**20
TRACED_BOUND = 256 * 2**10


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


# Resident memory: Linux only, and not under AddressSanitizer, whose quarantine holds on to
# freed memory (150 MiB over this test; tracemalloc still measures Python's allocations).
linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "libasan" in os.environ.get("LD_PRELOAD", ""),
    reason="reads /proc; ASan's quarantine keeps freed memory resident",
)


def small_ops(n: int) -> None:
    """10 * n small ops over every layer of mg_core: arithmetic, math, casts, views,
    reductions, comparisons, and NumPy round trips."""
    a = mc.asarray(np.arange(8, dtype=np.float32))
    b = mc.asarray(np.linspace(1, 2, 8, dtype=np.float32)[::-1])
    for _ in range(n):
        c = a + b
        c = c * 2.0
        c = mc.exp(-c)
        d = c.astype(mc.float64)
        s = mc.sum(d)
        m = mc.max(c.reshape(2, 4), axis=1)
        e = c[1::2] > b[::2]
        f = mc.where(e, m[0], c[::2])
        g = mc.asarray(np.asarray(f))
        del c, d, s, m, e, f, g


def train_steps(n: int) -> tuple[float, float]:
    """n forward+backward+update steps of a 2-layer MLP (no matmul: broadcast and sum); the
    first and last losses."""
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((16, 1, 4)).tolist())
    y = mg.tensor(rng.standard_normal((16,)).tolist())
    w1 = mg.tensor((0.3 * rng.standard_normal((1, 8, 4))).tolist(), requires_grad=True)
    w2 = mg.tensor((0.3 * rng.standard_normal((8,))).tolist(), requires_grad=True)
    losses: list[float] = []
    for _ in range(n):
        h = mg.tanh((x * w1).sum(axis=2))  # (16, 8)
        loss = (((h * w2).sum(axis=1) - y) ** 2).mean()
        loss.backward()
        with mg.no_grad():
            for w in (w1, w2):
                assert w.grad is not None
                w.add_(-0.01 * w.grad)
                w.grad = None
        losses.append(loss.item())
    return losses[0], losses[-1]


def growth(run: Callable[[], object], warm_up: Callable[[], object], *, traced: bool) -> int:
    """Bytes gained across `run()`, after `warm_up()` (caches, pools, interned shapes)."""
    warm_up()
    gc.collect()
    if traced:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            run()
            gc.collect()
            return tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
    before = rss_bytes()
    run()
    gc.collect()
    return rss_bytes() - before


@linux_only
def test_a_million_small_ops_keep_resident_memory_flat() -> None:
    grown = growth(lambda: small_ops(10**5), lambda: small_ops(10**4), traced=False)
    print(f"RSS growth over 10**6 small ops: {grown / 2**20:.2f} MiB")
    assert grown < RSS_BOUND


def test_small_ops_keep_python_memory_flat() -> None:
    grown = growth(lambda: small_ops(10**4), lambda: small_ops(10**3), traced=True)
    print(f"tracemalloc growth over 10**5 small ops: {grown / 1024:.1f} KiB")
    assert grown < TRACED_BOUND


@linux_only
def test_training_steps_keep_memory_flat() -> None:
    losses: list[tuple[float, float]] = []
    grown = growth(
        lambda: losses.append(train_steps(10**4)), lambda: train_steps(500), traced=False
    )
    print(f"RSS growth over 10**4 training steps: {grown / 2**20:.2f} MiB")
    assert grown < RSS_BOUND
    first, last = losses[0]
    assert last < 0.5 * first  # the steps really train
    grown = growth(lambda: train_steps(500), lambda: train_steps(50), traced=True)
    print(f"tracemalloc growth over 500 training steps: {grown / 1024:.1f} KiB")
    assert grown < TRACED_BOUND


def graph(x: mg.Tensor) -> tuple[mg.Tensor, list[weakref.ref[mg.Tensor]]]:
    """An output and weak references to every intermediate its graph saves for backward."""
    a = x * 2.0
    b = mg.exp(a)
    c = mg.tanh(b * x)
    out = (c * a).sum()
    return out, [weakref.ref(t) for t in (a, b, c)]


def test_graph_is_freed_by_reference_counting_when_the_output_goes() -> None:
    x = mg.tensor([0.1, 0.2, 0.3], requires_grad=True)
    out, refs = graph(x)
    gc.disable()  # no cycles allowed: reference counting alone must free the graph
    try:
        assert all(r() is not None for r in refs)  # the graph holds them
        out_ref = weakref.ref(out)
        del out
        assert out_ref() is None
        assert [r() for r in refs] == [None, None, None]
    finally:
        gc.enable()


def test_graph_is_freed_after_backward_and_when_a_hook_closes_a_cycle() -> None:
    x = mg.tensor([0.1, 0.2, 0.3], requires_grad=True)
    out, refs = graph(x)
    out.backward()
    del out
    assert [r() for r in refs] == [None, None, None]

    # A hook on an intermediate that refers to the output: out -> graph -> c -> hook -> out.
    out, refs = graph(x)
    c = refs[2]()
    assert c is not None
    seen: list[mg.Tensor] = []
    c.register_hook(lambda g, out=out: seen.append(out) or None)  # type: ignore[func-returns-value]
    del c
    out_ref = weakref.ref(out)
    del out
    gc.collect()
    assert out_ref() is None
    assert [r() for r in refs] == [None, None, None]
