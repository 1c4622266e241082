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

// The AVX2 kernels keep their twelve accumulators in named variables, not an array: GCC spills
// an array of vectors to the stack on every step once any element's address is taken.
#define MG_GEMM_ROW(i, Bcast, Fma)  \
  do {                              \
    const auto ai = Bcast(a + (i)); \
    c##i##0 = Fma(ai, b0, c##i##0); \
    c##i##1 = Fma(ai, b1, c##i##1); \
  } while (false)

// Row i's step from the element at `at` (an A row read in place).
#define MG_GEMM_ROW_AT(i, at)                   \
  do {                                          \
    const __m256 ai = _mm256_broadcast_ss(at);  \
    c##i##0 = _mm256_fmadd_ps(ai, b0, c##i##0); \
    c##i##1 = _mm256_fmadd_ps(ai, b1, c##i##1); \
  } while (false)

// Stores six rows of two registers each to c, or to a scratch tile first when C's columns are
// not contiguous.
template <class Family, class T, class V, int NR, class Load, class Store, class Add>
inline void gemm_store_rows(const V (&rows)[6][2], T* c, std::int64_t rs_c, std::int64_t cs_c,
                            bool accumulate, Load load, Store store, Add add) {
  constexpr int kHalf = NR / 2;
  if (cs_c == 1) {
    for (int i = 0; i < 6; ++i) {
      T* row = c + i * rs_c;
      V lo = rows[i][0];
      V hi = rows[i][1];
      if (accumulate) {
        lo = add(lo, load(row));
        hi = add(hi, load(row + kHalf));
      }
      store(row, lo);
      store(row + kHalf, hi);
    }
    return;
  }
  T ab[6][NR];
  for (int i = 0; i < 6; ++i) {
    store(&ab[i][0], rows[i][0]);
    store(&ab[i][kHalf], rows[i][1]);
  }
  gemm_store_tile<Family, T, 6, NR>(ab, c, rs_c, cs_c, accumulate);
}

// 6 x 16 float32: 12 YMM accumulators, two B vectors and one broadcast of A per step.
template <class Family>
void gemm_micro_avx2_f32(std::int64_t kc, const float* a, const float* b, float* c,
                         std::int64_t rs_c, std::int64_t cs_c, bool accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (std::int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    MG_GEMM_ROW(0, _mm256_broadcast_ss, _mm256_fmadd_ps);
    MG_GEMM_ROW(1, _mm256_broadcast_ss, _mm256_fmadd_ps);
    MG_GEMM_ROW(2, _mm256_broadcast_ss, _mm256_fmadd_ps);
    MG_GEMM_ROW(3, _mm256_broadcast_ss, _mm256_fmadd_ps);
    MG_GEMM_ROW(4, _mm256_broadcast_ss, _mm256_fmadd_ps);
    MG_GEMM_ROW(5, _mm256_broadcast_ss, _mm256_fmadd_ps);
    a += 6;
    b += 16;
  }
  const __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                             {c30, c31}, {c40, c41}, {c50, c51}};
  gemm_store_rows<Family, float, __m256, 16>(
      rows, c, rs_c, cs_c, accumulate, [](const float* p) { return _mm256_loadu_ps(p); },
      [](float* p, __m256 v) { _mm256_storeu_ps(p, v); },
      [](__m256 x, __m256 y) { return _mm256_add_ps(x, y); });
}

// The 6 x 16 float32 kernel reading A in place: row i of the panel at a + i * rs_a (unit column
// stride). Small products skip packing A with it (Note [GEMM loops] in src/gemm/driver.cpp).
template <class Family>
void gemm_micro_avx2_f32_rows(std::int64_t kc, const float* a, std::int64_t rs_a, const float* b,
                              float* c, std::int64_t rs_c, std::int64_t cs_c, bool accumulate) {
  const float* a0 = a;
  const float* a1 = a0 + rs_a;
  const float* a2 = a1 + rs_a;
  const float* a3 = a2 + rs_a;
  const float* a4 = a3 + rs_a;
  const float* a5 = a4 + rs_a;
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (std::int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    MG_GEMM_ROW_AT(0, a0 + p);
    MG_GEMM_ROW_AT(1, a1 + p);
    MG_GEMM_ROW_AT(2, a2 + p);
    MG_GEMM_ROW_AT(3, a3 + p);
    MG_GEMM_ROW_AT(4, a4 + p);
    MG_GEMM_ROW_AT(5, a5 + p);
    b += 16;
  }
  const __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                             {c30, c31}, {c40, c41}, {c50, c51}};
  gemm_store_rows<Family, float, __m256, 16>(
      rows, c, rs_c, cs_c, accumulate, [](const float* q) { return _mm256_loadu_ps(q); },
      [](float* q, __m256 v) { _mm256_storeu_ps(q, v); },
      [](__m256 x, __m256 y) { return _mm256_add_ps(x, y); });
}

// 6 x 8 float64: the same loop with four doubles per register.
template <class Family>
void gemm_micro_avx2_f64(std::int64_t kc, const double* a, const double* b, double* c,
                         std::int64_t rs_c, std::int64_t cs_c, bool accumulate) {
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
          c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (std::int64_t p = 0; p < kc; ++p) {
    const __m256d b0 = _mm256_loadu_pd(b);
    const __m256d b1 = _mm256_loadu_pd(b + 4);
    MG_GEMM_ROW(0, _mm256_broadcast_sd, _mm256_fmadd_pd);
    MG_GEMM_ROW(1, _mm256_broadcast_sd, _mm256_fmadd_pd);
    MG_GEMM_ROW(2, _mm256_broadcast_sd, _mm256_fmadd_pd);
    MG_GEMM_ROW(3, _mm256_broadcast_sd, _mm256_fmadd_pd);
    MG_GEMM_ROW(4, _mm256_broadcast_sd, _mm256_fmadd_pd);
    MG_GEMM_ROW(5, _mm256_broadcast_sd, _mm256_fmadd_pd);
    a += 6;
    b += 8;
  }
  const __m256d rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21},
                              {c30, c31}, {c40, c41}, {c50, c51}};
  gemm_store_rows<Family, double, __m256d, 8>(
      rows, c, rs_c, cs_c, accumulate, [](const double* p) { return _mm256_loadu_pd(p); },
      [](double* p, __m256d v) { _mm256_storeu_pd(p, v); },
      [](__m256d x, __m256d y) { return _mm256_add_pd(x, y); });
}

#undef MG_GEMM_ROW
#undef MG_GEMM_ROW_AT

#endif

}  // namespace mg::kernels
