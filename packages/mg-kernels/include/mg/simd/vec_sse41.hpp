// The SSE4.1 Vec family (128-bit registers). Same vocabulary and results as vec_scalar.hpp.
// Include only from translation units compiled with -msse4.1 (the sse41 kernel units).
//
// Members: float, double: load store broadcast zero add sub mul div reduce_add.
// int8/uint8: add sub (no 8-bit multiply in SSE). int16/uint16, int32/uint32: add sub mul.
// int64/uint64: add sub (no 64-bit low multiply before AVX-512DQ). Every int type: reduce_add.
// float16, bfloat16: float32 lanes, converted in integer SIMD (SSE4.1 has no F16C). bool: none.
#pragma once

// MSVC on x64 accepts SSE4.1 intrinsics without a flag and defines no __SSE4_1__.
#if !defined(__SSE4_1__) && !defined(_MSC_VER)
#error "vec_sse41.hpp needs -msse4.1; include it only from the sse41 kernel units"
#endif

#include <smmintrin.h>

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"

namespace mg::simd::sse41 {

struct Family;

// Element types without a specialisation (bool) have no Vec: their kernels run scalar loops.
template <class T>
struct Vec {};

template <>
struct Vec<float> {
  using Reg = __m128;
  static constexpr std::int64_t kLanes = 4;

  static Reg load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, Reg r) { _mm_storeu_ps(p, r); }
  static Reg broadcast(float x) { return _mm_set1_ps(x); }
  static Reg zero() { return _mm_setzero_ps(); }
  static Reg add(Reg a, Reg b) { return _mm_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm_div_ps(a, b); }
  // Pairwise: (0+2, 1+3), then the two sums.
  static float reduce_add(Reg r) {
    const __m128 x = _mm_add_ps(r, _mm_movehl_ps(r, r));
    return _mm_cvtss_f32(_mm_add_ss(x, _mm_movehdup_ps(x)));
  }
};

template <>
struct Vec<double> {
  using Reg = __m128d;
  static constexpr std::int64_t kLanes = 2;

  static Reg load(const double* p) { return _mm_loadu_pd(p); }
  static void store(double* p, Reg r) { _mm_storeu_pd(p, r); }
  static Reg broadcast(double x) { return _mm_set1_pd(x); }
  static Reg zero() { return _mm_setzero_pd(); }
  static Reg add(Reg a, Reg b) { return _mm_add_pd(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm_sub_pd(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm_mul_pd(a, b); }
  static Reg div(Reg a, Reg b) { return _mm_div_pd(a, b); }
  static double reduce_add(Reg r) { return _mm_cvtsd_f64(_mm_add_sd(r, _mm_unpackhi_pd(r, r))); }
};

// Integer lanes share the load/store code; add/sub wrap natively.
template <class T>
struct IntVecBase {
  using Reg = __m128i;
  static constexpr std::int64_t kLanes = 16 / sizeof(T);

  static Reg load(const T* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
  static void store(T* p, Reg r) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), r); }
  static Reg zero() { return _mm_setzero_si128(); }
  // Lane by lane through a plain array, wrapping like the scalar sum (only used once per row).
  static T reduce_add(Reg r) {
    T lanes[kLanes];
    store(lanes, r);
    using Wide = decltype(std::make_unsigned_t<T>{} + 0u);
    Wide sum = 0;
    for (T x : lanes) sum = static_cast<Wide>(sum + static_cast<Wide>(x));
    return static_cast<T>(sum);
  }
};

template <class T>
struct Int8Vec : IntVecBase<T> {
  using Reg = __m128i;
  static Reg broadcast(T x) { return _mm_set1_epi8(static_cast<char>(x)); }
  static Reg add(Reg a, Reg b) { return _mm_add_epi8(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm_sub_epi8(a, b); }
};
template <>
struct Vec<std::int8_t> : Int8Vec<std::int8_t> {};
template <>
struct Vec<std::uint8_t> : Int8Vec<std::uint8_t> {};

// The low half of the product is the wrapping multiply, signed or not.
template <class T>
struct Int16Vec : IntVecBase<T> {
  using Reg = __m128i;
  static Reg broadcast(T x) { return _mm_set1_epi16(static_cast<short>(x)); }
  static Reg add(Reg a, Reg b) { return _mm_add_epi16(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm_sub_epi16(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm_mullo_epi16(a, b); }
};
template <>
struct Vec<std::int16_t> : Int16Vec<std::int16_t> {};
template <>
struct Vec<std::uint16_t> : Int16Vec<std::uint16_t> {};

template <class T>
struct Int32Vec : IntVecBase<T> {
  using Reg = __m128i;
  static Reg broadcast(T x) { return _mm_set1_epi32(static_cast<int>(x)); }
  static Reg add(Reg a, Reg b) { return _mm_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm_sub_epi32(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm_mullo_epi32(a, b); }  // pmulld: new in SSE4.1
};
template <>
struct Vec<std::int32_t> : Int32Vec<std::int32_t> {};
template <>
struct Vec<std::uint32_t> : Int32Vec<std::uint32_t> {};

template <class T>
struct Int64Vec : IntVecBase<T> {
  using Reg = __m128i;
  static Reg broadcast(T x) { return _mm_set1_epi64x(static_cast<long long>(x)); }
  static Reg add(Reg a, Reg b) { return _mm_add_epi64(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm_sub_epi64(a, b); }
};
template <>
struct Vec<std::int64_t> : Int64Vec<std::int64_t> {};
template <>
struct Vec<std::uint64_t> : Int64Vec<std::uint64_t> {};

// Four 16-bit values at p, zero-extended into 32-bit lanes (reads 8 bytes, not 16).
inline __m128i load_u16x4(const void* p) {
  return _mm_cvtepu16_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p)));
}

// Four 32-bit lanes holding values in [0, 0xffff] stored as four 16-bit values (8 bytes).
inline void store_u16x4(void* p, __m128i x) {
  _mm_storel_epi64(static_cast<__m128i*>(p), _mm_packus_epi32(x, x));
}

inline __m128i set1_u32(std::uint32_t x) { return _mm_set1_epi32(static_cast<int>(x)); }

// Note [float16 in SSE4.1]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// No F16C, so both directions are integer arithmetic, lane for lane equal to half.hpp.
// Widening: normal halves rebias the exponent (+112 << 23); subnormals are mant * 2^-24, exact in
// float32 (converted from an integer, so no float32 subnormal is involved); inf/NaN set the float
// exponent to all ones and keep the 10 payload bits at the top (NumPy's rule, quiet bit as is).
// Narrowing: normal results round to nearest even by adding 0xfff + the kept lowest bit, clamped
// to 0x7c00 (inf) on overflow; results below 2^-14 come from the float add x + 0.5, whose ulp
// (2^-24) is the half subnormal step, so the hardware rounds to nearest even once (this assumes
// the default rounding mode, which Python never changes; DAZ/FTZ cannot change the result).
template <>
struct Vec<Half> : Vec<float> {
  static Reg load(const Half* p) {
    const __m128i w = load_u16x4(p);
    const __m128i sign = _mm_slli_epi32(_mm_and_si128(w, set1_u32(0x8000)), 16);
    const __m128i mag = _mm_and_si128(w, set1_u32(0x7fff));
    const __m128i exp = _mm_and_si128(w, set1_u32(0x7c00));
    const __m128i shifted = _mm_slli_epi32(mag, 13);
    const __m128i normal = _mm_add_epi32(shifted, set1_u32(112u << 23));
    const __m128i infnan = _mm_or_si128(shifted, set1_u32(0x7f800000));
    // exp == 0: mag is the mantissa.
    const __m128i subnormal =
        _mm_castps_si128(_mm_mul_ps(_mm_cvtepi32_ps(mag), _mm_set1_ps(0x1p-24f)));
    __m128i bits = _mm_blendv_epi8(normal, infnan, _mm_cmpeq_epi32(exp, set1_u32(0x7c00)));
    bits = _mm_blendv_epi8(bits, subnormal, _mm_cmpeq_epi32(exp, _mm_setzero_si128()));
    return _mm_castsi128_ps(_mm_or_si128(bits, sign));
  }
  static void store(Half* p, Reg r) {
    const __m128i bits = _mm_castps_si128(r);
    const __m128i abs = _mm_and_si128(bits, set1_u32(0x7fffffff));
    const __m128i sign = _mm_and_si128(_mm_srli_epi32(bits, 16), set1_u32(0x8000));
    // Normal results (abs >= 2^-14): rebias by -112 << 23, round to nearest even, clamp to inf.
    const __m128i lsb = _mm_and_si128(_mm_srli_epi32(abs, 13), set1_u32(1));
    const __m128i rebiased = _mm_sub_epi32(abs, set1_u32(112u << 23));
    __m128i normal =
        _mm_srli_epi32(_mm_add_epi32(rebiased, _mm_add_epi32(lsb, set1_u32(0xfff))), 13);
    normal = _mm_min_epi32(normal, set1_u32(0x7c00));
    // Subnormal results (abs < 2^-14): the bits of |x| + 0.5 above those of 0.5.
    const __m128 plus_half = _mm_add_ps(_mm_castsi128_ps(abs), _mm_set1_ps(0.5f));
    const __m128i small = _mm_sub_epi32(_mm_castps_si128(plus_half), set1_u32(0x3f000000));
    // NaN: the top 10 payload bits, or 1 if they are all zero.
    __m128i payload = _mm_and_si128(_mm_srli_epi32(abs, 13), set1_u32(0x3ff));
    const __m128i empty = _mm_cmpeq_epi32(payload, _mm_setzero_si128());
    payload = _mm_or_si128(payload, _mm_and_si128(empty, set1_u32(1)));
    const __m128i nan = _mm_or_si128(payload, set1_u32(0x7c00));
    // abs is at most 0x7fffffff, so the signed compares are safe.
    __m128i h = _mm_blendv_epi8(normal, small, _mm_cmplt_epi32(abs, set1_u32(0x38800000)));
    h = _mm_blendv_epi8(h, nan, _mm_cmpgt_epi32(abs, set1_u32(0x7f800000)));
    store_u16x4(p, _mm_or_si128(h, sign));
  }
  static Reg broadcast(Half x) { return _mm_set1_ps(half_to_float<Family>(x)); }
};

// bfloat16 is the top half of a float32: loads shift, stores round to nearest even by integer
// arithmetic (ml_dtypes' formula) and turn NaN into 0x7fc0 with its sign.
template <>
struct Vec<BFloat16> : Vec<float> {
  static Reg load(const BFloat16* p) { return _mm_castsi128_ps(_mm_slli_epi32(load_u16x4(p), 16)); }
  static void store(BFloat16* p, Reg r) {
    const __m128i bits = _mm_castps_si128(r);
    const __m128i lsb = _mm_and_si128(_mm_srli_epi32(bits, 16), set1_u32(1));
    // No overflow: the largest non-NaN pattern, 0xff7fffff, plus 0x8000 stays below 2^32.
    const __m128i bias = _mm_add_epi32(lsb, set1_u32(0x7fff));
    const __m128i rounded = _mm_srli_epi32(_mm_add_epi32(bits, bias), 16);
    const __m128i nan = _mm_castps_si128(_mm_cmpunord_ps(r, r));
    const __m128i quiet =
        _mm_or_si128(_mm_and_si128(_mm_srli_epi32(bits, 16), set1_u32(0x8000)), set1_u32(0x7fc0));
    store_u16x4(p, _mm_blendv_epi8(rounded, quiet, nan));
  }
  static Reg broadcast(BFloat16 x) { return _mm_set1_ps(bfloat16_to_float<Family>(x)); }
};

struct Family {
  template <class T>
  using Vec = sse41::Vec<T>;
};

}  // namespace mg::simd::sse41
