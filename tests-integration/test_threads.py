"""Threads (issue 8): many Python threads running mg_core kernels and reductions on shared
read-only inputs into their own outputs give bit-identical results to a serial run, also while
another thread keeps changing the kernels' thread count; arguments that run Python code
(`__index__`) are converted before a kernel lets go of the GIL. The same for `mg_core.matmul`
(the GEMM packs into per-call buffers and splits over the pool): many threads multiplying
shared read-only operands into their own outputs, also while the pool size changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import mg_core as mc
import mg_kernels
import numpy as np
import pytest

THREADS = 8
ROUNDS = 6
# 2**17 elements: above the kernels' split threshold (2 * 32768), so the pool runs them too.
N = 2**17

Case = Callable[[], mc.Tensor]


@pytest.fixture
def restore_threads() -> Iterator[None]:
    previous = mg_kernels.get_num_threads()
    yield
    mg_kernels.set_num_threads(previous)


def shared_inputs() -> tuple[mc.Tensor, mc.Tensor, mc.Tensor]:
    rng = np.random.default_rng(7)
    a_np = rng.standard_normal(N).astype(np.float32)
    b_np = rng.standard_normal((256, N // 256))
    a_np.flags.writeable = False
    b_np.flags.writeable = False
    ints = mc.asarray(rng.integers(-1000, 1000, N, dtype=np.int64))
    return mc.asarray(a_np), mc.asarray(b_np), ints


def cases() -> list[Case]:
    a, b, ints = shared_inputs()
    bt = b.T  # a strided view: the transposed copy and strided reductions
    return [
        lambda: a * 2.0 + mc.exp(-mc.abs(a)),
        lambda: mc.tanh(a[::2]) - mc.sqrt(mc.abs(a[1::2])),
        lambda: (b + b[:1]).astype(mc.float32),
        lambda: mc.sum(b, axis=0),
        lambda: mc.sum(bt, axis=1),
        lambda: mc.max(b, axis=1),
        lambda: mc.mean(a.reshape(512, 256), axis=0),
        lambda: mc.std(b, axis=1),
        lambda: mc.cumulative_sum(ints[:4096]),
        lambda: mc.argmax(b, axis=0),
        lambda: mc.where(a > 0, a, a * 0.5),
        lambda: ints // 7 + ints % 5,
        lambda: mc.sum(a, dtype=mc.float64).reshape(1),
        lambda: bt + 1.0,  # a transposed read into a fresh output
    ]


def run_threads(work: list[Case], expected: list[np.ndarray], threads: int) -> int:
    """Each thread runs every case ROUNDS times from its own starting point; the number of
    results checked."""
    failures: list[str] = []
    checked = [0] * threads

    def worker(t: int) -> None:
        for r in range(ROUNDS):
            for i in range(len(work)):
                k = (i + t + r) % len(work)
                got = np.asarray(work[k]())
                if not np.array_equal(got, expected[k], equal_nan=True):
                    failures.append(f"thread {t} round {r} case {k}")
                checked[t] += 1

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    assert failures == []
    return sum(checked)


def test_threads_match_a_serial_run(restore_threads: None) -> None:
    mg_kernels.set_num_threads(2)
    work = cases()
    expected = [np.asarray(case()) for case in work]
    count = run_threads(work, expected, THREADS)
    print(f"{THREADS} threads, {count} results, all identical to the serial run")
    assert count == THREADS * ROUNDS * len(work)


def test_set_num_threads_while_kernels_run(restore_threads: None) -> None:
    work = cases()
    mg_kernels.set_num_threads(1)
    expected = [np.asarray(case()) for case in work]  # one thread: the reference
    stop = threading.Event()
    changes = [0]

    def toggler() -> None:
        n = 1
        while not stop.is_set():
            n = n % 4 + 1
            mg_kernels.set_num_threads(n)
            changes[0] += 1

    t = threading.Thread(target=toggler)
    t.start()
    try:
        count = run_threads(work, expected, 4)
    finally:
        stop.set()
        t.join()
    print(f"{count} results while the thread count changed {changes[0]} times")
    assert changes[0] > 0


class PyIndex:
    """An int that runs Python code each time a kernel argument is converted."""

    calls = 0

    def __init__(self, value: int) -> None:
        self.value = value

    def __index__(self) -> int:
        PyIndex.calls += 1
        return self.value


def test_python_arguments_are_converted_before_the_gil_is_released() -> None:
    # The bindings convert every argument while they hold the GIL; a conversion after the
    # release would run this Python code without it (a crash or corruption under threads).
    n = 4096
    a = mg_kernels.Storage.from_list("float64", [float(i) for i in range(n)])
    out = mg_kernels.Storage("float64", n)
    one = [PyIndex(1)]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(50):
                mg_kernels.binary(mg_kernels.BinaryOp.ADD, out, PyIndex(0), one, a, PyIndex(0),
                                  one, a, 0, [1], [PyIndex(n)])  # fmt: skip
        except BaseException as e:  # reported below
            errors.append(e)

    pool = [threading.Thread(target=worker) for _ in range(4)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    assert errors == []
    assert PyIndex.calls >= 4 * 50 * 4
    np.testing.assert_array_equal(np.asarray(out), 2.0 * np.arange(n))


def matmul_inputs() -> tuple[list[Case], list[np.ndarray]]:
    """Matmul cases over shared read-only operands, and the serial results NumPy checks.

    Shapes take the GEMM's packed, blocked path (larger than its tiny-matrix cut-off), its
    matrix-vector path, a transposed operand read in place, batches and integer and float16
    dtypes; every call writes a fresh output of its own.
    """
    rng = np.random.default_rng(11)
    a32 = rng.standard_normal((150, 130)).astype(np.float32)
    b32 = rng.standard_normal((130, 170)).astype(np.float32)
    a64 = rng.standard_normal((97, 61))
    b64 = rng.standard_normal((83, 61))  # used transposed
    batch = rng.standard_normal((4, 33, 40)).astype(np.float32)
    ints = rng.integers(-50, 50, (40, 50), dtype=np.int32)
    halves = rng.standard_normal((24, 48)).astype(np.float16)
    vec = rng.standard_normal(130).astype(np.float32)
    arrays: list[np.ndarray] = [a32, b32, a64, b64, batch, ints, halves, vec]
    for arr in arrays:
        arr.flags.writeable = False
    ta32, tb32, ta64, tb64, tbatch, tints, thalves, tvec = (mc.asarray(x) for x in arrays)
    work: list[Case] = [
        lambda: mc.matmul(ta32, tb32),
        lambda: mc.matmul(ta64, tb64.T),
        lambda: mc.matmul(tbatch, tbatch.permute((0, 2, 1))),
        lambda: mc.matmul(tints, tints.T),
        lambda: mc.matmul(thalves, thalves.T),
        lambda: mc.matmul(ta32, tvec),
        lambda: mc.matmul(ta32[::2, 1:], tb32[1:, ::3]),
    ]
    f32, f64 = np.float32, np.float64
    oracles: list[tuple[np.ndarray, float]] = [
        (a32.astype(f64) @ b32.astype(f64), 1e-4),
        (a64 @ b64.T, 1e-12),
        (batch.astype(f64) @ batch.astype(f64).transpose(0, 2, 1), 1e-4),
        (ints.astype(np.int64) @ ints.T.astype(np.int64), 0.0),
        (halves.astype(f32) @ halves.T.astype(f32), 2e-2),
        (a32.astype(f64) @ vec.astype(f64), 1e-4),
        (a32[::2, 1:].astype(f64) @ b32[1:, ::3].astype(f64), 1e-4),
    ]
    for case, (oracle, rtol) in zip(work, oracles, strict=True):
        got = np.asarray(case()).astype(f64)
        np.testing.assert_allclose(got, oracle, rtol=rtol, atol=rtol * 10)
    return work, [np.asarray(case()) for case in work]


def test_matmul_threads_match_a_serial_run(restore_threads: None) -> None:
    mg_kernels.set_num_threads(2)
    work, expected = matmul_inputs()
    count = run_threads(work, expected, THREADS)
    print(f"matmul: {THREADS} threads, {count} products, all identical to the serial run")
    assert count == THREADS * ROUNDS * len(work)


def test_matmul_while_the_pool_size_changes(restore_threads: None) -> None:
    mg_kernels.set_num_threads(1)
    work, expected = matmul_inputs()  # one thread: the reference (any count gives the same bits)
    stop = threading.Event()
    changes = [0]

    def toggler() -> None:
        n = 1
        while not stop.is_set():
            n = n % 4 + 1
            mg_kernels.set_num_threads(n)
            changes[0] += 1

    t = threading.Thread(target=toggler)
    t.start()
    try:
        count = run_threads(work, expected, 4)
    finally:
        stop.set()
        t.join()
    print(f"matmul: {count} products while the thread count changed {changes[0]} times")
    assert changes[0] > 0
