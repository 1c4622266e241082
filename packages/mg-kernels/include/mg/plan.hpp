// Kernel calls in two steps: plan_*() validates the operands, coalesces the loop nest and picks
// the kernel from the active ISA's table (may throw); Plan::run() does the work (never throws,
// touches no Python object). The bindings release the GIL between the two. A plan holds raw
// pointers into the storages, which must outlive run().
#pragma once

#include <cstddef>
#include <cstdint>

#include "mg/binary_op.hpp"
#include "mg/kernels/table.hpp"
#include "mg/storage.hpp"
#include "mg/strided.hpp"

namespace mg {

// One operand: a storage plus the strided view of it (offset and strides in elements).
struct Operand {
  Storage& storage;
  std::int64_t offset = 0;
  Extents strides;
};

template <std::size_t N>
class Plan {
 public:
  using Kernel = void (*)(const StridedLoop<N>&, void* const*);

  Plan() = default;  // does nothing: the shape was empty
  Plan(Kernel kernel, const StridedLoop<N>& loop, void* const (&base)[N])
      : kernel_(kernel), loop_(loop) {
    for (std::size_t k = 0; k < N; ++k) base_[k] = base[k];
  }

  void run() const noexcept {
    if (kernel_ != nullptr) kernel_(loop_, base_);
  }
  const StridedLoop<N>& loop() const noexcept { return loop_; }

 private:
  Kernel kernel_ = nullptr;
  StridedLoop<N> loop_;
  void* base_[N] = {};
};

// out = op(a, b) elementwise over `shape`. All three dtypes must match (else DTypeError).
// Throws std::invalid_argument for bad shapes or views that leave their storage.
Plan<3> plan_binary(BinaryOp op, const Operand& out, const Operand& a, const Operand& b,
                    Extents shape, const kernels::KernelTable& table = kernels::active_table());

// out += sum of src, where out has stride 0 along the reduced dimensions. Same dtype required.
Plan<2> plan_reduce_sum(const Operand& out, const Operand& src, Extents shape,
                        const kernels::KernelTable& table = kernels::active_table());

// out = src cast to out's dtype (rules in kernels/elementwise.hpp).
Plan<2> plan_copy(const Operand& out, const Operand& src, Extents shape,
                  const kernels::KernelTable& table = kernels::active_table());

inline void binary(BinaryOp op, const Operand& out, const Operand& a, const Operand& b,
                   Extents shape) {
  plan_binary(op, out, a, b, shape).run();
}
inline void reduce_sum(const Operand& out, const Operand& src, Extents shape) {
  plan_reduce_sum(out, src, shape).run();
}
inline void copy(const Operand& out, const Operand& src, Extents shape) {
  plan_copy(out, src, shape).run();
}

}  // namespace mg
