"""float32 matmul GFLOP/s: mg's GEMM against NumPy (OpenBLAS) and PyTorch, and the FMA peak.

The peak comes from a tiny C loop (below) compiled at bench time with the system `cc -O3
-march=native`: twelve independent chains of vector FMAs (AVX-512 when the compiler targets it,
else AVX2) per thread, the most a core can retire.

The large products (256^2, 1024^2, (64,1024)x(1024,1024), 4096^2) run each library alone in its
own child process per round and thread count, the library order rotating between rounds; the
ratios come from the medians over rounds. Alone, because OpenBLAS's and OpenMP's idle threads
spin for a while after a call, and on a 2-core machine they take the second core from whichever
library runs next in the same process. Each child sets one library's thread count
(OPENBLAS_NUM_THREADS, torch.set_num_threads, MG_KERNELS_NUM_THREADS) and 1 for the others, and
rebuilds the same arrays from one seed; all multiply into a preallocated output. A child's time
for a shape is the best of BATCHES batches of calls (one for 4096^2): on a shared machine the
other cores come and go within a round, and the best batch is the one that had them.

The torch and mg children also time float16 and bfloat16 512^2 products (same rotation, same
reason: at 2 threads, mg's bfloat16 time in one process with torch was 0.81 ms, alone 0.62).

Then, per thread count, one child with all three libraries: mg's float16 512^2 against NumPy's
float16 loop, and small products (the MLP's shapes, transposed views, matrix-vector) through
`a @ b` with each library's Python overhead.

    python benchmarks/bench_matmul.py [--rounds 7] [--threads 1 2] [--only-large]
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import operator
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

PEAK_C = r"""
#include <immintrin.h>
#include <pthread.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 V;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
static float first(V v) { return _mm512_cvtss_f32(v); }
#else
typedef __m256 V;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float first(V v) { return _mm256_cvtss_f32(v); }
#endif
#define CHAINS 12

typedef struct { long iters; float sink; } Job;

/* Named accumulators, not an array: GCC keeps an array of vectors in memory. */
static void* fma_loop(void* arg) {
  Job* job = (Job*)arg;
  V x = SET1(0.999f), y = SET1(0.001f);
  V c0 = SET1(0), c1 = SET1(1), c2 = SET1(2), c3 = SET1(3), c4 = SET1(4), c5 = SET1(5);
  V c6 = SET1(6), c7 = SET1(7), c8 = SET1(8), c9 = SET1(9), c10 = SET1(10), c11 = SET1(11);
  for (long i = 0; i < job->iters; ++i) {
    c0 = FMA(c0, x, y); c1 = FMA(c1, x, y); c2 = FMA(c2, x, y); c3 = FMA(c3, x, y);
    c4 = FMA(c4, x, y); c5 = FMA(c5, x, y); c6 = FMA(c6, x, y); c7 = FMA(c7, x, y);
    c8 = FMA(c8, x, y); c9 = FMA(c9, x, y); c10 = FMA(c10, x, y); c11 = FMA(c11, x, y);
  }
  V total = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
  job->sink = first(ADD(total, ADD(ADD(c8, c9), ADD(c10, c11))));
  return 0;
}

/* float32 GFLOP/s of `threads` threads each running `iters` steps of CHAINS vector FMAs. */
double fma_peak(int threads, long iters) {
  pthread_t tid[64];
  Job jobs[64];
  struct timespec t0, t1;
  if (threads < 1) threads = 1;
  if (threads > 64) threads = 64;
  for (int t = 0; t < threads; ++t) jobs[t].iters = iters;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int t = 0; t + 1 < threads; ++t) pthread_create(&tid[t], 0, fma_loop, &jobs[t]);
  fma_loop(&jobs[threads - 1]);
  for (int t = 0; t + 1 < threads; ++t) pthread_join(tid[t], 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  return 2.0 * LANES * CHAINS * (double)iters * threads / seconds / 1e9;
}
"""


THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "MG_KERNELS_NUM_THREADS",
)


def measure_peak(threads: int) -> float:
    """The best of 40 short runs of the FMA loop (short: a busy machine preempts long ones)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "fma_peak.c"
        library = Path(folder) / "fma_peak.so"
        source.write_text(PEAK_C)
        subprocess.run(
            ["cc", "-O3", "-march=native", "-shared", "-fPIC", "-pthread", "-o", library, source],
            check=True,
        )
        lib = ctypes.CDLL(str(library))
        lib.fma_peak.argtypes = [ctypes.c_int, ctypes.c_long]
        lib.fma_peak.restype = ctypes.c_double
        return max(lib.fma_peak(threads, 1_000_000) for _ in range(40))


def as_storage(x: object, dtype: str) -> object:
    """A kernel storage holding a copy of a contiguous NumPy array (bfloat16 too, via bytes)."""
    import mg_kernels as mk
    import numpy as np

    assert isinstance(x, np.ndarray)
    return mk.Storage.from_bytes(dtype, np.ascontiguousarray(x).tobytes())


def mg_matmul(out: object, a: object, b: object, m: int, k: int, n: int) -> Callable[[], None]:
    """A call of mg_kernels.matmul on row-major (m, k) and (k, n) storages into out."""
    import mg_kernels as mk

    def call() -> None:
        mk.matmul(out, 0, (n, 1), (m, n), a, 0, (k, 1), (m, k), b, 0, (n, 1), (k, n))

    return call


LIBRARIES = ("numpy (OpenBLAS)", "torch", "mg")
LARGE_SHAPES = ((256, 256, 256), (1024, 1024, 1024), (64, 1024, 1024), (4096, 4096, 4096))
BIG_MACS = 2**30  # shapes larger than this are timed in a third of the rounds (seconds a call)
BATCHES = 3  # a child's time for a shape: the least disturbed of this many batches
NARROW = ("float16", "bfloat16")  # 512^2 products timed in the torch and mg children too
NARROW_N = 512


def large_operands(seed: int, big: bool) -> list[tuple[tuple[int, int, int], object, object]]:
    """The same float32 arrays in every child: one generator, shapes in LARGE_SHAPES order."""
    import numpy as np

    rng = np.random.default_rng(seed)
    operands: list[tuple[tuple[int, int, int], object, object]] = []
    for m, k, n in LARGE_SHAPES:
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        if big or m * k * n <= BIG_MACS:
            operands.append(((m, k, n), a, b))
    return operands


def contender(
    library: str, threads: int, a: object, b: object
) -> tuple[Callable[[], object], Callable[[], object]]:
    """A call of `library`'s a @ b into a preallocated output, and a getter of that output."""
    import numpy as np

    assert isinstance(a, np.ndarray)
    assert isinstance(b, np.ndarray)
    (m, k), n = a.shape, b.shape[1]
    if library == "numpy (OpenBLAS)":
        c = np.zeros((m, n), dtype=np.float32)
        return functools.partial(np.matmul, a, b, out=c), functools.partial(np.asarray, c)
    if library == "torch":
        import torch

        torch.set_num_threads(threads)
        tc = torch.zeros((m, n), dtype=torch.float32)
        call = functools.partial(torch.matmul, torch.from_numpy(a), torch.from_numpy(b), out=tc)
        return call, tc.numpy
    import mg_kernels as mk

    mk.set_num_threads(threads)
    sc = mk.Storage("float32", m * n)

    def result() -> object:
        return np.frombuffer(sc.tobytes(), dtype=np.float32).reshape(m, n)

    return mg_matmul(sc, as_storage(a, "float32"), as_storage(b, "float32"), m, k, n), result


def narrow_contender(library: str, threads: int, name: str) -> Callable[[], object]:
    """torch's or mg's float16/bfloat16 NARROW_N^2 product into a preallocated output."""
    import numpy as np

    rng = np.random.default_rng(1)
    n = NARROW_N
    a = narrow_bits(rng.standard_normal((n, n), dtype=np.float32), name)
    b = narrow_bits(rng.standard_normal((n, n), dtype=np.float32), name)
    if library == "torch":
        import torch

        torch.set_num_threads(threads)
        torch_type = torch.float16 if name == "float16" else torch.bfloat16
        ta, tb = torch.from_numpy(a).view(torch_type), torch.from_numpy(b).view(torch_type)
        return functools.partial(torch.matmul, ta, tb, out=torch.empty((n, n), dtype=torch_type))
    import mg_kernels as mk

    mk.set_num_threads(threads)
    return mg_matmul(mk.Storage(name, n * n), as_storage(a, name), as_storage(b, name), n, n, n)


def large_child(library: str, threads: int, big: bool, check: bool) -> None:
    """One library alone in this process: seconds per call for each large shape, as JSON.

    Alone, because OpenBLAS's (and OpenMP's) idle threads spin for a while after each call and
    on a 2-core machine take the second core from whichever library runs next.
    """
    import json

    import numpy as np
    from timing import per_call_seconds

    seconds: dict[str, float] = {}
    for (m, k, n), a, b in large_operands(0, big):
        assert isinstance(a, np.ndarray)
        assert isinstance(b, np.ndarray)
        call, result = contender(library, threads, a, b)
        call()  # warm up: first-touch page faults, thread pools
        batches = BATCHES if m * k * n <= BIG_MACS else 1
        seconds[f"{m},{k},{n}"] = min(per_call_seconds(call) for _ in range(batches))
        if check:
            want = a.astype(np.float64) @ b.astype(np.float64)
            got = np.asarray(result())
            np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-3 * np.sqrt(k))
    if library != "numpy (OpenBLAS)":  # NumPy's float16 loop: narrow_bench, in-process
        for name in NARROW:
            call = narrow_contender(library, threads, name)
            call()
            seconds[name] = min(per_call_seconds(call) for _ in range(BATCHES))
    print(json.dumps(seconds))


def child_environment(library: str, threads: int) -> dict[str, str]:
    """The thread variables for a child running `library` at `threads` (the rest get 1)."""
    env = dict(os.environ)
    for var in THREAD_VARIABLES:
        env[var] = "1"
    env["OPENBLAS_NUM_THREADS"] = str(threads) if library.startswith("numpy") else "1"
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads) if library == "torch" else "1"
    env["MG_KERNELS_NUM_THREADS"] = str(threads) if library == "mg" else "1"
    return env


def large_bench(threads: int, rounds: int) -> None:
    """Every library in its own child process per round, the order rotating; medians of rounds."""
    import json
    import statistics

    peak = measure_peak(threads)
    print(f"\n=== {threads} thread(s): FMA peak {peak:.1f} GFLOP/s (float32, measured) ===")
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in LIBRARIES}
    big_rounds = max(2, rounds // 3)
    for r in range(rounds):
        order = LIBRARIES[r % 3 :] + LIBRARIES[: r % 3]
        for library in order:
            command = [
                sys.executable,
                __file__,
                "--large-child",
                library,
                "--threads",
                str(threads),
            ]
            if r < big_rounds:
                command.append("--big")
            if r == 0:
                command.append("--check")
            env = child_environment(library, threads)
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            for shape, seconds in json.loads(out.stdout.splitlines()[-1]).items():
                samples[library].setdefault(shape, []).append(seconds)
    for m, k, n in LARGE_SHAPES:
        shape = f"{m},{k},{n}"
        medians = {name: statistics.median(samples[name][shape]) for name in LIBRARIES}
        flops = 2.0 * m * n * k
        best_other = min(medians["numpy (OpenBLAS)"], medians["torch"])
        print(f"\nfloat32 ({m},{k}) x ({k},{n}), {len(samples['mg'][shape])} rounds")
        for name, seconds in medians.items():
            gflops = flops / seconds / 1e9
            print(f"  {name:<18} {gflops:8.1f} GFLOP/s  {gflops / peak:6.1%} of peak  "
                  f"{best_other / seconds:5.2f}x the faster of numpy/torch")  # fmt: skip
    for name in NARROW:
        torch_s, mg_s = (statistics.median(samples[lib][name]) for lib in ("torch", "mg"))
        print(f"\n{name} ({NARROW_N},{NARROW_N}) x ({NARROW_N},{NARROW_N}), {rounds} rounds")
        print(f"  torch              {torch_s * 1e3:8.3f} ms")
        print(f"  mg                 {mg_s * 1e3:8.3f} ms   {torch_s / mg_s:5.2f}x torch's speed")


def run_child(threads: int, rounds: int) -> None:
    """Small and narrow products at one thread count (this process's environment set it)."""
    import mg_kernels as mk
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    mk.set_num_threads(threads)
    print(f"\n=== {threads} thread(s), all libraries in one process, mg ISA {mk.isa()} ===")
    rng = np.random.default_rng(0)
    small_bench(rounds, rng)
    narrow_bench(rounds, rng)


# The MLP's products (benchmarks/bench_mlp.py: 64-128-10, batch 64) as the layers make them, with
# transposed views: forward x @ W.T, backward grad.T @ x and grad @ W; then matrix-vector
# products in both orientations. Each entry: a's shape, b's shape, and which is transposed.
SMALL_SHAPES: tuple[tuple[tuple[int, int], tuple[int, int], str], ...] = (
    ((64, 64), (128, 64), "b.T"),  # layer 1 forward: x @ W1.T
    ((64, 128), (10, 128), "b.T"),  # layer 2 forward: h @ W2.T
    ((128, 64), (64, 64), "b.T"),
    ((64, 10), (64, 128), "a.T"),  # layer 2 weight grad: grad.T @ h
    ((64, 128), (64, 64), "a.T"),  # layer 1 weight grad: grad.T @ x
    ((64, 10), (10, 128), ""),  # layer 2 input grad: grad @ W2
    ((64, 128), (128, 64), ""),  # layer 1 input grad: grad @ W1
    ((128, 256), (256, 1), ""),  # matrix-vector, rows contiguous
    ((256, 128), (256, 1), "a.T"),  # matrix-vector, columns contiguous
    ((1, 256), (256, 128), ""),  # vector-matrix
)


def small_bench(rounds: int, rng: object) -> None:
    """Small float32 products through `a @ b` (Python overhead included) in all three libraries."""
    import mg_core
    import numpy as np
    import torch
    from timing import compare

    assert isinstance(rng, np.random.Generator)
    print("\nsmall float32 products, a @ b per call (us), ratios to NumPy")
    for sa, sb, mode in SMALL_SHAPES:
        a = rng.standard_normal(sa, dtype=np.float32)
        b = rng.standard_normal(sb, dtype=np.float32)
        na, nb = (a.T if mode == "a.T" else a), (b.T if mode == "b.T" else b)
        ga, gb = mg_core.asarray(a), mg_core.asarray(b)
        ma, mb = (ga.T if mode == "a.T" else ga), (gb.T if mode == "b.T" else gb)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        tta, ttb = (ta.T if mode == "a.T" else ta), (tb.T if mode == "b.T" else tb)
        contenders: dict[str, Callable[[], object]] = {
            "numpy": functools.partial(operator.matmul, na, nb),
            "torch": functools.partial(operator.matmul, tta, ttb),
            "mg": functools.partial(operator.matmul, ma, mb),
        }
        medians = compare(contenders, rounds)
        got = np.asarray((ma @ mb).tolist(), dtype=np.float64)
        want = na.astype(np.float64) @ nb.astype(np.float64)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.sqrt(na.shape[1]))
        base = medians["numpy"]
        label = f"{'a' + str(sa) + ('.T' if mode == 'a.T' else '')} @ " + (
            f"b{sb}{'.T' if mode == 'b.T' else ''}"
        )
        cells = "  ".join(
            f"{who} {sec * 1e6:7.1f} ({sec / base:4.2f}x)" for who, sec in medians.items()
        )
        print(f"  {label:<28} {cells}")


def narrow_bits(x: object, name: str) -> object:
    """The float16 or bfloat16 bits (uint16) nearest to float32 x (round to nearest even)."""
    import numpy as np

    assert isinstance(x, np.ndarray)
    if name == "float16":
        return x.astype(np.float16).view(np.uint16)
    bits = x.view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def narrow_bench(rounds: int, rng: object) -> None:
    """mg's float16 NARROW_N^2 product against NumPy's float16 loop (single-threaded, so
    in-process is fair; torch against mg is timed in the per-library children)."""
    import mg_kernels as mk
    import numpy as np
    from timing import compare

    assert isinstance(rng, np.random.Generator)
    n = NARROW_N
    a = narrow_bits(rng.standard_normal((n, n), dtype=np.float32), "float16")
    b = narrow_bits(rng.standard_normal((n, n), dtype=np.float32), "float16")
    sa, sb, sc = as_storage(a, "float16"), as_storage(b, "float16"), mk.Storage("float16", n * n)
    contenders: dict[str, Callable[[], object]] = {
        "mg": mg_matmul(sc, sa, sb, n, n, n),
        "numpy float16": functools.partial(np.matmul, a.view(np.float16), b.view(np.float16)),
    }
    medians = compare(contenders, max(3, rounds // 2))
    print(f"\nfloat16 ({n},{n}) x ({n},{n}) against NumPy's float16")
    for who, seconds in medians.items():
        print(f"  {who:<18} {seconds * 1e3:9.2f} ms   "
              f"{seconds / medians['mg']:7.2f}x mg's time")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--only-large", action="store_true", help="skip small and narrow products")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--large-child", choices=LIBRARIES, help=argparse.SUPPRESS)
    parser.add_argument("--big", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.large_child is not None:
        large_child(args.large_child, args.threads[0], args.big, args.check)
        return
    if args.child:
        run_child(args.threads[0], args.rounds)
        return
    for threads in args.threads:
        large_bench(threads, args.rounds)
        if args.only_large:
            continue
        env = dict(os.environ)
        for var in THREAD_VARIABLES:
            env[var] = str(threads)
        child = [sys.executable, __file__, "--child", "--rounds", str(args.rounds)]
        subprocess.run([*child, "--threads", str(threads)], env=env, check=True)


if __name__ == "__main__":
    main()
