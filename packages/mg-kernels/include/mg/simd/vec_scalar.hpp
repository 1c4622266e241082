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

#include <math.h>  // unary-family vocabulary: C fmaf, sqrtf, floorf, ... (plain extern symbols)

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

  // Division stays the scalar loop's business for integers (floor semantics, x / 0).
  template <class Self = T>
  static auto div(Reg a, Reg b) -> std::enable_if_t<std::is_floating_point_v<Self>, Reg> {
    return a / b;
  }

  // binary-family vocabulary
  // max/min: NaN in either lane propagates (a's when both); ties give b. Comparisons give a
  // lane mask: a Reg with every bit set (true) or clear, as in the SIMD families; cmp_ne and
  // cmp_unord are true for NaN, the others false. store_mask writes one bool byte (0 or 1) per
  // lane; select(m, a, b) is m ? a : b lane by lane. The bit_* ops act on the lanes' bits.
  static Reg max(Reg a, Reg b) { return (is_nan(a) || a > b) ? a : b; }
  static Reg min(Reg a, Reg b) { return (is_nan(a) || a < b) ? a : b; }
  static Reg cmp_eq(Reg a, Reg b) { return mask(a == b); }
  static Reg cmp_ne(Reg a, Reg b) { return mask(a != b); }
  static Reg cmp_lt(Reg a, Reg b) { return mask(a < b); }
  static Reg cmp_le(Reg a, Reg b) { return mask(a <= b); }
  static Reg cmp_unord(Reg a, Reg b) { return mask(is_nan(a) || is_nan(b)); }
  static Reg select(Reg m, Reg a, Reg b) { return bits(m) != 0 ? a : b; }
  static bool any(Reg m) { return bits(m) != 0; }
  static void store_mask(Bool* p, Reg m) { p->bits = bits(m) != 0 ? 1 : 0; }
  static Reg bit_and(Reg a, Reg b) { return from_bits(static_cast<Bits>(bits(a) & bits(b))); }
  static Reg bit_or(Reg a, Reg b) { return from_bits(static_cast<Bits>(bits(a) | bits(b))); }
  static Reg bit_xor(Reg a, Reg b) { return from_bits(static_cast<Bits>(bits(a) ^ bits(b))); }
  static Reg bit_andnot(Reg a, Reg b) {  // ~a & b
    return from_bits(static_cast<Bits>(~bits(a) & bits(b)));
  }
  // Per-lane shift amounts; < 0 or >= the width gives 0 (shift_right of a negative: -1).
  template <class Self = T>
  static auto shift_left(Reg a, Reg b) -> std::enable_if_t<std::is_integral_v<Self>, Reg> {
    if (static_cast<std::make_unsigned_t<T>>(b) >= sizeof(T) * 8) return T{0};
    return wrap(static_cast<Wide>(U(a) << static_cast<unsigned>(b)));
  }
  template <class Self = T>
  static auto shift_right(Reg a, Reg b) -> std::enable_if_t<std::is_integral_v<Self>, Reg> {
    if (static_cast<std::make_unsigned_t<T>>(b) >= sizeof(T) * 8) {
      if constexpr (std::is_signed_v<T>) return a < T{0} ? T(-1) : T{0};
      return T{0};
    }
    return static_cast<T>(a >> static_cast<unsigned>(b));
  }
  // end binary-family vocabulary

  // unary-family vocabulary (float32 lanes; vmath.hpp). Integer lanes (IReg) are int32. FMA is
  // fused (C fmaf), so this family rounds exactly like the AVX2 one, lane for lane.
  using IReg = std::int32_t;
  static Reg fma(Reg a, Reg b, Reg c)
    requires std::is_same_v<T, float>
  {
    return ::fmaf(a, b, c);
  }
  static Reg sqrt(Reg a)
    requires std::is_same_v<T, float>
  {
    return ::sqrtf(a);
  }
  static Reg floor(Reg a)
    requires std::is_same_v<T, float>
  {
    return ::floorf(a);
  }
  static Reg ceil(Reg a)
    requires std::is_same_v<T, float>
  {
    return ::ceilf(a);
  }
  static Reg trunc(Reg a)
    requires std::is_same_v<T, float>
  {
    return ::truncf(a);
  }
  static Reg round(Reg a)  // half to even (the default rounding mode)
    requires std::is_same_v<T, float>
  {
    return ::nearbyintf(a);
  }
  static IReg as_int(Reg a)
    requires std::is_same_v<T, float>
  {
    return static_cast<IReg>(bits(a));
  }
  static Reg as_float(IReg a)
    requires std::is_same_v<T, float>
  {
    return from_bits(static_cast<std::uint32_t>(a));
  }
  // Round to nearest even; NaN and out-of-range lanes give INT32_MIN (as cvtps2dq).
  static IReg to_int(Reg a)
    requires std::is_same_v<T, float>
  {
    if (!(a >= -2147483648.0f && a < 2147483648.0f)) return INT32_MIN;
    return static_cast<IReg>(::nearbyintf(a));
  }
  static Reg to_float(IReg a)
    requires std::is_same_v<T, float>
  {
    return static_cast<float>(a);
  }
  static IReg broadcast_int(std::int32_t x) { return x; }
  static IReg add_int(IReg a, IReg b) {
    return static_cast<IReg>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
  }
  static IReg sub_int(IReg a, IReg b) {
    return static_cast<IReg>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
  }
  static IReg and_int(IReg a, IReg b) { return a & b; }
  template <int kBits>
  static IReg shl_int(IReg a) {
    return static_cast<IReg>(static_cast<std::uint32_t>(a) << kBits);
  }
  template <int kBits>
  static IReg sra_int(IReg a) {  // arithmetic
    return a >> kBits;
  }
  // end unary-family vocabulary

 private:
  // binary-family vocabulary. Bits: an unsigned integer as wide as T.
  using Bits = std::conditional_t<
      sizeof(T) == 1, std::uint8_t,
      std::conditional_t<sizeof(T) == 2, std::uint16_t,
                         std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>>>;
  static Bits bits(T x) { return __builtin_bit_cast(Bits, x); }
  static T from_bits(Bits x) { return __builtin_bit_cast(T, x); }
  static Reg mask(bool x) { return from_bits(x ? static_cast<Bits>(~Bits{0}) : Bits{0}); }
  static bool is_nan(T x) {
    if constexpr (std::is_floating_point_v<T>) return x != x;
    return false;
  }
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
  // binary-family vocabulary: NumPy's float16 max/min give a on ties (float32's give b).
  static Reg max(Reg a, Reg b) { return (a != a || a >= b) ? a : b; }
  static Reg min(Reg a, Reg b) { return (a != a || a <= b) ? a : b; }
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
