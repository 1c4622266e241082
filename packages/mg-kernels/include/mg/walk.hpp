// Element-by-element walks over strided views in C order, for the kernels that are not
// table-driven (gather, scatter, sort, ...). Compiled once, outside the per-ISA units.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mg/plan.hpp"
#include "mg/strided.hpp"

namespace mg {

// Calls f(offsets) for every index of `shape` in C order, where offsets[k] is operand k's element
// offset (start[k] plus the dot product of the index with strides[k]). A 0-d shape is one call;
// an empty shape none. The last axis runs as a plain loop; the others as an odometer.
template <std::size_t N, class F>
void walk(Extents shape, const std::array<Extents, N>& strides,
          const std::array<std::int64_t, N>& start, F&& f) {
  if (is_empty(shape)) return;
  const std::size_t ndim = shape.size();
  if (ndim == 0) {
    f(start);
    return;
  }
  const std::size_t inner = ndim - 1;
  const std::int64_t n = shape[inner];
  std::array<std::int64_t, N> step;
  for (std::size_t k = 0; k < N; ++k) step[k] = strides[k][inner];
  std::array<std::int64_t, N> at = start;
  std::int64_t index[kMaxDims];
  for (std::size_t d = 0; d < inner; ++d) index[d] = 0;
  while (true) {
    std::array<std::int64_t, N> p = at;
    for (std::int64_t i = 0; i < n; ++i) {
      f(p);
      for (std::size_t k = 0; k < N; ++k) p[k] += step[k];
    }
    std::size_t d = inner;
    while (true) {  // odometer step over the outer axes, carrying into the ones before
      if (d == 0) return;
      --d;
      for (std::size_t k = 0; k < N; ++k) at[k] += strides[k][d];
      if (++index[d] < shape[d]) break;
      for (std::size_t k = 0; k < N; ++k) at[k] -= strides[k][d] * shape[d];
      index[d] = 0;
    }
  }
}

// Validates `op` as a strided view over `shape` (std::invalid_argument naming it otherwise).
inline void check_operand(std::string_view name, const Operand& op, Extents shape) {
  check_layout({name, static_cast<std::int64_t>(op.storage.size()), op.offset, op.strides}, shape);
}

// Validates a dense run of `count` elements from `offset` (std::invalid_argument naming it).
inline void check_dense(std::string_view name, const Storage& storage, std::int64_t offset,
                        std::int64_t count) {
  const auto size = static_cast<std::int64_t>(storage.size());
  if (offset < 0 || count < 0 || offset > size || count > size - offset) {
    throw std::invalid_argument("operand '" + std::string(name) + "': " + std::to_string(count) +
                                " elements from offset " + std::to_string(offset) +
                                " do not fit its storage of size " + std::to_string(size));
  }
}

// Throws DTypeError unless `storage` has dtype `want`.
inline void check_dtype(std::string_view name, const Storage& storage, DType want) {
  if (storage.dtype() != want) {
    throw DTypeError("operand '" + std::string(name) + "' must have dtype " +
                     std::string(dtype_name(want)) + ", got " +
                     std::string(dtype_name(storage.dtype())));
  }
}

// Elements of `shape` (validated by check_shape).
inline std::int64_t element_count(Extents shape) {
  std::int64_t n = 1;
  for (std::int64_t s : shape) n *= s;
  return n;
}

}  // namespace mg
