// The reference Vec family: one lane of plain C++. Every Vec family implements this vocabulary
// for float, double, int32_t and int64_t, with the same results lane by lane:
//
//   using Reg;  kLanes;  load(p), store(p, r), broadcast(x), zero()   unaligned is fine
//   add, sub, mul   integers wrap (two's complement)                    optional per type
//   div             IEEE, floating types only                           optional per type
//   reduce_add(r)   sum of the lanes (integers wrap)
//
// An operation a family cannot do well (int division, int64 multiply on AVX2, pow) is simply not
// declared; kernels detect that and run the scalar loop instead (kernels/binary.hpp).
#pragma once

#include <cstdint>
#include <type_traits>

namespace mg::simd::scalar {

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

struct Family {
  template <class T>
  using Vec = scalar::Vec<T>;
};

}  // namespace mg::simd::scalar
