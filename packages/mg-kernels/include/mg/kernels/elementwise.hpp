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

// Whether `binary` defines Op for T (docs/kernels.md, "Binary ops"): bool has no arithmetic
// beyond ADD (or) and MUL (and), the float-only math ops need a float, shifts need an integer.
template <BinaryOp Op, class T>
constexpr bool binary_supported() {
  constexpr bool kBool = std::is_same_v<T, Bool>;
  constexpr bool kFloat = std::is_floating_point_v<T> || kIsNarrowFloat<T>;
  switch (Op) {
    case BinaryOp::kSub:
    case BinaryOp::kDiv:
    case BinaryOp::kPow:
    case BinaryOp::kFloorDivide:
    case BinaryOp::kRemainder:
      return !kBool;
    case BinaryOp::kAtan2:
    case BinaryOp::kCopysign:
    case BinaryOp::kHypot:
    case BinaryOp::kLogaddexp:
      return kFloat;
    case BinaryOp::kBitwiseAnd:
    case BinaryOp::kBitwiseOr:
    case BinaryOp::kBitwiseXor:
      return !kFloat;
    case BinaryOp::kLeftShift:
    case BinaryOp::kRightShift:
      return !kFloat && !kBool;
    default:
      return true;
  }
}
template <BinaryOp Op, class T>
inline constexpr bool kBinarySupported = binary_supported<Op, T>();

// The element type `binary` writes: bool for comparisons and logical ops, else T.
template <BinaryOp Op, class T>
using BinaryOut = std::conditional_t<binary_op_gives_bool(Op), Bool, T>;

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

// C math by exact name (never the inline std:: overloads, Note [One symbol per ISA]).
template <class Family, class F>
F c_fmod(F a, F b) {
  if constexpr (std::is_same_v<F, float>)
    return ::fmodf(a, b);
  else
    return ::fmod(a, b);
}
template <class Family, class F>
F c_floor(F x) {
  if constexpr (std::is_same_v<F, float>)
    return ::floorf(x);
  else
    return ::floor(x);
}
template <class Family, class F>
F c_copysign(F a, F b) {
  if constexpr (std::is_same_v<F, float>)
    return ::copysignf(a, b);
  else
    return ::copysign(a, b);
}

// numpy.divmod for real floats: the floor quotient, and in `mod` the remainder with the sign of
// b. Computing both from fmod (exact) keeps a == q * b + mod as close as the rounding allows.
// b == 0 gives a / b and fmod's nan; a nan or infinite a gives nan.
template <class Family, class F>
F float_divmod(F a, F b, F* mod) {
  F m = c_fmod<Family>(a, b);
  if (b == 0) {
    *mod = m;
    return a / b;
  }
  F div = (a - m) / b;
  if (m != 0) {  // nan counts as nonzero, as in NumPy
    if ((b < 0) != (m < 0)) {
      m += b;
      div -= F{1};
    }
  } else {
    m = c_copysign<Family>(F{0}, b);
  }
  *mod = m;
  if (div == 0) return c_copysign<Family>(F{0}, a / b);
  F q = c_floor<Family>(div);
  if (div - q > F{0.5}) q += F{1};  // (a - m) / b rounded just below an integer
  return q;
}

// Integers: floor division (x // 0 == 0, MIN // -1 == MIN), as DIV. Floats: numpy.floor_divide.
template <class Family, class T>
T floor_divide(T a, T b) {
  if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(floor_divide<Family>(widen<Family>(a), widen<Family>(b)));
  } else if constexpr (std::is_integral_v<T>) {
    return div<Family>(a, b);
  } else {
    T mod;
    return float_divmod<Family>(a, b, &mod);
  }
}

// Integers: the remainder with the sign of b (Python's %); x % 0 == 0 and MIN % -1 == 0.
// Floats: numpy.remainder (x % 0 is nan, x % inf is x or inf by sign).
template <class Family, class T>
T remainder(T a, T b) {
  if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(remainder<Family>(widen<Family>(a), widen<Family>(b)));
  } else if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return 0;  // a % -1 overflows for MIN in C++
      T r = static_cast<T>(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
      return r;
    } else {
      return static_cast<T>(a % b);
    }
  } else {
    T mod;
    if (b == 0) return c_fmod<Family>(a, b);
    float_divmod<Family>(a, b, &mod);
    return mod;
  }
}

// Truth of one element: nonzero, NaN included; -0.0 is false; a bool byte other than 0 is true.
template <class Family, class T>
bool truth(T x) {
  if constexpr (std::is_same_v<T, Bool>) {
    return x.bits != 0;
  } else if constexpr (kIsNarrowFloat<T>) {
    return (x.bits & 0x7fffu) != 0;
  } else {
    return x != 0;
  }
}

template <class Family>
Bool make_bool(bool x) {
  return Bool{static_cast<std::uint8_t>(x ? 1 : 0)};
}

// The value comparisons and min/max see: bools as 0/1, narrow floats widened to float32.
template <class Family, class T>
auto ordered(T x) {
  if constexpr (std::is_same_v<T, Bool>) {
    return static_cast<int>(x.bits != 0);
  } else {
    return widen<Family>(x);
  }
}

template <class Family, class C>
bool is_nan(C x) {
  if constexpr (std::is_floating_point_v<C>)
    return x != x;
  else
    return false;
}

// NaN propagates (NumPy's maximum/minimum). Equal values (+0.0 and -0.0) give b, as NumPy's
// float32/float64 loops, ml_dtypes' bfloat16 and the SIMD max/min instructions do; NumPy's
// float16 loop gives a, and so does float16 here.
template <class Family, class T>
T maximum(T a, T b) {
  if constexpr (std::is_same_v<T, Bool>) {
    return make_bool<Family>(truth<Family>(a) || truth<Family>(b));
  } else {
    const auto x = ordered<Family>(a);
    const auto y = ordered<Family>(b);
    if constexpr (std::is_same_v<T, Half>) return (is_nan<Family>(x) || x >= y) ? a : b;
    return (is_nan<Family>(x) || x > y) ? a : b;
  }
}
template <class Family, class T>
T minimum(T a, T b) {
  if constexpr (std::is_same_v<T, Bool>) {
    return make_bool<Family>(truth<Family>(a) && truth<Family>(b));
  } else {
    const auto x = ordered<Family>(a);
    const auto y = ordered<Family>(b);
    if constexpr (std::is_same_v<T, Half>) return (is_nan<Family>(x) || x <= y) ? a : b;
    return (is_nan<Family>(x) || x < y) ? a : b;
  }
}

// The float-only math ops: C libm in the compute type, rounded once for the narrow floats.
template <class Family, BinaryOp Op, class F>
F float_math(F a, F b) {
  constexpr bool kF32 = std::is_same_v<F, float>;
  if constexpr (Op == BinaryOp::kAtan2) {
    if constexpr (kF32)
      return ::atan2f(a, b);
    else
      return ::atan2(a, b);
  } else if constexpr (Op == BinaryOp::kCopysign) {
    return c_copysign<Family>(a, b);
  } else if constexpr (Op == BinaryOp::kHypot) {
    if constexpr (kF32)
      return ::hypotf(a, b);
    else
      return ::hypot(a, b);
  } else {  // kLogaddexp: log(exp(a) + exp(b)) without overflow, as numpy.logaddexp
    if (a == b) return a + static_cast<F>(0.693147180559945309417232121458176568);  // +-inf too
    const F d = a - b;
    if (d > 0) {
      if constexpr (kF32)
        return a + ::log1pf(::expf(-d));
      else
        return a + ::log1p(::exp(-d));
    }
    if (d <= 0) {
      if constexpr (kF32)
        return b + ::log1pf(::expf(d));
      else
        return b + ::log1p(::exp(d));
    }
    return d;  // nan
  }
}

// Shifts count in the type's width: an amount < 0 or >= the width gives 0 for LEFT_SHIFT, and
// for RIGHT_SHIFT 0 (-1 for a negative signed a), as NumPy defines them. Left shifts wrap.
template <class Family, class T>
T left_shift(T a, T b) {
  constexpr auto kBits = static_cast<std::make_unsigned_t<T>>(sizeof(T) * 8);
  if (static_cast<std::make_unsigned_t<T>>(b) >= kBits) return 0;
  return static_cast<T>(static_cast<WrapUnsigned<T>>(a) << static_cast<unsigned>(b));
}
template <class Family, class T>
T right_shift(T a, T b) {
  constexpr auto kBits = static_cast<std::make_unsigned_t<T>>(sizeof(T) * 8);
  if (static_cast<std::make_unsigned_t<T>>(b) >= kBits) {
    if constexpr (std::is_signed_v<T>) return a < 0 ? T{-1} : T{0};
    return 0;
  }
  return static_cast<T>(a >> static_cast<unsigned>(b));  // arithmetic for signed (C++20)
}

// Bitwise ops on integers; on bool they are the logical ops (a byte other than 0 or 1 is true).
template <class Family, BinaryOp Op, class T>
T bitwise(T a, T b) {
  if constexpr (std::is_same_v<T, Bool>) {
    const bool x = truth<Family>(a);
    const bool y = truth<Family>(b);
    if constexpr (Op == BinaryOp::kBitwiseAnd) return make_bool<Family>(x && y);
    if constexpr (Op == BinaryOp::kBitwiseOr) return make_bool<Family>(x || y);
    if constexpr (Op == BinaryOp::kBitwiseXor) return make_bool<Family>(x != y);
  } else {
    if constexpr (Op == BinaryOp::kBitwiseAnd) return static_cast<T>(a & b);
    if constexpr (Op == BinaryOp::kBitwiseOr) return static_cast<T>(a | b);
    if constexpr (Op == BinaryOp::kBitwiseXor) return static_cast<T>(a ^ b);
  }
}

// Comparisons (IEEE: NaN compares unequal to everything) and logical ops, giving a bool.
template <class Family, BinaryOp Op, class T>
Bool predicate(T a, T b) {
  if constexpr (Op >= BinaryOp::kLogicalAnd) {
    const bool x = truth<Family>(a);
    const bool y = truth<Family>(b);
    if constexpr (Op == BinaryOp::kLogicalAnd) return make_bool<Family>(x && y);
    if constexpr (Op == BinaryOp::kLogicalOr) return make_bool<Family>(x || y);
    if constexpr (Op == BinaryOp::kLogicalXor) return make_bool<Family>(x != y);
  } else {
    const auto x = ordered<Family>(a);
    const auto y = ordered<Family>(b);
    if constexpr (Op == BinaryOp::kEqual) return make_bool<Family>(x == y);
    if constexpr (Op == BinaryOp::kNotEqual) return make_bool<Family>(x != y);
    if constexpr (Op == BinaryOp::kLess) return make_bool<Family>(x < y);
    if constexpr (Op == BinaryOp::kLessEqual) return make_bool<Family>(x <= y);
    if constexpr (Op == BinaryOp::kGreater) return make_bool<Family>(x > y);
    if constexpr (Op == BinaryOp::kGreaterEqual) return make_bool<Family>(x >= y);
  }
}

// One element of `binary`: BinaryOut<Op, T> from two T.
template <class Family, BinaryOp Op, class T>
BinaryOut<Op, T> apply(T a, T b) {
  if constexpr (Op == BinaryOp::kAdd) return add<Family>(a, b);
  if constexpr (Op == BinaryOp::kSub) return sub<Family>(a, b);
  if constexpr (Op == BinaryOp::kMul) return mul<Family>(a, b);
  if constexpr (Op == BinaryOp::kDiv) return div<Family>(a, b);
  if constexpr (Op == BinaryOp::kPow) return pow<Family>(a, b);
  if constexpr (Op == BinaryOp::kFloorDivide) return floor_divide<Family>(a, b);
  if constexpr (Op == BinaryOp::kRemainder) return remainder<Family>(a, b);
  if constexpr (Op == BinaryOp::kMaximum) return maximum<Family>(a, b);
  if constexpr (Op == BinaryOp::kMinimum) return minimum<Family>(a, b);
  if constexpr (Op >= BinaryOp::kAtan2 && Op <= BinaryOp::kLogaddexp) {
    if constexpr (kIsNarrowFloat<T>) {
      return narrow<Family, T>(float_math<Family, Op>(widen<Family>(a), widen<Family>(b)));
    } else {
      return float_math<Family, Op>(a, b);
    }
  }
  if constexpr (binary_op_gives_bool(Op)) return predicate<Family, Op>(a, b);
  if constexpr (Op >= BinaryOp::kBitwiseAnd && Op <= BinaryOp::kBitwiseXor) {
    return bitwise<Family, Op>(a, b);
  }
  if constexpr (Op == BinaryOp::kLeftShift) return left_shift<Family>(a, b);
  if constexpr (Op == BinaryOp::kRightShift) return right_shift<Family>(a, b);
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
