// DType traits: names, sizes, parsing, buffer formats.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "mg/dtype.hpp"

namespace mg {
namespace {

TEST(DType, NamesAndItemsizesRoundTrip) {
  for (DType d : kAllDTypes) {
    EXPECT_EQ(parse_dtype(dtype_name(d)), d);
    EXPECT_EQ(dtype_from_format(std::string(1, format_char(d)), itemsize(d)), d);
  }
  EXPECT_EQ(itemsize(DType::kFloat32), sizeof(float));
  EXPECT_EQ(itemsize(DType::kInt64), sizeof(std::int64_t));
  EXPECT_EQ(kDTypeOf<double>, DType::kFloat64);
  EXPECT_TRUE(is_floating(DType::kFloat32));
  EXPECT_FALSE(is_floating(DType::kInt32));
}

TEST(DType, UnknownNameErrorListsSupported) {
  try {
    dtype_from_name("float16");
    FAIL() << "no exception";
  } catch (const DTypeError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'float16'"), std::string::npos);
    EXPECT_NE(what.find("float32, float64, int32, int64"), std::string::npos);
  }
}

TEST(DType, BufferFormatsWithPrefixesAndLongSizes) {
  EXPECT_EQ(dtype_from_format("<f", 4), DType::kFloat32);
  EXPECT_EQ(dtype_from_format("=d", 8), DType::kFloat64);
  EXPECT_EQ(dtype_from_format("@i", 4), DType::kInt32);
  EXPECT_EQ(dtype_from_format("l", 8), DType::kInt64);
  EXPECT_EQ(dtype_from_format("l", 4), DType::kInt32);
  EXPECT_EQ(dtype_from_format("q", 8), DType::kInt64);
  EXPECT_EQ(dtype_from_format("B", 1), std::nullopt);
  EXPECT_EQ(dtype_from_format("e", 2), std::nullopt);
  EXPECT_EQ(dtype_from_format(">f", 4), std::nullopt);
  EXPECT_EQ(dtype_from_format("2f", 8), std::nullopt);
  EXPECT_EQ(dtype_from_format("", 1), std::nullopt);
}

TEST(DType, VisitPassesTheElementType) {
  for (DType d : kAllDTypes) {
    const std::size_t size =
        visit_dtype(d, [](auto tag) { return sizeof(typename decltype(tag)::type); });
    EXPECT_EQ(size, itemsize(d));
  }
}

}  // namespace
}  // namespace mg
