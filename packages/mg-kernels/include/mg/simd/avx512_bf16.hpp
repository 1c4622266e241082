// float32 -> bfloat16 with VCVTNEPS2BF16 (AVX512-BF16), used by the avx512 table's contiguous
// float32 -> bfloat16 rows when the CPU has the extension (Note [AVX512-BF16 casts]).
// Include only from the avx512 kernel units (src/kernels/copy.cpp does, under __AVX512F__).
//
// Note [AVX512-BF16 casts]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// VCVTNEPS2BF16 rounds to nearest even, like bfloat16_from_float, but it treats subnormal inputs
// as zero and keeps a NaN's payload (setting the quiet bit) where we give 0x7fc0. So a vector
// holding a NaN or a float32 subnormal is stored by the integer path (Vec<BFloat16>::store);
// every other vector (normals, zeros, infinities: results never subnormal) by the instruction,
// whose results there are those of the scalar twin. The extension is not part of the avx512
// table's baseline (Zen 4 and Sapphire Rapids have it, Skylake-X does not), so the function is
// compiled with a target attribute and called only when cpu_supports_avx512_bf16().
#pragma once

#if !defined(__AVX512F__)
#error "avx512_bf16.hpp is for the avx512 kernel units only"
#endif

#include <cstdint>

#include "mg/half.hpp"
#include "mg/isa.hpp"  // cpu_supports_avx512_bf16
#include "mg/simd/vec_avx512.hpp"

namespace mg::simd::avx512 {

// Converts the first n - n % 16 elements; returns how many it converted.
__attribute__((target("avx512bf16,avx512f,avx512vl"))) inline std::int64_t bfloat16_row_native(
    BFloat16* out, const float* src, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 x = _mm512_loadu_ps(src + i);
    const __m512i magnitude = _mm512_and_si512(_mm512_castps_si512(x), set1_u32(0x7fffffff));
    // Subnormal (magnitude 1 .. 0x7fffff, i.e. magnitude - 1 below 0x7fffff unsigned) or NaN.
    const __mmask16 subnormal =
        _mm512_cmplt_epu32_mask(_mm512_sub_epi32(magnitude, set1_u32(1)), set1_u32(0x7fffff));
    const __mmask16 nan = _mm512_cmpgt_epu32_mask(magnitude, set1_u32(0x7f800000));
    if ((subnormal | nan) != 0) {
      Vec<BFloat16>::store(out + i, x);
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                          __builtin_bit_cast(__m256i, _mm512_cvtneps_pbh(x)));
    }
  }
  return i;
}

}  // namespace mg::simd::avx512

namespace mg::kernels {

template <class Family, class To, class From>
struct NativeRowCast;

template <>
struct NativeRowCast<simd::avx512::Family, BFloat16, float> {
  static constexpr bool kHas = true;
  static std::int64_t run(BFloat16* out, const float* src, std::int64_t n) {
    return cpu_supports_avx512_bf16() ? simd::avx512::bfloat16_row_native(out, src, n) : 0;
  }
};

}  // namespace mg::kernels
