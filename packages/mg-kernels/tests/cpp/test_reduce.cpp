// reduce_sum: accuracy of pairwise summation, agreement between ISAs, reduced axes in any
// position, integer wrap.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

void run_sum(const kernels::KernelTable& t, Storage& out, const View& vo, Storage& src,
             const View& vs, const Shape& shape) {
  plan_reduce_sum({out, vo.offset, vo.strides}, {src, vs.offset, vs.strides}, shape, t).run();
}

// The exact-ish sum in long double, as the oracle.
template <class T>
long double exact_sum(const std::vector<T>& v) {
  long double s = 0;
  for (T x : v) s += x;
  return s;
}

class ReduceIsa : public testing::TestWithParam<Isa> {};

TEST_P(ReduceIsa, PairwiseFloat32IsFarBetterThanNaive) {
  // Naive float32 accumulation of 10**6 values near 0.1 is off by about 1e-3 relative;
  // pairwise summation stays within a few float32 ulps.
  const std::size_t n = 1'000'000;
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.1f + static_cast<float>(i % 7) * 1e-3f;
  Storage src = storage_of(v);
  for (const View& vs : {View{0, {1}}, View{999'999, {-1}}}) {
    Storage out(DType::kFloat32, 1);
    run_sum(table(GetParam()), out, {0, {0}}, src, vs, {static_cast<std::int64_t>(n)});
    const long double exact = exact_sum(v);
    const long double got = values_of<float>(out)[0];
    EXPECT_LT(std::fabs(static_cast<double>((got - exact) / exact)), 2e-6) << text(vs);
  }
}

TEST_P(ReduceIsa, RowSumsOfEveryLengthMatchTheExactSum) {
  for (std::int64_t n = 0; n <= 300; ++n) {
    std::vector<double> v = random_values<double>(static_cast<std::size_t>(n), 3);
    Storage src = storage_of(v);
    Storage out(DType::kFloat64, 1);
    run_sum(table(GetParam()), out, {0, {0}}, src, {0, {1}}, {n});
    long double abs_sum = 0;
    for (double x : v) abs_sum += std::fabs(x);
    const double tolerance = 8 * 1.1e-16 * static_cast<double>(abs_sum);
    EXPECT_NEAR(values_of<double>(out)[0], static_cast<double>(exact_sum(v)), tolerance)
        << "n = " << n;
  }
}

TEST_P(ReduceIsa, AxesInAnyPositionAgreeWithScalarTwin) {
  struct Layout {
    Shape shape;
    View out;
    View src;
    std::size_t out_size;
  };
  const std::vector<Layout> layouts = {
      {{6, 37}, {0, {0, 1}}, {0, {37, 1}}, 37},     // reduce outer: row adds
      {{6, 37}, {0, {1, 0}}, {0, {37, 1}}, 6},      // reduce inner: pairwise rows
      {{6, 37}, {0, {0, 0}}, {221, {-37, -1}}, 1},  // reduce all, reversed
      {{6, 37}, {0, {1, 0}}, {0, {1, 6}}, 6},       // reduce inner, transposed src
      {{4, 3, 50}, {0, {3, 1, 0}}, {0, {150, 50, 1}}, 12},
      {{4, 3, 50}, {0, {0, 1, 0}}, {0, {1, 200, 4}}, 3},
  };
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (const Layout& l : layouts) {
      Storage src = random_storage<T>(600, 8);
      Storage scalar = random_storage<T>(l.out_size, 9);
      Storage got = clone(scalar);
      run_sum(scalar_table(), scalar, l.out, src, l.src, l.shape);
      run_sum(table(GetParam()), got, l.out, src, l.src, l.shape);
      const auto want = values_of<T>(scalar);
      const auto have = values_of<T>(got);
      for (std::size_t i = 0; i < want.size(); ++i) {
        if constexpr (std::is_integral_v<T> || std::is_same_v<T, Bool>) {
          EXPECT_EQ(have[i], want[i]) << text(l.shape) << " at " << i;
        } else {
          double abs_sum = 0;
          for (T x : values_of<T>(src)) {
            if (std::isfinite(as_double(x))) abs_sum += std::fabs(as_double(x));
          }
          // Different summation orders: bounded by a few ulps of the sum of magnitudes.
          const double tolerance = 64 * epsilon_of<T>() * abs_sum;
          const double w = as_double(want[i]);
          const double g = as_double(have[i]);
          if (std::isnan(w) || std::isinf(w)) {
            EXPECT_EQ(std::isnan(g), std::isnan(w)) << text(l.shape) << " at " << i;
          } else {
            EXPECT_NEAR(g, w, tolerance) << text(l.shape) << " at " << i;
          }
        }
      }
    }
  });
}

// Every start offset 0..31 and length 0..67 (issue 9): each ISA against the sum in double of
// the same elements (exact for the integers' wrapped sum, a few ulps for the floats), and the
// neighbours of the output element untouched.
TEST_P(ReduceIsa, MisalignedStartsAndLengths) {
  for_each_of<std::int8_t, std::uint16_t, std::int64_t, Half, float>([&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> in = random_values<T>(100, 5);
    if constexpr (kNarrowFloat<T>) {  // finite values, so the float comparison is meaningful
      for (T& x : in) {
        if (!std::isfinite(as_double(x))) x = T{0};
      }
    }
    Storage src = storage_of(in);
    for (std::int64_t start = 0; start < 32; ++start) {
      for (std::int64_t n = 0; n <= 67; ++n) {
        Storage out(kDTypeOf<T>, 3);
        run_sum(table(GetParam()), out, {1, {0}}, src, {start, {1}}, {n});
        const std::vector<T> got = values_of<T>(out);
        EXPECT_EQ(as_double(got[0]), 0.0);
        EXPECT_EQ(as_double(got[2]), 0.0);
        if constexpr (std::is_integral_v<T>) {
          std::uint64_t sum = 0;
          for (std::int64_t i = 0; i < n; ++i) sum += static_cast<std::uint64_t>(in[start + i]);
          EXPECT_EQ(got[1], static_cast<T>(sum)) << "start " << start << " n " << n;
        } else {
          double sum = 0;
          double magnitude = 0;
          for (std::int64_t i = 0; i < n; ++i) {
            sum += as_double(in[start + i]);
            magnitude += std::fabs(as_double(in[start + i]));
          }
          // Sums in float32, then one rounding to T.
          const double tolerance =
              4 * static_cast<double>(n) * 0x1p-24 * magnitude + epsilon_of<T>() * std::fabs(sum);
          EXPECT_NEAR(as_double(got[1]), sum, tolerance) << "start " << start << " n " << n;
        }
      }
    }
  });
}

TEST_P(ReduceIsa, IntegerSumsWrapAndAddIntoOut) {
  const std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
  Storage src = storage_of(std::vector<std::int32_t>(100, kMax));
  Storage out = storage_of<std::int32_t>({5});
  run_sum(table(GetParam()), out, {0, {0}}, src, {0, {1}}, {100});
  // 100 * (2**31 - 1) + 5 modulo 2**32, as a signed value: -100 + 5.
  EXPECT_EQ(values_of<std::int32_t>(out)[0], -95);
}

INSTANTIATE_TEST_SUITE_P(Isas, ReduceIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
