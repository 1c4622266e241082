// The reduce family's kernels for one ISA (see include/mg/kernels/isa_unit.hpp).
#include "mg/kernels/reduce.hpp"

#include <cstddef>
#include <utility>

#include "mg/kernels/element_at.hpp"
#include "mg/kernels/isa_unit.hpp"

namespace mg::kernels::MG_ISA {
namespace {

template <std::size_t... D>
constexpr ReduceKernels make(std::index_sequence<D...>) {
  ReduceKernels t;
  ((t.sum[D] = &reduce_sum_kernel<Family, ElementAt<D>>), ...);
  return t;
}

}  // namespace

constinit const ReduceKernels kReduceKernels = make(std::make_index_sequence<kNumDTypes>{});

}  // namespace mg::kernels::MG_ISA
