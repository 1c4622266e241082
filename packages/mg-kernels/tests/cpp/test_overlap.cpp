// Outputs that overlap an input without being the same view: make_plan copies the input first
// (Note [Overlapping operands] in src/plan.cpp), so results match a kernel reading a snapshot.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

std::vector<float> iota_values(std::int64_t n) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = static_cast<float>(i);
  return v;
}

TEST(Overlap, ShiftedBinaryReadsTheOriginalValues) {
  for (std::int64_t n : {5, 67, 100000}) {  // 100000: unrolled SIMD body and split over threads
    Storage x = storage_of(iota_values(n + 1));
    const std::vector<float> before = values_of<float>(x);
    const std::int64_t shape[] = {n};
    const std::int64_t unit[] = {1};
    // x[1:] = x[:-1] + x[:-1]
    plan_binary(BinaryOp::kAdd, {x, 1, unit}, {x, 0, unit}, {x, 0, unit}, shape).run();
    const std::vector<float> after = values_of<float>(x);
    EXPECT_EQ(after[0], before[0]);
    for (std::int64_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      ASSERT_EQ(after[k + 1], before[k] + before[k]) << "n = " << n << ", i = " << i;
    }
  }
}

TEST(Overlap, InPlaceTransposeAndReverseCopies) {
  const std::int64_t n = 96;
  Storage x = storage_of(iota_values(n * n));
  const std::vector<float> before = values_of<float>(x);
  const std::int64_t square[] = {n, n};
  const std::int64_t rows[] = {n, 1};
  const std::int64_t cols[] = {1, n};
  plan_copy({x, 0, rows}, {x, 0, cols}, square).run();  // x = x.T
  std::vector<float> after = values_of<float>(x);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      ASSERT_EQ(after[static_cast<std::size_t>(i * n + j)],
                before[static_cast<std::size_t>(j * n + i)]);
    }
  }
  const std::int64_t line[] = {n * n};
  const std::int64_t forward[] = {1};
  const std::int64_t backward[] = {-1};
  plan_copy({x, n * n - 1, backward}, {x, 0, forward}, line).run();  // x = x[::-1]
  const std::vector<float> reversed = values_of<float>(x);
  for (std::size_t k = 0; k < after.size(); ++k) {
    ASSERT_EQ(reversed[after.size() - 1 - k], after[k]);
  }
}

TEST(Overlap, SameViewInPlaceNeedsNoCopyAndStaysCorrect) {
  Storage x = storage_of(iota_values(1000));
  const std::int64_t shape[] = {1000};
  const std::int64_t unit[] = {1};
  plan_binary(BinaryOp::kMul, {x, 0, unit}, {x, 0, unit}, {x, 0, unit}, shape).run();
  const std::vector<float> after = values_of<float>(x);
  for (std::size_t k = 0; k < after.size(); ++k) {
    ASSERT_EQ(after[k], static_cast<float>(k) * static_cast<float>(k));
  }
}

}  // namespace
}  // namespace mg::test
