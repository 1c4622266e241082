#include "mg/plan.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mg {
namespace {

OperandLayout layout(std::string_view name, const Operand& op) {
  return {name, static_cast<std::int64_t>(op.storage.size()), op.offset, op.strides};
}

void* first_element(const Operand& op) {
  auto* bytes = static_cast<char*>(op.storage.data());
  return bytes + static_cast<std::ptrdiff_t>(op.offset) *
                     static_cast<std::ptrdiff_t>(op.storage.itemsize());
}

}  // namespace

Plan<3> plan_binary(BinaryOp op, const Operand& out, const Operand& a, const Operand& b,
                    Extents shape, const kernels::KernelTable& table) {
  const auto op_index = static_cast<std::size_t>(op);
  if (op_index >= kNumBinaryOps) {
    throw std::invalid_argument("binary: unknown op " + std::to_string(op_index));
  }
  const DType dtype = out.storage.dtype();
  if (a.storage.dtype() != dtype || b.storage.dtype() != dtype) {
    throw DTypeError("binary: all operands must have the same dtype, got out " +
                     std::string(dtype_name(dtype)) + ", a " +
                     std::string(dtype_name(a.storage.dtype())) + ", b " +
                     std::string(dtype_name(b.storage.dtype())));
  }
  const kernels::Kernel3 kernel = table.binary[op_index][dtype_index(dtype)];
  if (kernel == nullptr) {
    throw DTypeError("binary: " + std::string(binary_op_name(op)) + " is not defined for dtype " +
                     std::string(dtype_name(dtype)) +
                     (dtype == DType::kBool ? " (bool has ADD = or, MUL = and)" : ""));
  }
  check_shape(shape);
  check_layout(layout("out", out), shape);
  check_layout(layout("a", a), shape);
  check_layout(layout("b", b), shape);
  if (is_empty(shape)) return {};
  void* const base[3] = {first_element(out), first_element(a), first_element(b)};
  return {kernel, coalesce<3>(shape, {out.strides, a.strides, b.strides}), base};
}

Plan<2> plan_reduce_sum(const Operand& out, const Operand& src, Extents shape,
                        const kernels::KernelTable& table) {
  const DType dtype = out.storage.dtype();
  if (src.storage.dtype() != dtype) {
    throw DTypeError("reduce_sum: out and src must have the same dtype, got out " +
                     std::string(dtype_name(dtype)) + ", src " +
                     std::string(dtype_name(src.storage.dtype())));
  }
  check_shape(shape);
  check_layout(layout("out", out), shape);
  check_layout(layout("src", src), shape);
  if (is_empty(shape)) return {};
  void* const base[2] = {first_element(out), first_element(src)};
  return {table.reduce_sum[dtype_index(dtype)], coalesce<2>(shape, {out.strides, src.strides}),
          base};
}

Plan<2> plan_copy(const Operand& out, const Operand& src, Extents shape,
                  const kernels::KernelTable& table) {
  check_shape(shape);
  check_layout(layout("out", out), shape);
  check_layout(layout("src", src), shape);
  if (is_empty(shape)) return {};
  void* const base[2] = {first_element(out), first_element(src)};
  const auto to = dtype_index(out.storage.dtype());
  const auto from = dtype_index(src.storage.dtype());
  return {table.copy[to][from], coalesce<2>(shape, {out.strides, src.strides}), base};
}

}  // namespace mg
