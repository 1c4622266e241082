// ISA registry: availability, names, switching.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "mg/isa.hpp"
#include "mg/kernels/table.hpp"

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

#if !defined(__x86_64__) && !defined(_M_X64)
TEST(Isa, NonX86BuildsHaveNoAvx2) { EXPECT_FALSE(isa_compiled(Isa::kAvx2)); }
#endif

}  // namespace
}  // namespace mg
