// The elementwise binary operations. Their per-element meaning is in kernels/elementwise.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mg {

// Values are the Python IntEnum values (mg_kernels.BinaryOp). Append only.
enum class BinaryOp : std::uint8_t { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kPow = 4 };

inline constexpr std::size_t kNumBinaryOps = 5;

constexpr std::string_view binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "ADD";
    case BinaryOp::kSub:
      return "SUB";
    case BinaryOp::kMul:
      return "MUL";
    case BinaryOp::kDiv:
      return "DIV";
    case BinaryOp::kPow:
      return "POW";
  }
  return "?";
}

}  // namespace mg
