// ARGMAX / ARGMIN along one axis (Note [One symbol per ISA] in binary.hpp).
//
// The plan (plan_arg_reduce) puts the reduced axis last and keeps it as the inner dimension even
// when its length is 1; out (int64) has stride 0 along it. Each row's index is written to out
// (overwritten, not folded). The first occurrence of the extreme wins, and NaN counts as the
// extreme: the first NaN's index, as numpy.argmax/argmin.
#pragma once

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"
#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/reduce_op.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

// The value compared: Compute<T>, and 0/1 for bool.
template <class Family, class T>
auto arg_key(T x) {
  if constexpr (std::is_same_v<T, Bool>) {
    return static_cast<int>(x.bits != 0);
  } else {
    return widen<Family>(x);
  }
}

// Index of the first extreme among n >= 1 elements x[0], x[stride], ...
template <class Family, ArgReduceOp Op, class T>
std::int64_t arg_row(const T* x, std::int64_t n, std::int64_t stride) {
  auto best = arg_key<Family>(x[0]);
  if (best != best) return 0;
  std::int64_t at = 0;
  for (std::int64_t i = 1; i < n; ++i) {
    const auto v = arg_key<Family>(x[i * stride]);
    if (v != v) return i;  // NaN: the first one wins
    if (Op == ArgReduceOp::kArgmax ? v > best : v < best) {
      best = v;
      at = i;
    }
  }
  return at;
}

// Table entry: base = {out (int64), src (T)}.
template <class Family, ArgReduceOp Op, class T>
void arg_reduce_kernel(const StridedLoop<2>& loop, void* const* base) {
  auto* out = static_cast<std::int64_t*>(base[0]);
  const T* src = static_cast<const T*>(base[1]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t ss = loop.strides[1][inner];
  for_each_row<Family>(loop, [=](const std::int64_t* off) {
    out[off[0]] = arg_row<Family, Op>(src + off[1], n, ss);
  });
}

}  // namespace mg::kernels
