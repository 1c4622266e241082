// Aliasing operands of the portable kernels (gather, scatter, sort, ...). Two Storage objects may
// view the same bytes (foreign storages: NumPy, DLPack, Storage::alias), so these kernels decide
// whether to copy an input first by comparing memory, never by Storage identity (Note [Aliasing
// storages] in alias.cpp). The table-driven kernels do the same in make_plan (Note [Overlapping
// operands] in plan.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "mg/plan.hpp"
#include "mg/storage.hpp"
#include "mg/strided.hpp"

namespace mg {

// True when a and b start at the same address and step by the same bytes per axis (their
// itemsizes equal): an elementwise kernel reading one and writing the other touches each element
// in one iteration, so it needs no copy.
bool same_view(const Operand& a, const Operand& b) noexcept;

// A private copy of an input: a fresh owned storage holding `op` over `shape` densely in C order,
// and the Operand over it (strides filled in). The Operand refers to `storage`; keep both together.
struct DenseCopy {
  explicit DenseCopy(const Operand& op, Extents shape);
  DenseCopy(const DenseCopy&) = delete;
  DenseCopy& operator=(const DenseCopy&) = delete;
  ~DenseCopy() = default;

  Storage storage;
  std::vector<std::int64_t> strides;
  Operand operand;
};

}  // namespace mg
