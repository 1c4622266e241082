// CUMSUM / CUMPROD along one axis (Note [One symbol per ISA] in binary.hpp).
//
// The plan (plan_scan) puts the scanned axis last and keeps it as the inner dimension; out has
// src's shape and dtype. Each step rounds to T, as numpy.cumsum/cumprod (add.accumulate) do, so
// float16/bfloat16 round per element like NumPy; integers wrap, bool is or (CUMSUM) / and
// (CUMPROD). out may be src itself (in place).
#pragma once

#include <cstdint>

#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/reduce_op.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

// Table entry: base = {out, src}, both T.
template <class Family, ScanOp Op, class T>
void scan_kernel(const StridedLoop<2>& loop, void* const* base) {
  T* out = static_cast<T*>(base[0]);
  const T* src = static_cast<const T*>(base[1]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t ss = loop.strides[1][inner];
  for_each_row<Family>(loop, [=](const std::int64_t* off) {
    T* o = out + off[0];
    const T* s = src + off[1];
    T acc = s[0];
    o[0] = acc;
    for (std::int64_t i = 1; i < n; ++i) {
      acc = Op == ScanOp::kCumsum ? add<Family>(acc, s[i * ss]) : mul<Family>(acc, s[i * ss]);
      o[i * so] = acc;
    }
  });
}

}  // namespace mg::kernels
