// The gemm family: micro-kernels against the portable twin, matmul against a double-precision
// triple loop over odd sizes, transposes, strides, batches, dtypes and thread counts.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mg/gemm/matmul.hpp"
#include "mg/kernels/gemm_micro.hpp"
#include "mg/parallel.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

class GemmIsa : public testing::TestWithParam<Isa> {};

// Every micro-kernel agrees with the portable twin on a full tile, writing and accumulating,
// with both contiguous and transposed C.
template <class T>
void check_micro(const kernels::GemmMicroKernel<T>& uk) {
  ASSERT_LE(uk.mr * uk.nr, kernels::kGemmMaxTile);  // the driver's scratch tile
  const std::int64_t kc = 37;
  const auto a = random_values<T>(static_cast<std::size_t>(uk.mr * kc), 1);
  const auto b = random_values<T>(static_cast<std::size_t>(uk.nr * kc), 2);
  for (bool transposed : {false, true}) {
    const std::int64_t rs = transposed ? 1 : uk.nr;
    const std::int64_t cs = transposed ? uk.mr : 1;
    std::vector<T> c(static_cast<std::size_t>(uk.mr * uk.nr), T{3});
    uk.fn(kc, a.data(), b.data(), c.data(), rs, cs, false);
    uk.fn(kc, a.data(), b.data(), c.data(), rs, cs, true);  // c = 2 * ab
    for (std::int64_t i = 0; i < uk.mr; ++i) {
      for (std::int64_t j = 0; j < uk.nr; ++j) {
        double want = 0;
        double scale = 0;
        for (std::int64_t p = 0; p < kc; ++p) {
          const double x =
              static_cast<double>(a[p * uk.mr + i]) * static_cast<double>(b[p * uk.nr + j]);
          want += x;
          scale += std::fabs(x);
        }
        const double got = static_cast<double>(c[i * rs + j * cs]);
        EXPECT_NEAR(got, 2 * want, 4 * scale * epsilon_of<T>() * kc) << i << "," << j;
      }
    }
  }
}

TEST_P(GemmIsa, MicroKernelsMatchDoubleSums) {
  const auto& g = *table(GetParam()).gemm;
  check_micro(g.f32);
  check_micro(g.f64);
}

// Runs the packed kernel on packed a and b, and `in_place` (the same product read from an operand
// where it lies), over contiguous and transposed C, writing then accumulating, and compares bits:
// the driver picks either kernel by the product's shape, and results must not depend on that.
template <class T, class InPlace>
void expect_packed_bits(const kernels::GemmMicroKernel<T>& uk, std::int64_t kc, const T* a,
                        const T* b, InPlace in_place) {
  for (bool transposed : {false, true}) {
    const std::int64_t rs = transposed ? 1 : uk.nr;
    const std::int64_t cs = transposed ? uk.mr : 1;
    std::vector<T> want(static_cast<std::size_t>(uk.mr * uk.nr), T{3});
    std::vector<T> got = want;
    for (bool accumulate : {false, true}) {
      uk.fn(kc, a, b, want.data(), rs, cs, accumulate);
      in_place(got.data(), rs, cs, accumulate);
      ASSERT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(T)), 0)
          << " transposed=" << transposed << " accumulate=" << accumulate;
    }
  }
}

// The rows kernel reads A's rows in place, rs_a apart.
TEST_P(GemmIsa, RowsKernelGivesThePackedKernelsBits) {
  const auto& uk = table(GetParam()).gemm->f32;
  if (uk.fn_rows == nullptr) GTEST_SKIP() << "this unit packs A always";
  const std::int64_t kc = 37, rs_a = kc + 3;
  const auto rows = random_values<float>(static_cast<std::size_t>(uk.mr * rs_a), 3);
  const auto b = random_values<float>(static_cast<std::size_t>(uk.nr * kc), 4);
  std::vector<float> packed(static_cast<std::size_t>(uk.mr * kc));
  for (std::int64_t i = 0; i < uk.mr; ++i) {
    for (std::int64_t p = 0; p < kc; ++p) packed[p * uk.mr + i] = rows[i * rs_a + p];
  }
  expect_packed_bits(uk, kc, packed.data(), b.data(),
                     [&](float* c, std::int64_t rs, std::int64_t cs, bool add) {
                       uk.fn_rows(kc, rows.data(), rs_a, b.data(), c, rs, cs, add);
                     });
}

// The bcols kernel reads B's rows in place, rs_b apart.
template <class T>
void check_bcols(const kernels::GemmMicroKernel<T>& uk) {
  const std::int64_t kc = 41, rs_b = uk.nr + 5;
  const auto a = random_values<T>(static_cast<std::size_t>(uk.mr * kc), 5);
  const auto rows = random_values<T>(static_cast<std::size_t>(rs_b * kc), 6);
  std::vector<T> packed(static_cast<std::size_t>(uk.nr * kc));
  for (std::int64_t p = 0; p < kc; ++p) {
    for (std::int64_t j = 0; j < uk.nr; ++j) packed[p * uk.nr + j] = rows[p * rs_b + j];
  }
  expect_packed_bits(uk, kc, a.data(), packed.data(),
                     [&](T* c, std::int64_t rs, std::int64_t cs, bool add) {
                       uk.fn_bcols(kc, a.data(), rows.data(), rs_b, c, rs, cs, add);
                     });
}

TEST_P(GemmIsa, BColsKernelGivesThePackedKernelsBits) {
  const auto& g = *table(GetParam()).gemm;
  if (g.f32.fn_bcols == nullptr) GTEST_SKIP() << "this unit packs B always";
  check_bcols(g.f32);
  check_bcols(g.f64);
}

TEST_P(GemmIsa, IntegerMicroKernelsWrap) {
  const auto& g = *table(GetParam()).gemm;
  const std::int64_t kc = 5;
  std::vector<std::uint32_t> a(static_cast<std::size_t>(g.u32.mr * kc), 0x80000001u);
  std::vector<std::uint32_t> b(static_cast<std::size_t>(g.u32.nr * kc), 3u);
  std::vector<std::uint32_t> c(static_cast<std::size_t>(g.u32.mr * g.u32.nr));
  g.u32.fn(kc, a.data(), b.data(), c.data(), g.u32.nr, 1, false);
  // 5 * 3 * (2^31 + 1) mod 2^32 = 2^31 + 15
  for (std::uint32_t x : c) EXPECT_EQ(x, 0x8000000Fu);
}

// Finite values of moderate size in any float dtype (random_values mixes in inf and NaN bits).
template <class T>
std::vector<T> finite_values(std::size_t n, std::uint32_t seed) {
  const auto d = random_values<double>(n, seed);
  std::vector<T> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, Half>) {
      out[i] = half_from_double(d[i] / 8);
    } else if constexpr (std::is_same_v<T, BFloat16>) {
      out[i] = bfloat16_from_float(static_cast<float>(d[i] / 8));
    } else {
      out[i] = static_cast<T>(d[i]);
    }
  }
  return out;
}

TEST_P(GemmIsa, WidenHalfIsExactForEveryPattern) {
  const auto& uk = table(GetParam()).gemm->f32;
  ASSERT_NE(uk.widen_half, nullptr);
  std::vector<Half> all(65536 + 3);  // 3 more: a tail shorter than a vector
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = Half{static_cast<std::uint16_t>(i)};
  std::vector<float> got(all.size());
  uk.widen_half(all.data(), static_cast<std::int64_t>(all.size()), got.data());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const float want = half_to_float(all[i]);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got[i])) << i;
    } else {
      ASSERT_EQ(std::bit_cast<std::uint32_t>(got[i]), std::bit_cast<std::uint32_t>(want)) << i;
    }
  }
}

// matmul of an (m, k) by a (k, n) view, each possibly transposed in memory, into a strided out.
template <class T>
void check_matmul(Isa isa, std::int64_t m, std::int64_t k, std::int64_t n, bool ta, bool tb) {
  const auto av = finite_values<T>(static_cast<std::size_t>(m * k), 11);
  const auto bv = finite_values<T>(static_cast<std::size_t>(k * n), 12);
  Storage a = storage_of(av);
  Storage b = storage_of(bv);
  Storage out(kDTypeOf<T>, static_cast<std::size_t>(2 * m * n + 1));
  const Shape as{m, k}, bs{k, n}, os{m, n};
  const Shape ast = ta ? Shape{1, m} : Shape{k, 1};
  const Shape bst = tb ? Shape{1, k} : Shape{n, 1};
  const Shape ost{2 * n, 2};  // every other column, one row gap
  plan_matmul({out, 1, ost, os}, {a, 0, ast, as}, {b, 0, bst, bs}, table(isa)).run();
  const T* o = data<T>(out);
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      double want = 0;
      double scale = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        const double x = as_double(av[static_cast<std::size_t>(i * ast[0] + p * ast[1])]) *
                         as_double(bv[static_cast<std::size_t>(p * bst[0] + j * bst[1])]);
        want += x;
        scale += std::fabs(x);
      }
      const double got = as_double(o[1 + i * ost[0] + j * ost[1]]);
      ASSERT_NEAR(got, want, 2 * scale * epsilon_of<T>() * static_cast<double>(k + 1))
          << m << "x" << k << "x" << n << " ta=" << ta << " tb=" << tb << " at " << i << "," << j;
    }
  }
}

TEST_P(GemmIsa, OddSizesAndTransposes) {
  const std::int64_t sizes[] = {1, 3, 17, 63, 65, 130};
  for (std::int64_t m : sizes) {
    for (std::int64_t n : sizes) {
      const std::int64_t k = (m * 7 + n) % 300 + 1;  // includes k > kc
      for (int t = 0; t < 4; ++t) {
        check_matmul<float>(GetParam(), m, k, n, (t & 1) != 0, (t & 2) != 0);
        check_matmul<double>(GetParam(), m, k, n, (t & 1) != 0, (t & 2) != 0);
      }
    }
  }
  check_matmul<float>(GetParam(), 200, 600, 70, false, true);
  check_matmul<Half>(GetParam(), 33, 40, 20, true, false);
  check_matmul<BFloat16>(GetParam(), 20, 40, 33, false, false);
}

TEST_P(GemmIsa, PanelEdgesAroundTheMlpSizes) {
  // Full and partial micro-panels of A (mr 4, 6 or 12) and B (nr 8, 16 or 32), packed from row-
  // and column-major views (the SSE transposes of column-major float32 B).
  const std::int64_t sizes[] = {1, 2, 3, 10, 12, 13, 17, 25, 63, 64, 65, 127, 128, 129};
  for (std::int64_t m : sizes) {
    for (std::int64_t n : {2, 10, 16, 32, 33, 64, 129}) {
      const std::int64_t k = sizes[static_cast<std::size_t>(m + n) % std::size(sizes)];
      for (int t = 0; t < 4; ++t)
        check_matmul<float>(GetParam(), m, k, n, (t & 1) != 0, (t & 2) != 0);
    }
  }
}

TEST_P(GemmIsa, VectorProductsEveryTail) {
  // The dot's 32- (float32) and 16-lane (float64) blocks, single vectors and scalar tail; the
  // axpy's four rows per pass and its remainder; both orientations of each.
  for (std::int64_t k : {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257}) {
    for (std::int64_t other : {2, 10, 33}) {
      for (int t = 0; t < 4; ++t) {
        const bool ta = (t & 1) != 0, tb = (t & 2) != 0;
        check_matmul<float>(GetParam(), other, k, 1, ta, tb);
        check_matmul<float>(GetParam(), 1, k, other, ta, tb);
        check_matmul<double>(GetParam(), other, k, 1, ta, tb);
        check_matmul<double>(GetParam(), 1, k, other, ta, tb);
      }
    }
  }
}

// Integers wrap exactly: compare with unsigned arithmetic done here.
template <class T>
void check_int(Isa isa, std::int64_t m, std::int64_t k, std::int64_t n) {
  using U = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  const auto av = random_values<T>(static_cast<std::size_t>(m * k), 21);
  const auto bv = random_values<T>(static_cast<std::size_t>(k * n), 22);
  Storage a = storage_of(av);
  Storage b = storage_of(bv);
  Storage out(kDTypeOf<T>, static_cast<std::size_t>(m * n));
  plan_matmul({out, 0, Shape{n, 1}, Shape{m, n}}, {a, 0, Shape{k, 1}, Shape{m, k}},
              {b, 0, Shape{n, 1}, Shape{k, n}}, table(isa))
      .run();
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      U sum = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        sum = static_cast<U>(sum + static_cast<U>(av[i * k + p]) * static_cast<U>(bv[p * n + j]));
      }
      ASSERT_EQ(data<T>(out)[i * n + j], static_cast<T>(sum)) << i << "," << j;
    }
  }
}

TEST_P(GemmIsa, IntegersWrap) {
  check_int<std::int8_t>(GetParam(), 17, 300, 19);
  check_int<std::int32_t>(GetParam(), 17, 30, 19);
  check_int<std::int64_t>(GetParam(), 65, 30, 9);
  check_int<std::uint16_t>(GetParam(), 5, 7, 3);
}

TEST_P(GemmIsa, BatchBroadcastAndThreadsGiveTheSameBits) {
  // a (3, 1, 40, 50) @ b (4, 50, 60): out (3, 4, 40, 60); b's batch broadcasts over a's.
  const Shape as{3, 1, 40, 50}, bs{4, 50, 60}, os{3, 4, 40, 60};
  Storage a = random_storage<float>(3 * 40 * 50, 5);
  Storage b = random_storage<float>(4 * 50 * 60, 6);
  Storage out1(DType::kFloat32, 3 * 4 * 40 * 60);
  Storage out2(DType::kFloat32, 3 * 4 * 40 * 60);
  const Shape ast{2000, 2000, 50, 1}, bst{3000, 60, 1}, ost{9600, 2400, 60, 1};
  const int before = num_threads();
  set_num_threads(1);
  plan_matmul({out1, 0, ost, os}, {a, 0, ast, as}, {b, 0, bst, bs}, table(GetParam())).run();
  set_num_threads(2);
  plan_matmul({out2, 0, ost, os}, {a, 0, ast, as}, {b, 0, bst, bs}, table(GetParam())).run();
  set_num_threads(before);
  EXPECT_TRUE(same_bytes(out1, out2));
  // One batch item against the 2-d product of the same slices.
  Storage single(DType::kFloat32, 40 * 60);
  plan_matmul({single, 0, Shape{60, 1}, Shape{40, 60}}, {a, 2 * 2000, Shape{50, 1}, Shape{40, 50}},
              {b, 1 * 3000, Shape{60, 1}, Shape{50, 60}}, table(GetParam()))
      .run();
  const float* o = data<float>(out1) + 2 * 9600 + 1 * 2400;
  for (std::int64_t i = 0; i < 40 * 60; ++i) ASSERT_EQ(o[i], data<float>(single)[i]) << i;
}

// a (m, k) @ b (k, n) into a fresh row-major (m, n) storage of dtype T, run at `threads` threads;
// a's strides are a_strides, b is row-major.
template <class T>
Storage product_at(int threads, Isa isa, Storage& a, Shape a_strides, Storage& b, std::int64_t m,
                   std::int64_t k, std::int64_t n) {
  Storage out(kDTypeOf<T>, static_cast<std::size_t>(m * n));
  const int before = num_threads();
  set_num_threads(threads);
  plan_matmul({out, 0, Shape{n, 1}, Shape{m, n}}, {a, 0, a_strides, Shape{m, k}},
              {b, 0, Shape{n, 1}, Shape{k, n}}, table(isa))
      .run();
  set_num_threads(before);
  return out;
}

TEST_P(GemmIsa, LargeThreadedProductIsBitIdentical) {
  const std::int64_t m = 301, k = 520, n = 333;
  Storage a = random_storage<double>(m * k, 7);
  Storage b = random_storage<double>(k * n, 8);
  const Shape a_strides{1, m};  // column-major A
  EXPECT_TRUE(same_bytes(product_at<double>(1, GetParam(), a, a_strides, b, m, k, n),
                         product_at<double>(2, GetParam(), a, a_strides, b, m, k, n)));
}

TEST_P(GemmIsa, SharedBInSeveralStepsIsBitIdentical) {
  // Threads share packed B for several depth blocks at once, up to 16 MiB (kSharedB in
  // src/gemm/driver.cpp): here two column blocks (n > nc) of 3 MiB per depth block, so k = 1300
  // takes two steps, the second shorter, each with several depth blocks; one thread packs B one
  // depth block at a time. Finite inputs, so sampled elements are also checked against double
  // sums (a step both paths skipped would give them the same wrong bits).
  const std::int64_t m = 490, k = 1300, n = 3100;
  const auto av = finite_values<float>(static_cast<std::size_t>(m * k), 9);
  const auto bv = finite_values<float>(static_cast<std::size_t>(k * n), 10);
  Storage a = storage_of(av);
  Storage b = storage_of(bv);
  const Shape a_strides{k, 1};
  Storage out1 = product_at<float>(1, GetParam(), a, a_strides, b, m, k, n);
  Storage out2 = product_at<float>(2, GetParam(), a, a_strides, b, m, k, n);
  EXPECT_TRUE(same_bytes(out1, out2));
  for (std::int64_t i : {std::int64_t{0}, std::int64_t{245}, m - 1}) {
    for (std::int64_t j : {std::int64_t{0}, std::int64_t{3071}, std::int64_t{3072}, n - 1}) {
      double want = 0;
      double scale = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        const double x = static_cast<double>(av[static_cast<std::size_t>(i * k + p)]) *
                         static_cast<double>(bv[static_cast<std::size_t>(p * n + j)]);
        want += x;
        scale += std::fabs(x);
      }
      const double got = static_cast<double>(data<float>(out2)[i * n + j]);
      ASSERT_NEAR(got, want, 2 * scale * epsilon_of<float>() * static_cast<double>(k + 1))
          << i << "," << j;
    }
  }
}

TEST_P(GemmIsa, EveryThreadSplitMatchesTheReference) {
  // Threaded sizes: one row block cut into column chunks (m < mc), row blocks sharing A's
  // micro-panels unevenly (m not a multiple of mr or of the block count), k over one kc block,
  // n over one nc block, and a thread's column chunk over one nc block (n = 6500); each at 1 to
  // 4 threads against the double-precision triple loop.
  struct Size {
    std::int64_t m, k, n;
  };
  const int before = num_threads();
  for (const Size s : {Size{7, 300, 200}, Size{64, 520, 333}, Size{301, 257, 130},
                       Size{1031, 300, 40}, Size{13, 40, 3100}, Size{5, 30, 6500}}) {
    for (int threads = 1; threads <= 4; ++threads) {
      set_num_threads(threads);
      check_matmul<float>(GetParam(), s.m, s.k, s.n, false, threads % 2 == 0);
    }
  }
  set_num_threads(before);
}

TEST_P(GemmIsa, ThinProductsReadingBInPlaceGiveThePackedBits) {
  // Up to 256 rows with row-major B, B's micro-panels are read in place (Note [Thin products]);
  // the same product from a column-major copy of B packs it. Both must give the same bits, at
  // one and two threads, with a partial last micro-panel (n = 1007) and k over one kc block.
  const std::int64_t k = 300, n = 1007;
  const auto bv = finite_values<float>(static_cast<std::size_t>(k * n), 14);
  std::vector<float> bt(bv.size());
  for (std::int64_t p = 0; p < k; ++p) {
    for (std::int64_t j = 0; j < n; ++j) bt[j * k + p] = bv[p * n + j];
  }
  Storage b = storage_of(bv);
  Storage b_cols = storage_of(bt);
  const int before = num_threads();
  for (const std::int64_t m : {5, 64, 256, 257}) {
    Storage a = storage_of(finite_values<float>(static_cast<std::size_t>(m * k), 13));
    for (const int threads : {1, 2}) {
      set_num_threads(threads);
      Storage in_place(DType::kFloat32, static_cast<std::size_t>(m * n));
      Storage packed(DType::kFloat32, static_cast<std::size_t>(m * n));
      const Shape out_strides{n, 1}, out_shape{m, n}, a_strides{k, 1}, a_shape{m, k};
      const Shape b_shape{k, n}, b_rows{n, 1}, b_columns{1, k};
      const MatmulOperand a_op{a, 0, a_strides, a_shape};
      plan_matmul({in_place, 0, out_strides, out_shape}, a_op, {b, 0, b_rows, b_shape},
                  table(GetParam()))
          .run();
      plan_matmul({packed, 0, out_strides, out_shape}, a_op, {b_cols, 0, b_columns, b_shape},
                  table(GetParam()))
          .run();
      EXPECT_TRUE(same_bytes(in_place, packed)) << "m=" << m << " threads=" << threads;
    }
  }
  set_num_threads(before);
}

INSTANTIATE_TEST_SUITE_P(Isas, GemmIsa, testing::ValuesIn(isas()), isa_label);

TEST(Gemm, MismatchNamesBothShapesAndTheDimension) {
  Storage a(DType::kFloat32, 6), b(DType::kFloat32, 8), out(DType::kFloat32, 8);
  try {
    matmul({out, 0, Shape{2, 1}, Shape{2, 2}}, {a, 0, Shape{3, 1}, Shape{2, 3}},
           {b, 0, Shape{2, 1}, Shape{4, 2}});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("(2, 3)"), std::string::npos) << what;
    EXPECT_NE(what.find("(4, 2)"), std::string::npos) << what;
    EXPECT_NE(what.find("dimension -1"), std::string::npos) << what;
  }
  Storage c(DType::kFloat64, 8);
  EXPECT_THROW(matmul({out, 0, Shape{2, 1}, Shape{2, 2}}, {a, 0, Shape{2, 1}, Shape{2, 2}},
                      {c, 0, Shape{2, 1}, Shape{2, 2}}),
               DTypeError);
  EXPECT_THROW(matmul({a, 0, Shape{2, 1}, Shape{2, 2}}, {a, 0, Shape{2, 1}, Shape{2, 2}},
                      {b, 0, Shape{2, 1}, Shape{2, 2}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace mg::test
