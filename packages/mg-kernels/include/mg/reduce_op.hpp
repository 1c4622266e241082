// The reduction family's operations. Per-element meaning: kernels/reduce_ops.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mg {

// Values are the Python IntEnum values (mg_kernels.ReduceOp). Append only.
// SUM..MIN keep the dtype; ALL/ANY take any src dtype and write bool.
enum class ReduceOp : std::uint8_t {
  kSum = 0,
  kProd = 1,
  kMax = 2,
  kMin = 3,
  kAll = 4,
  kAny = 5,
};
inline constexpr std::size_t kNumReduceOps = 6;

// Values are the Python IntEnum values (mg_kernels.ArgReduceOp).
enum class ArgReduceOp : std::uint8_t { kArgmax = 0, kArgmin = 1 };
inline constexpr std::size_t kNumArgReduceOps = 2;

// Values are the Python IntEnum values (mg_kernels.ScanOp).
enum class ScanOp : std::uint8_t { kCumsum = 0, kCumprod = 1 };
inline constexpr std::size_t kNumScanOps = 2;

constexpr std::string_view reduce_op_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::kSum:
      return "SUM";
    case ReduceOp::kProd:
      return "PROD";
    case ReduceOp::kMax:
      return "MAX";
    case ReduceOp::kMin:
      return "MIN";
    case ReduceOp::kAll:
      return "ALL";
    case ReduceOp::kAny:
      return "ANY";
  }
  return "?";
}

}  // namespace mg
