// The reference Vec family: one lane of plain C++. Every Vec family implements this vocabulary
// for the element types it can do well, with the same results lane by lane:
//
//   using Reg;  kLanes;  load(p), store(p, r), broadcast(x), zero()   unaligned is fine
//   add, sub, mul   integers wrap (two's complement)                    optional per type
//   div             IEEE, floating types only                           optional per type
//   reduce_add(r)   sum of the lanes (integers wrap)
//
// float16 and bfloat16 (Half, BFloat16) load into float32 registers (Reg is Vec<float>::Reg,
// same lane count) and round to nearest even on store, so arithmetic on them runs in float32
// and rounds once per element, and a load of one type stored as another is a cast
// (kernels/copy.hpp). Bool has no Vec: its kernels are the scalar loops.
//
// An operation a family cannot do well (int division, int64 multiply on AVX2, pow) is simply not
// declared; kernels detect that and run the scalar loop instead (kernels/binary.hpp).
#pragma once

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"

namespace mg::simd::scalar {

struct Family;

// Unsigned type for wrapping arithmetic on T, at least as wide as unsigned int so that narrow
// types do not promote to (signed, overflowing) int.
template <class T, bool = std::is_integral_v<T>>
struct WrapType {
  using type = T;
};
template <class T>
struct WrapType<T, true> {
  using type = decltype(std::make_unsigned_t<T>{} + 0u);
};

template <class T>
struct Vec {
  using Reg = T;
  static constexpr std::int64_t kLanes = 1;

  static Reg load(const T* p) { return *p; }
  static void store(T* p, Reg r) { *p = r; }
  static Reg broadcast(T x) { return x; }
  static Reg zero() { return T{0}; }
  static T reduce_add(Reg r) { return r; }

  static Reg add(Reg a, Reg b) {
    if constexpr (std::is_integral_v<T>) return wrap(U(a) + U(b));
    return a + b;
  }
  static Reg sub(Reg a, Reg b) {
    if constexpr (std::is_integral_v<T>) return wrap(U(a) - U(b));
    return a - b;
  }
  static Reg mul(Reg a, Reg b) {
    if constexpr (std::is_integral_v<T>) return wrap(U(a) * U(b));
    return a * b;
  }

  // reduce-family vocabulary: max/min propagate NaN (a's when both are), else pick b on ties.
  static Reg max(Reg a, Reg b) { return (a != a || a > b) ? a : b; }
  static Reg min(Reg a, Reg b) { return (a != a || a < b) ? a : b; }

  // Division stays the scalar loop's business for integers (floor semantics, x / 0).
  template <class Self = T>
  static auto div(Reg a, Reg b) -> std::enable_if_t<std::is_floating_point_v<Self>, Reg> {
    return a / b;
  }

 private:
  using Wide = typename WrapType<T>::type;
  static Wide U(T x) { return static_cast<Wide>(x); }
  static T wrap(Wide x) { return static_cast<T>(x); }
};

template <>
struct Vec<Bool> {};

template <>
struct Vec<Half> : Vec<float> {
  static Reg load(const Half* p) { return half_to_float<Family>(*p); }
  static void store(Half* p, Reg r) { *p = half_from_float<Family>(r); }
  static Reg broadcast(Half x) { return half_to_float<Family>(x); }
};

template <>
struct Vec<BFloat16> : Vec<float> {
  static Reg load(const BFloat16* p) { return bfloat16_to_float<Family>(*p); }
  static void store(BFloat16* p, Reg r) { *p = bfloat16_from_float<Family>(r); }
  static Reg broadcast(BFloat16 x) { return bfloat16_to_float<Family>(x); }
};

struct Family {
  template <class T>
  using Vec = scalar::Vec<T>;
};

}  // namespace mg::simd::scalar
