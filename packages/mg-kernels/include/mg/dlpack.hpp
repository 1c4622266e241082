// The DLPack 1.x ABI (https://dmlc.github.io/dlpack/latest/), declared here from the spec: the
// structs another library's capsule points to, and the dtype mapping of mg's dtypes. Layouts must
// match the C header bit for bit (C structs, C enums of int size), so only plain members.
#pragma once

#include <cstdint>
#include <optional>

#include "mg/dtype.hpp"

namespace mg::dlpack {

// Capsule names: a fresh capsule, and the name a consumer gives it once it took ownership.
inline constexpr const char* kVersionedName = "dltensor_versioned";
inline constexpr const char* kUsedVersionedName = "used_dltensor_versioned";
inline constexpr const char* kLegacyName = "dltensor";
inline constexpr const char* kUsedLegacyName = "used_dltensor";

// The version mg produces; consumers accept any 1.x.
inline constexpr std::uint32_t kMajor = 1;
inline constexpr std::uint32_t kMinor = 0;

inline constexpr std::uint64_t kFlagReadOnly = 1ULL << 0;
inline constexpr std::uint64_t kFlagIsCopied = 1ULL << 1;

enum DeviceType : std::int32_t {  // the spec's DLDeviceType (a C enum: int-sized)
  kCPU = 1,
  kCUDA = 2,
  kCUDAHost = 3,
  kOpenCL = 4,
  kVulkan = 7,
  kMetal = 8,
  kVPI = 9,
  kROCM = 10,
  kROCMHost = 11,
  kExtDev = 12,
  kCUDAManaged = 13,
  kOneAPI = 14,
  kWebGPU = 15,
  kHexagon = 16,
  kMAIA = 17,
};

enum TypeCode : std::uint8_t {  // the spec's DLDataTypeCode
  kInt = 0,
  kUInt = 1,
  kFloat = 2,
  kOpaqueHandle = 3,
  kBfloat = 4,
  kComplex = 5,
  kBool = 6,
};

struct Device {
  std::int32_t device_type;
  std::int32_t device_id;
};

struct DataType {
  std::uint8_t code;
  std::uint8_t bits;
  std::uint16_t lanes;
};

struct Tensor {
  void* data;
  Device device;
  std::int32_t ndim;
  DataType dtype;
  std::int64_t* shape;
  std::int64_t* strides;  // in elements; null means C-contiguous
  std::uint64_t byte_offset;
};

struct ManagedTensor {  // legacy (pre-1.0) capsules
  Tensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(ManagedTensor* self);
};

struct Version {
  std::uint32_t major;
  std::uint32_t minor;
};

struct ManagedTensorVersioned {
  Version version;
  void* manager_ctx;
  void (*deleter)(ManagedTensorVersioned* self);
  std::uint64_t flags;
  Tensor dl_tensor;
};

static_assert(sizeof(Device) == 8 && sizeof(DataType) == 4);
static_assert(sizeof(Tensor) == 48 && sizeof(ManagedTensor) == 64);
static_assert(sizeof(ManagedTensorVersioned) == 80);

constexpr DataType data_type_of(DType d) {
  const DTypeInfo& info = dtype_info(d);
  const auto bits = static_cast<std::uint8_t>(info.itemsize * 8);
  if (d == DType::kBFloat16) return {kBfloat, bits, 1};
  switch (info.kind) {
    case 'b':
      return {kBool, bits, 1};
    case 'i':
      return {kInt, bits, 1};
    case 'u':
      return {kUInt, bits, 1};
    default:
      return {kFloat, bits, 1};
  }
}

// The mg dtype of a DLPack dtype, or nullopt (complex, vector lanes, odd sizes).
constexpr std::optional<DType> dtype_of(DataType t) {
  if (t.lanes != 1) return std::nullopt;
  for (const DTypeInfo& info : kDTypeInfos) {
    const DataType mine = data_type_of(info.dtype);
    if (mine.code == t.code && mine.bits == t.bits) return info.dtype;
  }
  return std::nullopt;
}

}  // namespace mg::dlpack
