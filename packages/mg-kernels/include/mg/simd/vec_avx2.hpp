// The AVX2 Vec family (256-bit registers). Same vocabulary and results as vec_scalar.hpp.
// Include only from translation units compiled with -mavx2 -mfma -mf16c (the avx2 kernel units).
#pragma once

// MSVC's /arch:AVX2 enables F16C without defining __F16C__.
#if !defined(__AVX2__) || (!defined(__F16C__) && !defined(_MSC_VER))
#error "vec_avx2.hpp needs -mavx2 -mf16c; include it only from the avx2 kernel units"
#endif

#include <immintrin.h>

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"

namespace mg::simd::avx2 {

struct Family;

// Element types without a specialisation (bool) have no Vec: their kernels run scalar loops.
template <class T>
struct Vec {};

// binary-family vocabulary: eight 32-bit lane masks (all ones or zero) to eight bool bytes.
inline void store_mask32(Bool* p, __m256i m) {
  const __m256i bits = _mm256_srli_epi32(m, 31);
  const __m128i w =
      _mm_packs_epi32(_mm256_castsi256_si128(bits), _mm256_extracti128_si256(bits, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packs_epi16(w, w));
}

template <>
struct Vec<float> {
  using Reg = __m256;
  static constexpr std::int64_t kLanes = 8;

  static Reg load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Reg r) { _mm256_storeu_ps(p, r); }
  static void stream(float* p, Reg r) { _mm256_stream_ps(p, r); }  // p 32-byte aligned
  static Reg broadcast(float x) { return _mm256_set1_ps(x); }
  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm256_div_ps(a, b); }
  // binary-family vocabulary (meanings in vec_scalar.hpp). max_ps/min_ps return their second
  // operand on ties and when either is NaN, so only a NaN in `a` needs patching.
  static Reg max(Reg a, Reg b) {
    return _mm256_blendv_ps(_mm256_max_ps(a, b), a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
  }
  static Reg min(Reg a, Reg b) {
    return _mm256_blendv_ps(_mm256_min_ps(a, b), a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
  }
  static Reg cmp_eq(Reg a, Reg b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static Reg cmp_ne(Reg a, Reg b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }
  static Reg cmp_lt(Reg a, Reg b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static Reg cmp_le(Reg a, Reg b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static Reg select(Reg m, Reg a, Reg b) { return _mm256_blendv_ps(b, a, m); }
  static void store_mask(Bool* p, Reg m) { store_mask32(p, _mm256_castps_si256(m)); }
  // end binary-family vocabulary

  // unary-family vocabulary (same meaning as vec_scalar.hpp's)
  using IReg = __m256i;
  static Reg fma(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static Reg sqrt(Reg a) { return _mm256_sqrt_ps(a); }
  static Reg floor(Reg a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  static Reg ceil(Reg a) { return _mm256_round_ps(a, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
  static Reg trunc(Reg a) { return _mm256_round_ps(a, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC); }
  static Reg round(Reg a) {
    return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static Reg cmp_unord(Reg a, Reg b) { return _mm256_cmp_ps(a, b, _CMP_UNORD_Q); }
  static bool any(Reg m) { return _mm256_movemask_ps(m) != 0; }
  static Reg bit_and(Reg a, Reg b) { return _mm256_and_ps(a, b); }
  static Reg bit_or(Reg a, Reg b) { return _mm256_or_ps(a, b); }
  static Reg bit_xor(Reg a, Reg b) { return _mm256_xor_ps(a, b); }
  static Reg bit_andnot(Reg a, Reg b) { return _mm256_andnot_ps(a, b); }
  static IReg as_int(Reg a) { return _mm256_castps_si256(a); }
  static Reg as_float(IReg a) { return _mm256_castsi256_ps(a); }
  static IReg to_int(Reg a) { return _mm256_cvtps_epi32(a); }
  static Reg to_float(IReg a) { return _mm256_cvtepi32_ps(a); }
  static IReg broadcast_int(std::int32_t x) { return _mm256_set1_epi32(x); }
  static IReg add_int(IReg a, IReg b) { return _mm256_add_epi32(a, b); }
  static IReg sub_int(IReg a, IReg b) { return _mm256_sub_epi32(a, b); }
  static IReg and_int(IReg a, IReg b) { return _mm256_and_si256(a, b); }
  template <int kBits>
  static IReg shl_int(IReg a) {
    return _mm256_slli_epi32(a, kBits);
  }
  template <int kBits>
  static IReg sra_int(IReg a) {
    return _mm256_srai_epi32(a, kBits);
  }
  // end unary-family vocabulary

  // out[i * so + j] = src[i + j * ss] for i, j < 8: an 8x8 block of 32-bit values transposed in
  // registers (kernels/copy.hpp, Note [Blocked transposed copy]). Shuffles only: the bits of
  // every value, NaN payloads included, are kept.
  static void transpose8(float* out, std::int64_t so, const float* src, std::int64_t ss) {
    Reg r[8];
    for (int j = 0; j < 8; ++j) r[j] = _mm256_loadu_ps(src + j * ss);
    const Reg t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const Reg t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const Reg t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const Reg t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const Reg u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const Reg u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const Reg u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const Reg u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const Reg u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    const Reg u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const Reg u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    const Reg u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    _mm256_storeu_ps(out, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(out + so, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(out + 2 * so, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(out + 3 * so, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(out + 4 * so, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(out + 5 * so, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(out + 6 * so, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(out + 7 * so, _mm256_permute2f128_ps(u3, u7, 0x31));
  }
  // Pairwise: (0+4, 1+5, 2+6, 3+7), then halves again, keeping the error tree balanced.
  static float reduce_add(Reg r) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(r), _mm256_extractf128_ps(r, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
  }
};

template <>
struct Vec<double> {
  using Reg = __m256d;
  static constexpr std::int64_t kLanes = 4;

  static Reg load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, Reg r) { _mm256_storeu_pd(p, r); }
  static void stream(double* p, Reg r) { _mm256_stream_pd(p, r); }  // p 32-byte aligned
  static Reg broadcast(double x) { return _mm256_set1_pd(x); }
  static Reg zero() { return _mm256_setzero_pd(); }
  static Reg add(Reg a, Reg b) { return _mm256_add_pd(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_pd(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_pd(a, b); }
  static Reg div(Reg a, Reg b) { return _mm256_div_pd(a, b); }
  // binary-family vocabulary (as Vec<float>)
  static Reg max(Reg a, Reg b) {
    return _mm256_blendv_pd(_mm256_max_pd(a, b), a, _mm256_cmp_pd(a, a, _CMP_UNORD_Q));
  }
  static Reg min(Reg a, Reg b) {
    return _mm256_blendv_pd(_mm256_min_pd(a, b), a, _mm256_cmp_pd(a, a, _CMP_UNORD_Q));
  }
  static Reg cmp_eq(Reg a, Reg b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  static Reg cmp_ne(Reg a, Reg b) { return _mm256_cmp_pd(a, b, _CMP_NEQ_UQ); }
  static Reg cmp_lt(Reg a, Reg b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static Reg cmp_le(Reg a, Reg b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
  static Reg select(Reg m, Reg a, Reg b) { return _mm256_blendv_pd(b, a, m); }
  // Four 64-bit masks to four bool bytes: the low dword of each lane, packed down to bytes.
  static void store_mask(Bool* p, Reg m) {
    const __m256i bits = _mm256_srli_epi64(_mm256_castpd_si256(m), 63);
    const __m256i low =
        _mm256_permutevar8x32_epi32(bits, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6));
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(low), _mm256_castsi256_si128(low));
    _mm_storeu_si32(p, _mm_packs_epi16(w, w));
  }
  // end binary-family vocabulary
  static double reduce_add(Reg r) {
    __m128d x = _mm_add_pd(_mm256_castpd256_pd128(r), _mm256_extractf128_pd(r, 1));
    x = _mm_add_sd(x, _mm_unpackhi_pd(x, x));
    return _mm_cvtsd_f64(x);
  }
};

// Integer lanes share the load/store code; add/sub wrap natively.
template <class T>
struct IntVecBase {
  using Reg = __m256i;
  static constexpr std::int64_t kLanes = 32 / sizeof(T);

  static Reg load(const T* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(T* p, Reg r) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), r); }
  static void stream(T* p, Reg r) {  // p 32-byte aligned
    _mm256_stream_si256(reinterpret_cast<__m256i*>(p), r);
  }
  static Reg zero() { return _mm256_setzero_si256(); }
  // binary-family vocabulary: bitwise ops do not care about the lane width.
  static Reg bit_and(Reg a, Reg b) { return _mm256_and_si256(a, b); }
  static Reg bit_or(Reg a, Reg b) { return _mm256_or_si256(a, b); }
  static Reg bit_xor(Reg a, Reg b) { return _mm256_xor_si256(a, b); }
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

// 8- and 16-bit lanes: add/sub wrap natively; AVX2 has a 16-bit low multiply but no 8-bit one.
template <class T>
struct Int8Vec : IntVecBase<T> {
  using Reg = __m256i;
  static Reg broadcast(T x) { return _mm256_set1_epi8(static_cast<char>(x)); }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi8(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi8(a, b); }
};
template <>
struct Vec<std::int8_t> : Int8Vec<std::int8_t> {};
template <>
struct Vec<std::uint8_t> : Int8Vec<std::uint8_t> {};

template <class T>
struct Int16Vec : IntVecBase<T> {
  using Reg = __m256i;
  static Reg broadcast(T x) { return _mm256_set1_epi16(static_cast<short>(x)); }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi16(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi16(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mullo_epi16(a, b); }
};
template <>
struct Vec<std::int16_t> : Int16Vec<std::int16_t> {};
template <>
struct Vec<std::uint16_t> : Int16Vec<std::uint16_t> {};

template <>
struct Vec<std::uint32_t> : IntVecBase<std::uint32_t> {
  static Reg broadcast(std::uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi32(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mullo_epi32(a, b); }
  // binary-family vocabulary: variable shifts give 0 for counts >= 32 (negative ones too).
  static Reg max(Reg a, Reg b) { return _mm256_max_epu32(a, b); }
  static Reg min(Reg a, Reg b) { return _mm256_min_epu32(a, b); }
  static Reg shift_left(Reg a, Reg b) { return _mm256_sllv_epi32(a, b); }
  static Reg shift_right(Reg a, Reg b) { return _mm256_srlv_epi32(a, b); }
};

template <>
struct Vec<std::uint64_t> : IntVecBase<std::uint64_t> {
  static Reg broadcast(std::uint64_t x) { return _mm256_set1_epi64x(static_cast<long long>(x)); }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi64(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi64(a, b); }
  // binary-family vocabulary
  static Reg shift_left(Reg a, Reg b) { return _mm256_sllv_epi64(a, b); }
  static Reg shift_right(Reg a, Reg b) { return _mm256_srlv_epi64(a, b); }
};

template <>
struct Vec<std::int32_t> : IntVecBase<std::int32_t> {
  static Reg broadcast(std::int32_t x) { return _mm256_set1_epi32(x); }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi32(a, b); }
  // The low 32 bits of the product: exactly the wrapping multiply.
  static Reg mul(Reg a, Reg b) { return _mm256_mullo_epi32(a, b); }
  // binary-family vocabulary. srav fills with the sign for counts >= 32 (negative ones too).
  static Reg max(Reg a, Reg b) { return _mm256_max_epi32(a, b); }
  static Reg min(Reg a, Reg b) { return _mm256_min_epi32(a, b); }
  static Reg cmp_eq(Reg a, Reg b) { return _mm256_cmpeq_epi32(a, b); }
  static Reg cmp_ne(Reg a, Reg b) { return _mm256_xor_si256(cmp_eq(a, b), ones()); }
  static Reg cmp_lt(Reg a, Reg b) { return _mm256_cmpgt_epi32(b, a); }
  static Reg cmp_le(Reg a, Reg b) { return _mm256_xor_si256(_mm256_cmpgt_epi32(a, b), ones()); }
  static Reg select(Reg m, Reg a, Reg b) { return _mm256_blendv_epi8(b, a, m); }
  static void store_mask(Bool* p, Reg m) { store_mask32(p, m); }
  static Reg shift_left(Reg a, Reg b) { return _mm256_sllv_epi32(a, b); }
  static Reg shift_right(Reg a, Reg b) { return _mm256_srav_epi32(a, b); }
  static Reg ones() { return _mm256_set1_epi32(-1); }
  // end binary-family vocabulary
  static std::int32_t reduce_add(Reg r) {
    __m128i x = _mm_add_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, _MM_SHUFFLE(1, 0, 3, 2)));
    x = _mm_add_epi32(x, _mm_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(x);
  }
};

// No mul: AVX2 has no 64-bit low multiply, and emulating it is slower than the scalar loop.
template <>
struct Vec<std::int64_t> : IntVecBase<std::int64_t> {
  static Reg broadcast(std::int64_t x) { return _mm256_set1_epi64x(x); }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi64(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi64(a, b); }
  // binary-family vocabulary (no shift_right: AVX2 has no 64-bit arithmetic shift)
  static Reg shift_left(Reg a, Reg b) { return _mm256_sllv_epi64(a, b); }
  static std::int64_t reduce_add(Reg r) {
    __m128i x = _mm_add_epi64(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    x = _mm_add_epi64(x, _mm_unpackhi_epi64(x, x));
    return _mm_cvtsi128_si64(x);
  }
};

// Note [F16C and NaN payloads]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// vcvtph2ps and vcvtps2ph set the quiet bit of a signalling NaN; NumPy keeps it clear (it
// shifts the payload and only makes an all-zero kept payload 1). Only NaN lanes differ, so the
// loads and stores below convert in hardware and patch NaN lanes with NumPy's bit formula, on a
// branch that is taken only when a vector holds a NaN.
template <>
struct Vec<Half> : Vec<float> {
  static Reg load(const Half* p) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const Reg f = _mm256_cvtph_ps(h);
    // NaN test on the half bits (|h| > 0x7c00), off the conversion's critical path.
    const __m128i magnitude = _mm_and_si128(h, _mm_set1_epi16(0x7fff));
    const __m128i nan16 = _mm_cmpgt_epi16(magnitude, _mm_set1_epi16(0x7c00));
    if (_mm_testz_si128(nan16, nan16) != 0) return f;
    const Reg nan = _mm256_cmp_ps(f, f, _CMP_UNORD_Q);
    const __m256i w = _mm256_cvtepu16_epi32(h);
    const __m256i sign = _mm256_slli_epi32(_mm256_and_si256(w, _mm256_set1_epi32(0x8000)), 16);
    const __m256i mant = _mm256_slli_epi32(_mm256_and_si256(w, _mm256_set1_epi32(0x3ff)), 13);
    const __m256i bits =
        _mm256_or_si256(_mm256_or_si256(sign, mant), _mm256_set1_epi32(0x7f800000));
    return _mm256_blendv_ps(f, _mm256_castsi256_ps(bits), nan);
  }
  static void store(Half* p, Reg r) {
    __m128i h = _mm256_cvtps_ph(r, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const Reg nan = _mm256_cmp_ps(r, r, _CMP_UNORD_Q);
    if (_mm256_movemask_ps(nan) != 0) {
      const __m256i bits = _mm256_castps_si256(r);
      __m256i payload = _mm256_and_si256(_mm256_srli_epi32(bits, 13), _mm256_set1_epi32(0x3ff));
      const __m256i empty = _mm256_cmpeq_epi32(payload, _mm256_setzero_si256());
      payload = _mm256_or_si256(payload, _mm256_and_si256(empty, _mm256_set1_epi32(1)));
      const __m256i sign = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(0x8000));
      const __m256i fixed =
          _mm256_or_si256(_mm256_or_si256(sign, payload), _mm256_set1_epi32(0x7c00));
      const __m256i mask = _mm256_castps_si256(nan);
      h = _mm_blendv_epi8(h, pack_u32_to_u16(fixed), pack_u32_to_u16(mask));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), h);
  }
  static Reg broadcast(Half x) { return _mm256_set1_ps(half_to_float<Family>(x)); }
  // binary-family vocabulary: NumPy's float16 max/min give a on ties (float32's give b), so the
  // operands swap and only "b is NaN, a is not" needs patching.
  static Reg max(Reg a, Reg b) {
    return _mm256_blendv_ps(_mm256_max_ps(b, a), b, b_nan_only(a, b));
  }
  static Reg min(Reg a, Reg b) {
    return _mm256_blendv_ps(_mm256_min_ps(b, a), b, b_nan_only(a, b));
  }
  static Reg b_nan_only(Reg a, Reg b) {
    return _mm256_andnot_ps(_mm256_cmp_ps(a, a, _CMP_UNORD_Q), _mm256_cmp_ps(b, b, _CMP_UNORD_Q));
  }

  // Eight 32-bit lanes holding 16-bit values (or all-ones masks) to eight 16-bit lanes.
  static __m128i pack_u32_to_u16(__m256i x) {
    const __m256i low = _mm256_and_si256(x, _mm256_set1_epi32(0xffff));
    return _mm_packus_epi32(_mm256_castsi256_si128(low), _mm256_extracti128_si256(low, 1));
  }
};

// bfloat16 is the top half of a float32: loads shift, stores round to nearest even by integer
// arithmetic (ml_dtypes' formula) and turn NaN into 0x7fc0 with its sign.
template <>
struct Vec<BFloat16> : Vec<float> {
  static Reg load(const BFloat16* p) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
  static void store(BFloat16* p, Reg r) {
    const __m256i bits = _mm256_castps_si256(r);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
    const __m256i bias = _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff));
    __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(bits, bias), 16);
    const __m256i nan = _mm256_castps_si256(_mm256_cmp_ps(r, r, _CMP_UNORD_Q));
    const __m256i quiet =
        _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(0x8000)),
                        _mm256_set1_epi32(0x7fc0));
    rounded = _mm256_blendv_epi8(rounded, quiet, nan);
    const __m128i h =
        _mm_packus_epi32(_mm256_castsi256_si128(rounded), _mm256_extracti128_si256(rounded, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), h);
  }
  static Reg broadcast(BFloat16 x) { return _mm256_set1_ps(bfloat16_to_float<Family>(x)); }
};

struct Family {
  template <class T>
  using Vec = avx2::Vec<T>;
  // Orders the streaming stores (Vec<T>::stream) before anything after it (kernels/store.hpp).
  static void stream_fence() { _mm_sfence(); }
};

}  // namespace mg::simd::avx2
