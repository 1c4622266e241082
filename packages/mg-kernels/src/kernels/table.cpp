// The kernel table of one ISA: its families' sub-tables, each defined by its own unit.
#include "mg/kernels/isa_unit.hpp"

namespace mg::kernels::MG_ISA {

const KernelTable& table() noexcept {
  static constexpr KernelTable kTable{Isa::MG_ISA_ENUM, &kBinaryKernels, &kReduceKernels,
                                      &kCopyKernels, &kTernaryKernels, &kUnaryKernels};
  return kTable;
}

}  // namespace mg::kernels::MG_ISA
