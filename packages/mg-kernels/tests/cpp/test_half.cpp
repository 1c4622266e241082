// Half and BFloat16: all 65,536 bit patterns, every halfway point, and every ISA's copy kernel
// (F16C on AVX2) against the scalar conversions. NumPy/ml_dtypes themselves are the oracle of the
// Python tests (tests/python/test_half.py); here the properties are checked independently.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "mg/half.hpp"
#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

std::uint32_t bits_of(float x) { return __builtin_bit_cast(std::uint32_t, x); }
float float_of(std::uint32_t b) { return __builtin_bit_cast(float, b); }

bool is_nan_half(std::uint16_t h) { return (h & 0x7fffu) > 0x7c00u; }

// The value of a finite half, from the definition (no bit tricks).
double half_value(std::uint16_t h) {
  const int exp = (h >> 10) & 0x1f;
  const int mant = h & 0x3ff;
  const double magnitude = exp == 0 ? std::ldexp(mant, -24) : std::ldexp(1024 + mant, exp - 25);
  return (h & 0x8000u) != 0 ? -magnitude : magnitude;
}

TEST(Half, AllPatternsWidenExactlyAndRoundTrip) {
  for (std::uint32_t i = 0; i < 65536; ++i) {
    const Half h{static_cast<std::uint16_t>(i)};
    const float f = half_to_float(h);
    const double d = half_to_double(h);
    if (is_nan_half(h.bits)) {
      EXPECT_TRUE(std::isnan(f) && std::isnan(d)) << i;
      // NumPy keeps the payload (shifted) and never sets the quiet bit.
      EXPECT_EQ(bits_of(f), ((i & 0x8000u) << 16) | 0x7f800000u | ((i & 0x3ffu) << 13)) << i;
    } else if ((i & 0x7fffu) == 0x7c00u) {
      EXPECT_TRUE(std::isinf(f) && std::isinf(d) && std::signbit(f) == ((i & 0x8000u) != 0));
    } else {
      EXPECT_EQ(static_cast<double>(f), half_value(h.bits)) << i;
      EXPECT_EQ(d, half_value(h.bits)) << i;
      EXPECT_EQ(std::signbit(f), (i & 0x8000u) != 0) << i;
    }
    EXPECT_EQ(half_from_float(f).bits, h.bits) << i;
    EXPECT_EQ(half_from_double(d).bits, h.bits) << i;
  }
}

// Between two adjacent finite halves: the midpoint goes to the one with an even mantissa, a
// float (or double) ulp either side goes to the nearer one. Covers subnormals and the top
// (65504 + 16 = 65520 is the midpoint to "65536", i.e. it rounds to inf).
TEST(Half, HalfwayPointsRoundToNearestEven) {
  for (std::uint32_t i = 0; i < 0x7c00u; ++i) {
    for (std::uint32_t sign : {0u, 0x8000u}) {
      const auto lo = static_cast<std::uint16_t>(i | sign);
      const auto hi = static_cast<std::uint16_t>((i + 1) | sign);
      const double mid =
          (half_value(lo) +
           (i + 1 == 0x7c00u ? std::copysign(65536.0, half_value(lo)) : half_value(hi))) /
          2;
      const std::uint16_t even = (lo & 1u) == 0 ? lo : hi;
      const auto fmid = static_cast<float>(mid);
      ASSERT_EQ(static_cast<double>(fmid), mid);
      EXPECT_EQ(half_from_float(fmid).bits, even) << i;
      EXPECT_EQ(half_from_double(mid).bits, even) << i;
      const double toward_lo = std::nextafter(mid, 0.0);
      const double toward_hi = std::nextafter(mid, std::copysign(1e9, mid));
      EXPECT_EQ(half_from_double(toward_lo).bits, lo) << i;
      EXPECT_EQ(half_from_double(toward_hi).bits, hi) << i;
      EXPECT_EQ(half_from_float(std::nextafter(fmid, 0.0f)).bits, lo) << i;
      EXPECT_EQ(half_from_float(std::nextafter(fmid, std::copysign(1e9f, fmid))).bits, hi) << i;
    }
  }
}

TEST(Half, NanPayloadsSignsAndOverflow) {
  EXPECT_EQ(half_from_float(float_of(0x7f800001u)).bits, 0x7c01u);  // kept bits 0: payload 1
  EXPECT_EQ(half_from_float(float_of(0x7fa00000u)).bits, 0x7d00u);  // signalling stays so
  EXPECT_EQ(half_from_float(float_of(0xffc00000u)).bits, 0xfe00u);
  EXPECT_EQ(half_from_double(std::nan("")).bits & 0x7e00u, 0x7e00u);
  EXPECT_EQ(half_from_float(1e10f).bits, 0x7c00u);
  EXPECT_EQ(half_from_float(-1e10f).bits, 0xfc00u);
  EXPECT_EQ(half_from_double(1e300).bits, 0x7c00u);
  EXPECT_EQ(half_from_double(1e-300).bits, 0x0000u);
  EXPECT_EQ(half_from_double(-1e-300).bits, 0x8000u);
  EXPECT_EQ(half_from_float(float_of(0x00000001u)).bits, 0x0000u);  // float subnormal
  // A double just above a half tie, whose float rounding would land exactly on the tie:
  // float16 must round from the double directly (NumPy), not through float32.
  const double above_tie = 1.0 + 0x1p-11 + 0x1p-40;
  EXPECT_EQ(half_from_double(above_tie).bits, 0x3c01u);
  EXPECT_EQ(half_from_float(static_cast<float>(above_tie)).bits, 0x3c00u);
}

TEST(BFloat16, AllPatternsWidenExactlyAndRoundTrip) {
  for (std::uint32_t i = 0; i < 65536; ++i) {
    const BFloat16 b{static_cast<std::uint16_t>(i)};
    const float f = bfloat16_to_float(b);
    EXPECT_EQ(bits_of(f), i << 16) << i;
    const bool nan = (i & 0x7fffu) > 0x7f80u;
    EXPECT_EQ(bfloat16_from_float(f).bits, nan ? ((i & 0x8000u) | 0x7fc0u) : i) << i;
  }
}

TEST(BFloat16, HalfwayPointsRoundToNearestEvenAndNanIsQuiet) {
  for (std::uint32_t i = 0; i < 0x7f80u; ++i) {
    for (std::uint32_t sign : {0u, 0x8000u}) {
      const std::uint32_t lo = i | sign;
      const std::uint32_t mid = (lo << 16) | 0x8000u;
      const std::uint32_t even = (lo & 1u) == 0 ? lo : lo + 1;
      EXPECT_EQ(bfloat16_from_float(float_of(mid)).bits, even) << i;
      EXPECT_EQ(bfloat16_from_float(float_of(mid - 1)).bits, lo) << i;
      EXPECT_EQ(bfloat16_from_float(float_of(mid + 1)).bits, lo + 1) << i;
    }
  }
  EXPECT_EQ(bfloat16_from_float(float_of(0x7f800001u)).bits, 0x7fc0u);
  EXPECT_EQ(bfloat16_from_float(float_of(0xff800001u)).bits, 0xffc0u);
  EXPECT_EQ(bfloat16_from_float(float_of(0x7f7fffffu)).bits, 0x7f80u);  // FLT_MAX rounds to inf
}

// Every ISA's copy kernel (F16C, the bfloat16 integer path) against the scalar conversions, for
// every 16-bit pattern one way and for every halfway point plus random float bits the other.
class HalfIsa : public testing::TestWithParam<Isa> {};

template <class To, class From>
std::vector<To> copy_all(Isa isa, const std::vector<From>& in) {
  Storage src = storage_of(in);
  Storage out(kDTypeOf<To>, in.size());
  const auto n = static_cast<std::int64_t>(in.size());
  plan_copy({out, 0, {{1}}}, {src, 0, {{1}}}, Shape{n}, table(isa)).run();
  return values_of<To>(out);
}

TEST_P(HalfIsa, CopyKernelsMatchTheScalarConversionsBitForBit) {
  std::vector<Half> halves(65536);
  std::vector<BFloat16> bhalves(65536);
  for (std::uint32_t i = 0; i < 65536; ++i) {
    halves[i] = Half{static_cast<std::uint16_t>(i)};
    bhalves[i] = BFloat16{static_cast<std::uint16_t>(i)};
  }
  const auto widened = copy_all<float>(GetParam(), halves);
  const auto bwidened = copy_all<float>(GetParam(), bhalves);
  for (std::uint32_t i = 0; i < 65536; ++i) {
    ASSERT_EQ(bits_of(widened[i]), bits_of(half_to_float(halves[i]))) << i;
    ASSERT_EQ(bits_of(bwidened[i]), bits_of(bfloat16_to_float(bhalves[i]))) << i;
  }
  std::vector<float> floats;
  for (std::uint32_t i = 0; i < 0x7c00u; ++i) {
    const float mid = (half_to_float(Half{static_cast<std::uint16_t>(i)}) +
                       half_to_float(Half{static_cast<std::uint16_t>(i + 1)})) /
                      2;
    floats.insert(floats.end(), {mid, -mid, std::nextafter(mid, 0.0f)});
    floats.push_back(float_of((i << 16) | 0x8000u));  // bfloat16 ties
  }
  std::mt19937 rng(7);
  for (int k = 0; k < 200000; ++k) floats.push_back(float_of(static_cast<std::uint32_t>(rng())));
  const auto narrowed = copy_all<Half>(GetParam(), floats);
  const auto bnarrowed = copy_all<BFloat16>(GetParam(), floats);
  for (std::size_t k = 0; k < floats.size(); ++k) {
    ASSERT_EQ(narrowed[k].bits, half_from_float(floats[k]).bits) << std::hex << bits_of(floats[k]);
    ASSERT_EQ(bnarrowed[k].bits, bfloat16_from_float(floats[k]).bits)
        << std::hex << bits_of(floats[k]);
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, HalfIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
