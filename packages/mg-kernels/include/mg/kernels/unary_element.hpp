// Per-element semantics of the unary ops (the specification for the scalar loops), and which
// dtypes each op is defined for. float32 math with a Vec form lives in vmath.hpp / unary.hpp.
//
// Every function takes the Vec family first and calls only C math (::exp, ::expm1f, ...) and
// builtins (Note [One symbol per ISA] in binary.hpp).
#pragma once

#include <math.h>  // plain extern "C" symbols, safe to call from any table

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"
#include "mg/kernels/elementwise.hpp"
#include "mg/unary_op.hpp"

namespace mg::kernels {

template <class T>
inline constexpr bool kIsFloat = std::is_floating_point_v<T> || kIsNarrowFloat<T>;

// Ops defined on every numeric dtype (not bool): NEGATIVE ABS SIGN SQUARE RELU, and the
// roundings, which are the identity on integers.
constexpr bool unary_numeric_op(UnaryOp op) {
  return op == UnaryOp::kNegative || op == UnaryOp::kAbs || op == UnaryOp::kSign ||
         op == UnaryOp::kSquare || op == UnaryOp::kRelu || op == UnaryOp::kFloor ||
         op == UnaryOp::kCeil || op == UnaryOp::kTrunc || op == UnaryOp::kRound;
}

// Whether `unary` defines Op for T (the table holds nullptr otherwise; plan_unary raises).
template <UnaryOp Op, class T>
inline constexpr bool kUnarySupported =
    unary_writes_bool(Op) ||
    (Op == UnaryOp::kBitwiseInvert ? (std::is_integral_v<T> || std::is_same_v<T, Bool>)
     : unary_numeric_op(Op)        ? !std::is_same_v<T, Bool>
                                   : kIsFloat<T>);

template <UnaryOp Op, class T>
using UnaryOut = std::conditional_t<unary_writes_bool(Op), Bool, T>;

// The C library function of Op, in float (the ...f functions) or double. ROUND is nearbyint:
// half to even in the default rounding mode.
template <class Family, UnaryOp Op>
float c_math(float x) {
  if constexpr (Op == UnaryOp::kAbs) return ::fabsf(x);
  if constexpr (Op == UnaryOp::kSqrt) return ::sqrtf(x);
  if constexpr (Op == UnaryOp::kExp) return ::expf(x);
  if constexpr (Op == UnaryOp::kExp2) return ::exp2f(x);
  if constexpr (Op == UnaryOp::kExpm1) return ::expm1f(x);
  if constexpr (Op == UnaryOp::kLog) return ::logf(x);
  if constexpr (Op == UnaryOp::kLog2) return ::log2f(x);
  if constexpr (Op == UnaryOp::kLog10) return ::log10f(x);
  if constexpr (Op == UnaryOp::kLog1p) return ::log1pf(x);
  if constexpr (Op == UnaryOp::kSin) return ::sinf(x);
  if constexpr (Op == UnaryOp::kCos) return ::cosf(x);
  if constexpr (Op == UnaryOp::kTan) return ::tanf(x);
  if constexpr (Op == UnaryOp::kTanh) return ::tanhf(x);
  if constexpr (Op == UnaryOp::kSinh) return ::sinhf(x);
  if constexpr (Op == UnaryOp::kCosh) return ::coshf(x);
  if constexpr (Op == UnaryOp::kAsin) return ::asinf(x);
  if constexpr (Op == UnaryOp::kAcos) return ::acosf(x);
  if constexpr (Op == UnaryOp::kAtan) return ::atanf(x);
  if constexpr (Op == UnaryOp::kErf) return ::erff(x);
  if constexpr (Op == UnaryOp::kFloor) return ::floorf(x);
  if constexpr (Op == UnaryOp::kCeil) return ::ceilf(x);
  if constexpr (Op == UnaryOp::kTrunc) return ::truncf(x);
  if constexpr (Op == UnaryOp::kRound) return ::nearbyintf(x);
  return x;
}

template <class Family, UnaryOp Op>
double c_math(double x) {
  if constexpr (Op == UnaryOp::kAbs) return ::fabs(x);
  if constexpr (Op == UnaryOp::kSqrt) return ::sqrt(x);
  if constexpr (Op == UnaryOp::kExp) return ::exp(x);
  if constexpr (Op == UnaryOp::kExp2) return ::exp2(x);
  if constexpr (Op == UnaryOp::kExpm1) return ::expm1(x);
  if constexpr (Op == UnaryOp::kLog) return ::log(x);
  if constexpr (Op == UnaryOp::kLog2) return ::log2(x);
  if constexpr (Op == UnaryOp::kLog10) return ::log10(x);
  if constexpr (Op == UnaryOp::kLog1p) return ::log1p(x);
  if constexpr (Op == UnaryOp::kSin) return ::sin(x);
  if constexpr (Op == UnaryOp::kCos) return ::cos(x);
  if constexpr (Op == UnaryOp::kTan) return ::tan(x);
  if constexpr (Op == UnaryOp::kTanh) return ::tanh(x);
  if constexpr (Op == UnaryOp::kSinh) return ::sinh(x);
  if constexpr (Op == UnaryOp::kCosh) return ::cosh(x);
  if constexpr (Op == UnaryOp::kAsin) return ::asin(x);
  if constexpr (Op == UnaryOp::kAcos) return ::acos(x);
  if constexpr (Op == UnaryOp::kAtan) return ::atan(x);
  if constexpr (Op == UnaryOp::kErf) return ::erf(x);
  if constexpr (Op == UnaryOp::kFloor) return ::floor(x);
  if constexpr (Op == UnaryOp::kCeil) return ::ceil(x);
  if constexpr (Op == UnaryOp::kTrunc) return ::trunc(x);
  if constexpr (Op == UnaryOp::kRound) return ::nearbyint(x);
  return x;
}

// float or double. sigmoid: the stable form (the exponential never exceeds 1); relu keeps NaN
// and gives +0 for -0; sign keeps NaN and gives +0 for -0.
template <class Family, UnaryOp Op, class F>
F float_math(F x) {
  if constexpr (Op == UnaryOp::kNegative) return -x;
  if constexpr (Op == UnaryOp::kSign) return x > 0 ? F{1} : (x < 0 ? F{-1} : (x != x ? x : F{0}));
  if constexpr (Op == UnaryOp::kReciprocal) return F{1} / x;
  if constexpr (Op == UnaryOp::kSquare) return x * x;
  if constexpr (Op == UnaryOp::kSigmoid) {
    const F e = c_math<Family, UnaryOp::kExp>(x < 0 ? x : -x);
    return (x < 0 ? e : F{1}) / (F{1} + e);
  }
  if constexpr (Op == UnaryOp::kRelu) return (x > 0 || x != x) ? x : F{0};
  return c_math<Family, Op>(x);
}

// Integers: NEGATIVE, ABS and SQUARE wrap (abs(MIN) == MIN, as NumPy); SIGN is -1, 0 or 1;
// RELU is max(x, 0); the roundings are the identity; BITWISE_INVERT is ~x.
template <class Family, UnaryOp Op, class T>
T int_math(T x) {
  using U = WrapUnsigned<T>;
  if constexpr (Op == UnaryOp::kNegative) return static_cast<T>(U{0} - static_cast<U>(x));
  if constexpr (Op == UnaryOp::kAbs) {
    if constexpr (std::is_signed_v<T>) {
      return x < 0 ? static_cast<T>(U{0} - static_cast<U>(x)) : x;
    } else {
      return x;
    }
  }
  if constexpr (Op == UnaryOp::kSign) {
    if constexpr (std::is_signed_v<T>) {
      return static_cast<T>(x > 0 ? 1 : (x < 0 ? -1 : 0));
    } else {
      return static_cast<T>(x > 0 ? 1 : 0);
    }
  }
  if constexpr (Op == UnaryOp::kSquare)
    return static_cast<T>(static_cast<U>(x) * static_cast<U>(x));
  if constexpr (Op == UnaryOp::kRelu) return x > 0 ? x : T{0};
  if constexpr (Op == UnaryOp::kFloor || Op == UnaryOp::kCeil || Op == UnaryOp::kTrunc ||
                Op == UnaryOp::kRound) {
    return x;
  }
  if constexpr (Op == UnaryOp::kBitwiseInvert) return static_cast<T>(~static_cast<U>(x));
}

// The predicates, for any dtype (integers and bool are never NaN or inf).
template <class Family, UnaryOp Op, class T>
Bool predicate(T x) {
  bool r = false;
  if constexpr (Op == UnaryOp::kLogicalNot) {
    if constexpr (std::is_same_v<T, Bool>) {
      r = x.bits == 0;
    } else if constexpr (kIsNarrowFloat<T>) {
      r = (x.bits & 0x7fffu) == 0;
    } else {
      r = x == 0;
    }
  } else if constexpr (kIsFloat<T>) {
    const Compute<T> v = widen<Family>(x);
    const bool nan = v != v;
    const auto inf_value = static_cast<Compute<T>>(__builtin_inf());
    const bool inf = v == inf_value || v == -inf_value;
    if constexpr (Op == UnaryOp::kIsnan) r = nan;
    if constexpr (Op == UnaryOp::kIsinf) r = inf;
    if constexpr (Op == UnaryOp::kIsfinite) r = !nan && !inf;
  } else {
    r = Op == UnaryOp::kIsfinite;
  }
  return Bool{static_cast<std::uint8_t>(r)};
}

// One element of any op and dtype the table defines. The float32 ops with a Vec form do not
// come here in any table (unary.hpp runs them through vmath even one lane at a time).
template <class Family, UnaryOp Op, class T>
UnaryOut<Op, T> unary_element(T x) {
  if constexpr (unary_writes_bool(Op)) {
    return predicate<Family, Op>(x);
  } else if constexpr (std::is_same_v<T, Bool>) {
    return Bool{static_cast<std::uint8_t>(x.bits == 0)};  // BITWISE_INVERT on bool: not
  } else if constexpr (kIsNarrowFloat<T>) {
    return narrow<Family, T>(float_math<Family, Op>(widen<Family>(x)));
  } else if constexpr (std::is_floating_point_v<T>) {
    return float_math<Family, Op>(x);
  } else {
    return int_math<Family, Op>(x);
  }
}

}  // namespace mg::kernels
