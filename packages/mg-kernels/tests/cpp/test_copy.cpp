// copy: every ISA against the scalar twin over all 169 dtype pairs and several layouts, plus the
// documented cast corners (truncation, NaN to 0, saturation, integer wrap).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "mg/kernels/elementwise.hpp"
#include "mg/plan.hpp"
#include "mg/simd/vec_scalar.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

void run_copy(const kernels::KernelTable& t, Storage& out, const View& vo, Storage& src,
              const View& vs, const Shape& shape) {
  plan_copy({out, vo.offset, vo.strides}, {src, vs.offset, vs.strides}, shape, t).run();
}

class CopyIsa : public testing::TestWithParam<Isa> {};

struct Layout2 {
  Shape shape;
  View out;
  View src;
};

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

// Every start offset 0..31 and length 0..67, for the dtypes of each width and kind (issue 9),
// against the per-element cast and with the bytes around the written range untouched.
TEST_P(CopyIsa, MisalignedStartsAndTailsCastEachElement) {
  for_each_of<std::int8_t, std::uint16_t, std::int64_t, Half, float>([&](auto from_tag) {
    using S = typename decltype(from_tag)::type;
    for_each_of<std::int8_t, std::uint16_t, std::int64_t, Half, float>([&](auto to_tag) {
      using D = typename decltype(to_tag)::type;
      const std::vector<S> in = random_values<S>(100, 3);
      Storage src = storage_of(in);
      for (std::int64_t start = 0; start < 32; ++start) {
        for (std::int64_t n = 0; n <= 67; ++n) {
          const std::vector<D> before = random_values<D>(100, 4);
          Storage out = storage_of(before);
          const std::int64_t src_start = (start * 7) % 32;
          run_copy(table(GetParam()), out, {start, {1}}, src, {src_start, {1}}, {n});
          std::vector<D> want = before;
          for (std::int64_t i = 0; i < n; ++i) {
            want[static_cast<std::size_t>(start + i)] =
                kernels::cast<simd::scalar::Family, D>(in[static_cast<std::size_t>(src_start + i)]);
          }
          // Bytes, not ==: NaN payloads must match too.
          ASSERT_EQ(std::memcmp(out.data(), want.data(), out.nbytes()), 0)
              << dtype_name(kDTypeOf<S>) << " -> " << dtype_name(kDTypeOf<D>) << " start " << start
              << " n " << n;
        }
      }
    });
  });
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

TEST_P(CopyIsa, UnsignedAndSmallIntsSaturateAndWrap) {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const Isa isa = GetParam();
  expect_cast<std::uint8_t, double>(isa, {2.9, -0.9, -1.0, 255.9, 256.0, kNan, kInf, -kInf},
                                    {2, 0, 0, 255, 255, 0, 255, 0});
  expect_cast<std::uint64_t, float>(isa, {0x1.8p63f, 2e19f, -5.0f},
                                    {13835058055282163712u, UINT64_MAX, 0});
  expect_cast<std::int8_t, float>(isa, {127.9f, 128.0f, -128.9f, -129.0f}, {127, 127, -128, -128});
  expect_cast<std::int8_t, std::int32_t>(isa, {255, 128, -129}, {-1, -128, 127});
  expect_cast<std::uint16_t, std::int64_t>(isa, {-1, 65536 + 7}, {65535, 7});
}

TEST_P(CopyIsa, BoolCastsAreNonzeroTestsAndZeroOrOne) {
  const Isa isa = GetParam();
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  expect_cast<Bool, double>(isa, {0.0, -0.0, 0.5, kNan, -3.0}, {{0}, {0}, {1}, {1}, {1}});
  expect_cast<Bool, std::int8_t>(isa, {0, -1, 2}, {{0}, {1}, {1}});
  expect_cast<Bool, Half>(isa, {{0x8000}, {0x0001}, {0x7e00}}, {{0}, {1}, {1}});
  expect_cast<float, Bool>(isa, {{0}, {1}, {7}}, {0.0f, 1.0f, 1.0f});
  expect_cast<Half, Bool>(isa, {{0}, {3}}, {{0x0000}, {0x3c00}});
}

TEST_P(CopyIsa, NarrowFloatsRoundLikeNumPyAndMlDtypes) {
  const Isa isa = GetParam();
  // ml_dtypes: int and float64 -> bfloat16 go through float32 (two roundings).
  expect_cast<BFloat16, std::int32_t>(isa, {16842753, 300}, {{0x4b80}, {0x4396}});
  expect_cast<BFloat16, double>(isa, {1.0 + 0x1p-8 + 0x1p-40}, {{0x3f80}});
  // NumPy: float64 -> float16 rounds once.
  expect_cast<Half, double>(isa, {1.0 + 0x1p-11 + 0x1p-40, 65520.0, 65519.99},
                            {{0x3c01}, {0x7c00}, {0x7bff}});
  // ml_dtypes: a bfloat16 NaN becomes float16's quiet NaN 0x7e00 with its sign.
  expect_cast<Half, BFloat16>(isa, {{0x7f81}, {0xffc1}, {0x3f81}}, {{0x7e00}, {0xfe00}, {0x3c08}});
  expect_cast<std::int64_t, Half>(isa, {{0x7bff}, {0xfc00}, {0x7e00}, {0xbe00}},
                                  {65504, INT64_MIN, 0, -1});
}

// Strided rows long enough for the buffered vector path and transposes large enough for the
// tiles (Note [Strided casts through a buffer]), every pair, against the scalar twin.
TEST_P(CopyIsa, LongStridedAndTransposedCastsMatchScalarTwin) {
  struct Layout {
    Shape shape;
    View out;
    View src;
  };
  const std::vector<Layout> layouts = {
      {{600}, {3, {1}}, {1, {2}}},                             // step-2 src, two buffer blocks
      {{300}, {1199, {-3}}, {7, {1}}},                         // reversed strided out
      {{517}, {2, {2}}, {1600, {-3}}},                         // both strided, odd block tail
      {{70, 67}, {5, {67, 1}}, {2, {1, 70}}},                  // transposed: tiles
      {{2, 65, 66}, {0, {66 * 65, 66, 1}}, {9, {1, 2, 130}}},  // batched transpose
  };
  for (DType to : kAllDTypes) {
    for (DType from : kAllDTypes) {
      visit_dtype(from, [&](auto tag) {
        using S = typename decltype(tag)::type;
        for (const Layout& l : layouts) {
          Storage src = random_storage<S>(9000, 33);
          Storage scalar(to, 9000);
          Storage got(to, 9000);
          run_copy(scalar_table(), scalar, l.out, src, l.src, l.shape);
          run_copy(table(GetParam()), got, l.out, src, l.src, l.shape);
          EXPECT_TRUE(same_bytes(got, scalar))
              << dtype_name(from) << " -> " << dtype_name(to) << " shape " << text(l.shape);
        }
      });
    }
  }
}

// Edge values through the vector paths: contiguous (as long vectors), step-2 and transposed,
// against kernels::cast one element at a time.
template <class To, class From>
void expect_edges_like_scalar(Isa isa, std::vector<From> edges) {
  // Pad to 64 x 64 with rotations of the edge list, so every vector lane meets every value.
  std::vector<From> in;
  for (std::size_t i = 0; in.size() < 64 * 64 * 2; ++i) {
    in.push_back(edges[(i * 7 + i / edges.size()) % edges.size()]);
  }
  Storage src = storage_of(in);
  const std::vector<Layout2> layouts = {
      {{4096}, {0, {1}}, {0, {1}}},
      {{2048}, {0, {1}}, {1, {2}}},
      {{64, 64}, {0, {64, 1}}, {0, {1, 64}}},
  };
  for (const Layout2& l : layouts) {
    Storage out(kDTypeOf<To>, 4096);
    run_copy(table(isa), out, l.out, src, l.src, l.shape);
    const std::vector<To> got = values_of<To>(out);
    Storage want_s(kDTypeOf<To>, 4096);
    run_copy(scalar_table(), want_s, l.out, src, l.src, l.shape);
    const std::vector<To> want = values_of<To>(want_s);
    ASSERT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(To)), 0)
        << dtype_name(kDTypeOf<From>) << " -> " << dtype_name(kDTypeOf<To>) << " shape "
        << text(l.shape);
  }
  // And the scalar twin itself is kernels::cast, element by element (contiguous layout).
  Storage out(kDTypeOf<To>, in.size());
  run_copy(table(isa), out, {0, {1}}, src, {0, {1}}, {static_cast<std::int64_t>(in.size())});
  const std::vector<To> got = values_of<To>(out);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const To want = kernels::cast<simd::scalar::Family, To>(in[i]);
    ASSERT_EQ(std::memcmp(&got[i], &want, sizeof(To)), 0)
        << dtype_name(kDTypeOf<From>) << " -> " << dtype_name(kDTypeOf<To>) << " at " << i;
  }
}

float float_bits(std::uint32_t bits) { return std::bit_cast<float>(bits); }
double double_bits(std::uint64_t bits) { return std::bit_cast<double>(bits); }

TEST_P(CopyIsa, VectorCastPathsKeepEdgeValues) {
  const Isa isa = GetParam();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr float kInfF = std::numeric_limits<float>::infinity();
  constexpr std::int64_t kMin64 = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax64 = std::numeric_limits<std::int64_t>::max();
  // float32 -> bfloat16 (AVX512-BF16 on CPUs that have it): NaNs with payloads, signalling NaNs,
  // subnormals (which the instruction flushes), halfway points both ways, overflow to inf.
  const std::vector<float> f32_edges = {0.0f,
                                        -0.0f,
                                        kInfF,
                                        -kInfF,
                                        float_bits(0x7fc00000),
                                        float_bits(0xffc00001),
                                        float_bits(0x7f800001),
                                        float_bits(0xff812345),
                                        float_bits(0x7fbfffff),
                                        float_bits(0x00000001),
                                        float_bits(0x80000001),
                                        float_bits(0x007fffff),
                                        float_bits(0x807f8000),
                                        float_bits(0x00008000),
                                        float_bits(0x00018000),
                                        float_bits(0x00800000),
                                        float_bits(0x3f808000),
                                        float_bits(0x3f818000),
                                        float_bits(0x3f808001),
                                        float_bits(0xbf80ffff),
                                        float_bits(0x7f7fffff),
                                        float_bits(0xff7f8000),
                                        float_bits(0x7f7f7fff),
                                        1.0f,
                                        -1.5f,
                                        3e38f,
                                        1e-38f,
                                        2147483648.0f,
                                        -2147483904.0f,
                                        2147483520.0f,
                                        16777217.0f,
                                        0.5f,
                                        -0.99f,
                                        255.5f,
                                        256.0f,
                                        -129.0f};
  expect_edges_like_scalar<BFloat16, float>(isa, f32_edges);
  expect_edges_like_scalar<Half, float>(isa, f32_edges);
  expect_edges_like_scalar<std::int32_t, float>(isa, f32_edges);
  expect_edges_like_scalar<std::uint8_t, float>(isa, f32_edges);
  // int64 <-> float64 (explicit AVX2 code): rounding of values above 2**53, the 32-bit split.
  expect_edges_like_scalar<double, std::int64_t>(isa, {0,
                                                       1,
                                                       -1,
                                                       kMax64,
                                                       kMin64,
                                                       kMax64 - 1,
                                                       kMin64 + 1,
                                                       (std::int64_t{1} << 53) + 1,
                                                       -(std::int64_t{1} << 53) - 1,
                                                       (std::int64_t{1} << 53) + 3,
                                                       std::int64_t{1} << 32,
                                                       -(std::int64_t{1} << 32),
                                                       0xffffffff,
                                                       -0xffffffffLL,
                                                       0x7fffffff,
                                                       -0x80000000LL,
                                                       (std::int64_t{1} << 62) + (1 << 9),
                                                       (std::int64_t{1} << 62) + (1 << 9) + 1,
                                                       (std::int64_t{1} << 62) + (3 << 9),
                                                       0x123456789abcdefLL,
                                                       -0x123456789abcdefLL});
  expect_edges_like_scalar<std::int64_t, double>(isa, {0.0,
                                                       -0.0,
                                                       0.5,
                                                       -0.5,
                                                       1.5,
                                                       -1.5,
                                                       0x1p63,
                                                       -0x1p63,
                                                       0x1p63 - 1024,
                                                       -0x1p63 + 1024,
                                                       0x1p64,
                                                       -0x1p64,
                                                       kInf,
                                                       -kInf,
                                                       std::numeric_limits<double>::quiet_NaN(),
                                                       double_bits(0xfff0000000000001),
                                                       double_bits(1),
                                                       double_bits(0x8000000000000001),
                                                       1e300,
                                                       -1e300,
                                                       0x1p32,
                                                       -0x1p32,
                                                       0x1p32 - 0.5,
                                                       -0x1p32 + 0.5,
                                                       0x1p52 + 1,
                                                       -0x1p52 - 1,
                                                       4294967295.75,
                                                       -4294967296.25,
                                                       0x1.fffffffffffffp62,
                                                       -0x1.fffffffffffffp62});
  expect_edges_like_scalar<float, std::int32_t>(
      isa, {0, 1, -1, 16777217, -16777219, std::numeric_limits<std::int32_t>::max(),
            std::numeric_limits<std::int32_t>::min(), 0x7fffffbf, 0x7fffffc0});
  expect_edges_like_scalar<float, std::uint8_t>(isa, {0, 1, 127, 128, 254, 255});
  // Exact expectations for the int64 <-> float64 corners (the scalar twin is checked above).
  expect_cast<double, std::int64_t>(
      isa, {kMax64, kMin64, (std::int64_t{1} << 53) + 1, (std::int64_t{1} << 53) + 3, -1},
      {0x1p63, -0x1p63, 0x1p53, 0x1p53 + 4, -1.0});
  expect_cast<std::int64_t, double>(
      isa,
      {0x1p63, -0x1p63, 0x1p64, -kInf, std::numeric_limits<double>::quiet_NaN(), -1.5,
       4294967295.75, -4294967296.25},
      {kMax64, kMin64, kMax64, kMin64, 0, -1, 4294967295, -4294967296});
}

INSTANTIATE_TEST_SUITE_P(Isas, CopyIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
