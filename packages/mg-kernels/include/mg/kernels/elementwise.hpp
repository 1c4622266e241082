// Per-element semantics of every op and cast: the specification that all ISAs follow. SIMD paths
// must give the same results; the scalar loops of every table call these functions directly.
//
// Every function takes the Vec family as its first template parameter although it does not use
// it, so each ISA table gets its own symbols (Note [One symbol per ISA] in binary.hpp). For the
// same reason this file calls only C functions (::pow, ::powf) and builtins, never inline
// std:: wrappers that two tables could end up sharing.
#pragma once

#include <math.h>  // ::pow / ::powf are plain extern "C" symbols, safe to call from any table

#include <cstdint>
#include <limits>
#include <type_traits>

#include "mg/binary_op.hpp"

namespace mg::kernels {

// Unsigned type for wrapping arithmetic on the integer T, at least as wide as unsigned int so
// that narrow types never promote to a signed (overflowing) int.
template <class T>
using WrapUnsigned = decltype(std::make_unsigned_t<T>{} + 0u);

template <class Family, class T>
T add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapUnsigned<T>>(a) + static_cast<WrapUnsigned<T>>(b));
  } else {
    return a + b;
  }
}

template <class Family, class T>
T sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapUnsigned<T>>(a) - static_cast<WrapUnsigned<T>>(b));
  } else {
    return a - b;
  }
}

template <class Family, class T>
T mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapUnsigned<T>>(a) * static_cast<WrapUnsigned<T>>(b));
  } else {
    return a * b;
  }
}

// Integers: floor division like numpy.floor_divide; x / 0 == 0 and MIN / -1 == MIN (wraps).
// Floats: IEEE true division (x / 0 is +-inf or nan).
template <class Family, class T>
T div(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;
    if (b == -1) return sub<Family, T>(0, a);  // the one quotient that can overflow
    T q = static_cast<T>(a / b);
    const T r = static_cast<T>(a % b);
    if (r != 0 && ((r < 0) != (b < 0))) --q;
    return q;
  } else {
    return a / b;
  }
}

// Integers: exponentiation by squaring, wrapping. A negative exponent gives the truncated
// quotient 1 / base**-e: 0, except 1 for base 1 and +-1 for base -1.
// Floats: C pow.
template <class Family, class T>
T pow(T base, T exp) {
  if constexpr (std::is_integral_v<T>) {
    if (exp < 0) {
      if (base == 1) return 1;
      if (base == -1) return (exp % 2 == 0) ? 1 : -1;
      return 0;
    }
    using U = WrapUnsigned<T>;
    U result = 1;
    U factor = static_cast<U>(base);
    auto e = static_cast<std::make_unsigned_t<T>>(exp);
    while (e != 0) {
      if ((e & 1u) != 0) result *= factor;
      factor *= factor;
      e >>= 1;
    }
    return static_cast<T>(result);
  } else if constexpr (std::is_same_v<T, float>) {
    return ::powf(base, exp);
  } else {
    return ::pow(base, exp);
  }
}

template <class Family, BinaryOp Op, class T>
T apply(T a, T b) {
  if constexpr (Op == BinaryOp::kAdd) return add<Family>(a, b);
  if constexpr (Op == BinaryOp::kSub) return sub<Family>(a, b);
  if constexpr (Op == BinaryOp::kMul) return mul<Family>(a, b);
  if constexpr (Op == BinaryOp::kDiv) return div<Family>(a, b);
  if constexpr (Op == BinaryOp::kPow) return pow<Family>(a, b);
}

// Converts one element. Float to int truncates toward zero, maps NaN to 0 and saturates values
// beyond the range to MIN/MAX. Int to int keeps the low bits (two's complement wrap, as NumPy's
// astype). Int to float and float64 to float32 round to nearest (overflow gives +-inf).
template <class Family, class To, class From>
To cast(From x) {
  if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    constexpr To kMin = std::numeric_limits<To>::min();
    constexpr To kMax = std::numeric_limits<To>::max();
    // -MIN = 2**(bits-1) is exact in every float type. MIN - 1 may round to MIN, which is fine:
    // both compare as "at or below the range" and MIN is the right answer for both.
    constexpr From kAbove = -static_cast<From>(kMin);
    constexpr From kBelow = static_cast<From>(kMin) - From{1};
    if (x != x) return 0;  // NaN; `x != x` keeps std::isnan's inline wrapper out of the tables
    if (x <= kBelow) return kMin;
    if (x >= kAbove) return kMax;
    return static_cast<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

}  // namespace mg::kernels
