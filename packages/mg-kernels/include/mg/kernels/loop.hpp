// The outer loops of a kernel: an odometer over every dimension but the innermost.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mg/strided.hpp"

namespace mg::kernels {

// Calls row(offsets) once per inner row, where offsets[k] is operand k's element offset of the
// row's first element. An odometer, not recursion: depth never depends on ndim.
template <class Family, std::size_t N, class Row>
void for_each_row(const StridedLoop<N>& loop, Row&& row) {
  const std::size_t outer = loop.ndim - 1;
  // Only the outer entries are used: zeroing all 64 cost more than a short row.
  std::int64_t index[kMaxDims];
  for (std::size_t d = 0; d < outer; ++d) index[d] = 0;
  std::int64_t offset[N] = {};
  for (;;) {
    row(static_cast<const std::int64_t*>(offset));
    std::size_t d = outer;
    for (;;) {
      if (d == 0) return;
      --d;
      for (std::size_t k = 0; k < N; ++k) offset[k] += loop.strides[k][d];
      if (++index[d] < loop.shape[d]) break;
      for (std::size_t k = 0; k < N; ++k) offset[k] -= loop.strides[k][d] * loop.shape[d];
      index[d] = 0;
    }
  }
}

}  // namespace mg::kernels
