// GEMM micro-kernels (the contract is GemmMicroKernel in mg/kernels/table.hpp).
//
// gemm_micro_portable is the scalar twin: plain C++ over an mr x nr array of accumulators, used
// by the scalar table, by ISAs without FMA, for the integer accumulators everywhere, and by the
// tests as the reference the SIMD kernels must agree with. gemm_micro_simd (and its twin reading
// A in place, gemm_micro_simd_rows) holds the accumulators in YMM (AVX2) or ZMM (AVX-512)
// registers and uses FMA. Every template takes the Vec family first (Note
// [One symbol per ISA]).
#pragma once

#include <cstdint>

#if defined(__AVX2__) && defined(__FMA__)
#include "mg/simd/intrinsics.hpp"
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

// Register vocabulary of the SIMD micro-kernels: one vector of Elem (YMM with AVX2, ZMM with
// AVX-512) and the six operations the kernels need. (Structs, not a template over the vector
// type: GCC drops a vector type's attributes in template arguments, with a warning.)
struct YmmF32 {
  using Elem = float;
  using Reg = __m256;
  static constexpr int kLanes = 8;
  static __m256 zero() { return _mm256_setzero_ps(); }
  static __m256 load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, __m256 v) { _mm256_storeu_ps(p, v); }
  static __m256 bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static __m256 add(__m256 x, __m256 y) { return _mm256_add_ps(x, y); }
  static __m256 fma(__m256 x, __m256 y, __m256 z) { return _mm256_fmadd_ps(x, y, z); }
};
struct YmmF64 {
  using Elem = double;
  using Reg = __m256d;
  static constexpr int kLanes = 4;
  static __m256d zero() { return _mm256_setzero_pd(); }
  static __m256d load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, __m256d v) { _mm256_storeu_pd(p, v); }
  static __m256d bcast(const double* p) { return _mm256_broadcast_sd(p); }
  static __m256d add(__m256d x, __m256d y) { return _mm256_add_pd(x, y); }
  static __m256d fma(__m256d x, __m256d y, __m256d z) { return _mm256_fmadd_pd(x, y, z); }
};

#if defined(__AVX512F__)
// The broadcast is a plain set1 from memory: GCC folds it into the FMA as an embedded
// broadcast ({1to16}), which saves a register and a micro-op per row.
struct ZmmF32 {
  using Elem = float;
  using Reg = __m512;
  static constexpr int kLanes = 16;
  static __m512 zero() { return _mm512_setzero_ps(); }
  static __m512 load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, __m512 v) { _mm512_storeu_ps(p, v); }
  static __m512 bcast(const float* p) { return _mm512_set1_ps(*p); }
  static __m512 add(__m512 x, __m512 y) { return _mm512_add_ps(x, y); }
  static __m512 fma(__m512 x, __m512 y, __m512 z) { return _mm512_fmadd_ps(x, y, z); }
};
struct ZmmF64 {
  using Elem = double;
  using Reg = __m512d;
  static constexpr int kLanes = 8;
  static __m512d zero() { return _mm512_setzero_pd(); }
  static __m512d load(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, __m512d v) { _mm512_storeu_pd(p, v); }
  static __m512d bcast(const double* p) { return _mm512_set1_pd(*p); }
  static __m512d add(__m512d x, __m512d y) { return _mm512_add_pd(x, y); }
  static __m512d fma(__m512d x, __m512d y, __m512d z) { return _mm512_fmadd_pd(x, y, z); }
};
#endif

// Stores the first MR rows (of two registers each) to c, or to a scratch tile first when C's
// columns are not contiguous.
template <class Family, class R, int MR>
inline void gemm_store_rows(const typename R::Reg (*rows)[2], typename R::Elem* c,
                            std::int64_t rs_c, std::int64_t cs_c, bool accumulate) {
  using T = typename R::Elem;
  constexpr int kNr = 2 * R::kLanes;
  if (cs_c == 1) {
    for (int i = 0; i < MR; ++i) {
      T* row = c + i * rs_c;
      auto lo = rows[i][0];
      auto hi = rows[i][1];
      if (accumulate) {
        lo = R::add(lo, R::load(row));
        hi = R::add(hi, R::load(row + R::kLanes));
      }
      R::store(row, lo);
      R::store(row + R::kLanes, hi);
    }
    return;
  }
  T ab[MR][kNr];
  for (int i = 0; i < MR; ++i) {
    R::store(&ab[i][0], rows[i][0]);
    R::store(&ab[i][R::kLanes], rows[i][1]);
  }
  gemm_store_tile<Family, T, MR, kNr>(ab, c, rs_c, cs_c, accumulate);
}

// The SIMD kernels keep their accumulators (row i: c<i>0, c<i>1) in named variables, not an
// array: GCC spills an array of vectors to the stack on every step once any element's address is
// taken. Rows at or past MR are never touched, and the compiler drops them.
#define MG_GEMM_FOR_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define MG_GEMM_DECLARE(i) auto c##i##0 = R::zero(), c##i##1 = c##i##0;
#define MG_GEMM_STEP(i)                \
  if constexpr ((i) < MR) {            \
    const auto ai = R::bcast(A_AT(i)); \
    c##i##0 = R::fma(ai, b0, c##i##0); \
    c##i##1 = R::fma(ai, b1, c##i##1); \
  }
#define MG_GEMM_ROW_OUT(i) {c##i##0, c##i##1},

// How many steps before the end of the depth loop the kernels ask for C's tile.
constexpr std::int64_t kPrefetchSteps = 128;
// How many rows ahead the kernel reading B in place asks for B: its rows lie a page or more
// apart, where the hardware prefetchers do not follow (64 x 1024 x 1024 float32: 88 -> 128
// GFLOP/s with it, 8 rows ahead about the same).
constexpr std::int64_t kBAhead = 16;

// Asks for the MR x (2 registers) tile of C in cache (first and last element of each row).
template <class R, int MR>
inline void gemm_prefetch_tile(const typename R::Elem* c, std::int64_t rs_c, std::int64_t cs_c) {
  const std::int64_t last = (2 * R::kLanes - 1) * cs_c;
  for (int i = 0; i < MR; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * rs_c), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * rs_c + last), _MM_HINT_T0);
  }
}

// MR x (2 registers) tile: MR rows of A broadcast against two B vectors per step, with FMA.
// a_at(p, i) points at element (i, p) of the A panel; B's rows are rs_b apart (nr when packed).
// The three kernels below differ only in those two, so their sums, in the same order, are
// the same bits.
template <class Family, class R, int MR, bool kStridedB, class APanel>
[[gnu::always_inline]] inline void gemm_simd_tile(std::int64_t kc, APanel a_at,
                                                  const typename R::Elem* b, std::int64_t rs_b,
                                                  typename R::Elem* c, std::int64_t rs_c,
                                                  std::int64_t cs_c, bool accumulate) {
  static_assert(MR <= 12, "MG_GEMM_FOR_ROWS names twelve rows");
  MG_GEMM_FOR_ROWS(MG_GEMM_DECLARE)
  // C's tile is asked for kPrefetchSteps steps before the end (measured: 16 too few), so it is in
  // L1 when the sums are added to it; a tile of a large C comes from memory otherwise (4096^2
  // float32 on AVX-512: 132 -> 144 GFLOP/s).
  const std::int64_t fetch_at = kc > kPrefetchSteps ? kc - kPrefetchSteps : 0;
  for (std::int64_t p = 0; p < kc; ++p) {
    if (p == fetch_at) gemm_prefetch_tile<R, MR>(c, rs_c, cs_c);
    if constexpr (kStridedB) {
      // By address arithmetic, not a pointer: near B's end the row ahead is past the array (a
      // prefetch never faults, but forming such a pointer would be undefined).
      const auto ahead = reinterpret_cast<std::uintptr_t>(b) +
                         static_cast<std::uintptr_t>(kBAhead * rs_b) * sizeof(*b);
      _mm_prefetch(reinterpret_cast<const char*>(ahead), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(ahead + R::kLanes * sizeof(*b)), _MM_HINT_T0);
    }
    const auto b0 = R::load(b);
    const auto b1 = R::load(b + R::kLanes);
#define A_AT(i) a_at(p, i)
    MG_GEMM_FOR_ROWS(MG_GEMM_STEP)
#undef A_AT
    b += rs_b;
  }
  const typename R::Reg rows[12][2] = {MG_GEMM_FOR_ROWS(MG_GEMM_ROW_OUT)};
  gemm_store_rows<Family, R, MR>(rows, c, rs_c, cs_c, accumulate);
}

// A and B packed: A's element (i, p) at a[p * MR + i], B's rows nr apart.
template <class Family, class R, int MR>
void gemm_micro_simd(std::int64_t kc, const typename R::Elem* a, const typename R::Elem* b,
                     typename R::Elem* c, std::int64_t rs_c, std::int64_t cs_c, bool accumulate) {
  const auto a_at = [a](std::int64_t p, int i) { return a + p * MR + i; };
  gemm_simd_tile<Family, R, MR, false>(kc, a_at, b, 2 * R::kLanes, c, rs_c, cs_c, accumulate);
}

// A read in place: row i of the panel at a + i * rs_a (unit column stride). Small products skip
// packing A with it (Note [Small products] in src/gemm/driver.cpp).
template <class Family, class R, int MR>
void gemm_micro_simd_rows(std::int64_t kc, const typename R::Elem* a, std::int64_t rs_a,
                          const typename R::Elem* b, typename R::Elem* c, std::int64_t rs_c,
                          std::int64_t cs_c, bool accumulate) {
  const auto a_at = [a, rs_a](std::int64_t p, int i) { return a + i * rs_a + p; };
  gemm_simd_tile<Family, R, MR, false>(kc, a_at, b, 2 * R::kLanes, c, rs_c, cs_c, accumulate);
}

// B read in place: its nr columns contiguous, rows rs_b apart; A packed. Thin products skip
// packing B with it (Note [Thin products] in src/gemm/driver.cpp).
template <class Family, class R, int MR>
void gemm_micro_simd_bcols(std::int64_t kc, const typename R::Elem* a, const typename R::Elem* b,
                           std::int64_t rs_b, typename R::Elem* c, std::int64_t rs_c,
                           std::int64_t cs_c, bool accumulate) {
  const auto a_at = [a](std::int64_t p, int i) { return a + p * MR + i; };
  gemm_simd_tile<Family, R, MR, true>(kc, a_at, b, rs_b, c, rs_c, cs_c, accumulate);
}

#undef MG_GEMM_FOR_ROWS
#undef MG_GEMM_DECLARE
#undef MG_GEMM_STEP
#undef MG_GEMM_ROW_OUT

#endif

}  // namespace mg::kernels
