// Sorting and searching kernels: sort, argsort (stable, along the last axis) and searchsorted.
// Order: NumPy's, with every NaN after every number; float16/bfloat16 compare as floats, bool
// as 0/1. Plain portable code (std::stable_sort per row), no per-ISA tables.
#pragma once

#include <cstdint>

#include "mg/plan.hpp"
#include "mg/strided.hpp"

namespace mg {

// out = src sorted along the last axis of `shape` (len(shape) >= 1, else std::invalid_argument).
// Stable; descending reverses the order (NaNs first) but keeps equal elements in their original
// order. out and src share a dtype (DTypeError); out may be the very view src (each row is read
// before it is written) but must not overlap it otherwise.
void sort(const Operand& out, const Operand& src, Extents shape, bool descending);

// out (int64) = the indices that sort src along the last axis, with sort's order and stability.
// out must not overlap src.
void argsort(const Operand& out, const Operand& src, Extents shape, bool descending);

// out[j] (int64, over `shape`) = the insertion point of values[j] in the 1-d `sorted` of length
// n (ascending in sort's order): the first position whose element is not less (right: greater)
// than the value. sorted has one stride; values share its dtype (DTypeError); out overlaps neither.
void searchsorted(const Operand& out, const Operand& sorted, std::int64_t n, const Operand& values,
                  Extents shape, bool right);

}  // namespace mg
