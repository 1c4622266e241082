// GEMM micro-kernels (the contract is GemmMicroKernel in mg/kernels/table.hpp).
//
// gemm_micro_portable is the scalar twin: plain C++ over an mr x nr array of accumulators, used
// by the scalar table, by ISAs without FMA, for the integer accumulators everywhere, and by the
// tests as the reference the SIMD kernels must agree with. gemm_micro_avx2_f32/_f64 hold the
// accumulators in YMM registers and use FMA. Every template takes the Vec family first (Note
// [One symbol per ISA]).
#pragma once

#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace mg::kernels {

// Writes (or adds, when `accumulate`) the mr x nr tile `ab` (row-major) to c.
template <class Family, class T, int MR, int NR>
inline void gemm_store_tile(const T (&ab)[MR][NR], T* c, std::int64_t rs_c, std::int64_t cs_c,
                            bool accumulate) {
  for (int i = 0; i < MR; ++i) {
    T* row = c + i * rs_c;
    for (int j = 0; j < NR; ++j) {
      T& dst = row[j * cs_c];
      dst = accumulate ? static_cast<T>(dst + ab[i][j]) : ab[i][j];
    }
  }
}

template <class Family, class T, int MR, int NR>
void gemm_micro_portable(std::int64_t kc, const T* a, const T* b, T* c, std::int64_t rs_c,
                         std::int64_t cs_c, bool accumulate) {
  T ab[MR][NR] = {};
  for (std::int64_t p = 0; p < kc; ++p) {
    for (int i = 0; i < MR; ++i) {
      const T ai = a[i];
      for (int j = 0; j < NR; ++j) ab[i][j] = static_cast<T>(ab[i][j] + ai * b[j]);
    }
    a += MR;
    b += NR;
  }
  gemm_store_tile<Family, T, MR, NR>(ab, c, rs_c, cs_c, accumulate);
}

#if defined(__AVX2__) && defined(__FMA__)

// 6 x 16 float32: 12 YMM accumulators, two B vectors and one broadcast of A per step.
template <class Family>
void gemm_micro_avx2_f32(std::int64_t kc, const float* a, const float* b, float* c,
                         std::int64_t rs_c, std::int64_t cs_c, bool accumulate) {
  __m256 acc[6][2];
  for (auto& row : acc) row[0] = row[1] = _mm256_setzero_ps();
  for (std::int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
    _mm_prefetch(reinterpret_cast<const char*>(a + 48), _MM_HINT_T0);
    for (int i = 0; i < 6; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += 6;
    b += 16;
  }
  if (cs_c == 1) {
    for (int i = 0; i < 6; ++i) {
      float* row = c + i * rs_c;
      if (accumulate) {
        acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row));
        acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8));
      }
      _mm256_storeu_ps(row, acc[i][0]);
      _mm256_storeu_ps(row + 8, acc[i][1]);
    }
    return;
  }
  float ab[6][16];
  for (int i = 0; i < 6; ++i) {
    _mm256_storeu_ps(&ab[i][0], acc[i][0]);
    _mm256_storeu_ps(&ab[i][8], acc[i][1]);
  }
  gemm_store_tile<Family, float, 6, 16>(ab, c, rs_c, cs_c, accumulate);
}

// 6 x 8 float64: the same shape of loop with four doubles per register.
template <class Family>
void gemm_micro_avx2_f64(std::int64_t kc, const double* a, const double* b, double* c,
                         std::int64_t rs_c, std::int64_t cs_c, bool accumulate) {
  __m256d acc[6][2];
  for (auto& row : acc) row[0] = row[1] = _mm256_setzero_pd();
  for (std::int64_t p = 0; p < kc; ++p) {
    const __m256d b0 = _mm256_load_pd(b);
    const __m256d b1 = _mm256_load_pd(b + 4);
    _mm_prefetch(reinterpret_cast<const char*>(a + 48), _MM_HINT_T0);
    for (int i = 0; i < 6; ++i) {
      const __m256d ai = _mm256_broadcast_sd(a + i);
      acc[i][0] = _mm256_fmadd_pd(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_pd(ai, b1, acc[i][1]);
    }
    a += 6;
    b += 8;
  }
  if (cs_c == 1) {
    for (int i = 0; i < 6; ++i) {
      double* row = c + i * rs_c;
      if (accumulate) {
        acc[i][0] = _mm256_add_pd(acc[i][0], _mm256_loadu_pd(row));
        acc[i][1] = _mm256_add_pd(acc[i][1], _mm256_loadu_pd(row + 4));
      }
      _mm256_storeu_pd(row, acc[i][0]);
      _mm256_storeu_pd(row + 4, acc[i][1]);
    }
    return;
  }
  double ab[6][8];
  for (int i = 0; i < 6; ++i) {
    _mm256_storeu_pd(&ab[i][0], acc[i][0]);
    _mm256_storeu_pd(&ab[i][4], acc[i][1]);
  }
  gemm_store_tile<Family, double, 6, 8>(ab, c, rs_c, cs_c, accumulate);
}

#endif

}  // namespace mg::kernels
