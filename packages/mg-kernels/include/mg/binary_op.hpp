// The elementwise binary operations. Their per-element meaning is in kernels/elementwise.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mg {

// Values are the Python IntEnum values (mg_kernels.BinaryOp). Append only.
enum class BinaryOp : std::uint8_t {
  kAdd = 0,
  kSub = 1,
  kMul = 2,
  kDiv = 3,
  kPow = 4,
  kFloorDivide = 5,
  kRemainder = 6,
  kMaximum = 7,
  kMinimum = 8,
  kAtan2 = 9,
  kCopysign = 10,
  kHypot = 11,
  kLogaddexp = 12,
  kEqual = 13,
  kNotEqual = 14,
  kLess = 15,
  kLessEqual = 16,
  kGreater = 17,
  kGreaterEqual = 18,
  kLogicalAnd = 19,
  kLogicalOr = 20,
  kLogicalXor = 21,
  kBitwiseAnd = 22,
  kBitwiseOr = 23,
  kBitwiseXor = 24,
  kLeftShift = 25,
  kRightShift = 26,
};

inline constexpr std::size_t kNumBinaryOps = 27;

// Comparisons and logical ops write a bool `out` whatever the dtype of a and b.
constexpr bool binary_op_gives_bool(BinaryOp op) {
  return op >= BinaryOp::kEqual && op <= BinaryOp::kLogicalXor;
}

constexpr std::string_view binary_op_name(BinaryOp op) {
  constexpr std::string_view kNames[kNumBinaryOps] = {
      "ADD",           "SUB",         "MUL",        "DIV",         "POW",         "FLOOR_DIVIDE",
      "REMAINDER",     "MAXIMUM",     "MINIMUM",    "ATAN2",       "COPYSIGN",    "HYPOT",
      "LOGADDEXP",     "EQUAL",       "NOT_EQUAL",  "LESS",        "LESS_EQUAL",  "GREATER",
      "GREATER_EQUAL", "LOGICAL_AND", "LOGICAL_OR", "LOGICAL_XOR", "BITWISE_AND", "BITWISE_OR",
      "BITWISE_XOR",   "LEFT_SHIFT",  "RIGHT_SHIFT"};
  const auto i = static_cast<std::size_t>(op);
  return i < kNumBinaryOps ? kNames[i] : "?";
}

}  // namespace mg
