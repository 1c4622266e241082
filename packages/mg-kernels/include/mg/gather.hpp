// Advanced-indexing kernels: gather, scatter, index normalisation and nonzero. Plain portable
// code (no per-ISA tables): each element's address comes from a loaded index, so there is
// nothing for SIMD to win. Every function validates everything before it writes anything.
#pragma once

#include <cstdint>

#include "mg/plan.hpp"
#include "mg/storage.hpp"
#include "mg/strided.hpp"

namespace mg {

// `count` int64 element offsets, stored densely from element `offset` of `storage`.
struct OffsetList {
  const Storage& storage;
  std::int64_t offset = 0;
  std::int64_t count = 0;
};

// out[i, r] = src.storage[src.offset + offsets[i] + r . src.strides] for i < offsets.count and r
// over `shape` (src.strides has len(shape) entries); out is dense (C order, shape (count, *shape))
// from element `out_offset`. out and src share a dtype (DTypeError). std::out_of_range (IndexError
// in Python) names the first offset that would read outside src's storage.
void gather(Storage& out, std::int64_t out_offset, const Operand& src, Extents shape,
            const OffsetList& offsets);

// For i < offsets.count and r over `shape`: dst.storage[dst.offset + offsets[i] + r . dst.strides]
// = values[i, r] (accumulate: +=, in dst's dtype, integers wrap, bool is or). values has
// len(shape) + 1 strides, the first for i. Runs in order: a repeated offset sums (accumulate) or
// keeps the last value (NumPy's np.add.at and a[idx] = v). Same dtype (DTypeError); offsets that
// would write outside dst's storage raise std::out_of_range before anything is written.
void scatter(const Operand& dst, Extents shape, const Operand& values, const OffsetList& offsets,
             bool accumulate);

// out[j] (+= when accumulate, else =) stride * i, where i is src's j-th element (C order over
// `shape`; any integer dtype) with a negative i counted from the end of an axis of length `size`.
// out is int64, dense from out_offset. An i outside [-size, size) raises std::out_of_range:
// "index 5 is out of bounds for axis `axis` with size 3". Builds the element offsets of advanced
// indexing, one indexed axis at a time.
void index_offsets(Storage& out, std::int64_t out_offset, const Operand& src, Extents shape,
                   std::int64_t size, std::int64_t axis, std::int64_t stride, bool accumulate);

// The number of elements of src (over `shape`) that are not zero (NaN counts; -0.0 does not).
std::int64_t count_nonzero(const Operand& src, Extents shape);

// The indices of src's nonzero elements in C order: out (int64, dense from out_offset) holds
// len(shape) rows of `count` entries, row d the d-th coordinate. `count` must be
// count_nonzero(src, shape) (std::invalid_argument otherwise).
void nonzero(Storage& out, std::int64_t out_offset, const Operand& src, Extents shape,
             std::int64_t count);

}  // namespace mg
