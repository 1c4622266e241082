// The NEON Vec family (AArch64 Advanced SIMD, 128-bit registers). Same vocabulary and results as
// vec_scalar.hpp. NEON is part of every AArch64 CPU, so the neon kernel units need no flags.
//
// Members: float, double: load store broadcast zero add sub mul div reduce_add (AArch64 has
// vector division). int8 ... int32 and their unsigned twins: add sub mul (all wrap).
// int64/uint64: add sub (NEON has no 64-bit multiply). Every int type: reduce_add.
// float16, bfloat16 and bool: no Vec yet, so they run the scalar loops. (FCVT quiets signalling
// NaNs, so float16 would need NumPy's payload patch as on AVX2; see docs/kernels.md.)
//
// Compile-checked with aarch64-linux-gnu-g++ 12 only; not yet run on arm64 hardware.
#pragma once

#if !defined(__aarch64__) && !defined(_M_ARM64)
#error "vec_neon.hpp is for AArch64 only (the neon kernel units)"
#endif

#include <arm_neon.h>

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"

namespace mg::simd::neon {

struct Family;

// Element types without a specialisation have no Vec: their kernels run scalar loops.
template <class T>
struct Vec {};

template <>
struct Vec<float> {
  using Reg = float32x4_t;
  static constexpr std::int64_t kLanes = 4;

  static Reg load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, Reg r) { vst1q_f32(p, r); }
  static Reg broadcast(float x) { return vdupq_n_f32(x); }
  static Reg zero() { return vdupq_n_f32(0.0f); }
  static Reg add(Reg a, Reg b) { return vaddq_f32(a, b); }
  static Reg sub(Reg a, Reg b) { return vsubq_f32(a, b); }
  static Reg mul(Reg a, Reg b) { return vmulq_f32(a, b); }
  static Reg div(Reg a, Reg b) { return vdivq_f32(a, b); }
  // Pairwise: (0+2, 1+3), then the two sums.
  static float reduce_add(Reg r) {
    const float32x2_t s = vadd_f32(vget_low_f32(r), vget_high_f32(r));
    return vget_lane_f32(s, 0) + vget_lane_f32(s, 1);
  }
};

template <>
struct Vec<double> {
  using Reg = float64x2_t;
  static constexpr std::int64_t kLanes = 2;

  static Reg load(const double* p) { return vld1q_f64(p); }
  static void store(double* p, Reg r) { vst1q_f64(p, r); }
  static Reg broadcast(double x) { return vdupq_n_f64(x); }
  static Reg zero() { return vdupq_n_f64(0.0); }
  static Reg add(Reg a, Reg b) { return vaddq_f64(a, b); }
  static Reg sub(Reg a, Reg b) { return vsubq_f64(a, b); }
  static Reg mul(Reg a, Reg b) { return vmulq_f64(a, b); }
  static Reg div(Reg a, Reg b) { return vdivq_f64(a, b); }
  static double reduce_add(Reg r) { return vgetq_lane_f64(r, 0) + vgetq_lane_f64(r, 1); }
};

// Integer lanes: the sum of the lanes through a plain array, wrapping like the scalar sum (only
// used once per row). Derived classes give Reg, load, store, broadcast, zero and the arithmetic.
template <class T, class R>
struct IntVecBase {
  using Reg = R;
  static constexpr std::int64_t kLanes = 16 / sizeof(T);
};

template <class Self, class T>
T reduce_lanes(typename Self::Reg r) {
  T lanes[Self::kLanes];
  Self::store(lanes, r);
  using Wide = decltype(std::make_unsigned_t<T>{} + 0u);
  Wide sum = 0;
  for (T x : lanes) sum = static_cast<Wide>(sum + static_cast<Wide>(x));
  return static_cast<T>(sum);
}

// One specialisation per type, as NEON names every intrinsic by lane type. HAS_MUL declares mul
// or not (NEON has no 64-bit lane multiply).
#define MG_NEON_INT_VEC(T, R, S, HAS_MUL)                             \
  template <>                                                         \
  struct Vec<T> : IntVecBase<T, R> {                                  \
    static Reg load(const T* p) { return vld1q_##S(p); }              \
    static void store(T* p, Reg r) { vst1q_##S(p, r); }               \
    static Reg broadcast(T x) { return vdupq_n_##S(x); }              \
    static Reg zero() { return vdupq_n_##S(0); }                      \
    static Reg add(Reg a, Reg b) { return vaddq_##S(a, b); }          \
    static Reg sub(Reg a, Reg b) { return vsubq_##S(a, b); }          \
    static T reduce_add(Reg r) { return reduce_lanes<Vec<T>, T>(r); } \
    HAS_MUL(static Reg mul(Reg a, Reg b) { return vmulq_##S(a, b); }) \
  };

#define MG_NEON_WITH_MUL(decl) decl
#define MG_NEON_WITHOUT_MUL(decl)

MG_NEON_INT_VEC(std::int8_t, int8x16_t, s8, MG_NEON_WITH_MUL)
MG_NEON_INT_VEC(std::uint8_t, uint8x16_t, u8, MG_NEON_WITH_MUL)
MG_NEON_INT_VEC(std::int16_t, int16x8_t, s16, MG_NEON_WITH_MUL)
MG_NEON_INT_VEC(std::uint16_t, uint16x8_t, u16, MG_NEON_WITH_MUL)
MG_NEON_INT_VEC(std::int32_t, int32x4_t, s32, MG_NEON_WITH_MUL)
MG_NEON_INT_VEC(std::uint32_t, uint32x4_t, u32, MG_NEON_WITH_MUL)
MG_NEON_INT_VEC(std::int64_t, int64x2_t, s64, MG_NEON_WITHOUT_MUL)
MG_NEON_INT_VEC(std::uint64_t, uint64x2_t, u64, MG_NEON_WITHOUT_MUL)

#undef MG_NEON_INT_VEC
#undef MG_NEON_WITH_MUL
#undef MG_NEON_WITHOUT_MUL

struct Family {
  template <class T>
  using Vec = neon::Vec<T>;
};

}  // namespace mg::simd::neon
