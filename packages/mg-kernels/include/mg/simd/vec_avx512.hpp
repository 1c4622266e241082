// The AVX-512 Vec family (512-bit registers). Same vocabulary and results as vec_scalar.hpp.
// Include only from translation units compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl
// -mavx2 -mfma -mf16c (the avx512 kernel units). No masked loads or stores: the kernels do
// scalar tails, so every load and store here is a whole unaligned register.
//
// Members: float, double: load store broadcast zero add sub mul div reduce_add.
// int8/uint8: add sub (no 8-bit multiply). int16/uint16, int32/uint32: add sub mul.
// int64/uint64: add sub mul (vpmullq, AVX-512DQ). Every int type: reduce_add.
// float16 (vcvtph2ps/vcvtps2ph with NumPy's NaN payloads), bfloat16 (integer rounding, no
// AVX512_BF16 instructions): float32 lanes. bool: none.
#pragma once

#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512DQ__) || \
    !defined(__AVX512VL__)
#error "vec_avx512.hpp needs -mavx512f -mavx512bw -mavx512dq -mavx512vl (the avx512 units)"
#endif

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"
#include "mg/simd/intrinsics.hpp"  // GCC 12 warnings silenced there

namespace mg::simd::avx512 {

struct Family;

// Element types without a specialisation (bool) have no Vec: their kernels run scalar loops.
template <class T>
struct Vec {};

inline __m512i set1_u32(std::uint32_t x) { return _mm512_set1_epi32(static_cast<int>(x)); }

template <>
struct Vec<float> {
  using Reg = __m512;
  static constexpr std::int64_t kLanes = 16;

  static Reg load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Reg r) { _mm512_storeu_ps(p, r); }
  static Reg broadcast(float x) { return _mm512_set1_ps(x); }
  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm512_div_ps(a, b); }
  // Pairwise like AVX2: the two 256-bit halves lane by lane, then halves again down to one.
  // The upper half goes through the double view because extractf32x8 would need only DQ, but
  // extractf64x4 is plain AVX-512F and moves the same bits.
  static float reduce_add(Reg r) {
    const __m256 lo = _mm512_castps512_ps256(r);
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(r), 1));
    const __m256 y = _mm256_add_ps(lo, hi);
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(y), _mm256_extractf128_ps(y, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
  }
};

template <>
struct Vec<double> {
  using Reg = __m512d;
  static constexpr std::int64_t kLanes = 8;

  static Reg load(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, Reg r) { _mm512_storeu_pd(p, r); }
  static Reg broadcast(double x) { return _mm512_set1_pd(x); }
  static Reg zero() { return _mm512_setzero_pd(); }
  static Reg add(Reg a, Reg b) { return _mm512_add_pd(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_pd(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_pd(a, b); }
  static Reg div(Reg a, Reg b) { return _mm512_div_pd(a, b); }
  static double reduce_add(Reg r) {
    const __m256d y = _mm256_add_pd(_mm512_castpd512_pd256(r), _mm512_extractf64x4_pd(r, 1));
    __m128d x = _mm_add_pd(_mm256_castpd256_pd128(y), _mm256_extractf128_pd(y, 1));
    x = _mm_add_sd(x, _mm_unpackhi_pd(x, x));
    return _mm_cvtsd_f64(x);
  }
};

// Integer lanes share the load/store code; add/sub wrap natively.
template <class T>
struct IntVecBase {
  using Reg = __m512i;
  static constexpr std::int64_t kLanes = 64 / sizeof(T);

  static Reg load(const T* p) { return _mm512_loadu_si512(p); }
  static void store(T* p, Reg r) { _mm512_storeu_si512(p, r); }
  static Reg zero() { return _mm512_setzero_si512(); }
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

// 8- and 16-bit lane arithmetic is AVX-512BW.
template <class T>
struct Int8Vec : IntVecBase<T> {
  using Reg = __m512i;
  static Reg broadcast(T x) { return _mm512_set1_epi8(static_cast<char>(x)); }
  static Reg add(Reg a, Reg b) { return _mm512_add_epi8(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_epi8(a, b); }
};
template <>
struct Vec<std::int8_t> : Int8Vec<std::int8_t> {};
template <>
struct Vec<std::uint8_t> : Int8Vec<std::uint8_t> {};

// mullo: the low half of the product is the wrapping multiply, signed or not.
template <class T>
struct Int16Vec : IntVecBase<T> {
  using Reg = __m512i;
  static Reg broadcast(T x) { return _mm512_set1_epi16(static_cast<short>(x)); }
  static Reg add(Reg a, Reg b) { return _mm512_add_epi16(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_epi16(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mullo_epi16(a, b); }
};
template <>
struct Vec<std::int16_t> : Int16Vec<std::int16_t> {};
template <>
struct Vec<std::uint16_t> : Int16Vec<std::uint16_t> {};

template <class T>
struct Int32Vec : IntVecBase<T> {
  using Reg = __m512i;
  static Reg broadcast(T x) { return _mm512_set1_epi32(static_cast<int>(x)); }
  static Reg add(Reg a, Reg b) { return _mm512_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_epi32(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mullo_epi32(a, b); }
};
template <>
struct Vec<std::int32_t> : Int32Vec<std::int32_t> {};
template <>
struct Vec<std::uint32_t> : Int32Vec<std::uint32_t> {};

template <class T>
struct Int64Vec : IntVecBase<T> {
  using Reg = __m512i;
  static Reg broadcast(T x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
  static Reg add(Reg a, Reg b) { return _mm512_add_epi64(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_epi64(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mullo_epi64(a, b); }  // vpmullq (AVX-512DQ)
};
template <>
struct Vec<std::int64_t> : Int64Vec<std::int64_t> {};
template <>
struct Vec<std::uint64_t> : Int64Vec<std::uint64_t> {};

// Sixteen 16-bit values at p (32 bytes), zero-extended into 32-bit lanes.
inline __m512i load_u16x16(const void* p) {
  return _mm512_cvtepu16_epi32(_mm256_loadu_si256(static_cast<const __m256i*>(p)));
}

// Sixteen 32-bit lanes holding values in [0, 0xffff] stored as sixteen 16-bit values: vpmovdw
// keeps the low 16 bits of each lane, which for these values is the value itself.
inline void store_u16x16(void* p, __m512i x) {
  _mm256_storeu_si256(static_cast<__m256i*>(p), _mm512_cvtepi32_epi16(x));
}

// float16 as on AVX2 (Note [F16C and NaN payloads] in vec_avx2.hpp): convert in hardware, then
// patch NaN lanes with NumPy's formula on a branch taken only when the vector holds a NaN.
// _mm512_mask_blend_*(k, a, b) takes b where k is set.
template <>
struct Vec<Half> : Vec<float> {
  static Reg load(const Half* p) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const Reg f = _mm512_cvtph_ps(h);
    // NaN test on the half bits (|h| > 0x7c00), off the conversion's critical path.
    const __m256i magnitude = _mm256_and_si256(h, _mm256_set1_epi16(0x7fff));
    const __m256i nan16 = _mm256_cmpgt_epi16(magnitude, _mm256_set1_epi16(0x7c00));
    if (_mm256_testz_si256(nan16, nan16) != 0) return f;
    const __m512i w = _mm512_cvtepu16_epi32(h);
    const __m512i sign = _mm512_slli_epi32(_mm512_and_si512(w, set1_u32(0x8000)), 16);
    const __m512i mant = _mm512_slli_epi32(_mm512_and_si512(w, set1_u32(0x3ff)), 13);
    const __m512i bits = _mm512_or_si512(_mm512_or_si512(sign, mant), set1_u32(0x7f800000));
    const __mmask16 nan = _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q);
    return _mm512_mask_blend_ps(nan, f, _mm512_castsi512_ps(bits));
  }
  static void store(Half* p, Reg r) {
    // Rounding immediate 0: round to nearest even, independent of MXCSR.
    const __m256i h = _mm512_cvtps_ph(r, _MM_FROUND_TO_NEAREST_INT);
    const __mmask16 nan = _mm512_cmp_ps_mask(r, r, _CMP_UNORD_Q);
    if (nan == 0) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), h);
      return;
    }
    const __m512i bits = _mm512_castps_si512(r);
    __m512i payload = _mm512_and_si512(_mm512_srli_epi32(bits, 13), set1_u32(0x3ff));
    const __mmask16 empty = _mm512_cmpeq_epi32_mask(payload, _mm512_setzero_si512());
    payload = _mm512_mask_blend_epi32(empty, payload, set1_u32(1));
    const __m512i sign = _mm512_and_si512(_mm512_srli_epi32(bits, 16), set1_u32(0x8000));
    const __m512i fixed = _mm512_or_si512(_mm512_or_si512(sign, payload), set1_u32(0x7c00));
    store_u16x16(p, _mm512_mask_blend_epi32(nan, _mm512_cvtepu16_epi32(h), fixed));
  }
  static Reg broadcast(Half x) { return _mm512_set1_ps(half_to_float<Family>(x)); }
};

// bfloat16 is the top half of a float32: loads shift, stores round to nearest even by integer
// arithmetic (ml_dtypes' formula) and turn NaN into 0x7fc0 with its sign.
template <>
struct Vec<BFloat16> : Vec<float> {
  static Reg load(const BFloat16* p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(load_u16x16(p), 16));
  }
  static void store(BFloat16* p, Reg r) {
    const __m512i bits = _mm512_castps_si512(r);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), set1_u32(1));
    // No overflow: the largest non-NaN pattern, 0xff7fffff, plus 0x8000 stays below 2^32.
    const __m512i bias = _mm512_add_epi32(lsb, set1_u32(0x7fff));
    const __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, bias), 16);
    const __mmask16 nan = _mm512_cmp_ps_mask(r, r, _CMP_UNORD_Q);
    const __m512i quiet = _mm512_or_si512(
        _mm512_and_si512(_mm512_srli_epi32(bits, 16), set1_u32(0x8000)), set1_u32(0x7fc0));
    store_u16x16(p, _mm512_mask_blend_epi32(nan, rounded, quiet));
  }
  static Reg broadcast(BFloat16 x) { return _mm512_set1_ps(bfloat16_to_float<Family>(x)); }
};

struct Family {
  template <class T>
  using Vec = avx512::Vec<T>;
};

}  // namespace mg::simd::avx512
