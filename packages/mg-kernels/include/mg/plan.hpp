// Kernel calls in two steps: plan_*() validates the operands, coalesces the loop nest and picks
// the kernel from the active ISA's table (may throw); Plan::run() does the work (never throws,
// touches no Python object). The bindings release the GIL between the two. A plan holds raw
// pointers into the storages, which must outlive run().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "mg/binary_op.hpp"
#include "mg/kernels/table.hpp"
#include "mg/storage.hpp"
#include "mg/strided.hpp"
#include "mg/unary_op.hpp"  // unary family

namespace mg {

// One operand: a storage plus the strided view of it (offset and strides in elements).
struct Operand {
  Storage& storage;
  std::int64_t offset = 0;
  Extents strides;
};

// Which dimensions of a plan's loop run() may split between threads. Never one along which
// operand 0 (the output) has stride 0: those are reduced, and each output element must be
// written by one thread only.
enum class Split : std::uint8_t {
  kNone,       // run on the calling thread only
  kAnyDim,     // elementwise: any dimension, the inner one included
  kOuterDims,  // the kernel needs whole inner rows (scans, arg-reductions along the inner dim)
};

// Plans with fewer elements never reach the thread pool (src/plan_run.cpp measures why).
inline constexpr std::int64_t kMinSplitElements = 2 * 32768;

// Runs kernel over `loop` split into chunks along one dimension that `split` allows and along
// which operand 0 has a non-zero stride, on up to num_threads() threads (mg/parallel.hpp). Runs
// it whole on the calling thread when there is no such dimension or too little work per thread.
template <std::size_t N>
void run_split(void (*kernel)(const StridedLoop<N>&, void* const*), const StridedLoop<N>& loop,
               void* const* base, const std::int64_t* itemsize, Split split) noexcept;
extern template void run_split<2>(void (*)(const StridedLoop<2>&, void* const*),
                                  const StridedLoop<2>&, void* const*, const std::int64_t*,
                                  Split) noexcept;
extern template void run_split<3>(void (*)(const StridedLoop<3>&, void* const*),
                                  const StridedLoop<3>&, void* const*, const std::int64_t*,
                                  Split) noexcept;
extern template void run_split<4>(void (*)(const StridedLoop<4>&, void* const*),
                                  const StridedLoop<4>&, void* const*, const std::int64_t*,
                                  Split) noexcept;

template <std::size_t N>
class Plan {
 public:
  using Kernel = void (*)(const StridedLoop<N>&, void* const*);

  Plan() = default;  // does nothing: the shape was empty
  // base[k]: operand k's first element; itemsize[k]: its element size in bytes.
  Plan(Kernel kernel, const StridedLoop<N>& loop, void* const (&base)[N],
       const std::int64_t (&itemsize)[N], Split split)
      : kernel_(kernel), loop_(loop), split_(split) {
    init(base, itemsize);
  }
  // The same over coalesce<N>(shape, strides), built in place: a StridedLoop is 2 KB, and
  // copying it was a visible part of a 16-element call.
  Plan(Kernel kernel, Extents shape, const std::array<Extents, N>& strides, void* const (&base)[N],
       const std::int64_t (&itemsize)[N], Split split)
      : kernel_(kernel), loop_(coalesce<N>(shape, strides)), split_(split) {
    init(base, itemsize);
  }

  // Small plans (and Split::kNone) call the kernel right here; large ones are cut into sub-loops
  // run over the thread pool (run_split, src/plan_run.cpp), with bit-identical results.
  void run() const noexcept {
    if (kernel_ == nullptr) return;
    if (elements_ < kMinSplitElements || split_ == Split::kNone) {
      kernel_(loop_, base_);
    } else {
      run_split<N>(kernel_, loop_, base_, itemsize_, split_);
    }
  }
  const StridedLoop<N>& loop() const noexcept { return loop_; }
  std::int64_t elements() const noexcept { return kernel_ == nullptr ? 0 : elements_; }
  Split split() const noexcept { return split_; }

  // Keeps `copy` alive as long as the plan: an input make_plan copied (Note [Overlapping
  // operands]).
  void keep(std::shared_ptr<const Storage> copy) { copies_.push_back(std::move(copy)); }

 private:
  Kernel kernel_ = nullptr;
  StridedLoop<N> loop_;
  Split split_ = Split::kNone;
  void* base_[N] = {};
  std::int64_t itemsize_[N] = {};
  std::int64_t elements_ = 1;  // iterations of the loop nest
  std::vector<std::shared_ptr<const Storage>> copies_;

  void init(void* const (&base)[N], const std::int64_t (&itemsize)[N]) noexcept {
    for (std::size_t k = 0; k < N; ++k) {
      base_[k] = base[k];
      itemsize_[k] = itemsize[k];
    }
    for (std::size_t d = 0; d < loop_.ndim; ++d) elements_ *= loop_.shape[d];
  }
};

// Validates the operands' layouts against `shape` (check_shape, check_layout) and builds the
// plan of `kernel` over them, operand 0 being the output. An input that overlaps the output
// without being the very same view is copied first (Note [Overlapping operands] in plan.cpp). An
// empty shape gives a plan that does nothing. The dtype checks and the choice of kernel are the
// caller's.
template <std::size_t N>
Plan<N> make_plan(typename Plan<N>::Kernel kernel, Extents shape,
                  const std::array<const Operand*, N>& operands,
                  const std::array<std::string_view, N>& names, Split split = Split::kAnyDim);

extern template Plan<2> make_plan<2>(Plan<2>::Kernel, Extents, const std::array<const Operand*, 2>&,
                                     const std::array<std::string_view, 2>&, Split);
extern template Plan<3> make_plan<3>(Plan<3>::Kernel, Extents, const std::array<const Operand*, 3>&,
                                     const std::array<std::string_view, 3>&, Split);
extern template Plan<4> make_plan<4>(Plan<4>::Kernel, Extents, const std::array<const Operand*, 4>&,
                                     const std::array<std::string_view, 4>&, Split);

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

// Ternary family. out = cond ? a : b elementwise (numpy.where); cond is bool, a, b and out share
// one dtype (else DTypeError).
Plan<4> plan_where(const Operand& out, const Operand& cond, const Operand& a, const Operand& b,
                   Extents shape, const kernels::KernelTable& table = kernels::active_table());

// out = minimum(maximum(x, lo), hi) elementwise (numpy.clip): NaN in x, lo or hi propagates and
// lo > hi gives hi. All four dtypes must match (else DTypeError).
Plan<4> plan_clip(const Operand& out, const Operand& x, const Operand& lo, const Operand& hi,
                  Extents shape, const kernels::KernelTable& table = kernels::active_table());
// unary family: out = op(src) elementwise over `shape`. out has src's dtype, or bool for
// ISNAN/ISINF/ISFINITE/LOGICAL_NOT (DTypeError otherwise); an op src's dtype does not define
// (EXP on int32, BITWISE_INVERT on float32) is a DTypeError naming both.
Plan<2> plan_unary(UnaryOp op, const Operand& out, const Operand& src, Extents shape,
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
