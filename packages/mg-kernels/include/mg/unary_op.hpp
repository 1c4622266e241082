// The elementwise unary operations. Their per-element meaning is in kernels/unary_element.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mg {

// Values are the Python IntEnum values (mg_kernels.UnaryOp). Append only.
enum class UnaryOp : std::uint8_t {
  kNegative,
  kAbs,
  kSign,
  kSqrt,
  kReciprocal,
  kSquare,
  kExp,
  kExp2,
  kExpm1,
  kLog,
  kLog2,
  kLog10,
  kLog1p,
  kSin,
  kCos,
  kTan,
  kTanh,
  kSinh,
  kCosh,
  kAsin,
  kAcos,
  kAtan,
  kErf,
  kSigmoid,
  kRelu,
  kFloor,
  kCeil,
  kTrunc,
  kRound,
  kIsnan,
  kIsinf,
  kIsfinite,
  kLogicalNot,
  kBitwiseInvert,
};

inline constexpr std::size_t kNumUnaryOps = 34;

// Names as in Python, indexed by the enum value.
inline constexpr std::string_view kUnaryOpNames[kNumUnaryOps] = {
    "NEGATIVE", "ABS",   "SIGN",    "SQRT",     "RECIPROCAL",  "SQUARE",        "EXP",
    "EXP2",     "EXPM1", "LOG",     "LOG2",     "LOG10",       "LOG1P",         "SIN",
    "COS",      "TAN",   "TANH",    "SINH",     "COSH",        "ASIN",          "ACOS",
    "ATAN",     "ERF",   "SIGMOID", "RELU",     "FLOOR",       "CEIL",          "TRUNC",
    "ROUND",    "ISNAN", "ISINF",   "ISFINITE", "LOGICAL_NOT", "BITWISE_INVERT"};

constexpr std::string_view unary_op_name(UnaryOp op) {
  const auto i = static_cast<std::size_t>(op);
  return i < kNumUnaryOps ? kUnaryOpNames[i] : std::string_view("?");
}

// ISNAN, ISINF, ISFINITE and LOGICAL_NOT write a bool out; every other op writes src's dtype.
constexpr bool unary_writes_bool(UnaryOp op) {
  return op == UnaryOp::kIsnan || op == UnaryOp::kIsinf || op == UnaryOp::kIsfinite ||
         op == UnaryOp::kLogicalNot;
}

}  // namespace mg
