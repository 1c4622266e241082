// The unary family's kernels for one ISA (see include/mg/kernels/isa_unit.hpp).
#include "mg/kernels/unary.hpp"

#include <cstddef>
#include <utility>

#include "mg/kernels/element_at.hpp"
#include "mg/kernels/isa_unit.hpp"

namespace mg::kernels::MG_ISA {
namespace {

// Ops a dtype does not define stay nullptr; plan_unary refuses them with a DTypeError.
template <std::size_t D, std::size_t Op>
constexpr Kernel2 entry() {
  constexpr auto kOp = static_cast<UnaryOp>(Op);
  if constexpr (kUnarySupported<kOp, ElementAt<D>>) {
    return &unary_kernel<Family, kOp, ElementAt<D>>;
  } else {
    return nullptr;
  }
}

template <std::size_t D, std::size_t... Op>
constexpr void fill_ops(UnaryKernels& t, std::index_sequence<Op...>) {
  ((t.ops[Op][D] = entry<D, Op>()), ...);
}

template <std::size_t... D>
constexpr UnaryKernels make(std::index_sequence<D...>) {
  UnaryKernels t;
  (fill_ops<D>(t, std::make_index_sequence<kNumUnaryOps>{}), ...);
  return t;
}

}  // namespace

constinit const UnaryKernels kUnaryKernels = make(std::make_index_sequence<kNumDTypes>{});

}  // namespace mg::kernels::MG_ISA
