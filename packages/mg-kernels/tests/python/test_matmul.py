"""matmul against NumPy: odd sizes, transposes, strides, batch broadcasting, every dtype."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mg_kernels as mk
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mg_kernels_numpy_bridge import np_dtype, to_array, to_storage

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import OperandMaker

DTYPES = tuple(d.name for d in mk.dtypes())
SIZES = (1, 3, 17, 63, 65, 127)


def run_matmul(a: np.ndarray, b: np.ndarray, dtype: str) -> np.ndarray:
    """a @ b through mg_kernels, a and b being views (.T, [::-1], ...) of contiguous arrays."""
    shape = (*np.broadcast_shapes(a.shape[:-2], b.shape[:-2]), a.shape[-2], b.shape[-1])
    out = mk.Storage(dtype, int(np.prod(shape)))
    args = [*as_operand(a), *as_operand(b)]
    mk.matmul(out, 0, contiguous_strides(shape), shape, *args)
    return to_array(out).reshape(shape)


def as_operand(x: np.ndarray) -> tuple[mk.Storage, int, tuple[int, ...], tuple[int, ...]]:
    """A storage holding x's contiguous root array, and x's offset, strides and shape in it."""
    root = x
    while isinstance(root.base, np.ndarray):
        root = root.base
    assert root.flags.c_contiguous
    item = x.itemsize
    address = x.__array_interface__["data"][0]
    offset = (address - root.__array_interface__["data"][0]) // item
    return to_storage(root), offset, tuple(s // item for s in x.strides), x.shape


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(np.prod(shape[d + 1 :])) for d in range(len(shape)))


def reference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.matmul(a.astype(np.float64), b.astype(np.float64))


def tolerance(a: np.ndarray, b: np.ndarray, dtype: str) -> np.ndarray:
    eps = float(np.finfo(np_dtype(dtype)).eps) if dtype != "bfloat16" else 2.0**-7
    scale = np.matmul(np.abs(a.astype(np.float64)), np.abs(b.astype(np.float64)))
    return 2 * eps * (a.shape[-1] + 1) * scale


def random_matrix(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    return rng.standard_normal(shape).astype(np_dtype(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("transpose", ["nn", "tn", "nt", "tt"])
def test_odd_sizes_and_transposes(isa: str, dtype: str, transpose: str) -> None:
    rng = np.random.default_rng(1)
    for m in SIZES:
        for n in SIZES:
            k = (7 * m + n) % 290 + 1
            a = random_matrix(rng, (k, m) if transpose[0] == "t" else (m, k), dtype)
            b = random_matrix(rng, (n, k) if transpose[1] == "t" else (k, n), dtype)
            a = a.T if transpose[0] == "t" else a
            b = b.T if transpose[1] == "t" else b
            got = run_matmul(a, b, dtype)
            assert got.dtype == np_dtype(dtype)
            err = np.abs(got.astype(np.float64) - reference(a, b))
            assert np.all(err <= tolerance(a, b, dtype)), (m, k, n, transpose)


PANEL_SIZES = (1, 2, 3, 10, 12, 13, 17, 25, 63, 64, 65, 127, 128, 129)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
@pytest.mark.parametrize("layout", ["nn", "nt", "tn", "strided"])
def test_packing_panel_edges(isa: str, dtype: str, layout: str) -> None:
    # Rows of A around the register tile's height (4, 6 or 12) and the MLP's sizes, each layout
    # A is packed from: row-major (full and partial micro-panels), transposed, and rows of a
    # wider matrix with a column step; columns around the tile's width (8, 16 or 32).
    rng = np.random.default_rng(7)

    def make(shape: tuple[int, int]) -> np.ndarray:
        if dtype == "int32":
            return rng.integers(-50, 50, shape, dtype=np.int32)
        return random_matrix(rng, shape, dtype)

    for m in PANEL_SIZES:
        for n in (1, 10, 17, 33, 64, 129):
            k = PANEL_SIZES[(m + n) % len(PANEL_SIZES)]
            a = make((k, m)).T if layout == "tn" else make((m, k))
            b = make((n, k)).T if layout == "nt" else make((k, n))
            if layout == "strided":
                a = make((m, 2 * k + 3))[:, 1 : 2 * k + 1 : 2]
            got = run_matmul(a, b, dtype)
            if dtype == "int32":
                want = np.matmul(a.astype(np.int64), b.astype(np.int64)).astype(np.int32)
                np.testing.assert_array_equal(got, want, err_msg=f"{(m, k, n, layout)}")
                continue
            err = np.abs(got.astype(np.float64) - reference(a, b))
            assert np.all(err <= tolerance(a, b, dtype)), (m, k, n, layout)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("orientation", ["a @ v", "a.T @ v", "v @ b", "v @ b.T"])
def test_vector_products_every_tail(isa: str, dtype: str, orientation: str) -> None:
    # Depths around the dot product's 32/16-lane blocks and single vectors, and around the axpy's
    # four rows per pass; 1-row and 1-column operands in both contiguous directions.
    rng = np.random.default_rng(11)

    def make(shape: tuple[int, int]) -> np.ndarray:
        if dtype == "int64":
            return rng.integers(-1000, 1000, shape, dtype=np.int64)
        return random_matrix(rng, shape, dtype)

    for k in (1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257):
        for other in (1, 2, 10, 33):
            if orientation == "a @ v":
                a, b = make((other, k)), make((k, 1))
            elif orientation == "a.T @ v":
                a, b = make((k, other)).T, make((k, 1))
            elif orientation == "v @ b":
                a, b = make((1, k)), make((k, other))
            else:
                a, b = make((1, k)), make((other, k)).T
            got = run_matmul(a, b, dtype)
            if dtype == "int64":
                np.testing.assert_array_equal(got, a @ b, err_msg=f"{(k, other, orientation)}")
                continue
            err = np.abs(got.astype(np.float64) - reference(a, b))
            assert np.all(err <= tolerance(a, b, dtype)), (k, other, orientation)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_large_square(isa: str, dtype: str) -> None:
    rng = np.random.default_rng(2)
    n = 1000 if dtype in ("float32", "float64") else 200
    a = random_matrix(rng, (n, n), dtype)
    b = random_matrix(rng, (n, n), dtype)[::-1]  # negative row stride
    got = run_matmul(a, b, dtype).astype(np.float64)
    out_eps = 0.0 if dtype in ("float32", "float64") else float(np.finfo(np.float16).eps)
    if dtype == "bfloat16":
        out_eps = 2.0**-8
    bound = tolerance(a, b, "float32" if dtype != "float64" else dtype)
    bound = bound + out_eps * np.abs(reference(a, b))
    assert np.all(np.abs(got - reference(a, b)) <= bound)


# (m, k, n) large enough to be threaded: one row block split into column chunks (m < mc), row
# blocks sharing A's micro-panels unevenly (m not a multiple of mr or of the block count), depth
# over one kc block, n over one nc block, and a thread's column chunk over one nc block.
THREADED_SHAPES = (
    (7, 300, 200),
    (64, 520, 333),
    (301, 257, 130),
    (1031, 300, 40),
    (13, 40, 3100),
    (5, 30, 6500),
)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", THREADED_SHAPES)
def test_thread_counts_give_the_same_bits(
    isa: str, dtype: str, shape: tuple[int, int, int]
) -> None:
    m, k, n = shape
    rng = np.random.default_rng(m + k + n)
    a = random_matrix(rng, (m, k), dtype)
    b = random_matrix(rng, (k, n), dtype)
    previous = mk.get_num_threads()
    try:
        results = []
        for threads in (1, 2, 3, 4):
            mk.set_num_threads(threads)
            results.append(run_matmul(a, b, dtype))
    finally:
        mk.set_num_threads(previous)
    err = np.abs(results[0].astype(np.float64) - reference(a, b))
    assert np.all(err <= tolerance(a, b, dtype)), shape
    for threads, got in zip((2, 3, 4), results[1:], strict=True):
        assert got.tobytes() == results[0].tobytes(), (shape, threads)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "int8"])
def test_narrowed_outputs_give_the_same_bits_on_any_thread_count(isa: str, dtype: str) -> None:
    # 301 x 257 = 77,357 outputs: from 2**16 on, the float32/integer sums are narrowed to out on
    # several threads (src/gemm/matmul.cpp). Out row-major and transposed, 1 to 3 threads.
    m, k, n = 301, 64, 257
    rng = np.random.default_rng(7)
    a = random_matrix(rng, (m, k), dtype)
    b = random_matrix(rng, (k, n), dtype)
    previous = mk.get_num_threads()
    results = []
    try:
        for threads in (1, 2, 3):
            mk.set_num_threads(threads)
            for strides in ((n, 1), (1, m)):
                out = mk.Storage(dtype, m * n)
                mk.matmul(out, 0, strides, (m, n), *as_operand(a), *as_operand(b))
                flat = to_array(out)
                got = flat.reshape(m, n) if strides[1] == 1 else flat.reshape(n, m).T
                results.append(np.ascontiguousarray(got))
    finally:
        mk.set_num_threads(previous)
    for got in results[1:]:
        assert got.tobytes() == results[0].tobytes()
    if dtype == "int8":
        np.testing.assert_array_equal(results[0], np.matmul(a, b))
    else:
        out_eps = 2.0**-8 if dtype == "bfloat16" else float(np.finfo(np.float16).eps)
        want = reference(a, b)
        bound = tolerance(a, b, "float32") + out_eps * np.abs(want)
        assert np.all(np.abs(results[0].astype(np.float64) - want) <= bound)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint64", "bool"])
def test_integers_wrap_like_numpy(isa: str, dtype: str) -> None:
    rng = np.random.default_rng(3)
    info_max = 2 if dtype == "bool" else np.iinfo(dtype).max
    a = rng.integers(0, info_max, (37, 70), endpoint=True, dtype=np.uint64).astype(dtype)
    b = rng.integers(0, info_max, (70, 19), endpoint=True, dtype=np.uint64).astype(dtype)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(run_matmul(a, b, dtype), np.matmul(a, b))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dtype=st.sampled_from(DTYPES))
def test_batched_strided_matches_numpy(
    isa: str, make_operand: OperandMaker, data: st.DataObject, dtype: str
) -> None:
    """Small integer values, so every float dtype's sum is exact and the comparison is equality."""
    m, k, n = (data.draw(st.integers(1, 9)) for _ in range(3))
    batch = data.draw(st.lists(st.integers(1, 3), max_size=2))
    a_batch = [data.draw(st.sampled_from([1, s])) for s in batch]
    b_batch = [data.draw(st.sampled_from([1, s])) for s in batch][data.draw(st.integers(0, 2)) :]
    small = st.integers(-3, 3) if dtype != "bool" else st.booleans()
    if dtype.startswith("uint"):
        small = st.integers(0, 3)
    a = make_operand(data, (*a_batch, m, k), dtype, elements=small)
    b = make_operand(data, (*b_batch, k, n), dtype, elements=small)
    shape = (*np.broadcast_shapes(tuple(a_batch), tuple(b_batch)), m, n)
    out = mk.Storage(dtype, int(np.prod(shape)))
    mk.matmul(
        out, 0, contiguous_strides(shape), shape, *a.args(), a.view.shape, *b.args(), b.view.shape
    )
    if dtype in ("float16", "bfloat16"):
        want = np.matmul(a.view.astype(np.float32), b.view.astype(np.float32))
    else:
        want = np.matmul(a.view, b.view)
    np.testing.assert_array_equal(to_array(out).reshape(shape), want.astype(np_dtype(dtype)))


def test_mismatch_names_both_shapes_and_the_dimension() -> None:
    a, b, out = mk.Storage("float32", 6), mk.Storage("float32", 8), mk.Storage("float32", 8)
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4, 2\).*dimension -1"):
        mk.matmul(out, 0, (2, 1), (2, 2), a, 0, (3, 1), (2, 3), b, 0, (2, 1), (4, 2))
    with pytest.raises(ValueError, match=r"batch dimension -3 has sizes 2 and 3"):
        mk.matmul(
            out, 0, (4, 2, 1), (2, 2, 2), a, 0, (0, 0, 1), (2, 1, 3), b, 0, (0, 2, 1), (3, 3, 2)
        )
    with pytest.raises(TypeError, match="float64"):
        mk.matmul(out, 0, (2, 1), (2, 2), a, 0, (1, 1), (2, 2), mk.Storage("float64", 4), 0,
                  (2, 1), (2, 2))  # fmt: skip
    with pytest.raises(ValueError, match="share"):
        mk.matmul(a, 0, (2, 1), (2, 2), a, 0, (2, 1), (2, 2), b, 0, (2, 1), (2, 2))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        mk.matmul(out, 0, (1,), (2,), a, 0, (1,), (2,), b, 0, (1,), (2,))


def test_empty_and_zero_depth() -> None:
    a, b = mk.Storage("float64", 1), mk.Storage("float64", 1)
    out = to_storage(np.full(6, 7.0))
    mk.matmul(out, 0, (3, 1), (2, 3), a, 0, (0, 1), (2, 0), b, 0, (3, 1), (0, 3))
    np.testing.assert_array_equal(to_array(out), np.zeros(6))
    b12 = mk.Storage("float64", 12)
    mk.matmul(out, 0, (3, 1), (0, 3), a, 0, (4, 1), (0, 4), b12, 0, (3, 1), (4, 3))  # no work


# bfloat16 on pairs (Notes [AMX tiles] and [bfloat16 pairs] in src/gemm/bf16_pairs.cpp): AMX
# tiles or AVX512-BF16 vectors, only under the avx512 table, on a CPU (and OS) that has one, for
# products of at least 16**3 multiply-adds that are not matrix-vector.
PAIR_SIZES = (1, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 513)


def avx512_bfloat16_engine() -> str:
    """What multiplies bfloat16 under the avx512 table here ('float32' without that table)."""
    if "avx512" not in mk.available_isas():
        return "float32"
    previous = mk.isa()
    mk.set_isa("avx512")
    try:
        return mk.bfloat16_matmul_engine()
    finally:
        mk.set_isa(previous)


needs_pairs = pytest.mark.skipif(
    avx512_bfloat16_engine() == "float32",
    reason="no AMX-BF16 or AVX512-BF16 here (CPU, OS permission or build lacks them)",
)


def test_bfloat16_engine_follows_the_isa_and_the_cpu() -> None:
    previous = mk.isa()
    try:
        for name in mk.available_isas():
            mk.set_isa(name)
            engine = mk.bfloat16_matmul_engine()
            if name != "avx512":
                assert engine == "float32", name
            elif mk.has_amx_bf16():
                assert engine == "amx"
            else:
                assert engine in ("avx512_bf16", "float32")
    finally:
        mk.set_isa(previous)


@pytest.fixture
def avx512() -> Iterator[None]:
    previous = mk.isa()
    mk.set_isa("avx512")
    yield
    mk.set_isa(previous)


def bfloat16_bound(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """float32 sums (exact products, any order) and one rounding to bfloat16 at the end."""
    return tolerance(a, b, "float32") + 2.0**-8 * np.abs(reference(a, b))


def operand_views(x: np.ndarray, layout: str) -> np.ndarray:
    """x itself, a transposed copy's .T, or x inside a wider array with a column step."""
    if layout == "t":
        return np.ascontiguousarray(x.T).T
    if layout == "s":
        wide = np.zeros((x.shape[0], 3 * x.shape[1] + 1), dtype=x.dtype)
        wide[:, 1::3] = x
        return wide[:, 1::3]
    return x


@needs_pairs
@pytest.mark.usefixtures("avx512")
@pytest.mark.parametrize("layout", ["nn", "tn", "nt", "tt", "ss"])
def test_bfloat16_pairs_odd_sizes_and_layouts(layout: str) -> None:
    rng = np.random.default_rng(21)
    for i, m in enumerate(PAIR_SIZES):
        for j, n in enumerate(PAIR_SIZES):
            k = PAIR_SIZES[(i + 2 * j) % len(PAIR_SIZES)]
            a = operand_views(random_matrix(rng, (m, k), "bfloat16"), layout[0])
            b = operand_views(random_matrix(rng, (k, n), "bfloat16"), layout[1])
            err = np.abs(run_matmul(a, b, "bfloat16").astype(np.float64) - reference(a, b))
            assert np.all(err <= bfloat16_bound(a, b)), (m, k, n, layout)


@needs_pairs
@pytest.mark.usefixtures("avx512")
@pytest.mark.parametrize(
    "shape", [(513, 1100, 65), (33, 520, 1090), (130, 63, 127), (7, 1100, 300)]
)
def test_bfloat16_pairs_threads_give_the_same_bits(shape: tuple[int, int, int]) -> None:
    # Depth over one 512-deep block, columns over one 1024-wide block, one thread below 2**21
    # multiply-adds (130 x 63 x 127), a single row block cut into column chunks per thread
    # (m = 7): 1 to 4 threads, the same bits, near the float64 sums.
    m, k, n = shape
    rng = np.random.default_rng(m + k + n)
    a = random_matrix(rng, (m, k), "bfloat16")
    b = np.ascontiguousarray(random_matrix(rng, (n, k), "bfloat16")).T
    previous = mk.get_num_threads()
    try:
        results = []
        for threads in (1, 2, 3, 4):
            mk.set_num_threads(threads)
            results.append(run_matmul(a, b, "bfloat16"))
    finally:
        mk.set_num_threads(previous)
    err = np.abs(results[0].astype(np.float64) - reference(a, b))
    assert np.all(err <= bfloat16_bound(a, b)), shape
    for threads, got in zip((2, 3, 4), results[1:], strict=True):
        assert got.tobytes() == results[0].tobytes(), (shape, threads)


@needs_pairs
def test_bfloat16_pairs_batches_and_the_float32_path_agree() -> None:
    # (2, 1, 70, 90) @ (3, 90, 40), b reversed along its rows: pairs under avx512, the float32
    # kernel under avx2; both near the float64 sums, and near each other.
    rng = np.random.default_rng(5)
    a = random_matrix(rng, (2, 1, 70, 90), "bfloat16")
    b = random_matrix(rng, (3, 90, 40), "bfloat16")[:, ::-1]
    previous = mk.isa()
    try:
        mk.set_isa("avx512")
        pairs = run_matmul(a, b, "bfloat16").astype(np.float64)
        mk.set_isa("avx2")
        widened = run_matmul(a, b, "bfloat16").astype(np.float64)
    finally:
        mk.set_isa(previous)
    bound = bfloat16_bound(a, b)
    assert np.all(np.abs(pairs - reference(a, b)) <= bound)
    assert np.all(np.abs(widened - reference(a, b)) <= bound)
    assert np.all(np.abs(pairs - widened) <= 2 * bound)


def test_bfloat16_subnormal_inputs_under_pairs() -> None:
    # The subnormal 2**-127 times 2**100: the float32 path keeps the normal product 2**-27; the
    # pair engines read the subnormal as zero (docs/kernels.md, "Matrix products"). 64 x 64 x 64,
    # so they take it where they can.
    a = np.zeros((64, 64), dtype=np_dtype("bfloat16"))
    b = np.zeros((64, 64), dtype=np_dtype("bfloat16"))
    a[0, 0] = 2.0**-127
    a[1, 1] = 0.5
    b[0, 0] = b[1, 0] = 2.0**100
    previous = mk.isa()
    try:
        for name in mk.available_isas():
            mk.set_isa(name)
            got = run_matmul(a, b, "bfloat16").astype(np.float64)
            pairs = mk.bfloat16_matmul_engine() != "float32"
            assert got[0, 0] == (0.0 if pairs else 2.0**-27), name
            assert got[1, 0] == 2.0**99, name
    finally:
        mk.set_isa(previous)
