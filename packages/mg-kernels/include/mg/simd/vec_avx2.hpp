// The AVX2 Vec family (256-bit registers). Same vocabulary and results as vec_scalar.hpp.
// Include only from a translation unit compiled with -mavx2 -mfma (src/table_avx2.cpp).
#pragma once

#if !defined(__AVX2__)
#error "vec_avx2.hpp needs -mavx2; include it only from src/table_avx2.cpp"
#endif

#include <immintrin.h>

#include <cstdint>

namespace mg::simd::avx2 {

template <class T>
struct Vec;

template <>
struct Vec<float> {
  using Reg = __m256;
  static constexpr std::int64_t kLanes = 8;

  static Reg load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Reg r) { _mm256_storeu_ps(p, r); }
  static Reg broadcast(float x) { return _mm256_set1_ps(x); }
  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static Reg div(Reg a, Reg b) { return _mm256_div_ps(a, b); }
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
  static Reg broadcast(double x) { return _mm256_set1_pd(x); }
  static Reg zero() { return _mm256_setzero_pd(); }
  static Reg add(Reg a, Reg b) { return _mm256_add_pd(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_pd(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_pd(a, b); }
  static Reg div(Reg a, Reg b) { return _mm256_div_pd(a, b); }
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
  static Reg zero() { return _mm256_setzero_si256(); }
};

template <>
struct Vec<std::int32_t> : IntVecBase<std::int32_t> {
  static Reg broadcast(std::int32_t x) { return _mm256_set1_epi32(x); }
  static Reg add(Reg a, Reg b) { return _mm256_add_epi32(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_epi32(a, b); }
  // The low 32 bits of the product: exactly the wrapping multiply.
  static Reg mul(Reg a, Reg b) { return _mm256_mullo_epi32(a, b); }
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
  static std::int64_t reduce_add(Reg r) {
    __m128i x = _mm_add_epi64(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    x = _mm_add_epi64(x, _mm_unpackhi_epi64(x, x));
    return _mm_cvtsi128_si64(x);
  }
};

struct Family {
  template <class T>
  using Vec = avx2::Vec<T>;
};

}  // namespace mg::simd::avx2
