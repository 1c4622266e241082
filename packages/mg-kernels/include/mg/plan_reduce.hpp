// Plans of the reduction family (src/plan_reduce.cpp). Same two steps as mg/plan.hpp: plan_*()
// validates (DTypeError, std::invalid_argument) and picks the kernel; Plan::run() never throws.
#pragma once

#include <cstdint>

#include "mg/kernels/table.hpp"
#include "mg/plan.hpp"
#include "mg/reduce_op.hpp"

namespace mg {

// out = op(out, reduction of src) where out has stride 0 along the reduced dimensions (the
// caller fills the identity first; keepdims is the caller's choice of out strides). SUM, PROD,
// MAX, MIN: out and src of one dtype. ALL, ANY: any src dtype, bool out.
Plan<2> plan_reduce(ReduceOp op, const Operand& out, const Operand& src, Extents shape,
                    const kernels::KernelTable& table = kernels::active_table());

// The plans below reduce or scan along the LAST dimension of `shape` (the caller moves the axis
// there). Outputs that reduce it have stride 0 along it and nonzero strides elsewhere (or size-1
// dimensions); they are overwritten, not folded. Split::kOuterDims: each row stays whole.

// out (int64) = index of the first max/min of each row; NaN is the extreme (first NaN wins).
// std::invalid_argument when the last dimension is empty.
Plan<2> plan_arg_reduce(ArgReduceOp op, const Operand& out, const Operand& src, Extents shape,
                        const kernels::KernelTable& table = kernels::active_table());

// out = cumulative sum/product of src along the last dimension; same dtype and shape.
Plan<2> plan_scan(ScanOp op, const Operand& out, const Operand& src, Extents shape,
                  const kernels::KernelTable& table = kernels::active_table());

// mean and variance (divided by n - ddof, ddof 0 or 1) of each row; float dtypes, all three the
// same (Note [Two-pass variance] in kernels/stats.hpp).
Plan<3> plan_mean_var(const Operand& mean, const Operand& var, const Operand& src, Extents shape,
                      std::int64_t ddof,
                      const kernels::KernelTable& table = kernels::active_table());

// out = log(sum(exp(src))) of each row; float dtypes (Note [Stable logsumexp]).
Plan<2> plan_logsumexp(const Operand& out, const Operand& src, Extents shape,
                       const kernels::KernelTable& table = kernels::active_table());

}  // namespace mg
