// sort, argsort and searchsorted (mg/sort.hpp).
#include "mg/sort.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mg/alias.hpp"
#include "mg/dtype.hpp"
#include "mg/element_ops.hpp"
#include "mg/walk.hpp"

namespace mg {
namespace {

void check_same_dtype(std::string_view what, std::string_view a_name, const Storage& a,
                      std::string_view b_name, const Storage& b) {
  if (a.dtype() != b.dtype()) {
    throw DTypeError(std::string(what) + ": " + std::string(a_name) + " has dtype " +
                     std::string(dtype_name(a.dtype())) + " but " + std::string(b_name) +
                     " has dtype " + std::string(dtype_name(b.dtype())));
  }
}

// Validates both operands over `shape`, which needs an axis to sort along.
void check_rows(std::string_view what, const Operand& out, const Operand& src, Extents shape) {
  check_shape(shape);
  if (shape.empty()) {
    throw std::invalid_argument(std::string(what) + " needs at least one dimension");
  }
  check_operand("out", out, shape);
  check_operand("src", src, shape);
}

// Calls f(out_row_offset, src_row_offset) for every row (all axes but the last).
template <class F>
void for_each_row(const Operand& out, const Operand& src, Extents shape, F&& f) {
  const std::size_t outer = shape.size() - 1;
  walk<2>(shape.first(outer), {out.strides.first(outer), src.strides.first(outer)},
          {out.offset, src.offset},
          [&](const std::array<std::int64_t, 2>& at) { f(at[0], at[1]); });
}

// Fills `order` with the stable sorting permutation of keys.
template <class K>
void sort_order(const std::vector<K>& keys, std::vector<std::int64_t>& order, bool descending) {
  order.resize(keys.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  const auto at = [&](std::int64_t i) { return keys[static_cast<std::size_t>(i)]; };
  if (descending) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int64_t a, std::int64_t b) { return elements::less(at(b), at(a)); });
  } else {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::int64_t a, std::int64_t b) { return elements::less(at(a), at(b)); });
  }
}

// Runs the row loop of sort (want_values) or argsort over src's dtype.
void sort_rows(const Operand& out, const Operand& src, Extents shape, bool descending,
               bool want_values) {
  if (is_empty(shape)) return;
  const std::int64_t n = shape.back();
  const std::int64_t out_step = out.strides.back();
  const std::int64_t src_step = src.strides.back();
  visit_dtype(src.storage.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using K = decltype(elements::key(T{}));
    const T* from = static_cast<const T*>(src.storage.data());
    std::vector<T> row(static_cast<std::size_t>(n));
    std::vector<K> keys(static_cast<std::size_t>(n));
    std::vector<std::int64_t> order;
    for_each_row(out, src, shape, [&](std::int64_t out_at, std::int64_t src_at) {
      for (std::int64_t i = 0; i < n; ++i) {
        row[static_cast<std::size_t>(i)] = from[src_at + i * src_step];
        keys[static_cast<std::size_t>(i)] = elements::key(row[static_cast<std::size_t>(i)]);
      }
      sort_order(keys, order, descending);
      if (want_values) {
        T* to = static_cast<T*>(out.storage.data());
        for (std::int64_t i = 0; i < n; ++i) {
          to[out_at + i * out_step] =
              row[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
        }
      } else {
        auto* to = static_cast<std::int64_t*>(out.storage.data());
        for (std::int64_t i = 0; i < n; ++i) {
          to[out_at + i * out_step] = order[static_cast<std::size_t>(i)];
        }
      }
    });
  });
}

// Note [Aliasing storages] (alias.cpp): each row is read whole before it is written, so the very
// same view needs no copy; any other src that shares out's memory is read from a private copy.
void sort_rows_unaliased(const Operand& out, const Operand& src, Extents shape, bool descending,
                         bool want_values) {
  if (!is_empty(shape) && may_share_memory(out.storage, src.storage) && !same_view(out, src)) {
    const DenseCopy copy(src, shape);
    sort_rows(out, copy.operand, shape, descending, want_values);
    return;
  }
  sort_rows(out, src, shape, descending, want_values);
}

}  // namespace

void sort(const Operand& out, const Operand& src, Extents shape, bool descending) {
  check_rows("sort", out, src, shape);
  check_same_dtype("sort", "out", out.storage, "src", src.storage);
  sort_rows_unaliased(out, src, shape, descending, true);
}

void argsort(const Operand& out, const Operand& src, Extents shape, bool descending) {
  check_rows("argsort", out, src, shape);
  check_dtype("out", out.storage, DType::kInt64);
  sort_rows_unaliased(out, src, shape, descending, false);
}

void searchsorted(const Operand& out, const Operand& sorted, std::int64_t n, const Operand& values,
                  Extents shape, bool right) {
  check_shape(shape);
  if (n < 0) throw std::invalid_argument("searchsorted: negative length");
  const std::array<std::int64_t, 1> sorted_shape = {n};
  check_operand("sorted", sorted, sorted_shape);
  check_operand("out", out, shape);
  check_operand("values", values, shape);
  check_same_dtype("searchsorted", "sorted", sorted.storage, "values", values.storage);
  check_dtype("out", out.storage, DType::kInt64);
  if (is_empty(shape)) return;
  // Note [Aliasing storages] (alias.cpp): inputs sharing out's memory are read from private
  // copies (values that are the very view out need none: each is read before it is written).
  std::optional<DenseCopy> sorted_copy;
  if (may_share_memory(out.storage, sorted.storage) && n > 0) {
    sorted_copy.emplace(sorted, sorted_shape);
  }
  const Operand& sorted_op = sorted_copy ? sorted_copy->operand : sorted;
  std::optional<DenseCopy> values_copy;
  if (may_share_memory(out.storage, values.storage) && !same_view(out, values)) {
    values_copy.emplace(values, shape);
  }
  const Operand& values_op = values_copy ? values_copy->operand : values;
  visit_dtype(sorted.storage.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* base = static_cast<const T*>(sorted_op.storage.data());
    const T* vals = static_cast<const T*>(values_op.storage.data());
    auto* to = static_cast<std::int64_t*>(out.storage.data());
    const std::int64_t step = sorted_op.strides[0];
    walk<2>(shape, {out.strides, values_op.strides}, {out.offset, values_op.offset},
            [&](const std::array<std::int64_t, 2>& at) {
              const auto v = elements::key(vals[at[1]]);
              std::int64_t lo = 0;
              std::int64_t hi = n;
              while (lo < hi) {  // binary search; the invariant: answer in [lo, hi]
                const std::int64_t mid = lo + (hi - lo) / 2;
                const auto m = elements::key(base[sorted_op.offset + mid * step]);
                const bool go_right = right ? !elements::less(v, m) : elements::less(m, v);
                if (go_right) {
                  lo = mid + 1;
                } else {
                  hi = mid;
                }
              }
              to[at[0]] = lo;
            });
  });
}

}  // namespace mg
