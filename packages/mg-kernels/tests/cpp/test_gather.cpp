// gather, scatter, index_offsets and nonzero against hand-written loops and known answers.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "mg/gather.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

using I64 = std::vector<std::int64_t>;

TEST(Gather, ReadsRowsAtOffsetsForEveryDtype) {
  for (DType dt : kAllDTypes) {
    visit_dtype(dt, [&](auto tag) {
      using T = typename decltype(tag)::type;
      // src: a 4 x 3 matrix stored transposed (strides 1, 4); gather rows 2, 0, 2 of it.
      Storage src = random_storage<T>(12, 7);
      Storage offsets = storage_of(I64{2, 0, 2});
      Storage out(dt, 9);
      gather(out, 0, {src, 0, Shape{4}}, Shape{3}, {offsets, 0, 3});
      const auto s = values_of<T>(src);
      const auto got = values_of<T>(out);
      const I64 rows = {2, 0, 2};
      for (std::size_t i = 0; i < 3; ++i) {
        for (std::size_t j = 0; j < 3; ++j) {
          const auto want = s[static_cast<std::size_t>(rows[i]) + 4 * j];
          EXPECT_EQ(std::memcmp(&got[3 * i + j], &want, sizeof(T)), 0) << dtype_name(dt);
        }
      }
    });
  }
}

TEST(Gather, BadOffsetRaisesBeforeWriting) {
  Storage src = storage_of(std::vector<float>{1, 2, 3});
  Storage offsets = storage_of(I64{0, 3});
  Storage out = storage_of(std::vector<float>{9, 9});
  try {
    gather(out, 0, {src, 0, Shape{}}, Shape{}, {offsets, 0, 2});
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("offset 3 at position 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(values_of<float>(out), (std::vector<float>{9, 9}));
}

TEST(Gather, DtypeMismatchIsDTypeError) {
  Storage src(DType::kFloat32, 3);
  Storage out(DType::kFloat64, 3);
  Storage offsets = storage_of(I64{0});
  EXPECT_THROW(gather(out, 0, {src, 0, Shape{}}, Shape{}, {offsets, 0, 1}), DTypeError);
}

TEST(Scatter, AccumulateSumsRepeatedOffsets) {
  Storage dst = storage_of(std::vector<std::int32_t>{0, 0, 0, 0});
  Storage values = storage_of(std::vector<std::int32_t>{1, 2, 3, 4});
  Storage offsets = storage_of(I64{1, 3, 1, 1});
  scatter({dst, 0, Shape{}}, Shape{}, {values, 0, Shape{1}}, {offsets, 0, 4}, true);
  EXPECT_EQ(values_of<std::int32_t>(dst), (std::vector<std::int32_t>{0, 8, 0, 2}));
}

TEST(Scatter, WithoutAccumulateLastWriteWins) {
  Storage dst = storage_of(std::vector<double>{0, 0, 0});
  Storage values = storage_of(std::vector<double>{1, 2, 3});
  Storage offsets = storage_of(I64{2, 0, 2});
  scatter({dst, 0, Shape{}}, Shape{}, {values, 0, Shape{1}}, {offsets, 0, 3}, false);
  EXPECT_EQ(values_of<double>(dst), (std::vector<double>{2, 0, 3}));
}

TEST(Scatter, AccumulateWrapsIntegersAndOrsBools) {
  Storage dst = storage_of(std::vector<std::int8_t>{127});
  Storage values = storage_of(std::vector<std::int8_t>{1, 1});
  Storage offsets = storage_of(I64{0, 0});
  scatter({dst, 0, Shape{}}, Shape{}, {values, 0, Shape{1}}, {offsets, 0, 2}, true);
  EXPECT_EQ(values_of<std::int8_t>(dst)[0], -127);
  Storage flags = storage_of(std::vector<Bool>{{0}});
  Storage trues = storage_of(std::vector<Bool>{{1}, {1}});
  scatter({flags, 0, Shape{}}, Shape{}, {trues, 0, Shape{1}}, {offsets, 0, 2}, true);
  EXPECT_EQ(values_of<Bool>(flags)[0].bits, 1);
}

TEST(Scatter, RowsWithBroadcastValues) {
  // dst 3 x 2; rows 2 and 0 receive the same broadcast row [5, 6] (values stride 0 over i).
  Storage dst(DType::kInt64, 6);
  Storage values = storage_of(I64{5, 6});
  Storage offsets = storage_of(I64{4, 0});
  scatter({dst, 0, Shape{1}}, Shape{2}, {values, 0, Shape{0, 1}}, {offsets, 0, 2}, false);
  EXPECT_EQ(values_of<std::int64_t>(dst), (I64{5, 6, 0, 0, 5, 6}));
}

TEST(Scatter, BadOffsetRaisesBeforeWriting) {
  Storage dst = storage_of(std::vector<float>{0, 0});
  Storage values = storage_of(std::vector<float>{1, 2});
  Storage offsets = storage_of(I64{0, -1});
  EXPECT_THROW(scatter({dst, 0, Shape{}}, Shape{}, {values, 0, Shape{1}}, {offsets, 0, 2}, false),
               std::out_of_range);
  EXPECT_EQ(values_of<float>(dst), (std::vector<float>{0, 0}));
}

TEST(IndexOffsets, WrapsNegativesScalesAndAccumulates) {
  Storage idx = storage_of(std::vector<std::int16_t>{-1, 0, 2});
  Storage out(DType::kInt64, 3);
  index_offsets(out, 0, {idx, 0, Shape{1}}, Shape{3}, 3, 0, 10, false);
  EXPECT_EQ(values_of<std::int64_t>(out), (I64{20, 0, 20}));
  Storage col = storage_of(std::vector<std::uint8_t>{1});
  index_offsets(out, 0, {col, 0, Shape{0}}, Shape{3}, 2, 1, 1, true);  // broadcast one index
  EXPECT_EQ(values_of<std::int64_t>(out), (I64{21, 1, 21}));
}

TEST(IndexOffsets, OutOfRangeNamesIndexAxisAndSize) {
  Storage idx = storage_of(std::vector<std::int32_t>{0, -4});
  Storage out = storage_of(I64{7, 7});
  try {
    index_offsets(out, 0, {idx, 0, Shape{1}}, Shape{2}, 3, 1, 1, false);
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "index -4 is out of bounds for axis 1 with size 3");
  }
  EXPECT_EQ(values_of<std::int64_t>(out), (I64{7, 7}));
  Storage huge = storage_of(std::vector<std::uint64_t>{~std::uint64_t{0}});
  EXPECT_THROW(index_offsets(out, 0, {huge, 0, Shape{1}}, Shape{1}, 3, 0, 1, false),
               std::out_of_range);
  Storage floats(DType::kFloat32, 1);
  EXPECT_THROW(index_offsets(out, 0, {floats, 0, Shape{1}}, Shape{1}, 3, 0, 1, false), DTypeError);
}

TEST(Nonzero, CoordinatesInCOrderOfAStridedView) {
  // The transpose of [[0, 1, 0], [2, 0, nan]] is [[0, 2], [1, 0], [0, nan]].
  Storage src = storage_of(std::vector<double>{0, 1, 0, 2, -0.0, std::nan("")});
  const Shape shape = {3, 2};
  const Shape strides = {1, 3};
  const Operand view{src, 0, strides};
  ASSERT_EQ(count_nonzero(view, shape), 3);
  Storage out(DType::kInt64, 6);
  nonzero(out, 0, view, shape, 3);
  EXPECT_EQ(values_of<std::int64_t>(out), (I64{0, 1, 2, 1, 0, 1}));
  EXPECT_THROW(nonzero(out, 0, view, shape, 2), std::invalid_argument);
}

TEST(Nonzero, NarrowFloatsAndBools) {
  Storage half = storage_of(std::vector<Half>{{0x8000}, {0x0001}, {0x0000}, {0x7e00}});
  EXPECT_EQ(count_nonzero({half, 0, Shape{1}}, Shape{4}), 2);
  Storage flags = storage_of(std::vector<Bool>{{0}, {2}, {1}});
  EXPECT_EQ(count_nonzero({flags, 0, Shape{1}}, Shape{3}), 2);
}

}  // namespace
}  // namespace mg::test
