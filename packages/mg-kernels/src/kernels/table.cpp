// The kernel table of one ISA: its families' sub-tables, each defined by its own unit.
#include "mg/kernels/isa_unit.hpp"

// Note [Borrowed families]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// The unary kernels compute float32 math in Vec<float> registers with fma, rounding and int32
// lane operations. A Vec family without that vocabulary (SSE4.1, AVX-512 and NEON today) would
// fall back to C math per element: slower, and not bit-identical to the scalar table. Instead its
// table borrows the unary sub-table of a lower ISA that the same CPU always runs (CMakeLists.txt
// sets MG_UNARY_FROM: AVX-512 takes AVX2's, SSE4.1 and NEON the scalar one), and its own unary
// unit is not compiled at all. Pointing at another unit's constant data shares no code, so Note
// [One symbol per ISA] still holds.
#if defined(MG_UNARY_FROM)
namespace mg::kernels::MG_UNARY_FROM {
extern const UnaryKernels kUnaryKernels;
}
#define MG_UNARY_KERNELS ::mg::kernels::MG_UNARY_FROM::kUnaryKernels
#else
#define MG_UNARY_KERNELS kUnaryKernels
#endif

namespace mg::kernels::MG_ISA {

const KernelTable& table() noexcept {
  static constexpr KernelTable kTable{Isa::MG_ISA_ENUM, &kBinaryKernels,  &kReduceKernels,
                                      &kCopyKernels,    &kTernaryKernels, &MG_UNARY_KERNELS,
                                      &kGemmKernels};
  return kTable;
}

}  // namespace mg::kernels::MG_ISA
