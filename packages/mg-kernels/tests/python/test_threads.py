"""Threads: set/get_num_threads, the environment variable, large kernels split over the pool
against NumPy (and bit-identical for 1, 2 and 3 threads), the tiled transposed copy, concurrent
callers from Python threads, interpreter exit and fork."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from types import EllipsisType

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import np_dtype, to_array, to_storage

THREAD_COUNTS = (1, 2, 3)
Op = mk.BinaryOp


@pytest.fixture(scope="module")
def restore_threads() -> Iterator[None]:
    """Restores the thread count after the module (hypothesis tests need a wider scope)."""
    previous = mk.get_num_threads()
    yield
    mk.set_num_threads(previous)


def test_num_threads_round_trips_and_rejects_non_positive(restore_threads: None) -> None:
    assert mk.get_num_threads() >= 1
    mk.set_num_threads(3)
    assert mk.get_num_threads() == 3
    for bad in (0, -1):
        with pytest.raises(ValueError, match=f"n must be >= 1, got {bad}"):
            mk.set_num_threads(bad)
    assert mk.get_num_threads() == 3
    with pytest.raises(TypeError):
        mk.set_num_threads("2")  # type: ignore[arg-type]


def test_default_is_the_affinity_mask() -> None:
    script = "import mg_kernels as mk; print(mk.get_num_threads())"
    env = {k: v for k, v in os.environ.items() if k != "MG_KERNELS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert int(out.stdout) == expected


def run_python(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_environment_variable_sets_the_default() -> None:
    out = run_python(
        "import mg_kernels as mk; print(mk.get_num_threads())", MG_KERNELS_NUM_THREADS="3"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "3"
    for bad in ("0", "two", "-4", "2x"):
        out = run_python("import mg_kernels", MG_KERNELS_NUM_THREADS=bad)
        assert out.returncode != 0
        assert f"MG_KERNELS_NUM_THREADS: expected an integer >= 1, got '{bad}'" in out.stderr


BIG_ADD = """
import mg_kernels as mk
mk.set_num_threads(4)
n = 1 << 20
a = mk.Storage.from_list("float32", [1.0] * n)
out = mk.Storage("float32", n)
mk.binary(mk.BinaryOp.ADD, out, 0, [1], a, 0, [1], a, 0, [1], [n])
assert out.tolist()[-1] == 2.0
"""


def test_interpreter_exits_with_workers_alive() -> None:
    out = run_python(BIG_ADD + "print('ok')")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_gets_a_fresh_pool() -> None:
    # In a subprocess: forking this (multi-threaded) test process warns, and warnings are errors.
    script = (
        BIG_ADD
        + """
import os, warnings
warnings.simplefilter("ignore", DeprecationWarning)
pid = os.fork()
if pid == 0:
    out2 = mk.Storage("float32", n)
    mk.binary(mk.BinaryOp.MUL, out2, 0, [1], a, 0, [1], out, 0, [1], [n])
    os._exit(0 if out2.tolist()[123] == 2.0 else 1)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
"""
    )
    out = run_python(script)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0"


# Large strided operands: values from a seeded generator (drawing 10**5 values through
# hypothesis would be slow), layouts (memory order, steps, offsets) from hypothesis.


def layout(
    data: st.DataObject, shape: Sequence[int], *, broadcast: bool = False
) -> tuple[int, int, tuple[int, ...]]:
    """(elements in the storage, offset, strides) of a permuted, stepped, padded view."""
    ndim = len(shape)
    perm = data.draw(st.permutations(range(ndim)))
    steps = [data.draw(st.sampled_from([1, 1, 2, -1, -2])) for _ in shape]
    dims_b = [broadcast and data.draw(st.booleans()) for _ in shape]
    view_shape = [1 if b else n for n, b in zip(shape, dims_b, strict=True)]
    base_dims = [max(1, abs(s) * n) for s, n in zip(steps, view_shape, strict=True)]
    front = data.draw(st.integers(0, 5))
    count = int(np.prod(base_dims)) + front + data.draw(st.integers(0, 5))
    index = np.arange(count, dtype=np.int64)[front : front + int(np.prod(base_dims))]
    index = index.reshape([base_dims[p] for p in perm]).transpose(np.argsort(perm))
    reverse: tuple[EllipsisType | slice, ...] = (..., *(slice(None, None, s) for s in steps))
    trim: tuple[EllipsisType | slice, ...] = (..., *(slice(0, n) for n in view_shape))
    index = index[reverse][trim]
    strides = tuple(0 if b else s // 8 for s, b in zip(index.strides, dims_b, strict=True))
    return count, int(index.flat[0]), strides


def view(flat: np.ndarray, offset: int, strides: Sequence[int], shape: Sequence[int]) -> np.ndarray:
    """The strided view of a flat array, as the kernels see it."""
    byte_strides = [s * flat.itemsize for s in strides]
    return np.lib.stride_tricks.as_strided(flat[offset:], shape, byte_strides)


def random_array(
    rng: np.random.Generator, dtype: str, count: int, scale: float = 100.0
) -> np.ndarray:
    if dtype in ("float16", "bfloat16", "float32", "float64"):
        return (rng.standard_normal(count) * scale).astype(np_dtype(dtype))
    info = np.iinfo(dtype)
    return rng.integers(int(info.min), int(info.max), count, endpoint=True, dtype=dtype)


def large_shapes() -> st.SearchStrategy[tuple[int, ...]]:
    """1-3 dimensions, 70K-200K elements: enough to be split over 2 or 3 threads."""
    return st.one_of(
        st.tuples(st.integers(70_000, 200_000)),
        st.tuples(st.integers(1, 700), st.integers(1, 700)).filter(
            lambda s: 70_000 <= s[0] * s[1] <= 200_000
        ),
        st.tuples(st.integers(2, 5), st.integers(100, 300), st.integers(100, 300)),
    )


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    shape=large_shapes(),
    dtype=st.sampled_from(("float32", "float64", "float16", "int32", "uint8", "int64")),
    op=st.sampled_from((Op.ADD, Op.SUB, Op.MUL)),
)
def test_large_binary_matches_numpy_for_any_thread_count(
    isa: str, restore_threads: None, data: st.DataObject, shape: tuple[int, ...], dtype: str, op: Op
) -> None:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    lo = layout(data, shape)
    la = layout(data, shape, broadcast=True)
    lb = layout(data, shape, broadcast=True)
    a = random_array(rng, dtype, la[0])
    b = random_array(rng, dtype, lb[0])
    out0 = random_array(rng, dtype, lo[0])
    expected = out0.copy()
    ufunc = {Op.ADD: np.add, Op.SUB: np.subtract, Op.MUL: np.multiply}[op]
    with np.errstate(all="ignore"):
        view(expected, lo[1], lo[2], shape)[...] = ufunc(
            view(a, la[1], la[2], shape), view(b, lb[1], lb[2], shape)
        )
    sa, sb = to_storage(a), to_storage(b)
    for threads in THREAD_COUNTS:
        mk.set_num_threads(threads)
        out = to_storage(out0)
        mk.binary(op, out, lo[1], lo[2], sa, la[1], la[2], sb, lb[1], lb[2], shape)
        assert to_array(out).tobytes() == expected.tobytes(), threads


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    shape=large_shapes(),
    dtype=st.sampled_from(("float32", "float64", "float16", "int32", "int64", "uint8")),
)
def test_large_reduce_sum_is_the_same_for_any_thread_count(
    isa: str, restore_threads: None, data: st.DataObject, shape: tuple[int, ...], dtype: str
) -> None:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    axes = tuple(d for d in range(len(shape)) if data.draw(st.booleans()))
    out_shape = [1 if d in axes else n for d, n in enumerate(shape)]
    ls = layout(data, shape)
    lo = layout(data, out_shape)
    out_strides = tuple(0 if d in axes else s for d, s in enumerate(lo[2]))
    src = random_array(rng, dtype, ls[0], scale=1.0)  # float16 sums stay finite
    ss = to_storage(src)
    results = []
    for threads in THREAD_COUNTS:
        mk.set_num_threads(threads)
        out = mk.Storage(dtype, lo[0])
        mk.reduce_sum(out, lo[1], out_strides, ss, ls[1], ls[2], shape)
        results.append(to_array(out).tobytes())
    assert results[1] == results[0]
    assert results[2] == results[0]
    got = view(np.frombuffer(results[0], np_dtype(dtype)), lo[1], out_strides, shape)[
        tuple(slice(0, 1) if d in axes else slice(None) for d in range(len(shape)))
    ]
    want = view(src, ls[1], ls[2], shape).sum(axis=axes, keepdims=True, dtype=np_dtype(dtype))
    if dtype.startswith("float"):
        rows = int(np.prod([shape[d] for d in axes]))
        width = float(np.finfo(np_dtype(dtype)).eps) * (rows + 4)
        bound = width * view(np.abs(src.astype(np.float64)), ls[1], ls[2], shape).sum(
            axis=axes, keepdims=True
        )
        assert np.all(np.abs(got.astype(np.float64) - want.astype(np.float64)) <= bound + 1e-30)
    else:
        assert got.tobytes() == want.tobytes()


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    rows=st.integers(60, 400),
    cols=st.integers(60, 400),
    outer=st.integers(1, 3),
    src_dtype=st.sampled_from(("float32", "float64", "int8", "uint16", "float16", "bfloat16")),
    out_dtype=st.sampled_from(("float32", "float64", "int16", "uint8", "float16", "bfloat16")),
)
def test_transposed_copy_matches_numpy(
    isa: str,
    restore_threads: None,
    data: st.DataObject,
    rows: int,
    cols: int,
    outer: int,
    src_dtype: str,
    out_dtype: str,
) -> None:
    """Inner strides of out and src differ (the tiled path), any memory order and steps."""
    shape = (outer, rows, cols)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    lo = layout(data, shape)
    ls = layout(data, shape)
    if out_dtype in ("int16", "uint8"):  # values every pair casts alike (NumPy and mg)
        src = rng.integers(0, 128, ls[0]).astype(np_dtype(src_dtype))
    else:
        src = random_array(rng, src_dtype, ls[0])
    out0 = np.zeros(lo[0], np_dtype(out_dtype))
    expected = out0.copy()
    with np.errstate(over="ignore"):  # uint16 -> float16 beyond 65504 is inf, in mg too
        view(expected, lo[1], lo[2], shape)[...] = view(src, ls[1], ls[2], shape).astype(
            np_dtype(out_dtype)
        )
    ss = to_storage(src)
    for threads in (1, 2):
        mk.set_num_threads(threads)
        out = to_storage(out0)
        mk.copy(out, lo[1], lo[2], ss, ls[1], ls[2], shape)
        assert to_array(out).tobytes() == expected.tobytes(), threads


@settings(max_examples=30, deadline=None)
@given(
    rows=st.integers(56, 300),
    cols=st.integers(56, 300),
    dtype=st.sampled_from(("float32", "int32", "uint32")),
    seed=st.integers(0, 2**32 - 1),
    offset=st.integers(0, 9),
)
def test_32_bit_transposes_move_every_bit_pattern(
    isa: str, restore_threads: None, rows: int, cols: int, dtype: str, seed: int, offset: int
) -> None:
    """The 8x8 register transposes (same dtype, 32 bits): any bits, signalling NaNs included,
    ragged edges, any offset."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**32, offset + rows * cols, dtype=np.uint32)
    bits[offset::7] = 0x7F800001  # a signalling NaN as float32
    src = bits.view(np_dtype(dtype))
    ss = to_storage(src)
    expected = np.ascontiguousarray(src[offset:].reshape(cols, rows).T)
    for threads in (1, 2):
        mk.set_num_threads(threads)
        out = mk.Storage(dtype, rows * cols)
        mk.copy(out, 0, [cols, 1], ss, offset, [1, rows], [rows, cols])
        assert to_array(out).tobytes() == expected.tobytes(), threads


def test_transposed_copy_of_a_big_matrix(isa: str, restore_threads: None) -> None:
    rng = np.random.default_rng(5)
    a = rng.standard_normal((1000, 1500)).astype(np.float32)
    src = to_storage(a)
    mk.set_num_threads(2)
    out = mk.Storage("float32", a.size)
    mk.copy(out, 0, [1000, 1], src, 0, [1, 1500], [1500, 1000])
    assert np.array_equal(to_array(out).reshape(1500, 1000), a.T)


def test_concurrent_python_threads(isa: str, restore_threads: None) -> None:
    """Several Python threads call kernels at once (the GIL is released around each): every
    result is right, whoever got the pool."""
    mk.set_num_threads(2)
    n = 300_000
    rng = np.random.default_rng(11)
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    sa, sb = to_storage(a), to_storage(b)
    want_add = (a + b).tobytes()
    want_t = np.ascontiguousarray(a.reshape(500, 600).T).tobytes()
    failures: list[str] = []

    def worker(k: int) -> None:
        for i in range(15):
            out = mk.Storage("float32", n)
            if (i + k) % 2 == 0:
                mk.binary(Op.ADD, out, 0, [1], sa, 0, [1], sb, 0, [1], [n])
                if to_array(out).tobytes() != want_add:
                    failures.append(f"thread {k} add {i}")
            else:
                mk.copy(out, 0, [500, 1], sa, 0, [1, 600], [600, 500])
                if to_array(out).tobytes() != want_t:
                    failures.append(f"thread {k} transpose {i}")

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
