// gather, scatter, index_offsets, count_nonzero and nonzero (mg/gather.hpp).
#include "mg/gather.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "mg/alias.hpp"
#include "mg/dtype.hpp"
#include "mg/element_ops.hpp"
#include "mg/walk.hpp"

namespace mg {
namespace {

template <class T>
T* typed(Storage& s) {
  return static_cast<T*>(s.data());
}
template <class T>
const T* typed(const Storage& s) {
  return static_cast<const T*>(s.data());
}

// The lowest and highest element offsets `strides` reach from 0 over a non-empty `shape`.
std::array<std::int64_t, 2> reach(Extents shape, Extents strides) {
  std::array<std::int64_t, 2> lo_hi = {0, 0};
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const std::int64_t extent = (shape[d] - 1) * strides[d];
    lo_hi[extent < 0 ? 0 : 1] += extent;
  }
  return lo_hi;
}

// Throws std::out_of_range naming the first offset whose elements fall outside [0, size).
void check_offsets(std::string_view name, const Operand& op, Extents shape,
                   const OffsetList& offsets) {
  check_dtype("offsets", offsets.storage, DType::kInt64);
  check_dense("offsets", offsets.storage, offsets.offset, offsets.count);
  if (is_empty(shape)) return;
  const auto [lo, hi] = reach(shape, op.strides);
  const auto size = static_cast<std::int64_t>(op.storage.size());
  const std::int64_t* off = typed<std::int64_t>(offsets.storage) + offsets.offset;
  for (std::int64_t i = 0; i < offsets.count; ++i) {
    // op.offset and lo/hi are bounded by the validated layout; off[i] is arbitrary, so compare
    // without forming sums that could overflow.
    const std::int64_t o = off[i];
    const bool ok = o >= -op.offset - lo && o < size - op.offset - hi;
    if (!ok) {
      throw std::out_of_range("offset " + std::to_string(o) + " at position " + std::to_string(i) +
                              " is out of bounds for operand '" + std::string(name) +
                              "' (base offset " + std::to_string(op.offset) + ", storage size " +
                              std::to_string(size) + ")");
    }
  }
}

// A signed index as int64; false when an unsigned one does not fit.
template <class T>
bool as_int64(T value, std::int64_t* out) {
  if constexpr (std::is_unsigned_v<T>) {
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
  }
  *out = static_cast<std::int64_t>(value);
  return true;
}

}  // namespace

void gather(Storage& out, std::int64_t out_offset, const Operand& src, Extents shape,
            const OffsetList& offsets) {
  check_shape(shape);
  check_operand("src", src, shape);
  if (out.dtype() != src.storage.dtype()) {
    throw DTypeError("gather: out has dtype " + std::string(dtype_name(out.dtype())) +
                     " but src has " + std::string(dtype_name(src.storage.dtype())));
  }
  const std::int64_t inner = element_count(shape);
  if (offsets.count > 0 && inner > std::numeric_limits<std::int64_t>::max() / offsets.count) {
    throw std::invalid_argument("gather: the output would have more than 2**63 elements");
  }
  check_dense("out", out, out_offset, offsets.count * inner);
  check_offsets("src", src, shape, offsets);
  if (inner == 0 || offsets.count == 0) return;
  // Note [Aliasing storages]: when out shares memory with src or the offsets, gather into a
  // private buffer and copy it over at the end.
  std::optional<Storage> staging;
  if (may_share_memory(out, src.storage) || may_share_memory(out, offsets.storage)) {
    staging.emplace(out.dtype(), static_cast<std::size_t>(offsets.count * inner),
                    Init::kUninitialized);
  }
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* from = typed<T>(src.storage);
    T* to = staging ? typed<T>(*staging) : typed<T>(out) + out_offset;
    const std::int64_t* off = typed<std::int64_t>(offsets.storage) + offsets.offset;
    for (std::int64_t i = 0; i < offsets.count; ++i) {
      walk<1>(shape, {src.strides}, {src.offset + off[i]},
              [&](const std::array<std::int64_t, 1>& at) { *to++ = from[at[0]]; });
    }
  });
  if (staging) {
    std::memcpy(
        static_cast<char*>(out.data()) + out_offset * static_cast<std::int64_t>(out.itemsize()),
        staging->data(), staging->nbytes());
  }
}

void scatter(const Operand& dst, Extents shape, const Operand& values, const OffsetList& offsets,
             bool accumulate) {
  check_shape(shape);
  check_operand("dst", dst, shape);
  if (values.storage.dtype() != dst.storage.dtype()) {
    throw DTypeError("scatter: values have dtype " +
                     std::string(dtype_name(values.storage.dtype())) + " but dst has " +
                     std::string(dtype_name(dst.storage.dtype())));
  }
  std::vector<std::int64_t> full_shape = {offsets.count};
  full_shape.insert(full_shape.end(), shape.begin(), shape.end());
  check_shape(full_shape);
  check_operand("values", values, full_shape);
  check_offsets("dst", dst, shape, offsets);
  if (is_empty(full_shape)) return;
  // Note [Aliasing storages]: read private copies of values and offsets that share dst's memory.
  std::optional<DenseCopy> values_copy;
  if (may_share_memory(dst.storage, values.storage)) values_copy.emplace(values, full_shape);
  const Operand& vals = values_copy ? values_copy->operand : values;
  std::optional<DenseCopy> offsets_copy;
  if (may_share_memory(dst.storage, offsets.storage)) {
    const std::array<std::int64_t, 1> one = {1};
    const std::array<std::int64_t, 1> count = {offsets.count};
    offsets_copy.emplace(Operand{const_cast<Storage&>(offsets.storage), offsets.offset, one},
                         count);
  }
  const std::int64_t* off = offsets_copy ? typed<std::int64_t>(offsets_copy->storage)
                                         : typed<std::int64_t>(offsets.storage) + offsets.offset;
  const Extents inner_strides = vals.strides.subspan(1);
  visit_dtype(dst.storage.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* to = typed<T>(dst.storage);
    const T* from = typed<T>(vals.storage);
    for (std::int64_t i = 0; i < offsets.count; ++i) {
      walk<2>(shape, {dst.strides, inner_strides},
              {dst.offset + off[i], vals.offset + i * vals.strides[0]},
              [&](const std::array<std::int64_t, 2>& at) {
                to[at[0]] = accumulate ? elements::add(to[at[0]], from[at[1]]) : from[at[1]];
              });
    }
  });
}

void index_offsets(Storage& out, std::int64_t out_offset, const Operand& src, Extents shape,
                   std::int64_t size, std::int64_t axis, std::int64_t stride, bool accumulate) {
  check_shape(shape);
  check_operand("indices", src, shape);
  check_dtype("out", out, DType::kInt64);
  const DTypeInfo& info = dtype_info(src.storage.dtype());
  if (info.kind != 'i' && info.kind != 'u') {
    throw DTypeError("arrays used as indices must be of integer (or boolean) type, got " +
                     std::string(info.name));
  }
  if (size < 0) throw std::invalid_argument("index_offsets: negative axis size");
  check_dense("out", out, out_offset, element_count(shape));
  if (is_empty(shape)) return;
  std::int64_t* to = typed<std::int64_t>(out) + out_offset;
  // Note [Aliasing storages]: indices that share out's memory are read from a private copy.
  std::optional<DenseCopy> indices_copy;
  if (may_share_memory(out, src.storage)) indices_copy.emplace(src, shape);
  const Operand& indices = indices_copy ? indices_copy->operand : src;
  // Two passes, so a bad index leaves out untouched.
  for (int pass = 0; pass < 2; ++pass) {
    std::int64_t j = 0;
    visit_dtype(indices.storage.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T>) {
        const T* from = typed<T>(indices.storage);
        walk<1>(shape, {indices.strides}, {indices.offset},
                [&](const std::array<std::int64_t, 1>& at) {
                  std::int64_t i = 0;
                  const bool fits = as_int64(from[at[0]], &i);
                  if (pass == 0) {
                    if (!fits || i < -size || i >= size) {
                      const std::string shown =
                          fits ? std::to_string(i)
                               : std::to_string(static_cast<std::uint64_t>(from[at[0]]));
                      throw std::out_of_range("index " + shown + " is out of bounds for axis " +
                                              std::to_string(axis) + " with size " +
                                              std::to_string(size));
                    }
                    return;
                  }
                  // Wrapping arithmetic keeps any stride defined behaviour; gather and scatter
                  // check every offset against their storage anyway.
                  const auto index = static_cast<std::uint64_t>(i < 0 ? i + size : i);
                  const std::uint64_t offset = index * static_cast<std::uint64_t>(stride);
                  to[j] = static_cast<std::int64_t>(
                      accumulate ? static_cast<std::uint64_t>(to[j]) + offset : offset);
                  ++j;
                });
      }
    });
  }
}

std::int64_t count_nonzero(const Operand& src, Extents shape) {
  check_shape(shape);
  check_operand("src", src, shape);
  std::int64_t count = 0;
  visit_dtype(src.storage.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* from = typed<T>(src.storage);
    walk<1>(shape, {src.strides}, {src.offset}, [&](const std::array<std::int64_t, 1>& at) {
      count += elements::is_nonzero(from[at[0]]) ? 1 : 0;
    });
  });
  return count;
}

void nonzero(Storage& out, std::int64_t out_offset, const Operand& src, Extents shape,
             std::int64_t count) {
  const std::int64_t actual = count_nonzero(src, shape);
  if (actual != count) {
    throw std::invalid_argument("nonzero: count is " + std::to_string(count) + " but src has " +
                                std::to_string(actual) + " nonzero elements");
  }
  check_dtype("out", out, DType::kInt64);
  const auto ndim = static_cast<std::int64_t>(shape.size());
  check_dense("out", out, out_offset, ndim * count);
  if (count == 0 || ndim == 0) return;
  std::int64_t* to = typed<std::int64_t>(out) + out_offset;
  const auto dims = static_cast<std::size_t>(ndim);
  const std::int64_t total = element_count(shape);
  // Note [Aliasing storages]: a src sharing out's memory is read from a private copy (writing
  // coordinates into it could make more elements nonzero than `count` has room for).
  std::optional<DenseCopy> src_copy;
  if (may_share_memory(out, src.storage)) src_copy.emplace(src, shape);
  const Operand& from_op = src_copy ? src_copy->operand : src;
  visit_dtype(src.storage.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* from = typed<T>(from_op.storage);
    std::int64_t coord[kMaxDims];  // the C-order index of element `at`, kept by an odometer
    for (std::size_t d = 0; d < dims; ++d) coord[d] = 0;
    std::int64_t at = from_op.offset;
    std::int64_t n = 0;
    // n < count: another thread writing src while this one runs (the GIL is released) must not
    // make this write past out's `count` columns.
    for (std::int64_t flat = 0; flat < total; ++flat) {
      if (n < count && elements::is_nonzero(from[at])) {
        for (std::size_t d = 0; d < dims; ++d) {
          to[static_cast<std::int64_t>(d) * count + n] = coord[d];
        }
        ++n;
      }
      for (std::size_t d = dims; d-- > 0;) {
        at += from_op.strides[d];
        if (++coord[d] < shape[d]) break;
        at -= from_op.strides[d] * shape[d];
        coord[d] = 0;
      }
    }
  });
}

}  // namespace mg
