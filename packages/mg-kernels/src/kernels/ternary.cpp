// The ternary family's kernels (where, clip) for one ISA (see include/mg/kernels/isa_unit.hpp).
#include "mg/kernels/ternary.hpp"

#include <cstddef>
#include <utility>

#include "mg/kernels/element_at.hpp"
#include "mg/kernels/isa_unit.hpp"

namespace mg::kernels::MG_ISA {
namespace {

template <std::size_t... D>
constexpr TernaryKernels make(std::index_sequence<D...>) {
  TernaryKernels t;
  ((t.where[D] = &where_kernel<Family, ElementAt<D>>), ...);
  ((t.clip[D] = &clip_kernel<Family, ElementAt<D>>), ...);
  return t;
}

}  // namespace

constinit const TernaryKernels kTernaryKernels = make(std::make_index_sequence<kNumDTypes>{});

}  // namespace mg::kernels::MG_ISA
