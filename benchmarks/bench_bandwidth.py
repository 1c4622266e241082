"""Memory bandwidth of float32 `out = a + b`: mg's threads against a STREAM-style C loop.

The reference is a tiny C "add" kernel (below) compiled at bench time with the system `cc -O3
-march=native`, split over 1 or 2 pthreads and called through ctypes on the very same arrays.
mg (`mg_kernels.binary` into a preallocated output), NumPy (`np.add(out=)`, one thread) and
PyTorch (`torch.add(out=)`) run on them too. Bandwidth counts the three arrays once
(12 bytes per element), as STREAM does.

    python benchmarks/bench_bandwidth.py [--n 100000000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import ctypes
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import mg_kernels as mk
import numpy as np
import torch
from timing import compare, report

REFERENCE_C = r"""
#include <pthread.h>

typedef struct { float* c; const float* a; const float* b; long lo, hi; } Part;

static void* add_part(void* arg) {
  Part* p = (Part*)arg;
  float* restrict c = p->c;
  const float* restrict a = p->a;
  const float* restrict b = p->b;
  for (long i = p->lo; i < p->hi; ++i) c[i] = a[i] + b[i];
  return 0;
}

/* c = a + b over n elements, on `threads` threads (the caller runs the last part). */
void stream_add(float* c, const float* a, const float* b, long n, int threads) {
  pthread_t tid[64];
  Part parts[64];
  if (threads < 1) threads = 1;
  if (threads > 64) threads = 64;
  long chunk = (n + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    long lo = t * chunk, hi = lo + chunk < n ? lo + chunk : n;
    Part part = {c, a, b, lo < n ? lo : n, hi};
    parts[t] = part;
  }
  for (int t = 0; t + 1 < threads; ++t) pthread_create(&tid[t], 0, add_part, &parts[t]);
  add_part(&parts[threads - 1]);
  for (int t = 0; t + 1 < threads; ++t) pthread_join(tid[t], 0);
}
"""


def build_reference(folder: Path) -> Callable[[np.ndarray, np.ndarray, np.ndarray, int], None]:
    """Compile REFERENCE_C into a shared library and return a caller of stream_add."""
    source = folder / "stream_add.c"
    library = folder / "stream_add.so"
    source.write_text(REFERENCE_C)
    subprocess.run(
        ["cc", "-O3", "-march=native", "-shared", "-fPIC", "-pthread", "-o", library, source],
        check=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.stream_add.argtypes = [
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_long,
        ctypes.c_int,
    ]
    lib.stream_add.restype = None

    def call(c: np.ndarray, a: np.ndarray, b: np.ndarray, threads: int) -> None:
        lib.stream_add(c.ctypes.data, a.ctypes.data, b.ctypes.data, c.size, threads)

    return call


def mg_add(out: mk.Storage, a: mk.Storage, b: mk.Storage, threads: int) -> Callable[[], None]:
    n = out.size

    def call() -> None:
        mk.set_num_threads(threads)
        mk.binary(mk.BinaryOp.ADD, out, 0, [1], a, 0, [1], b, 0, [1], [n])

    return call


def torch_add(
    out: torch.Tensor, a: torch.Tensor, b: torch.Tensor, threads: int
) -> Callable[[], None]:
    def call() -> None:
        torch.set_num_threads(threads)
        torch.add(a, b, out=out)

    return call


def report_bandwidth(medians: dict[str, float], n: int, baseline: str) -> None:
    print(f"  {'':<28} {'GB/s':>10}   ratio to {baseline}")
    base = 12 * n / medians[baseline]
    for name, seconds in medians.items():
        gbs = 12 * n / seconds
        print(f"  {name:<28} {gbs / 1e9:10.2f}   {gbs / base:6.2f}")


def bench(n: int, rounds: int, reference: Callable[..., None], baseline: str) -> None:
    rng = np.random.default_rng(0)
    # Storages first, NumPy/torch views of the same memory: every contender touches the same pages.
    sa, sb, so = (mk.Storage("float32", n) for _ in range(3))
    a, b, c = (np.asarray(s) for s in (sa, sb, so))
    a[:] = rng.random(n, dtype=np.float32)
    b[:] = rng.random(n, dtype=np.float32)
    c[:] = 0
    ta, tb, tc = (torch.from_numpy(x) for x in (a, b, c))
    contenders: dict[str, Callable[[], object]] = {}
    contenders["C reference 1 thread"] = lambda: reference(c, a, b, 1)
    contenders["C reference 2 threads"] = lambda: reference(c, a, b, 2)
    contenders["numpy add(out=)"] = lambda: np.add(a, b, out=c)
    contenders[f"mg binary 1 thread ({mk.isa()})"] = mg_add(so, sa, sb, 1)
    contenders[f"mg binary 2 threads ({mk.isa()})"] = mg_add(so, sa, sb, 2)
    contenders["torch add(out=) 1 thread"] = torch_add(tc, ta, tb, 1)
    contenders["torch add(out=) 2 threads"] = torch_add(tc, ta, tb, 2)
    medians = compare(contenders, rounds)
    report(f"float32 a + b, {n:,} elements, preallocated output", medians, baseline)
    report_bandwidth(medians, n, baseline)
    mk.set_num_threads(2)
    mk.binary(mk.BinaryOp.ADD, so, 0, [1], sa, 0, [1], sb, 0, [1], [n])
    np.testing.assert_array_equal(c, a + b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000_000, help="elements of the big add")
    parser.add_argument("--small", type=int, default=1_000_000, help="elements of the small add")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    previous = (mk.get_num_threads(), torch.get_num_threads())
    with tempfile.TemporaryDirectory() as folder:
        reference = build_reference(Path(folder))
        bench(args.n, args.rounds, reference, baseline="C reference 2 threads")
        bench(args.small, args.rounds, reference, baseline="numpy add(out=)")
    mk.set_num_threads(previous[0])
    torch.set_num_threads(previous[1])


if __name__ == "__main__":
    main()
