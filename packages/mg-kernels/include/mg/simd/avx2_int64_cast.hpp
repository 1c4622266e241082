// int64 <-> float64 rows for the avx2 table: AVX2 has no 64-bit integer <-> double conversion
// (AVX-512DQ's vcvtqq2pd/vcvttpd2qq), so the compiler leaves these casts as scalar loops.
// Included by kernels/copy.hpp in the avx2 kernel units only (Note [One symbol per ISA]).
//
// Note [int64 <-> float64 on AVX2]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// int64 -> float64: x = hi * 2**32 + lo with hi signed 32-bit and lo unsigned 32-bit. Both parts
// become doubles exactly by placing their bits in a double's mantissa under a fixed exponent and
// subtracting that exponent's value (lo under 2**52; hi + 2**31 under 2**84, whose ulp is 2**32).
// Their sum is the one rounding, to nearest even like cvtsi2sd: the scalar twin's bits.
// float64 -> int64 (kernels::float_to_int): t = trunc(x), split exactly into hi = floor(t / 2**32)
// and lo = t - hi * 2**32 in [0, 2**32); hi converts with cvttpd2dq, lo by adding 2**52 and keeping
// the low 32 bits. Then x >= 2**63 gives MAX, x <= -2**63 MIN and NaN 0, by blends.
#pragma once

#if !defined(__AVX2__)
#error "avx2_int64_cast.hpp is for the avx2 kernel units only"
#endif

#include <immintrin.h>

#include <cstdint>

#include "mg/simd/vec_avx2.hpp"

namespace mg::simd::avx2 {

inline __m256d int64_to_double(__m256i x) {
  const __m256i low32 = _mm256_set1_epi64x(0xffffffff);
  const __m256d two52 = _mm256_set1_pd(0x1p52);
  const __m256d lo = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(x, low32), _mm256_castpd_si256(two52))),
      two52);
  const __m256i hi_biased =
      _mm256_xor_si256(_mm256_srli_epi64(x, 32), _mm256_set1_epi64x(0x80000000));
  const __m256d hi = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(hi_biased, _mm256_castpd_si256(_mm256_set1_pd(0x1p84)))),
      _mm256_set1_pd(0x1p84 + 0x1p63));
  return _mm256_add_pd(hi, lo);
}

inline __m256i double_to_int64(__m256d x) {
  const __m256d t = _mm256_round_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256d hi = _mm256_floor_pd(_mm256_mul_pd(t, _mm256_set1_pd(0x1p-32)));
  const __m256d lo = _mm256_sub_pd(t, _mm256_mul_pd(hi, _mm256_set1_pd(0x1p32)));
  const __m256i hi64 = _mm256_slli_epi64(_mm256_cvtepi32_epi64(_mm256_cvttpd_epi32(hi)), 32);
  const __m256i lo64 =
      _mm256_and_si256(_mm256_castpd_si256(_mm256_add_pd(lo, _mm256_set1_pd(0x1p52))),
                       _mm256_set1_epi64x(0xffffffff));
  __m256d r = _mm256_castsi256_pd(_mm256_or_si256(hi64, lo64));
  r = _mm256_blendv_pd(r, _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX)),
                       _mm256_cmp_pd(x, _mm256_set1_pd(0x1p63), _CMP_GE_OQ));
  r = _mm256_blendv_pd(r, _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MIN)),
                       _mm256_cmp_pd(x, _mm256_set1_pd(-0x1p63), _CMP_LE_OQ));
  return _mm256_castpd_si256(_mm256_andnot_pd(_mm256_cmp_pd(x, x, _CMP_UNORD_Q), r));
}

}  // namespace mg::simd::avx2

namespace mg::kernels {

template <class Family, class To, class From>
struct NativeRowCast;

template <>
struct NativeRowCast<simd::avx2::Family, double, std::int64_t> {
  static constexpr bool kHas = true;
  static std::int64_t run(double* out, const std::int64_t* src, std::int64_t n) {
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
      _mm256_storeu_pd(out + i, simd::avx2::int64_to_double(x));
    }
    return i;
  }
};

template <>
struct NativeRowCast<simd::avx2::Family, std::int64_t, double> {
  static constexpr bool kHas = true;
  static std::int64_t run(std::int64_t* out, const double* src, std::int64_t n) {
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                          simd::avx2::double_to_int64(_mm256_loadu_pd(src + i)));
    }
    return i;
  }
};

}  // namespace mg::kernels
