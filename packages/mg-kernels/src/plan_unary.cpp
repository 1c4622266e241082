// plan_unary: the dtype checks of the unary family, then the common make_plan.
#include <cstddef>
#include <stdexcept>
#include <string>

#include "mg/plan.hpp"

namespace mg {

Plan<2> plan_unary(UnaryOp op, const Operand& out, const Operand& src, Extents shape,
                   const kernels::KernelTable& table) {
  const auto op_index = static_cast<std::size_t>(op);
  if (op_index >= kNumUnaryOps) {
    throw std::invalid_argument("unary: unknown op " + std::to_string(op_index));
  }
  const DType dtype = src.storage.dtype();
  const std::string name(unary_op_name(op));
  const kernels::Kernel2 kernel = table.unary->ops[op_index][dtype_index(dtype)];
  if (kernel == nullptr) {
    throw DTypeError("unary: " + name + " is not defined for dtype " +
                     std::string(dtype_name(dtype)));
  }
  const DType expected = unary_writes_bool(op) ? DType::kBool : dtype;
  if (out.storage.dtype() != expected) {
    throw DTypeError("unary: " + name + " on src dtype " + std::string(dtype_name(dtype)) +
                     " writes dtype " + std::string(dtype_name(expected)) + ", got out dtype " +
                     std::string(dtype_name(out.storage.dtype())));
  }
  return make_plan<2>(kernel, shape, {&out, &src}, {"out", "src"});
}

}  // namespace mg
