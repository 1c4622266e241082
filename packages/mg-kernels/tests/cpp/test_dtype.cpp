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
    if (d == DType::kBFloat16) continue;  // no format
    EXPECT_EQ(dtype_from_format(std::string(1, format_char(d)), itemsize(d)), d);
  }
  EXPECT_EQ(itemsize(DType::kFloat32), sizeof(float));
  EXPECT_EQ(itemsize(DType::kInt64), sizeof(std::int64_t));
  EXPECT_EQ(kDTypeOf<double>, DType::kFloat64);
  EXPECT_TRUE(is_floating(DType::kFloat32));
  EXPECT_TRUE(is_floating(DType::kBFloat16));
  EXPECT_FALSE(is_floating(DType::kInt32));
}

TEST(DType, TheTableHasThirteenRowsInNumPyOrder) {
  std::string names;
  for (const DTypeInfo& info : kDTypeInfos) {
    names += std::string(info.name) + "/" + std::to_string(info.itemsize) + info.kind + " ";
    EXPECT_EQ(info.alignment, info.itemsize) << info.name;  // true for all 13 on x86-64/arm64
    EXPECT_EQ(dtype_info(info.dtype).name, info.name);
  }
  EXPECT_EQ(names,
            "bool/1b int8/1i int16/2i int32/4i int64/8i uint8/1u uint16/2u uint32/4u uint64/8u "
            "float16/2f bfloat16/2f float32/4f float64/8f ");
  EXPECT_EQ(format_char(DType::kBFloat16), '\0');
}

TEST(DType, UnknownNameErrorListsSupported) {
  try {
    dtype_from_name("complex64");
    FAIL() << "no exception";
  } catch (const DTypeError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'complex64'"), std::string::npos);
    EXPECT_NE(what.find("bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float16, "
                        "bfloat16, float32, float64"),
              std::string::npos);
  }
}

TEST(DType, BufferFormatsWithPrefixesAndLongSizes) {
  EXPECT_EQ(dtype_from_format("<f", 4), DType::kFloat32);
  EXPECT_EQ(dtype_from_format("=d", 8), DType::kFloat64);
  EXPECT_EQ(dtype_from_format("@i", 4), DType::kInt32);
  EXPECT_EQ(dtype_from_format("l", 8), DType::kInt64);
  EXPECT_EQ(dtype_from_format("l", 4), DType::kInt32);
  EXPECT_EQ(dtype_from_format("q", 8), DType::kInt64);
  EXPECT_EQ(dtype_from_format("B", 1), DType::kUInt8);
  EXPECT_EQ(dtype_from_format("L", 8), DType::kUInt64);
  EXPECT_EQ(dtype_from_format("?", 1), DType::kBool);
  EXPECT_EQ(dtype_from_format("e", 2), DType::kFloat16);
  EXPECT_EQ(dtype_from_format("e", 4), std::nullopt);
  EXPECT_EQ(dtype_from_format("E", 2), std::nullopt);
  EXPECT_EQ(dtype_from_format("c", 1), std::nullopt);
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
