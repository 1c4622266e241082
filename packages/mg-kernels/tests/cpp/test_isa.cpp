// ISA registry: availability, names, switching.
#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mg/isa.hpp"
#include "mg/kernels/table.hpp"
#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg {
namespace {

TEST(Isa, ScalarIsAlwaysAvailableAndFirst) {
  const auto isas = available_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), Isa::kScalar);
  EXPECT_TRUE(cpu_supports(Isa::kScalar));
  EXPECT_TRUE(isa_compiled(Isa::kScalar));
}

TEST(Isa, AvailableIsasHaveTablesOfTheirOwn) {
  for (Isa isa : available_isas()) {
    const kernels::KernelTable* table = kernels::compiled_table(isa);
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(table->isa, isa);
    EXPECT_EQ(parse_isa(isa_name(isa)), isa);
  }
}

TEST(Isa, DefaultIsTheBestAndSetIsaSwitches) {
  const auto isas = available_isas();
  EXPECT_EQ(active_isa(), isas.back());
  set_isa("scalar");
  EXPECT_EQ(active_isa(), Isa::kScalar);
  EXPECT_EQ(kernels::active_table().isa, Isa::kScalar);
  set_isa(isa_name(isas.back()));
  EXPECT_EQ(active_isa(), isas.back());
}

TEST(Isa, UnknownNamesFailListingTheAvailableOnes) {
  try {
    set_isa("sse9");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'sse9'"), std::string::npos);
    EXPECT_NE(what.find(available_isa_names()), std::string::npos);
  }
}

TEST(Isa, NamesRoundTripAndAreIdentifiers) {
  for (Isa isa : kAllIsas) {
    const std::string_view name = isa_name(isa);
    EXPECT_EQ(parse_isa(name), isa) << name;
    // GoogleTest parameter names and C++ namespaces: letters, digits, underscores only.
    for (char c : name) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) != 0) << name;
  }
  EXPECT_EQ(isa_name(Isa::kSse41), "sse41");
  EXPECT_EQ(isa_name(Isa::kAvx512), "avx512");
  EXPECT_EQ(parse_isa("sse4.1"), std::nullopt);
}

TEST(Isa, AvailableIsasAreSortedAndImplyTheLowerOnes) {
  const auto isas = available_isas();
  for (std::size_t i = 1; i < isas.size(); ++i) EXPECT_LT(isas[i - 1], isas[i]);
  // Every CPU with a higher x86 ISA has the lower ones: a hole would be a detection bug.
  for (Isa isa : kAllIsas) {
    if (cpu_supports(isa) && isa_compiled(isa)) {
      for (Isa lower : kAllIsas) {
        if (lower < isa && isa_compiled(lower)) {
          EXPECT_TRUE(cpu_supports(lower)) << isa_name(lower);
        }
      }
    }
  }
}

TEST(Isa, UnavailableKnownIsasFailClearly) {
  for (Isa isa : kAllIsas) {
    bool available = false;
    for (Isa a : available_isas()) available = available || a == isa;
    if (available) continue;
    try {
      set_isa(isa_name(isa));
      FAIL() << "no exception for " << isa_name(isa);
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("is not available"), std::string::npos) << what;
      EXPECT_NE(what.find(available_isa_names()), std::string::npos) << what;
    }
  }
}

#if defined(__x86_64__) || defined(_M_X64)
TEST(Isa, X86BuildsCompileEveryX86Table) {
  EXPECT_TRUE(isa_compiled(Isa::kSse41));
  EXPECT_TRUE(isa_compiled(Isa::kAvx2));
  EXPECT_TRUE(isa_compiled(Isa::kAvx512));
  EXPECT_FALSE(isa_compiled(Isa::kNeon));
}
#else
TEST(Isa, NonX86BuildsHaveNoX86Tables) {
  EXPECT_FALSE(isa_compiled(Isa::kSse41));
  EXPECT_FALSE(isa_compiled(Isa::kAvx2));
  EXPECT_FALSE(isa_compiled(Isa::kAvx512));
#if defined(__aarch64__) || defined(_M_ARM64)
  EXPECT_TRUE(isa_compiled(Isa::kNeon));
  EXPECT_TRUE(cpu_supports(Isa::kNeon));
#endif
}
#endif

// The hand-written float16/bfloat16 conversions of each Vec family (integer SIMD on SSE4.1, F16C
// or vcvtps2ph plus a NaN patch elsewhere) against the scalar table, on every 16-bit high half
// of a float32 combined with low halves at and around the rounding points of both formats:
// bit 12 is half of a float16 ulp (normal range), bit 15 half of a bfloat16 ulp. This sweeps
// every exponent, so float32 subnormals, float16 subnormals, the overflow edge and NaN payloads.
class IsaConversions : public testing::TestWithParam<Isa> {};

using test::isa_label;
using test::isas;
using test::Shape;
using test::storage_of;
using test::table;
using test::values_of;

template <class To>
std::vector<To> narrow_all(Isa isa, const std::vector<float>& in) {
  Storage src = storage_of(in);
  Storage out(kDTypeOf<To>, in.size());
  const auto n = static_cast<std::int64_t>(in.size());
  plan_copy({out, 0, {{1}}}, {src, 0, {{1}}}, Shape{n}, table(isa)).run();
  return values_of<To>(out);
}

TEST_P(IsaConversions, NarrowingSweepMatchesTheScalarTable) {
  constexpr std::uint32_t kLow[] = {0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000,
                                    0x3000, 0x7fff, 0x8000, 0x8001, 0xbfff, 0xffff};
  std::vector<float> floats;
  for (std::uint32_t hi = 0; hi < 0x10000; ++hi) {
    for (std::uint32_t lo : kLow) {
      const std::uint32_t b = (hi << 16) | lo;
      float f;
      std::memcpy(&f, &b, sizeof f);
      floats.push_back(f);
    }
  }
  const auto halves = narrow_all<Half>(GetParam(), floats);
  const auto want_halves = narrow_all<Half>(Isa::kScalar, floats);
  const auto bhalves = narrow_all<BFloat16>(GetParam(), floats);
  const auto want_bhalves = narrow_all<BFloat16>(Isa::kScalar, floats);
  for (std::size_t k = 0; k < floats.size(); ++k) {
    ASSERT_EQ(halves[k].bits, want_halves[k].bits) << k;
    ASSERT_EQ(bhalves[k].bits, want_bhalves[k].bits) << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, IsaConversions, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg
