// same_view and DenseCopy (mg/alias.hpp).
#include "mg/alias.hpp"

#include <cstddef>
#include <cstring>

#include "mg/walk.hpp"

namespace mg {

// Note [Aliasing storages]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// gather, scatter, index_offsets, nonzero, sort, argsort and searchsorted read some operands while
// writing another, in an order that is theirs (a row at a time, offsets in list order). When the
// output shares bytes with an input that is not the very same view, an element may be overwritten
// before it is read: a wrong answer, and for nonzero (which trusts the nonzero count it was given)
// writes past the end of the output. Each of them therefore asks may_share_memory (the same
// Storage object, or overlapping spans when either is foreign) and, when the answer is yes, reads a
// private DenseCopy of that input instead, or (gather) writes into a private buffer and copies it
// over at the end. That gives NumPy's result, which is "as if every input were copied first". The
// test compares whole storages: it can copy when no element is actually shared; that costs time
// only in that rare case and never correctness.

bool same_view(const Operand& a, const Operand& b) noexcept {
  const std::size_t item = a.storage.itemsize();
  if (item != b.storage.itemsize() || a.strides.size() != b.strides.size()) return false;
  const auto* a0 =
      static_cast<const char*>(a.storage.data()) + a.offset * static_cast<std::int64_t>(item);
  const auto* b0 =
      static_cast<const char*>(b.storage.data()) + b.offset * static_cast<std::int64_t>(item);
  if (a0 != b0) return false;
  for (std::size_t d = 0; d < a.strides.size(); ++d) {
    if (a.strides[d] != b.strides[d]) return false;
  }
  return true;
}

DenseCopy::DenseCopy(const Operand& op, Extents shape)
    : storage(op.storage.dtype(), static_cast<std::size_t>(element_count(shape)),
              Init::kUninitialized),
      strides(shape.size(), 0),
      operand{storage, 0, strides} {
  std::int64_t step = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    strides[d] = step;
    step *= shape[d];
  }
  const std::size_t item = op.storage.itemsize();
  const auto* from = static_cast<const char*>(op.storage.data());
  auto* to = static_cast<char*>(storage.data());
  walk<1>(shape, {op.strides}, {op.offset}, [&](const std::array<std::int64_t, 1>& at) {
    std::memcpy(to, from + at[0] * static_cast<std::int64_t>(item), item);
    to += item;
  });
}

}  // namespace mg
