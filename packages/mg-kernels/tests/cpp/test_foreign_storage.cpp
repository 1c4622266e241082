// Foreign storages (memory another owner manages): the owner is released with the last alias,
// read-only storages refuse to be kernel outputs, aliases are checked for overlap, and the DLPack
// dtype mapping covers every dtype.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "mg/dlpack.hpp"
#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

// An owner that counts its releases.
std::shared_ptr<void> counting_owner(int& releases) {
  return {&releases, [](void* p) { ++*static_cast<int*>(p); }};
}

TEST(ForeignStorage, ReleasesTheOwnerWithTheLastAlias) {
  std::vector<float> memory = {1, 2, 3};
  int releases = 0;
  {
    Storage s =
        Storage::foreign_view(DType::kFloat32, memory.data(), 3, false, counting_owner(releases));
    EXPECT_TRUE(s.foreign());
    EXPECT_EQ(s.data(), memory.data());
    Storage a = s.alias();
    {
      const Storage moved = std::move(s);
      EXPECT_EQ(releases, 0);
    }
    EXPECT_EQ(releases, 0);  // `a` still refers to it
    EXPECT_EQ(a.typed<float>()[2], 3.0F);
  }
  EXPECT_EQ(releases, 1);
}

TEST(ForeignStorage, RejectsMisalignedAddresses) {
  alignas(8) unsigned char bytes[16] = {};
  EXPECT_THROW(Storage::foreign_view(DType::kInt32, bytes + 1, 2, false, nullptr),
               std::invalid_argument);
  EXPECT_NO_THROW(Storage::foreign_view(DType::kInt8, bytes + 1, 2, false, nullptr));
}

TEST(ForeignStorage, ReadOnlyOutputsThrowBeforeWriting) {
  std::vector<float> memory = {1, 2, 3};
  Storage out = Storage::foreign_view(DType::kFloat32, memory.data(), 3, true, nullptr);
  Storage in = storage_of(std::vector<float>{5, 5, 5});
  const std::int64_t shape[] = {3};
  const std::int64_t unit[] = {1};
  EXPECT_THROW(plan_copy({out, 0, unit}, {in, 0, unit}, shape), std::invalid_argument);
  EXPECT_THROW(plan_binary(BinaryOp::kAdd, {out, 0, unit}, {in, 0, unit}, {in, 0, unit}, shape),
               std::invalid_argument);
  EXPECT_EQ(memory, (std::vector<float>{1, 2, 3}));
  // As an input it is fine.
  plan_copy({in, 0, unit}, {out, 0, unit}, shape).run();
  EXPECT_EQ(values_of<float>(in), (std::vector<float>{1, 2, 3}));
}

TEST(ForeignStorage, AliasesOfOneBufferAreCheckedForOverlap) {
  std::vector<float> memory = {0, 1, 2, 3, 4, 5};
  Storage a = Storage::foreign_view(DType::kFloat32, memory.data(), 6, false, nullptr);
  Storage b = a.alias();
  const std::int64_t shape[] = {5};
  const std::int64_t unit[] = {1};
  // a[1:] = b[:-1]: reads must see the values from before the copy.
  plan_copy({a, 1, unit}, {b, 0, unit}, shape).run();
  EXPECT_EQ(memory, (std::vector<float>{0, 0, 1, 2, 3, 4}));
}

TEST(DLPack, DtypeMappingRoundTripsEveryDtype) {
  for (DType d : kAllDTypes) {
    const dlpack::DataType t = dlpack::data_type_of(d);
    EXPECT_EQ(t.bits, itemsize(d) * 8);
    EXPECT_EQ(t.lanes, 1);
    EXPECT_EQ(dlpack::dtype_of(t), d) << dtype_name(d);
  }
  EXPECT_EQ(dlpack::data_type_of(DType::kBFloat16).code, dlpack::kBfloat);
  EXPECT_EQ(dlpack::data_type_of(DType::kBool).code, dlpack::kBool);
  EXPECT_FALSE(dlpack::dtype_of({dlpack::kComplex, 64, 1}).has_value());
  EXPECT_FALSE(dlpack::dtype_of({dlpack::kFloat, 32, 4}).has_value());
}

}  // namespace
}  // namespace mg::test
