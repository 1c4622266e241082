// Builds a KernelTable for one Vec family. Included only by the src/table_<isa>.cpp files.
#pragma once

#include <cstddef>
#include <tuple>
#include <utility>

#include "mg/binary_op.hpp"
#include "mg/dtype.hpp"
#include "mg/isa.hpp"
#include "mg/kernels/binary.hpp"
#include "mg/kernels/copy.hpp"
#include "mg/kernels/reduce.hpp"
#include "mg/kernels/table.hpp"

namespace mg::kernels {

template <std::size_t I>
using ElementAt = std::tuple_element_t<I, ForEachElementType<std::tuple>>;

// Ops a dtype does not define (bool SUB, DIV, POW) stay nullptr; plan_binary refuses them.
template <class Family, std::size_t D, std::size_t Op>
constexpr Kernel3 binary_entry() {
  constexpr auto kOp = static_cast<BinaryOp>(Op);
  if constexpr (kBinarySupported<kOp, ElementAt<D>>) {
    return &binary_kernel<Family, kOp, ElementAt<D>>;
  } else {
    return nullptr;
  }
}

template <class Family, std::size_t D, std::size_t... Op>
constexpr void fill_binary(KernelTable& t, std::index_sequence<Op...>) {
  ((t.binary[Op][D] = binary_entry<Family, D, Op>()), ...);
}

template <class Family, std::size_t D, std::size_t... S>
constexpr void fill_copy(KernelTable& t, std::index_sequence<S...>) {
  ((t.copy[D][S] = &copy_kernel<Family, ElementAt<D>, ElementAt<S>>), ...);
}

template <class Family, std::size_t... D>
constexpr void fill_dtypes(KernelTable& t, std::index_sequence<D...>) {
  (fill_binary<Family, D>(t, std::make_index_sequence<kNumBinaryOps>{}), ...);
  (fill_copy<Family, D>(t, std::make_index_sequence<kNumDTypes>{}), ...);
  ((t.reduce_sum[D] = &reduce_sum_kernel<Family, ElementAt<D>>), ...);
}

// Evaluated at compile time by each table TU, so the table is constant data.
template <class Family>
constexpr KernelTable make_table(Isa isa) {
  KernelTable t;
  t.isa = isa;
  fill_dtypes<Family>(t, std::make_index_sequence<kNumDTypes>{});
  return t;
}

}  // namespace mg::kernels
