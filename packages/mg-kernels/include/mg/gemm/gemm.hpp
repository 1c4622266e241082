// The ISA-independent half of GEMM: packing, cache blocking, the macro loop and its threads
// (src/gemm/driver.cpp). The only per-ISA piece, the micro-kernel, comes in through
// kernels::GemmMicroKernel (mg/kernels/table.hpp). Note [GEMM loops] in driver.cpp tells how
// they fit together.
#pragma once

#include <cstdint>

#include "mg/half.hpp"
#include "mg/kernels/table.hpp"

namespace mg::gemm {

// A strided matrix in elements: element (i, j) is data[i * rs + j * cs]. Any strides (transposed,
// zero or negative) are read in place; nothing is copied before packing.
template <class T>
struct MatrixRef {
  const T* data = nullptr;
  std::int64_t rs = 0;
  std::int64_t cs = 0;
};

template <class T>
struct MutMatrixRef {
  T* data = nullptr;
  std::int64_t rs = 0;
  std::int64_t cs = 0;
};

struct Dims {
  std::int64_t m = 0, n = 0, k = 0;
};

// m * n * k, saturated at INT64_MAX: a broadcast (stride 0) operand can make k huge without any
// memory behind it, and the size tests below must not overflow.
inline std::int64_t macs_of(Dims d) noexcept {
  constexpr std::int64_t kMax = INT64_MAX;
  if (d.m == 0 || d.n == 0 || d.k == 0) return 0;
  if (d.m > kMax / d.n) return kMax;
  const std::int64_t mn = d.m * d.n;
  return mn > kMax / d.k ? kMax : mn * d.k;
}

// Element type conversion on the way into a packed panel: float16/bfloat16 widen to float32,
// integers (and bool, as 0/1) wrap into the unsigned accumulator.
template <class Src, class Acc>
Acc widen(Src x) noexcept;

// c = a @ b with a m x k, b k x n, c m x n, accumulating in Acc. c must not overlap a or b.
// Uses up to `threads` threads of the pool (mg/parallel.hpp); fewer when the product is small.
// Results do not depend on `threads`: every element's sum runs in the same order.
template <class Src, class Acc>
void gemm(Dims dims, MatrixRef<Src> a, MatrixRef<Src> b, MutMatrixRef<Acc> c,
          const kernels::GemmMicroKernel<Acc>& uk, int threads) noexcept;

// The reference: a plain triple loop with no packing, which the tiny and matrix-vector paths of
// gemm() use and the tests compare the micro-kernels with.
template <class Src, class Acc>
void gemm_unpacked(Dims dims, MatrixRef<Src> a, MatrixRef<Src> b, MutMatrixRef<Acc> c) noexcept;

// c = a @ b in float32 from bfloat16 operands on AMX tiles (src/gemm/bf16_pairs.cpp, Note [AMX
// tiles]), any strides, m, n, k >= 0; up to `threads` threads; results do not depend on
// `threads`. Defined only in builds with MG_KERNELS_HAVE_AMX_BF16; call only when
// amx_bf16_usable() (mg/isa.hpp), or the first tile instruction faults.
void gemm_bf16_amx(Dims dims, MatrixRef<BFloat16> a, MatrixRef<BFloat16> b, MutMatrixRef<float> c,
                   int threads) noexcept;

// The same with AVX512-BF16's VDPBF16PS on vectors (Note [bfloat16 pairs]), the same packing,
// loops and numerics. With out.data set, the sums go to out rounded to bfloat16 (as
// bfloat16_from_float rounds them) and c serves only as scratch for the earlier depth blocks
// (Note [Narrow stores]). Defined only in builds with MG_KERNELS_HAVE_AMX_BF16 (the same unit);
// call only when cpu_supports_avx512_bf16() (mg/isa.hpp).
void gemm_bf16_avx512(Dims dims, MatrixRef<BFloat16> a, MatrixRef<BFloat16> b,
                      MutMatrixRef<float> c, int threads, MutMatrixRef<BFloat16> out = {}) noexcept;

}  // namespace mg::gemm
