// The gemm family's micro-kernels and blocking for one ISA (see include/mg/kernels/isa_unit.hpp).
//
// The avx512 unit gets the ZMM float kernels (12 x 32 float32, 12 x 16 float64), the avx2 unit
// the YMM ones (6 x 16, 6 x 8); the others (scalar, sse41, neon) use the portable twin, which
// the compiler vectorises as far as their flags allow (docs/kernels.md, "gemm family").
#include <cstdint>

#include "mg/half.hpp"
#include "mg/kernels/gemm_micro.hpp"
#include "mg/kernels/isa_unit.hpp"

#if defined(__F16C__)
#include "mg/simd/intrinsics.hpp"
#endif

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

// Exact (mg/half.hpp); F16C converts eight at a time where the unit is compiled for it, sixteen
// with AVX-512.
template <class F>
void widen_half_run(const Half* src, std::int64_t count, float* dst) {
  std::int64_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= count; i += 16) {
    const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(bits));
  }
#endif
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
#if defined(__AVX512F__) && defined(__FMA__)
  // 24 of the 32 ZMM registers hold the tile. A block mc x kc of float32 = 480 x 256 x 4 bytes
  // = 480 KiB, in a 2 MiB L2; one B micro-panel kc x nr = 32 KiB, in a 48 KiB L1. Measured on
  // a Xeon with AVX-512 FP16 (process time, 1 thread, noisy): mc 240 -> 480 gave 1024^2 and
  // 2048^2 a few per cent; kc 384 or 512 helped 2048^2 but cost (64, 1024) x (1024, 1024).
  t.f32 = micro<float>(&gemm_micro_simd<Family, ZmmF32, 12>, 12, 32, 480, 256, 3072);
  t.f32.fn_rows = &gemm_micro_simd_rows<Family, ZmmF32, 12>;
  t.f32.fn_bcols = &gemm_micro_simd_bcols<Family, ZmmF32, 12>;
  t.f64 = micro<double>(&gemm_micro_simd<Family, ZmmF64, 12>, 12, 16, 120, 256, 3072);
  t.f64.fn_bcols = &gemm_micro_simd_bcols<Family, ZmmF64, 12>;
#elif defined(__AVX2__) && defined(__FMA__)
  // 12 of the 16 YMM registers hold the tile. A block mc x kc of float32 = 144 x 256 x 4 bytes
  // = 144 KiB, in L2; one B micro-panel kc x nr = 16 KiB, in L1.
  t.f32 = micro<float>(&gemm_micro_simd<Family, YmmF32, 6>, 6, 16, 144, 256, 3072);
  t.f32.fn_rows = &gemm_micro_simd_rows<Family, YmmF32, 6>;
  t.f32.fn_bcols = &gemm_micro_simd_bcols<Family, YmmF32, 6>;
  t.f64 = micro<double>(&gemm_micro_simd<Family, YmmF64, 6>, 6, 8, 72, 256, 3072);
  t.f64.fn_bcols = &gemm_micro_simd_bcols<Family, YmmF64, 6>;
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
