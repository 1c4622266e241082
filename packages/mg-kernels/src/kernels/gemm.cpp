// The gemm family's micro-kernels and blocking for one ISA (see include/mg/kernels/isa_unit.hpp).
//
// Units compiled with AVX2 and FMA (the avx2 and avx512 tables) get the YMM float kernels; the
// others (scalar, sse41, neon) use the portable twin, which the compiler vectorises as far as
// their flags allow. AVX-512 reuses the AVX2 kernel for now (docs/kernels.md, "gemm family").
#include <cstdint>

#include "mg/half.hpp"
#include "mg/kernels/gemm_micro.hpp"

#if defined(__F16C__)
#include <immintrin.h>
#endif
#include "mg/kernels/isa_unit.hpp"

namespace mg::kernels::MG_ISA {
namespace {

template <class T>
constexpr GemmMicroKernel<T> micro(typename GemmMicroKernel<T>::Fn fn, std::int64_t mr,
                                   std::int64_t nr, std::int64_t mc, std::int64_t kc,
                                   std::int64_t nc) {
  GemmMicroKernel<T> k;
  k.fn = fn;
  k.mr = mr;
  k.nr = nr;
  k.mc = mc;
  k.kc = kc;
  k.nc = nc;
  return k;
}

// Exact (mg/half.hpp); F16C converts eight at a time where the unit is compiled for it.
template <class F>
void widen_half_run(const Half* src, std::int64_t count, float* dst) {
  std::int64_t i = 0;
#if defined(__F16C__)
  for (; i + 8 <= count; i += 8) {
    const __m128i bits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(bits));
  }
#endif
  for (; i < count; ++i) dst[i] = half_to_float<F>(src[i]);
}

constexpr GemmKernels make() {
  GemmKernels t;
#if defined(__AVX2__) && defined(__FMA__)
  // A block mc x kc of float32 = 144 x 256 x 4 bytes = 144 KiB, in L2; one B panel kc x nr =
  // 16 KiB, in L1.
  t.f32 = micro<float>(&gemm_micro_avx2_f32<Family>, 6, 16, 144, 256, 3072);
  t.f32.fn_rows = &gemm_micro_avx2_f32_rows<Family>;
  t.f64 = micro<double>(&gemm_micro_avx2_f64<Family>, 6, 8, 72, 256, 3072);
#else
  t.f32 = micro<float>(&gemm_micro_portable<Family, float, 4, 8>, 4, 8, 128, 256, 3072);
  t.f64 = micro<double>(&gemm_micro_portable<Family, double, 4, 4>, 4, 4, 64, 256, 3072);
#endif
  t.f32.widen_half = &widen_half_run<Family>;
  t.u32 =
      micro<std::uint32_t>(&gemm_micro_portable<Family, std::uint32_t, 4, 8>, 4, 8, 128, 256, 3072);
  t.u64 =
      micro<std::uint64_t>(&gemm_micro_portable<Family, std::uint64_t, 4, 4>, 4, 4, 64, 256, 3072);
  return t;
}

}  // namespace

constinit const GemmKernels kGemmKernels = make();

}  // namespace mg::kernels::MG_ISA
