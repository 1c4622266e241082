// VecBuffer and Storage: alignment, zero fill, fill, moves, overflow.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <new>
#include <utility>

#include "mg/storage.hpp"
#include "mg/vec_buffer.hpp"

namespace mg {
namespace {

template <class T>
void expect_aligned_and_zero(std::size_t n) {
  VecBuffer<T> b(n);
  EXPECT_EQ(b.size(), n);
  EXPECT_NE(b.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % kBufferAlignment, 0u);
  for (T x : b) EXPECT_EQ(x, T{0});
}

TEST(VecBuffer, AlignedAndZeroedForAnySize) {
  for (std::size_t n : {0, 1, 3, 17, 64, 1000, 1 << 20}) {
    expect_aligned_and_zero<float>(n);
    expect_aligned_and_zero<double>(n);
    expect_aligned_and_zero<std::int32_t>(n);
    expect_aligned_and_zero<std::int64_t>(n);
  }
}

TEST(VecBuffer, UninitializedIsAlignedAndUsable) {
  for (std::size_t n : {0, 1, 17, 1 << 20}) {
    VecBuffer<double> b(n, Init::kUninitialized);
    EXPECT_EQ(b.size(), n);
    EXPECT_NE(b.data(), nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % kBufferAlignment, 0u);
    b.fill(-1.5);
    for (double x : b) EXPECT_EQ(x, -1.5);
  }
  EXPECT_THROW(VecBuffer<float>(std::numeric_limits<std::size_t>::max() / 8, Init::kUninitialized),
               std::bad_alloc);
}

TEST(VecBuffer, FillSetsEveryElement) {
  VecBuffer<double> b(37);
  b.fill(2.5);
  for (double x : b) EXPECT_EQ(x, 2.5);
}

TEST(VecBuffer, MoveTransfersOwnership) {
  VecBuffer<int> a(5);
  a.fill(7);
  const int* p = a.data();
  VecBuffer<int> b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
}

TEST(VecBuffer, ImpossibleSizesThrowBadAlloc) {
  EXPECT_THROW(VecBuffer<double>(std::numeric_limits<std::size_t>::max() / 4), std::bad_alloc);
  EXPECT_THROW(VecBuffer<float>(std::numeric_limits<std::size_t>::max() / 8), std::bad_alloc);
}

TEST(Storage, ReportsDtypeSizeAndBytes) {
  Storage s(DType::kInt64, 10);
  EXPECT_EQ(s.dtype(), DType::kInt64);
  EXPECT_EQ(s.size(), 10u);
  EXPECT_EQ(s.itemsize(), 8u);
  EXPECT_EQ(s.nbytes(), 80u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(s.data()) % kBufferAlignment, 0u);
  EXPECT_FALSE(s.foreign());
  EXPECT_FALSE(s.readonly());
}

}  // namespace
}  // namespace mg
