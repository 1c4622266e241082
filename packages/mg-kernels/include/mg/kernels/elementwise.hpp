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
#include "mg/half.hpp"

namespace mg::kernels {

// Unsigned type for wrapping arithmetic on the integer T, at least as wide as unsigned int so
// that narrow types never promote to a signed (overflowing) int.
template <class T>
using WrapUnsigned = decltype(std::make_unsigned_t<T>{} + 0u);

// float16 and bfloat16: stored narrow, computed in float32 (Note [Narrow value types]).
template <class T>
inline constexpr bool kIsNarrowFloat = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// The type arithmetic and sums run in: float for the narrow floats, T itself otherwise.
template <class T>
using Compute = std::conditional_t<kIsNarrowFloat<T>, float, T>;

template <class Family, class T>
Compute<T> widen(T x) {
  if constexpr (std::is_same_v<T, Half>) {
    return half_to_float<Family>(x);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_to_float<Family>(x);
  } else {
    return x;
  }
}

// Rounds a Compute<T> back to T (round to nearest even for the narrow floats).
template <class Family, class T>
T narrow(Compute<T> x) {
  if constexpr (std::is_same_v<T, Half>) {
    return half_from_float<Family>(x);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_from_float<Family>(x);
  } else {
    return x;
  }
}

// Whether `binary` defines Op for T: bool has only ADD (logical or) and MUL (logical and).
template <BinaryOp Op, class T>
inline constexpr bool kBinarySupported =
    !std::is_same_v<T, Bool> || Op == BinaryOp::kAdd || Op == BinaryOp::kMul;

template <class Family, class T>
T add(T a, T b) {
  if constexpr (std::is_same_v<T, Bool>) {
    return Bool{static_cast<std::uint8_t>((a.bits | b.bits) != 0)};
  } else if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(widen<Family>(a) + widen<Family>(b));
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapUnsigned<T>>(a) + static_cast<WrapUnsigned<T>>(b));
  } else {
    return a + b;
  }
}

template <class Family, class T>
T sub(T a, T b) {
  if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(widen<Family>(a) - widen<Family>(b));
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapUnsigned<T>>(a) - static_cast<WrapUnsigned<T>>(b));
  } else {
    return a - b;
  }
}

template <class Family, class T>
T mul(T a, T b) {
  if constexpr (std::is_same_v<T, Bool>) {
    return Bool{static_cast<std::uint8_t>(a.bits != 0 && b.bits != 0)};
  } else if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(widen<Family>(a) * widen<Family>(b));
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapUnsigned<T>>(a) * static_cast<WrapUnsigned<T>>(b));
  } else {
    return a * b;
  }
}

// Integers: floor division like numpy.floor_divide; x / 0 == 0 and MIN / -1 == MIN (wraps).
// Floats: IEEE true division (x / 0 is +-inf or nan); narrow floats in float32, rounded once.
template <class Family, class T>
T div(T a, T b) {
  if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(widen<Family>(a) / widen<Family>(b));
  } else if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return sub<Family, T>(0, a);  // the one quotient that can overflow
      T q = static_cast<T>(a / b);
      const T r = static_cast<T>(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) --q;
      return q;
    } else {
      return static_cast<T>(a / b);
    }
  } else {
    return a / b;
  }
}

// Integers: exponentiation by squaring, wrapping. A negative exponent gives the truncated
// quotient 1 / base**-e: 0, except 1 for base 1 and +-1 for base -1.
// Floats: C pow (powf for float32 and the narrow floats).
template <class Family, class T>
T pow(T base, T exp) {
  if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(::powf(widen<Family>(base), widen<Family>(exp)));
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) {
      if (exp < 0) {
        if (base == 1) return 1;
        if (base == -1) return (exp % 2 == 0) ? 1 : -1;
        return 0;
      }
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

// A real float (float or double) to an integer: truncates toward zero, NaN gives 0, values
// beyond the range saturate to MIN/MAX (also +-inf).
template <class Family, class To, class From>
To float_to_int(From x) {
  constexpr To kMin = std::numeric_limits<To>::min();
  constexpr To kMax = std::numeric_limits<To>::max();
  // 2**digits (the first value above MAX) is exact in every float type. For signed To,
  // MIN - 1 may round to MIN, which is fine: both mean "at or below the range", answer MIN.
  constexpr From kAbove =
      From{2} * static_cast<From>(std::uint64_t{1} << (std::numeric_limits<To>::digits - 1));
  constexpr From kBelow = static_cast<From>(kMin) - From{1};
  if (x != x) return 0;  // NaN; `x != x` keeps std::isnan's inline wrapper out of the tables
  if (x <= kBelow) return kMin;
  if (x >= kAbove) return kMax;
  return static_cast<To>(x);
}

// Converts one element (the rules of `copy`, docs/kernels.md "Casts"):
// - to bool: nonzero (NaN included) is true; from bool: 0 or 1.
// - float to int: float_to_int above; float16/bfloat16 first widen exactly to float32.
// - int to int keeps the low bits (two's complement wrap, as NumPy's astype).
// - int to float and float narrowing round to nearest even (overflow gives +-inf); float16 is
//   rounded directly from the source, bfloat16 from the float32 value (as ml_dtypes does).
// - NaN payloads: as NumPy for float16 <-> float32/float64, as ml_dtypes for bfloat16.
template <class Family, class To, class From>
To cast(From x) {
  if constexpr (std::is_same_v<To, From>) {
    return x;
  } else if constexpr (std::is_same_v<From, Bool>) {
    return cast<Family, To>(static_cast<std::uint8_t>(x.bits != 0));
  } else if constexpr (std::is_same_v<To, Bool>) {
    if constexpr (std::is_same_v<From, Half>) {
      return Bool{static_cast<std::uint8_t>((x.bits & 0x7fffu) != 0)};
    } else if constexpr (std::is_same_v<From, BFloat16>) {
      return Bool{static_cast<std::uint8_t>((x.bits & 0x7fffu) != 0)};
    } else {
      return Bool{static_cast<std::uint8_t>(x != 0)};
    }
  } else if constexpr (std::is_same_v<From, Half> && std::is_same_v<To, double>) {
    return half_to_double<Family>(x);  // direct, so NaN payloads survive as in NumPy
  } else if constexpr (std::is_same_v<From, BFloat16> && std::is_same_v<To, Half>) {
    if ((x.bits & 0x7fffu) > 0x7f80u) {  // NaN: ml_dtypes gives the quiet NaN 0x7e00, signed
      return Half{static_cast<std::uint16_t>((x.bits & 0x8000u) | 0x7e00u)};
    }
    return half_from_float<Family>(widen<Family>(x));
  } else if constexpr (kIsNarrowFloat<From>) {
    return cast<Family, To>(widen<Family>(x));
  } else if constexpr (std::is_same_v<To, Half>) {
    if constexpr (std::is_same_v<From, double>) {
      return half_from_double<Family>(x);
    } else {
      return half_from_float<Family>(static_cast<float>(x));  // ints: exact or beyond half range
    }
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    return bfloat16_from_float<Family>(static_cast<float>(x));
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    return float_to_int<Family, To>(x);
  } else {
    return static_cast<To>(x);
  }
}

}  // namespace mg::kernels
