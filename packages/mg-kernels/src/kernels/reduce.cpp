// The reduce family's kernels for one ISA (see include/mg/kernels/isa_unit.hpp).
#include "mg/kernels/reduce.hpp"

#include <cstddef>
#include <type_traits>
#include <utility>

#include "mg/kernels/argreduce.hpp"
#include "mg/kernels/element_at.hpp"
#include "mg/kernels/isa_unit.hpp"
#include "mg/kernels/reduce_ops.hpp"
#include "mg/kernels/scan.hpp"
#include "mg/kernels/stats.hpp"

namespace mg::kernels::MG_ISA {
namespace {

template <class T>
inline constexpr bool kFloating = std::is_floating_point_v<T> || kIsNarrowFloat<T>;

template <std::size_t D>
constexpr void fill(ReduceKernels& t) {
  using T = ElementAt<D>;
  t.sum[D] = &reduce_sum_kernel<Family, T>;
  t.ops[static_cast<std::size_t>(ReduceOp::kSum)][D] = &reduce_op_kernel<Family, ReduceOp::kSum, T>;
  t.ops[static_cast<std::size_t>(ReduceOp::kProd)][D] =
      &reduce_op_kernel<Family, ReduceOp::kProd, T>;
  t.ops[static_cast<std::size_t>(ReduceOp::kMax)][D] = &reduce_op_kernel<Family, ReduceOp::kMax, T>;
  t.ops[static_cast<std::size_t>(ReduceOp::kMin)][D] = &reduce_op_kernel<Family, ReduceOp::kMin, T>;
  t.ops[static_cast<std::size_t>(ReduceOp::kAll)][D] =
      &reduce_logical_kernel<Family, ReduceOp::kAll, T>;
  t.ops[static_cast<std::size_t>(ReduceOp::kAny)][D] =
      &reduce_logical_kernel<Family, ReduceOp::kAny, T>;
  t.arg[static_cast<std::size_t>(ArgReduceOp::kArgmax)][D] =
      &arg_reduce_kernel<Family, ArgReduceOp::kArgmax, T>;
  t.arg[static_cast<std::size_t>(ArgReduceOp::kArgmin)][D] =
      &arg_reduce_kernel<Family, ArgReduceOp::kArgmin, T>;
  t.scan[static_cast<std::size_t>(ScanOp::kCumsum)][D] = &scan_kernel<Family, ScanOp::kCumsum, T>;
  t.scan[static_cast<std::size_t>(ScanOp::kCumprod)][D] = &scan_kernel<Family, ScanOp::kCumprod, T>;
  if constexpr (kFloating<T>) {
    t.mean_var[0][D] = &mean_var_kernel<Family, 0, T>;
    t.mean_var[1][D] = &mean_var_kernel<Family, 1, T>;
    t.logsumexp[D] = &logsumexp_kernel<Family, T>;
  }
}

template <std::size_t... D>
constexpr ReduceKernels make(std::index_sequence<D...>) {
  ReduceKernels t;
  (fill<D>(t), ...);
  return t;
}

}  // namespace

constinit const ReduceKernels kReduceKernels = make(std::make_index_sequence<kNumDTypes>{});

}  // namespace mg::kernels::MG_ISA
