// Validation of strided operands and dimension coalescing.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "mg/strided.hpp"

namespace mg {
namespace {

using Shape = std::vector<std::int64_t>;

StridedLoop<2> coalesce2(const Shape& shape, const Shape& s0, const Shape& s1) {
  return coalesce<2>(shape, std::array<Extents, 2>{s0, s1});
}

Shape loop_shape(const StridedLoop<2>& l) { return {l.shape, l.shape + l.ndim}; }
Shape loop_strides(const StridedLoop<2>& l, std::size_t k) {
  return {l.strides[k], l.strides[k] + l.ndim};
}

TEST(Coalesce, ContiguousCollapsesToOneDimension) {
  const auto l = coalesce2({2, 3, 4}, {12, 4, 1}, {12, 4, 1});
  EXPECT_EQ(loop_shape(l), Shape{24});
  EXPECT_EQ(loop_strides(l, 0), Shape{1});
}

TEST(Coalesce, SizeOneDimensionsDisappear) {
  const auto l = coalesce2({1, 5, 1}, {99, 1, 7}, {0, 2, 0});
  EXPECT_EQ(loop_shape(l), Shape{5});
  EXPECT_EQ(loop_strides(l, 1), Shape{2});
}

TEST(Coalesce, AllOnesIsOneElement) {
  const auto l = coalesce2({1, 1}, {3, 3}, {0, 0});
  EXPECT_EQ(loop_shape(l), Shape{1});
  EXPECT_EQ(loop_strides(l, 0), Shape{0});
  const auto scalar = coalesce2({}, {}, {});
  EXPECT_EQ(loop_shape(scalar), Shape{1});
}

TEST(Coalesce, BroadcastRowKeepsTwoDimensions) {
  const auto l = coalesce2({3, 4}, {4, 1}, {0, 1});
  EXPECT_EQ(loop_shape(l), (Shape{3, 4}));
  EXPECT_EQ(loop_strides(l, 1), (Shape{0, 1}));
}

TEST(Coalesce, ZeroStridesEverywhereMerge) {
  const auto l = coalesce2({3, 4}, {0, 0}, {0, 0});
  EXPECT_EQ(loop_shape(l), Shape{12});
  EXPECT_EQ(loop_strides(l, 0), Shape{0});
}

TEST(Coalesce, NegativeStridesMergeWhenTheyLineUp) {
  const auto l = coalesce2({3, 4}, {-4, -1}, {4, 1});
  EXPECT_EQ(loop_shape(l), Shape{12});
  EXPECT_EQ(loop_strides(l, 0), Shape{-1});
  EXPECT_EQ(loop_strides(l, 1), Shape{1});
}

TEST(Coalesce, TransposedDoesNotMerge) {
  const auto l = coalesce2({3, 4}, {4, 1}, {1, 3});
  EXPECT_EQ(loop_shape(l), (Shape{3, 4}));
  EXPECT_EQ(loop_strides(l, 1), (Shape{1, 3}));
}

TEST(Coalesce, PartialMergeKeepsTheRest) {
  const auto l = coalesce2({2, 3, 4, 5}, {60, 20, 5, 1}, {0, 20, 5, 1});
  EXPECT_EQ(loop_shape(l), (Shape{2, 60}));
  EXPECT_EQ(loop_strides(l, 1), (Shape{0, 1}));
}

std::string layout_error(const OperandLayout& op, const Shape& shape) {
  try {
    check_layout(op, shape);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(CheckLayout, AcceptsViewsInsideTheStorage) {
  const Shape shape{3, 4};
  const Shape reversed{-4, -1};
  const Shape broadcast{0, 1};
  EXPECT_EQ(layout_error({"a", 12, 11, reversed}, shape), "");
  EXPECT_EQ(layout_error({"a", 4, 0, broadcast}, shape), "");
}

TEST(CheckLayout, ErrorsNameOperandOffsetShapeStridesAndSize) {
  const Shape strides{4, 1};
  const std::string e = layout_error({"b", 12, 1, strides}, {3, 4});
  EXPECT_NE(e.find("'b'"), std::string::npos) << e;
  EXPECT_NE(e.find("offset 1"), std::string::npos) << e;
  EXPECT_NE(e.find("shape (3, 4)"), std::string::npos) << e;
  EXPECT_NE(e.find("strides (4, 1)"), std::string::npos) << e;
  EXPECT_NE(e.find("size 12"), std::string::npos) << e;
  EXPECT_NE(e.find("12"), std::string::npos) << e;
}

TEST(CheckLayout, RejectsNegativeReachLengthMismatchAndNegativeOffset) {
  const Shape reversed{-4, -1};
  EXPECT_NE(layout_error({"a", 12, 10, reversed}, {3, 4}), "");
  const Shape one{1};
  EXPECT_NE(layout_error({"a", 12, 0, one}, {3, 4}).find("len(strides) = 1"), std::string::npos);
  const Shape two{4, 1};
  EXPECT_NE(layout_error({"a", 12, -1, two}, {3, 4}).find("negative offset"), std::string::npos);
}

TEST(CheckLayout, HugeStridesAreAnErrorNotOverflow) {
  const Shape huge{INT64_MAX / 2};
  EXPECT_NE(layout_error({"a", 12, 0, huge}, {5}), "");
}

TEST(CheckLayout, EmptyShapesOnlyCheckStructure) {
  const Shape strides{1000, 1};
  EXPECT_EQ(layout_error({"a", 0, 0, strides}, {0, 4}), "");
}

TEST(CheckShape, RejectsNegativeTooManyDimsAndOverflow) {
  EXPECT_THROW(check_shape(Shape{2, -1}), std::invalid_argument);
  EXPECT_THROW(check_shape(Shape(kMaxDims + 1, 1)), std::invalid_argument);
  EXPECT_THROW(check_shape(Shape{INT64_MAX, 2}), std::invalid_argument);
  EXPECT_NO_THROW(check_shape(Shape{INT64_MAX, 0}));
  EXPECT_NO_THROW(check_shape(Shape{}));
}

}  // namespace
}  // namespace mg
