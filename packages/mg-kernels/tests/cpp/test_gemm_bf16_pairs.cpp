// The bfloat16 GEMM on bfloat16 pairs (src/gemm/bf16_pairs.cpp, Notes [AMX tiles] and [bfloat16
// pairs]), each engine (AMX tiles, AVX512-BF16 vectors): its float32 sums against a
// double-precision triple loop over odd sizes, transposes, strides and thread counts; against
// the packed float32 path; its denormal behaviour; and when matmul picks which. An engine the
// build, CPU or OS lacks is skipped, saying why.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <vector>

#include "mg/gemm/gemm.hpp"
#include "mg/gemm/matmul.hpp"
#include "mg/parallel.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

// The engine matmul would pick for bfloat16 under `isa`'s table: tiles first, then vectors, only
// under avx512 and never in a build without the unit.
PairEngine expected_engine(Isa isa) {
#if defined(MG_KERNELS_HAVE_AMX_BF16)
  if (isa == Isa::kAvx512 && amx_bf16_usable()) return PairEngine::kAmx;
  if (isa == Isa::kAvx512 && cpu_supports_avx512_bf16()) return PairEngine::kAvx512Bf16;
#endif
  static_cast<void>(isa);
  return PairEngine::kNone;
}

TEST(GemmBf16Pairs, MatmulUsesPairsOnlyForBfloat16UnderAvx512) {
  Storage a(DType::kBFloat16, 64 * 64), b(DType::kBFloat16, 64 * 64);
  Storage out(DType::kBFloat16, 64 * 64);
  const Shape shape{64, 64}, strides{64, 1};
  for (Isa isa : isas()) {
    const MatmulPlan plan = plan_matmul({out, 0, strides, shape}, {a, 0, strides, shape},
                                        {b, 0, strides, shape}, table(isa));
    EXPECT_EQ(plan.bf16_engine, expected_engine(isa)) << isa_name(isa);
  }
  Storage af(DType::kFloat32, 64 * 64), bf(DType::kFloat32, 64 * 64), of(DType::kFloat32, 64 * 64);
  for (Isa isa : isas()) {
    const MatmulPlan plan = plan_matmul({of, 0, strides, shape}, {af, 0, strides, shape},
                                        {bf, 0, strides, shape}, table(isa));
    EXPECT_EQ(plan.bf16_engine, PairEngine::kNone) << isa_name(isa);
  }
}

#if !defined(MG_KERNELS_HAVE_AMX_BF16)
TEST(GemmBf16Pairs, Kernels) {
  GTEST_SKIP() << "this build has no bfloat16 pairs unit (x86-64 GCC/Clang only)";
}
#else

// One engine of the unit, and whether this CPU and OS can run it.
struct Engine {
  const char* name;
  void (*gemm)(gemm::Dims, gemm::MatrixRef<BFloat16>, gemm::MatrixRef<BFloat16>,
               gemm::MutMatrixRef<float>, int) noexcept;
  bool (*usable)() noexcept;
};

// The vector engine with its float32 sums left in c (no bfloat16 output).
void vector_sums(gemm::Dims dims, gemm::MatrixRef<BFloat16> a, gemm::MatrixRef<BFloat16> b,
                 gemm::MutMatrixRef<float> c, int threads) noexcept {
  gemm::gemm_bf16_avx512(dims, a, b, c, threads);
}

class GemmBf16Pairs : public testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (!GetParam().usable()) {
      GTEST_SKIP() << GetParam().name << ": the CPU lacks it (or, for AMX, the OS refused tiles)";
    }
  }
};

INSTANTIATE_TEST_SUITE_P(
    Engines, GemmBf16Pairs,
    testing::Values(Engine{"amx", &gemm::gemm_bf16_amx, &amx_bf16_usable},
                    Engine{"avx512_bf16", &vector_sums, &cpu_supports_avx512_bf16}),
    [](const testing::TestParamInfo<Engine>& info) { return std::string(info.param.name); });

// Moderate finite bfloat16 values (no subnormals, which AMX reads as zero).
std::vector<BFloat16> values(std::size_t n, std::uint32_t seed) {
  const auto d = random_values<double>(n, seed);
  std::vector<BFloat16> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = bfloat16_from_float(static_cast<float>(d[i] / 8));
  return out;
}

// An m x k (or k x n) operand stored row-major, transposed, or every third column of a wider
// matrix with a row gap: `element(i, j)` is data[i * rs + j * cs].
struct Operand {
  std::vector<BFloat16> data;
  std::int64_t rs = 0, cs = 0;
  double at(std::int64_t i, std::int64_t j) const {
    return bfloat16_to_float(data[static_cast<std::size_t>(i * rs + j * cs)]);
  }
  gemm::MatrixRef<BFloat16> ref() const { return {data.data(), rs, cs}; }
};

Operand make(std::int64_t rows, std::int64_t cols, int layout, std::uint32_t seed) {
  Operand o;
  switch (layout) {
    case 0:  // row-major
      o.rs = cols;
      o.cs = 1;
      break;
    case 1:  // transposed
      o.rs = 1;
      o.cs = rows;
      break;
    default:  // strided both ways
      o.rs = 3 * cols + 5;
      o.cs = 3;
      break;
  }
  o.data = values(static_cast<std::size_t>((rows - 1) * o.rs + (cols - 1) * o.cs + 1), seed);
  return o;
}

// The engine's float32 sums of a (m x k) @ b (k x n), into a C with a row gap and column step 2,
// checked element by element against double sums: products are exact, so only float32 summing
// errs, by at most (k + 1) * 2^-24 * sum |products| with any order; twice that is the bound.
void check_sums(const Engine& engine, std::int64_t m, std::int64_t k, std::int64_t n, int la,
                int lb, int threads) {
  const Operand a = make(m, k, la, static_cast<std::uint32_t>(m * 31 + k));
  const Operand b = make(k, n, lb, static_cast<std::uint32_t>(n * 17 + k + 1));
  const std::int64_t crs = 2 * n + 3;
  std::vector<float> c(static_cast<std::size_t>(m * crs), -7.0f);
  engine.gemm({m, n, k}, a.ref(), b.ref(), {c.data(), crs, 2}, threads);
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double want = 0;
      double scale = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        const double x = a.at(i, p) * b.at(p, j);
        want += x;
        scale += std::fabs(x);
      }
      const double got = c[static_cast<std::size_t>(i * crs + 2 * j)];
      ASSERT_NEAR(got, want, 2 * static_cast<double>(k + 1) * 0x1p-24 * scale)
          << m << "x" << k << "x" << n << " layouts " << la << lb << " threads " << threads
          << " at " << i << "," << j;
    }
  }
  // The gaps of C are untouched.
  for (std::int64_t i = 0; i < m; ++i) {
    ASSERT_EQ(c[static_cast<std::size_t>(i * crs + 1)], -7.0f) << i;
    ASSERT_EQ(c[static_cast<std::size_t>(i * crs + crs - 1)], -7.0f) << i;
  }
}

TEST_P(GemmBf16Pairs, OddSizesLayoutsAgainstDoubleSums) {
  const std::int64_t sizes[] = {1, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127};
  for (std::int64_t m : sizes) {
    for (std::int64_t n : sizes) {
      const std::int64_t k = sizes[static_cast<std::size_t>(m + 2 * n) % std::size(sizes)];
      for (int layouts = 0; layouts < 9; ++layouts)
        check_sums(GetParam(), m, k, n, layouts % 3, layouts / 3, 1);
    }
  }
}

TEST_P(GemmBf16Pairs, DepthAndColumnBlocksAndThreads) {
  // k over one depth block (512) and not a multiple of 32; n over one column block (1024); m
  // below, at and above a row block (32); each at 1 to 4 threads: split by rows, by column
  // chunks when the rows run short (m = 7), and one thread below 2^21 multiply-adds (129 rows).
  const int before = num_threads();
  struct Size {
    std::int64_t m, k, n;
  };
  for (const Size s :
       {Size{513, 1100, 65}, Size{33, 520, 1090}, Size{129, 63, 127}, Size{7, 1025, 300}}) {
    for (int threads = 1; threads <= 4; ++threads) {
      set_num_threads(threads);
      check_sums(GetParam(), s.m, s.k, s.n, threads % 2, threads / 2 % 3, threads);
    }
  }
  set_num_threads(before);
}

TEST_P(GemmBf16Pairs, ThreadCountsGiveTheSameBits) {
  const std::int64_t m = 300, k = 1100, n = 1100;
  const Operand a = make(m, k, 0, 1);
  const Operand b = make(k, n, 1, 2);
  const int before = num_threads();
  std::vector<float> first;
  for (int threads = 1; threads <= 4; ++threads) {
    set_num_threads(threads);
    std::vector<float> c(static_cast<std::size_t>(m * n));
    GetParam().gemm({m, n, k}, a.ref(), b.ref(), {c.data(), n, 1}, threads);
    if (threads == 1) {
      first = c;
    } else {
      ASSERT_EQ(std::memcmp(c.data(), first.data(), c.size() * sizeof(float)), 0) << threads;
    }
  }
  set_num_threads(before);
}

TEST_P(GemmBf16Pairs, ReadingAInPlaceGivesThePackedBits) {
  // Row-major A is read in place by the vector engine (full 32-row blocks, depth blocks in whole
  // tiles of 32) and packed otherwise: the same sums in the same order. 96 rows (three full
  // blocks) and 77 (a partial one), k = 1088 (two 512-deep blocks in place, a 64-deep one too),
  // against the same values with a column step of 3 (always packed); 1 and 2 threads.
  for (const std::int64_t m : {96, 77}) {
    const std::int64_t k = 1088, n = 80;
    const Operand a = make(m, k, 0, 7);
    Operand strided;
    strided.rs = 3 * k + 1;
    strided.cs = 3;
    strided.data.assign(static_cast<std::size_t>(m * strided.rs), BFloat16{0});
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t p = 0; p < k; ++p) {
        strided.data[static_cast<std::size_t>(i * strided.rs + p * strided.cs)] =
            a.data[static_cast<std::size_t>(i * a.rs + p)];
      }
    }
    const Operand b = make(k, n, 1, 8);
    for (int threads : {1, 2}) {
      std::vector<float> direct(static_cast<std::size_t>(m * n)), packed(direct.size());
      GetParam().gemm({m, n, k}, a.ref(), b.ref(), {direct.data(), n, 1}, threads);
      GetParam().gemm({m, n, k}, strided.ref(), b.ref(), {packed.data(), n, 1}, threads);
      ASSERT_EQ(std::memcmp(direct.data(), packed.data(), direct.size() * sizeof(float)), 0)
          << m << " rows, " << threads << " threads";
    }
  }
}

TEST_P(GemmBf16Pairs, AgreesWithThePackedFloat32Path) {
  // The AVX-512 float32 kernel on widened bfloat16 and the engine make the same exact products
  // and differ only in the order of their float32 sums.
  const std::int64_t m = 130, k = 700, n = 97;
  const Operand a = make(m, k, 2, 3);
  const Operand b = make(k, n, 0, 4);
  std::vector<float> pairs(static_cast<std::size_t>(m * n)), packed(pairs.size());
  GetParam().gemm({m, n, k}, a.ref(), b.ref(), {pairs.data(), n, 1}, 2);
  gemm::gemm<BFloat16, float>({m, n, k}, a.ref(), b.ref(), {packed.data(), n, 1},
                              table(Isa::kAvx512).gemm->f32, 2);
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double scale = 0;
      for (std::int64_t p = 0; p < k; ++p) scale += std::fabs(a.at(i, p) * b.at(p, j));
      const auto e = static_cast<std::size_t>(i * n + j);
      ASSERT_NEAR(pairs[e], packed[e], 4 * static_cast<double>(k + 1) * 0x1p-24 * scale)
          << i << "," << j;
    }
  }
}

TEST_P(GemmBf16Pairs, SubnormalInputsCountAsZeroAndSubnormalSumsFlush) {
  // Notes [AMX tiles] and [bfloat16 pairs]: TDPBF16PS and VDPBF16PS read bfloat16 subnormals as
  // zero and flush subnormal float32 results, where the float32 path keeps both. Row 0: the
  // subnormal 2^-127 (bits 0x0040) times 2^100, whose exact product 2^-27 is normal, gives 0. Row
  // 1: 2^-70 * 2^-70 = 2^-140, a float32 subnormal, gives 0. Row 2: a normal product next to the
  // subnormal input is kept exactly.
  const std::int64_t m = 32, k = 32, n = 32;
  std::vector<BFloat16> a(static_cast<std::size_t>(m * k), BFloat16{0});
  std::vector<BFloat16> b(static_cast<std::size_t>(k * n), BFloat16{0});
  const BFloat16 subnormal{0x0040};                    // 2^-127
  const BFloat16 big = bfloat16_from_float(0x1p100f);  // exact in bfloat16
  const BFloat16 tiny = bfloat16_from_float(0x1p-70f);
  a[0] = subnormal;
  a[1 * k + 0] = tiny;
  a[2 * k + 0] = subnormal;
  a[2 * k + 1] = bfloat16_from_float(0.5f);
  b[0] = big;
  b[1 * n + 0] = big;
  b[0 * n + 1] = tiny;
  ASSERT_EQ(bfloat16_to_float(subnormal), 0x1p-127f);
  std::vector<float> c(static_cast<std::size_t>(m * n), 1.0f);
  GetParam().gemm({m, n, k}, {a.data(), k, 1}, {b.data(), n, 1}, {c.data(), n, 1}, 1);
  EXPECT_EQ(c[0 * n + 0], 0.0f);     // subnormal * 2^100
  EXPECT_EQ(c[1 * n + 1], 0.0f);     // 2^-70 * 2^-70
  EXPECT_EQ(c[1 * n + 0], 0x1p30f);  // 2^-70 * 2^100, normal
  EXPECT_EQ(c[2 * n + 0], 0x1p99f);  // the subnormal term drops, 0.5 * 2^100 stays
  // The float32 path keeps them: the same product through the avx512 table's kernel.
  std::vector<float> f32(c.size());
  gemm::gemm<BFloat16, float>({m, n, k}, {a.data(), k, 1}, {b.data(), n, 1}, {f32.data(), n, 1},
                              table(Isa::kAvx512).gemm->f32, 1);
  EXPECT_EQ(f32[0 * n + 0], 0x1p-27f);
  EXPECT_EQ(f32[1 * n + 1], 0x1p-140f);
}

TEST(GemmBf16Pairs, NarrowStoresRoundLikeTheCast) {
  // Note [Narrow stores]: with a bfloat16 out, the vector engine rounds its float32 sums itself.
  // Each out element must be bfloat16_from_float of the sum the engine leaves in c without out:
  // full and edge blocks, one and three depth blocks, out row-major, transposed and strided,
  // 1 and 2 threads, with NaN (its payload must not round into the result), infinite and
  // overflowing rows among ordinary ones.
  if (!cpu_supports_avx512_bf16()) GTEST_SKIP() << "the CPU lacks AVX512-BF16";
  struct Size {
    std::int64_t m, k, n;
  };
  for (const Size s : {Size{64, 512, 64}, Size{70, 1100, 90}}) {
    Operand a = make(s.m, s.k, 0, 11);
    const Operand b = make(s.k, s.n, 1, 12);
    a.data[static_cast<std::size_t>(1 * a.rs)] = BFloat16{0x7fa1};  // a NaN with a payload
    a.data[static_cast<std::size_t>(2 * a.rs + 3)] = bfloat16_from_float(-__builtin_inff());
    for (std::int64_t p = 0; p < s.k; ++p) {  // row 3: sums near float32's largest
      a.data[static_cast<std::size_t>(3 * a.rs + p)] = bfloat16_from_float(0x1p120f);
    }
    for (int threads : {1, 2}) {
      std::vector<float> sums(static_cast<std::size_t>(s.m * s.n));
      vector_sums({s.m, s.n, s.k}, a.ref(), b.ref(), {sums.data(), s.n, 1}, threads);
      for (int layout = 0; layout < 3; ++layout) {
        const std::int64_t rs = layout == 1 ? 1 : (layout == 2 ? 2 * s.n + 1 : s.n);
        const std::int64_t cs = layout == 1 ? s.m : (layout == 2 ? 2 : 1);
        std::vector<BFloat16> out(static_cast<std::size_t>(s.m * 2 * s.n + s.m + 2 * s.n),
                                  BFloat16{0x1234});
        std::vector<float> scratch(sums.size());
        gemm::gemm_bf16_avx512({s.m, s.n, s.k}, a.ref(), b.ref(), {scratch.data(), s.n, 1}, threads,
                               {out.data(), rs, cs});
        for (std::int64_t i = 0; i < s.m; ++i) {
          for (std::int64_t j = 0; j < s.n; ++j) {
            const BFloat16 want = bfloat16_from_float(sums[static_cast<std::size_t>(i * s.n + j)]);
            ASSERT_EQ(out[static_cast<std::size_t>(i * rs + j * cs)].bits, want.bits)
                << s.m << "x" << s.k << "x" << s.n << " layout " << layout << " threads " << threads
                << " at " << i << "," << j;
          }
        }
        if (layout == 2) {  // the gaps between strided elements are untouched
          EXPECT_EQ(out[1].bits, 0x1234);
          EXPECT_EQ(out[static_cast<std::size_t>(2 * s.n)].bits, 0x1234);
        }
      }
    }
  }
}

// The rounded bfloat16 result of a batched matmul on the engine matmul picks, within the tolerance
// of tests/cpp/test_gemm.cpp.
TEST(GemmBf16Pairs, MatmulRoundsTheSumsOnceWithBatches) {
  // (2, 1, 70, 90) @ (3, 90, 40): batches broadcast, b transposed in memory; each bfloat16 of
  // out within one rounding of the double sum plus the float32 sums' error.
  if (expected_engine(Isa::kAvx512) == PairEngine::kNone) {
    GTEST_SKIP() << "no pair engine here: the CPU lacks AMX-BF16 and AVX512-BF16";
  }
  const std::int64_t m = 70, k = 90, n = 40;
  const auto av = values(static_cast<std::size_t>(2 * m * k), 5);
  const auto bv = values(static_cast<std::size_t>(3 * k * n), 6);
  Storage a = storage_of(av), b = storage_of(bv);
  Storage out(DType::kBFloat16, static_cast<std::size_t>(6 * m * n));
  plan_matmul({out, 0, Shape{3 * m * n, m * n, n, 1}, Shape{2, 3, m, n}},
              {a, 0, Shape{m * k, 0, k, 1}, Shape{2, 1, m, k}},
              {b, 0, Shape{k * n, 1, k}, Shape{3, k, n}}, table(Isa::kAvx512))
      .run();
  const BFloat16* o = data<BFloat16>(out);
  for (std::int64_t x = 0; x < 2; ++x) {
    for (std::int64_t y = 0; y < 3; ++y) {
      for (std::int64_t i = 0; i < m; ++i) {
        for (std::int64_t j = 0; j < n; ++j) {
          double want = 0;
          double scale = 0;
          for (std::int64_t p = 0; p < k; ++p) {
            const double v =
                bfloat16_to_float(av[static_cast<std::size_t>(x * m * k + i * k + p)]) *
                bfloat16_to_float(bv[static_cast<std::size_t>(y * k * n + j * k + p)]);
            want += v;
            scale += std::fabs(v);
          }
          const double got = bfloat16_to_float(o[((x * 3 + y) * m + i) * n + j]);
          ASSERT_NEAR(got, want, 0x1p-8 * std::fabs(want) + 2 * (k + 1) * 0x1p-24 * scale)
              << x << "," << y << " at " << i << "," << j;
        }
      }
    }
  }
}

#endif  // MG_KERNELS_HAVE_AMX_BF16

}  // namespace
}  // namespace mg::test
