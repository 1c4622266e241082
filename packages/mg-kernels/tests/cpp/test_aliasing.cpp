// The portable kernels (gather, scatter, index_offsets, nonzero, sort, argsort, searchsorted)
// with an output that shares memory with an input through a second Storage (Storage::alias, as
// foreign storages from NumPy or DLPack do): each must read the inputs as they were before the
// call (Note [Aliasing storages] in src/alias.cpp).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "mg/alias.hpp"
#include "mg/gather.hpp"
#include "mg/sort.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

std::vector<std::int64_t> iota64(std::int64_t n) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i * 3 % 7;
  return v;
}

TEST(Aliasing, SameViewComparesAddressesAndStrides) {
  Storage x = storage_of(iota64(8));
  Storage y = x.alias();
  const std::int64_t unit[] = {1};
  const std::int64_t two[] = {2};
  EXPECT_TRUE(same_view({x, 2, unit}, {y, 2, unit}));
  EXPECT_FALSE(same_view({x, 2, unit}, {y, 1, unit}));
  EXPECT_FALSE(same_view({x, 2, unit}, {y, 2, two}));
  EXPECT_TRUE(may_share_memory(x, y));
}

TEST(Aliasing, GatherIntoItsOwnSource) {
  Storage src = storage_of(iota64(24));
  const std::vector<std::int64_t> before = values_of<std::int64_t>(src);
  Storage out = src.alias();
  Storage offsets = storage_of(std::vector<std::int64_t>{10, 0, 6, 2});
  const std::int64_t shape[] = {3};
  const std::int64_t unit[] = {1};
  gather(out, 1, {src, 0, unit}, shape, {offsets, 0, 4});
  const std::vector<std::int64_t> after = values_of<std::int64_t>(src);
  const std::int64_t offs[] = {10, 0, 6, 2};
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t r = 0; r < 3; ++r) {
      ASSERT_EQ(after[1 + i * 3 + r], before[static_cast<std::size_t>(offs[i]) + r]);
    }
  }
}

TEST(Aliasing, ScatterValuesAndOffsetsFromTheDestination) {
  Storage dst = storage_of(std::vector<std::int64_t>{3, 0, 9, 7, 1, 2, 5, 4, 8, 6, 11, 10});
  const std::vector<std::int64_t> before = values_of<std::int64_t>(dst);
  Storage values = dst.alias();
  Storage offsets = dst.alias();  // the first three elements are the offsets
  const std::int64_t shape[] = {2};
  const std::int64_t unit[] = {1};
  const std::int64_t value_strides[] = {2, 1};
  scatter({dst, 0, unit}, shape, {values, 0, value_strides}, {offsets, 0, 3}, true);
  std::vector<std::int64_t> expected = before;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto o = static_cast<std::size_t>(before[i]);
    expected[o] += before[2 * i];
    expected[o + 1] += before[2 * i + 1];
  }
  EXPECT_EQ(values_of<std::int64_t>(dst), expected);
}

TEST(Aliasing, NonzeroWritingOverItsSourceStaysInsideCount) {
  Storage src = storage_of(std::vector<std::int64_t>{0, 5, 0, 7, 1, 0, 0, 0});
  Storage out = src.alias();
  const std::int64_t shape[] = {6};
  const std::int64_t unit[] = {1};
  nonzero(out, 2, {src, 0, unit}, shape, 3);
  EXPECT_EQ(values_of<std::int64_t>(src), (std::vector<std::int64_t>{0, 5, 1, 3, 4, 0, 0, 0}));
}

TEST(Aliasing, IndexOffsetsOverItsIndices) {
  Storage idx = storage_of(std::vector<std::int64_t>{2, -1, 0, 3, 1, 0});
  Storage out = idx.alias();
  const std::int64_t shape[] = {5};
  const std::int64_t unit[] = {1};
  index_offsets(out, 1, {idx, 0, unit}, shape, 4, 0, 10, false);
  EXPECT_EQ(values_of<std::int64_t>(idx), (std::vector<std::int64_t>{2, 20, 30, 0, 30, 10}));
}

TEST(Aliasing, SortAndArgsortIntoTheNextRow) {
  Storage x = storage_of(std::vector<std::int64_t>{5, 1, 4, 0, 3, 2, 9, 9, 9});
  Storage out = x.alias();
  const std::int64_t shape[] = {2, 3};
  const std::int64_t rows[] = {3, 1};
  sort({out, 3, rows}, {x, 0, rows}, shape, false);
  EXPECT_EQ(values_of<std::int64_t>(x), (std::vector<std::int64_t>{5, 1, 4, 1, 4, 5, 0, 2, 3}));
  Storage y = storage_of(std::vector<std::int64_t>{5, 1, 4, 0, 3, 2, 9, 9, 9});
  Storage idx = y.alias();
  argsort({idx, 3, rows}, {y, 0, rows}, shape, false);
  EXPECT_EQ(values_of<std::int64_t>(y), (std::vector<std::int64_t>{5, 1, 4, 1, 2, 0, 0, 2, 1}));
}

TEST(Aliasing, SortInPlaceNeedsNoCopy) {
  Storage x = storage_of(std::vector<std::int64_t>{3, 1, 2});
  const std::int64_t shape[] = {3};
  const std::int64_t unit[] = {1};
  sort({x, 0, unit}, {x, 0, unit}, shape, true);
  EXPECT_EQ(values_of<std::int64_t>(x), (std::vector<std::int64_t>{3, 2, 1}));
}

TEST(Aliasing, SearchsortedWritingOverItsValuesAndSortedRun) {
  Storage x = storage_of(std::vector<std::int64_t>{1, 3, 5, 7, 0, 4, 9, 2});
  Storage out = x.alias();
  const std::int64_t shape[] = {4};
  const std::int64_t unit[] = {1};
  // out = x[0:4] (the sorted run itself), values = x[4:8]
  searchsorted({out, 0, unit}, {x, 0, unit}, 4, {x, 4, unit}, shape, false);
  EXPECT_EQ(values_of<std::int64_t>(x), (std::vector<std::int64_t>{0, 2, 4, 1, 0, 4, 9, 2}));
}

}  // namespace
}  // namespace mg::test
