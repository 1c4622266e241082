// The copy family's kernels for one ISA (see include/mg/kernels/isa_unit.hpp).
#include "mg/kernels/copy.hpp"

#include <cstddef>
#include <utility>

#include "mg/kernels/element_at.hpp"
#include "mg/kernels/isa_unit.hpp"

namespace mg::kernels::MG_ISA {
namespace {

template <std::size_t D, std::size_t... S>
constexpr void fill_casts(CopyKernels& t, std::index_sequence<S...>) {
  ((t.casts[D][S] = &copy_kernel<Family, ElementAt<D>, ElementAt<S>>), ...);
}

template <std::size_t... D>
constexpr CopyKernels make(std::index_sequence<D...>) {
  CopyKernels t;
  (fill_casts<D>(t, std::make_index_sequence<kNumDTypes>{}), ...);
  return t;
}

}  // namespace

constinit const CopyKernels kCopyKernels = make(std::make_index_sequence<kNumDTypes>{});

}  // namespace mg::kernels::MG_ISA
