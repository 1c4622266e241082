// Strided operands: validation of (offset, strides, shape) against a storage, and dimension
// coalescing into the loop nest the kernels run.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mg {

// NumPy's limit; lets StridedLoop live on the stack with no allocation per call.
inline constexpr std::size_t kMaxDims = 64;

using Extents = std::span<const std::int64_t>;

// The loop nest of one kernel call over N operands, after coalescing. Dimension ndim - 1 is the
// inner loop. Strides are in elements and may be 0 (broadcast) or negative. Always ndim >= 1.
template <std::size_t N>
struct StridedLoop {
  std::size_t ndim = 1;
  std::int64_t shape[kMaxDims] = {1};
  std::int64_t strides[N][kMaxDims] = {};
};
// No member functions on purpose: kernels compiled per ISA read the fields directly, so this
// type emits no code that two ISA tables could share (Note [One symbol per ISA]).

// One operand as the caller describes it; `name` is used in error messages ("out", "a", ...).
struct OperandLayout {
  std::string_view name;
  std::int64_t size = 0;  // elements in the storage
  std::int64_t offset = 0;
  Extents strides;
};

// True when some dimension is 0: there is nothing to compute.
bool is_empty(Extents shape) noexcept;

// Throws std::invalid_argument unless every entry is >= 0, ndim <= kMaxDims and the element
// count fits in int64.
void check_shape(Extents shape);

// Throws std::invalid_argument (naming operand, offset, shape, strides and storage size) unless
// len(strides) == len(shape), offset >= 0 and, for a non-empty shape, every reachable element
// index lies in [0, size). Call check_shape first.
void check_layout(const OperandLayout& operand, Extents shape);

// Drops size-1 dimensions and merges adjacent dimensions whose strides line up for every operand.
// Requires a validated, non-empty shape.
template <std::size_t N>
StridedLoop<N> coalesce(Extents shape, const std::array<Extents, N>& strides);

extern template StridedLoop<2> coalesce<2>(Extents, const std::array<Extents, 2>&);
extern template StridedLoop<3> coalesce<3>(Extents, const std::array<Extents, 3>&);
extern template StridedLoop<4> coalesce<4>(Extents, const std::array<Extents, 4>&);

}  // namespace mg
