#include "mg/plan_reduce.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mg {
namespace {

std::string name_of(DType d) { return std::string(dtype_name(d)); }

std::string shape_text(Extents values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i > 0 ? ", " : "") + std::to_string(values[i]);
  }
  return out + ")";
}

void* first_element(const Operand& op) {
  auto* bytes = static_cast<char*>(op.storage.data());
  return bytes + static_cast<std::ptrdiff_t>(op.offset) *
                     static_cast<std::ptrdiff_t>(op.storage.itemsize());
}

void require_same_dtype(std::string_view what, const Operand& out, const Operand& src) {
  if (out.storage.dtype() != src.storage.dtype()) {
    throw DTypeError(std::string(what) + ": out and src must have the same dtype, got out " +
                     name_of(out.storage.dtype()) + ", src " + name_of(src.storage.dtype()));
  }
}

void require_floating(std::string_view what, DType d) {
  if (!is_floating(d)) {
    throw DTypeError(std::string(what) + ": needs a floating dtype (float16, bfloat16, float32, " +
                     "float64), got " + name_of(d) + "; cast integers first");
  }
}

// Plans a kernel over rows along the last dimension of `shape`: validates every operand, then
// coalesces the outer dimensions only and appends the last one, kept even when its length is 1
// (the kernel's inner loop must be that axis). The first `reduced` operands are outputs with
// stride 0 along the last dimension, and no other dimension of length > 1 may have stride 0 in
// them (two rows would write one element). An empty outer shape gives a plan that does nothing;
// an empty last dimension does too, unless `run_empty_rows` (the kernel writes its answer for an
// empty row).
template <std::size_t N>
Plan<N> make_row_plan(std::string_view what, typename Plan<N>::Kernel kernel, Extents shape,
                      const std::array<const Operand*, N>& operands,
                      const std::array<std::string_view, N>& names, std::size_t reduced,
                      bool run_empty_rows) {
  check_shape(shape);
  for (std::size_t k = 0; k < N; ++k) {
    check_layout({names[k], static_cast<std::int64_t>(operands[k]->storage.size()),
                  operands[k]->offset, operands[k]->strides},
                 shape);
  }
  require_writable(operands[0]->storage, std::string(what) + " " + std::string(names[0]));
  for (std::size_t k = 1; k < reduced; ++k) {
    require_writable(operands[k]->storage, std::string(what) + " " + std::string(names[k]));
  }
  if (shape.empty()) {
    throw std::invalid_argument(std::string(what) +
                                ": shape must have at least one dimension (the axis, last)");
  }
  const std::size_t last = shape.size() - 1;
  for (std::size_t k = 0; k < reduced; ++k) {
    const Extents strides = operands[k]->strides;
    if (strides[last] != 0) {
      throw std::invalid_argument(std::string(what) + ": " + std::string(names[k]) +
                                  " must have stride 0 along the last (reduced) dimension, got "
                                  "strides " +
                                  shape_text(strides) + " for shape " + shape_text(shape));
    }
    for (std::size_t d = 0; d < last; ++d) {
      if (strides[d] == 0 && shape[d] > 1) {
        throw std::invalid_argument(std::string(what) + ": " + std::string(names[k]) +
                                    " has stride 0 along dimension " + std::to_string(d) +
                                    " of shape " + shape_text(shape) +
                                    ": only the last dimension is reduced");
      }
    }
  }
  const Extents outer = shape.first(last);
  if (is_empty(outer)) return {};
  const std::int64_t n = shape[last];
  if (n == 0 && !run_empty_rows) return {};
  std::array<Extents, N> outer_strides;
  for (std::size_t k = 0; k < N; ++k) outer_strides[k] = operands[k]->strides.first(last);
  StridedLoop<N> loop = coalesce<N>(outer, outer_strides);
  if (n == 0) {  // check_layout skipped the bounds of the empty shape; the outputs get written
    for (std::size_t k = 0; k < reduced; ++k) {
      check_layout({names[k], static_cast<std::int64_t>(operands[k]->storage.size()),
                    operands[k]->offset, outer_strides[k]},
                   outer);
    }
  }
  loop.shape[loop.ndim] = n;
  for (std::size_t k = 0; k < N; ++k) loop.strides[k][loop.ndim] = operands[k]->strides[last];
  ++loop.ndim;
  void* base[N];
  std::int64_t itemsize[N];
  for (std::size_t k = 0; k < N; ++k) {
    base[k] = first_element(*operands[k]);
    itemsize[k] = static_cast<std::int64_t>(operands[k]->storage.itemsize());
  }
  return {kernel, loop, base, itemsize, Split::kOuterDims};
}

}  // namespace

Plan<2> plan_reduce(ReduceOp op, const Operand& out, const Operand& src, Extents shape,
                    const kernels::KernelTable& table) {
  const auto index = static_cast<std::size_t>(op);
  if (index >= kNumReduceOps) {
    throw std::invalid_argument("reduce: unknown op " + std::to_string(index));
  }
  const DType src_dtype = src.storage.dtype();
  if (op == ReduceOp::kAll || op == ReduceOp::kAny) {
    if (out.storage.dtype() != DType::kBool) {
      throw DTypeError("reduce: " + std::string(reduce_op_name(op)) +
                       " writes a bool out, got out " + name_of(out.storage.dtype()) + ", src " +
                       name_of(src_dtype));
    }
  } else {
    require_same_dtype("reduce " + std::string(reduce_op_name(op)), out, src);
  }
  return make_plan<2>(table.reduce->ops[index][dtype_index(src_dtype)], shape, {&out, &src},
                      {"out", "src"});
}

Plan<2> plan_arg_reduce(ArgReduceOp op, const Operand& out, const Operand& src, Extents shape,
                        const kernels::KernelTable& table) {
  const auto index = static_cast<std::size_t>(op);
  if (index >= kNumArgReduceOps) {
    throw std::invalid_argument("arg_reduce: unknown op " + std::to_string(index));
  }
  if (out.storage.dtype() != DType::kInt64) {
    throw DTypeError("arg_reduce: out must be int64, got " + name_of(out.storage.dtype()));
  }
  Plan<2> plan =
      make_row_plan<2>("arg_reduce", table.reduce->arg[index][dtype_index(src.storage.dtype())],
                       shape, {&out, &src}, {"out", "src"}, 1, false);
  if (!shape.empty() && shape.back() == 0 && !is_empty(shape.first(shape.size() - 1))) {
    throw std::invalid_argument("arg_reduce: the reduced (last) dimension of shape " +
                                shape_text(shape) + " is empty: no index to return");
  }
  return plan;
}

Plan<2> plan_scan(ScanOp op, const Operand& out, const Operand& src, Extents shape,
                  const kernels::KernelTable& table) {
  const auto index = static_cast<std::size_t>(op);
  if (index >= kNumScanOps) {
    throw std::invalid_argument("scan: unknown op " + std::to_string(index));
  }
  require_same_dtype("scan", out, src);
  return make_row_plan<2>("scan", table.reduce->scan[index][dtype_index(src.storage.dtype())],
                          shape, {&out, &src}, {"out", "src"}, 0, false);
}

Plan<3> plan_mean_var(const Operand& mean, const Operand& var, const Operand& src, Extents shape,
                      std::int64_t ddof, const kernels::KernelTable& table) {
  const DType d = src.storage.dtype();
  if (mean.storage.dtype() != d || var.storage.dtype() != d) {
    throw DTypeError("mean_var: mean, var and src must have the same dtype, got mean " +
                     name_of(mean.storage.dtype()) + ", var " + name_of(var.storage.dtype()) +
                     ", src " + name_of(d));
  }
  require_floating("mean_var", d);
  if (ddof != 0 && ddof != 1) {
    throw std::invalid_argument("mean_var: ddof must be 0 or 1, got " + std::to_string(ddof));
  }
  return make_row_plan<3>("mean_var", table.reduce->mean_var[ddof][dtype_index(d)], shape,
                          {&mean, &var, &src}, {"mean", "var", "src"}, 2, true);
}

Plan<2> plan_logsumexp(const Operand& out, const Operand& src, Extents shape,
                       const kernels::KernelTable& table) {
  require_same_dtype("logsumexp", out, src);
  require_floating("logsumexp", src.storage.dtype());
  return make_row_plan<2>("logsumexp", table.reduce->logsumexp[dtype_index(src.storage.dtype())],
                          shape, {&out, &src}, {"out", "src"}, 1, true);
}

}  // namespace mg
