#include "mg/plan.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Note [Overlapping operands]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Kernels read and write elements in whatever order suits them (unrolled, tiled, split over
// threads), so an output that shares memory with an input is only safe when both are the very
// same view (same data, offset and strides: each element is read before it is written, by the
// same iteration). `out[1:] = out[:-1] + 1` or `a = a.T`-style overlaps would read elements the
// kernel has already overwritten. make_plan detects an input whose byte range meets the output's
// and is not the same view, and copies that input to a fresh contiguous storage first; the plan
// keeps the copy alive. The byte-range test can copy when no element is actually shared
// (interleaved views); that costs time, never correctness.
namespace {

struct ByteRange {
  const char* first = nullptr;  // lowest byte touched
  const char* last = nullptr;   // one past the highest byte touched
};

ByteRange byte_range(const Operand& op, Extents shape) {
  std::int64_t low = op.offset;
  std::int64_t high = op.offset;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const std::int64_t reach = (shape[d] - 1) * op.strides[d];
    (reach < 0 ? low : high) += reach;
  }
  const auto* data = static_cast<const char*>(op.storage.data());
  const auto item = static_cast<std::int64_t>(op.storage.itemsize());
  return {data + low * item, data + (high + 1) * item};
}

bool same_view(const Operand& a, const Operand& b) {
  if (a.storage.data() != b.storage.data() || a.offset != b.offset ||
      a.storage.itemsize() != b.storage.itemsize() || a.strides.size() != b.strides.size()) {
    return false;
  }
  for (std::size_t d = 0; d < a.strides.size(); ++d) {
    if (a.strides[d] != b.strides[d]) return false;
  }
  return true;
}

// An owned Storage shares its buffer with no other Storage, so two different owned storages
// never share bytes: the common call (a fresh output) costs a pointer comparison and two flag
// reads. Foreign storages (NumPy, DLPack) may alias each other or an owned one: byte ranges.
bool overlaps(const Operand& out, const Operand& in, Extents shape) {
  if (&out.storage != &in.storage && !out.storage.foreign() && !in.storage.foreign()) return false;
  if (same_view(out, in)) return false;
  const ByteRange o = byte_range(out, shape);
  const ByteRange i = byte_range(in, shape);
  return o.first < i.last && i.first < o.last;
}

// A contiguous copy of `in` over `shape`, made with the active table's same-dtype copy kernel.
std::shared_ptr<const Storage> contiguous_copy(const Operand& in, Extents shape,
                                               std::vector<std::int64_t>& strides) {
  strides.assign(shape.size(), 0);
  std::int64_t step = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    strides[d] = step;
    step *= shape[d];
  }
  auto copy = std::make_shared<Storage>(in.storage.dtype(), static_cast<std::size_t>(step),
                                        Init::kUninitialized);
  const Operand dst{*copy, 0, strides};
  const auto d = dtype_index(in.storage.dtype());
  void* const base[2] = {first_element(dst), first_element(in)};
  kernels::active_table().copy->casts[d][d](coalesce<2>(shape, {Extents(strides), in.strides}),
                                            base);
  return copy;
}

// make_plan's work once the operands are valid and not empty. One named result and one return,
// so the 2 KB plan is built in the caller's storage (NRVO), not copied.
template <std::size_t N>
Plan<N> build_plan(typename Plan<N>::Kernel kernel, Extents shape,
                   const std::array<const Operand*, N>& operands, Split split) {
  void* base[N];
  std::int64_t itemsize[N];
  std::array<Extents, N> strides;
  std::shared_ptr<const Storage> copies[N];
  std::vector<std::int64_t> copy_strides[N];
  for (std::size_t k = 0; k < N; ++k) {
    const Operand& op = *operands[k];
    base[k] = first_element(op);
    itemsize[k] = static_cast<std::int64_t>(op.storage.itemsize());
    strides[k] = op.strides;
    if (k > 0 && overlaps(*operands[0], op, shape)) {
      copies[k] = contiguous_copy(op, shape, copy_strides[k]);
      base[k] = const_cast<void*>(copies[k]->data());  // read only, like every input
      strides[k] = copy_strides[k];
    }
  }
  Plan<N> plan(kernel, shape, strides, base, itemsize, split);
  for (auto& copy : copies) {
    if (copy) plan.keep(std::move(copy));
  }
  return plan;
}

}  // namespace

template <std::size_t N>
Plan<N> make_plan(typename Plan<N>::Kernel kernel, Extents shape,
                  const std::array<const Operand*, N>& operands,
                  const std::array<std::string_view, N>& names, Split split) {
  check_shape(shape);
  for (std::size_t k = 0; k < N; ++k) check_layout(layout(names[k], *operands[k]), shape);
  require_writable(operands[0]->storage, names[0]);
  if (is_empty(shape)) return {};
  return build_plan<N>(kernel, shape, operands, split);
}

template Plan<2> make_plan<2>(Plan<2>::Kernel, Extents, const std::array<const Operand*, 2>&,
                              const std::array<std::string_view, 2>&, Split);
template Plan<3> make_plan<3>(Plan<3>::Kernel, Extents, const std::array<const Operand*, 3>&,
                              const std::array<std::string_view, 3>&, Split);
template Plan<4> make_plan<4>(Plan<4>::Kernel, Extents, const std::array<const Operand*, 4>&,
                              const std::array<std::string_view, 4>&, Split);

Plan<3> plan_binary(BinaryOp op, const Operand& out, const Operand& a, const Operand& b,
                    Extents shape, const kernels::KernelTable& table) {
  const auto op_index = static_cast<std::size_t>(op);
  if (op_index >= kNumBinaryOps) {
    throw std::invalid_argument("binary: unknown op " + std::to_string(op_index));
  }
  const std::string name(binary_op_name(op));
  const DType dtype = a.storage.dtype();
  const DType out_dtype = out.storage.dtype();
  if (b.storage.dtype() != dtype) {
    throw DTypeError("binary " + name + ": a and b must have the same dtype, got a " +
                     std::string(dtype_name(dtype)) + ", b " +
                     std::string(dtype_name(b.storage.dtype())));
  }
  const DType want = binary_op_gives_bool(op) ? DType::kBool : dtype;
  if (out_dtype != want) {
    throw DTypeError("binary " + name + ": out must have dtype " + std::string(dtype_name(want)) +
                     " for inputs of dtype " + std::string(dtype_name(dtype)) + ", got out " +
                     std::string(dtype_name(out_dtype)));
  }
  const kernels::Kernel3 kernel = table.binary->ops[op_index][dtype_index(dtype)];
  if (kernel == nullptr) {
    throw DTypeError("binary: " + name + " is not defined for dtype " +
                     std::string(dtype_name(dtype)) +
                     (dtype == DType::kBool ? " (bool has ADD = or, MUL = and)" : ""));
  }
  return make_plan<3>(kernel, shape, {&out, &a, &b}, {"out", "a", "b"});
}

Plan<2> plan_reduce_sum(const Operand& out, const Operand& src, Extents shape,
                        const kernels::KernelTable& table) {
  const DType dtype = out.storage.dtype();
  if (src.storage.dtype() != dtype) {
    throw DTypeError("reduce_sum: out and src must have the same dtype, got out " +
                     std::string(dtype_name(dtype)) + ", src " +
                     std::string(dtype_name(src.storage.dtype())));
  }
  return make_plan<2>(table.reduce->sum[dtype_index(dtype)], shape, {&out, &src}, {"out", "src"});
}

Plan<2> plan_copy(const Operand& out, const Operand& src, Extents shape,
                  const kernels::KernelTable& table) {
  const auto to = dtype_index(out.storage.dtype());
  const auto from = dtype_index(src.storage.dtype());
  return make_plan<2>(table.copy->casts[to][from], shape, {&out, &src}, {"out", "src"});
}

// Ternary family: where and clip.
Plan<4> plan_where(const Operand& out, const Operand& cond, const Operand& a, const Operand& b,
                   Extents shape, const kernels::KernelTable& table) {
  const DType dtype = a.storage.dtype();
  if (cond.storage.dtype() != DType::kBool) {
    throw DTypeError("where: cond must have dtype bool, got " +
                     std::string(dtype_name(cond.storage.dtype())));
  }
  if (b.storage.dtype() != dtype || out.storage.dtype() != dtype) {
    throw DTypeError("where: out, a and b must have the same dtype, got out " +
                     std::string(dtype_name(out.storage.dtype())) + ", a " +
                     std::string(dtype_name(dtype)) + ", b " +
                     std::string(dtype_name(b.storage.dtype())));
  }
  return make_plan<4>(table.ternary->where[dtype_index(dtype)], shape, {&out, &cond, &a, &b},
                      {"out", "cond", "a", "b"});
}

Plan<4> plan_clip(const Operand& out, const Operand& x, const Operand& lo, const Operand& hi,
                  Extents shape, const kernels::KernelTable& table) {
  const DType dtype = x.storage.dtype();
  if (out.storage.dtype() != dtype || lo.storage.dtype() != dtype || hi.storage.dtype() != dtype) {
    throw DTypeError("clip: all operands must have the same dtype, got out " +
                     std::string(dtype_name(out.storage.dtype())) + ", x " +
                     std::string(dtype_name(dtype)) + ", lo " +
                     std::string(dtype_name(lo.storage.dtype())) + ", hi " +
                     std::string(dtype_name(hi.storage.dtype())));
  }
  return make_plan<4>(table.ternary->clip[dtype_index(dtype)], shape, {&out, &x, &lo, &hi},
                      {"out", "x", "lo", "hi"});
}

}  // namespace mg
