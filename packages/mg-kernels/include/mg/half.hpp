// Bool, Half (IEEE binary16) and BFloat16: 1- and 2-byte element types with bit-exact conversions.
//
// Note [Narrow value types]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// The three types are plain aggregates holding their bits, with no constructors or member
// functions: kernel code of every ISA table uses them, and an inline member would be one weak
// symbol shared by two tables (Note [One symbol per ISA] in kernels/binary.hpp). The conversion
// functions are templates whose first parameter is the Vec family (`void` outside the tables),
// which makes each table's copy a distinct symbol. Bool stores a byte: any nonzero byte (also
// one written from Python through the buffer protocol) reads as true, so no bit pattern is
// undefined behaviour; kernels always write 0 or 1.
//
// The results are those of NumPy (float16) and ml_dtypes (bfloat16), bit for bit, including NaN
// payloads: float16 <-> float32/float64 round to nearest even directly from the source (never
// through an intermediate rounding) and keep the NaN payload's top bits (a NaN whose kept bits
// are all zero becomes payload 1; the quiet bit is never forced). bfloat16 -> float32 appends 16
// zero bits; float32 -> bfloat16 rounds to nearest even and maps every NaN to the quiet NaN
// 0x7fc0 with its sign; float64 -> bfloat16 goes through float32 as ml_dtypes does (two
// roundings). tests/cpp/test_half.cpp checks all 65,536 patterns and every halfway point.
#pragma once

#include <cstdint>

namespace mg {

struct Bool {
  std::uint8_t bits;
};

struct Half {
  std::uint16_t bits;
};

struct BFloat16 {
  std::uint16_t bits;
};

// RNE of an unsigned `value` shifted right by `shift` (1 <= shift <= 63).
template <class Family = void>
constexpr std::uint64_t shift_round_even(std::uint64_t value, int shift) {
  const std::uint64_t kept = value >> shift;
  const std::uint64_t rest = value & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t halfway = std::uint64_t{1} << (shift - 1);
  return kept + ((rest > halfway || (rest == halfway && (kept & 1u) != 0)) ? 1u : 0u);
}

// Half bits of the IEEE binary value with kMant mantissa bits, kExp exponent bits, sign `sign`,
// biased exponent field `exp` and mantissa field `mant`.
template <class Family, int kExp, int kMant>
constexpr std::uint16_t half_bits_from(std::uint16_t sign, std::uint64_t exp, std::uint64_t mant) {
  constexpr std::int64_t kBias = (std::int64_t{1} << (kExp - 1)) - 1;
  constexpr std::uint64_t kExpAllOnes = (std::uint64_t{1} << kExp) - 1;
  constexpr std::uint16_t kInf = 0x7c00u;
  if (exp == kExpAllOnes) {
    if (mant == 0) return static_cast<std::uint16_t>(sign | kInf);
    const auto payload = static_cast<std::uint16_t>(mant >> (kMant - 10));
    return static_cast<std::uint16_t>(sign | kInf | (payload == 0 ? 1u : payload));
  }
  if (exp == 0) return sign;  // zero, or a subnormal far below half's range
  const std::int64_t e = static_cast<std::int64_t>(exp) - kBias;
  if (e > 15) return static_cast<std::uint16_t>(sign | kInf);
  if (e >= -14) {  // normal: a carry out of the mantissa bumps the exponent (up to inf), correctly
    const std::uint64_t m = shift_round_even<Family>(mant, kMant - 10);
    return static_cast<std::uint16_t>(sign | ((static_cast<std::uint64_t>(e + 15) << 10) + m));
  }
  // Subnormal: multiples of 2**-24; the full significand has kMant + 1 bits.
  const std::int64_t shift = kMant - 24 - e;
  if (shift > kMant + 1) return sign;  // below half the smallest subnormal
  const std::uint64_t full = mant | (std::uint64_t{1} << kMant);
  return static_cast<std::uint16_t>(sign | shift_round_even<Family>(full, static_cast<int>(shift)));
}

template <class Family = void>
constexpr Half half_from_float(float x) {
  const auto bits = __builtin_bit_cast(std::uint32_t, x);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  return {half_bits_from<Family, 8, 23>(sign, (bits >> 23) & 0xffu, bits & 0x7fffffu)};
}

template <class Family = void>
constexpr Half half_from_double(double x) {
  const auto bits = __builtin_bit_cast(std::uint64_t, x);
  const auto sign = static_cast<std::uint16_t>((bits >> 48) & 0x8000u);
  return {half_bits_from<Family, 11, 52>(sign, (bits >> 52) & 0x7ffu, bits & 0xfffffffffffffu)};
}

// Exact. Subnormal halves are m * 2**-24, computed in floating point (exact as well).
template <class Family = void>
constexpr float half_to_float(Half h) {
  const std::uint32_t sign = std::uint32_t{h.bits & 0x8000u} << 16;
  const std::uint32_t exp = (h.bits >> 10) & 0x1fu;
  const std::uint32_t mant = h.bits & 0x3ffu;
  if (exp == 0x1f) return __builtin_bit_cast(float, sign | 0x7f800000u | (mant << 13));
  if (exp == 0) {
    const float magnitude = static_cast<float>(mant) * 0x1p-24f;
    return sign != 0 ? -magnitude : magnitude;
  }
  return __builtin_bit_cast(float, sign | ((exp + 112) << 23) | (mant << 13));
}

template <class Family = void>
constexpr double half_to_double(Half h) {
  const std::uint64_t sign = std::uint64_t{h.bits & 0x8000u} << 48;
  const std::uint64_t exp = (h.bits >> 10) & 0x1fu;
  const std::uint64_t mant = h.bits & 0x3ffu;
  if (exp == 0x1f) return __builtin_bit_cast(double, sign | 0x7ff0000000000000u | (mant << 42));
  if (exp == 0) {
    const double magnitude = static_cast<double>(mant) * 0x1p-24;
    return sign != 0 ? -magnitude : magnitude;
  }
  return __builtin_bit_cast(double, sign | ((exp + 1008) << 52) | (mant << 42));
}

template <class Family = void>
constexpr BFloat16 bfloat16_from_float(float x) {
  const auto bits = __builtin_bit_cast(std::uint32_t, x);
  if ((bits & 0x7fffffffu) > 0x7f800000u) {
    return {static_cast<std::uint16_t>(((bits >> 16) & 0x8000u) | 0x7fc0u)};
  }
  const std::uint32_t lsb = (bits >> 16) & 1u;
  return {static_cast<std::uint16_t>((bits + 0x7fffu + lsb) >> 16)};
}

template <class Family = void>
constexpr float bfloat16_to_float(BFloat16 b) {
  return __builtin_bit_cast(float, std::uint32_t{b.bits} << 16);
}

}  // namespace mg
