// The binary family's kernels for one ISA (see include/mg/kernels/isa_unit.hpp).
#include "mg/kernels/binary.hpp"

#include <cstddef>
#include <utility>

#include "mg/kernels/element_at.hpp"
#include "mg/kernels/isa_unit.hpp"

namespace mg::kernels::MG_ISA {
namespace {

// Ops a dtype does not define (bool SUB, DIV, POW) stay nullptr; plan_binary refuses them.
template <std::size_t D, std::size_t Op>
constexpr Kernel3 entry() {
  constexpr auto kOp = static_cast<BinaryOp>(Op);
  if constexpr (kBinarySupported<kOp, ElementAt<D>>) {
    return &binary_kernel<Family, kOp, ElementAt<D>>;
  } else {
    return nullptr;
  }
}

template <std::size_t D, std::size_t... Op>
constexpr void fill_ops(BinaryKernels& t, std::index_sequence<Op...>) {
  ((t.ops[Op][D] = entry<D, Op>()), ...);
}

template <std::size_t... D>
constexpr BinaryKernels make(std::index_sequence<D...>) {
  BinaryKernels t;
  (fill_ops<D>(t, std::make_index_sequence<kNumBinaryOps>{}), ...);
  return t;
}

}  // namespace

constinit const BinaryKernels kBinaryKernels = make(std::make_index_sequence<kNumDTypes>{});

}  // namespace mg::kernels::MG_ISA
