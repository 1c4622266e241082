// copy: every ISA against the scalar twin over all 16 dtype pairs and several layouts, plus the
// documented cast corners (truncation, NaN to 0, saturation, integer wrap).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

void run_copy(const kernels::KernelTable& t, Storage& out, const View& vo, Storage& src,
              const View& vs, const Shape& shape) {
  plan_copy({out, vo.offset, vo.strides}, {src, vs.offset, vs.strides}, shape, t).run();
}

class CopyIsa : public testing::TestWithParam<Isa> {};

TEST_P(CopyIsa, AllDtypePairsMatchScalarTwin) {
  struct Layout {
    Shape shape;
    View out;
    View src;
  };
  const std::vector<Layout> layouts = {
      {{67}, {3, {1}}, {5, {1}}},              // contiguous, misaligned
      {{67}, {0, {1}}, {9, {0}}},              // broadcast fill
      {{5, 9}, {0, {9, 1}}, {0, {1, 5}}},      // transpose
      {{5, 9}, {44, {-9, -1}}, {0, {18, 2}}},  // reversed out, strided src
      {{3, 1, 13}, {0, {13, 13, 1}}, {38, {-13, 0, -1}}},
  };
  for (DType to : kAllDTypes) {
    for (DType from : kAllDTypes) {
      visit_dtype(from, [&](auto tag) {
        using S = typename decltype(tag)::type;
        for (const Layout& l : layouts) {
          Storage src = random_storage<S>(100, 21);
          Storage scalar(to, 100);
          Storage got(to, 100);
          run_copy(scalar_table(), scalar, l.out, src, l.src, l.shape);
          run_copy(table(GetParam()), got, l.out, src, l.src, l.shape);
          EXPECT_TRUE(same_bytes(got, scalar))
              << dtype_name(from) << " -> " << dtype_name(to) << " shape " << text(l.shape);
        }
      });
    }
  }
}

template <class To, class From>
void expect_cast(Isa isa, const std::vector<From>& in, const std::vector<To>& expected) {
  Storage src = storage_of(in);
  Storage out(kDTypeOf<To>, in.size());
  const auto n = static_cast<std::int64_t>(in.size());
  run_copy(table(isa), out, {0, {1}}, src, {0, {1}}, {n});
  EXPECT_EQ(values_of<To>(out), expected)
      << dtype_name(kDTypeOf<From>) << " -> " << dtype_name(kDTypeOf<To>);
}

TEST_P(CopyIsa, FloatToIntTruncatesSaturatesAndZeroesNan) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  constexpr std::int32_t kMin32 = std::numeric_limits<std::int32_t>::min();
  constexpr std::int32_t kMax32 = std::numeric_limits<std::int32_t>::max();
  constexpr std::int64_t kMin64 = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax64 = std::numeric_limits<std::int64_t>::max();
  const Isa isa = GetParam();
  expect_cast<std::int32_t, double>(
      isa,
      {2.9, -2.9, -0.5, kNan, kInf, -kInf, 1e10, -1e10, 2147483647.9, -2147483648.9, 2147483648.0,
       -2147483649.0},
      {2, -2, 0, 0, kMax32, kMin32, kMax32, kMin32, kMax32, kMin32, kMax32, kMin32});
  expect_cast<std::int32_t, float>(
      isa, {2.9f, -2.9f, static_cast<float>(kNan), 2147483648.0f, -2147483648.0f, 3e9f, -3e9f},
      {2, -2, 0, kMax32, kMin32, kMax32, kMin32});
  expect_cast<std::int64_t, double>(
      isa, {kNan, 9.3e18, -9.3e18, 9223372036854775808.0, -9223372036854775808.0, 1e300, -0.9},
      {0, kMax64, kMin64, kMax64, kMin64, kMax64, 0});
  expect_cast<std::int64_t, float>(isa, {1e19f, -1e19f, static_cast<float>(kNan), 16777217.0f},
                                   {kMax64, kMin64, 0, 16777216});
}

TEST_P(CopyIsa, IntegerNarrowingWrapsAndFloatRoundsToNearest) {
  const Isa isa = GetParam();
  expect_cast<std::int32_t, std::int64_t>(isa,
                                          {(std::int64_t{1} << 32) + 5, std::int64_t{1} << 31, -1},
                                          {5, std::numeric_limits<std::int32_t>::min(), -1});
  expect_cast<float, std::int32_t>(isa, {16777217, -16777219}, {16777216.0f, -16777220.0f});
  expect_cast<float, double>(
      isa, {1e300, -1e300, 0.1},
      {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(), 0.1f});
}

INSTANTIATE_TEST_SUITE_P(Isas, CopyIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
