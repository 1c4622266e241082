#include "mg/strided.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace mg {
namespace {

// Checked int64 arithmetic: false on overflow.
bool mul_ok(std::int64_t a, std::int64_t b, std::int64_t* out) {
#if defined(__GNUC__) || defined(__clang__)
  return !__builtin_mul_overflow(a, b, out);
#else
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (a != 0 && b != 0) {
    if (a > 0 ? (b > 0 ? a > kMax / b : b < kMin / a) : (b > 0 ? a < kMin / b : a < kMax / b)) {
      return false;
    }
  }
  *out = a * b;
  return true;
#endif
}

bool add_ok(std::int64_t a, std::int64_t b, std::int64_t* out) {
#if defined(__GNUC__) || defined(__clang__)
  return !__builtin_add_overflow(a, b, out);
#else
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if ((b > 0 && a > kMax - b) || (b < 0 && a < kMin - b)) return false;
  *out = a + b;
  return true;
#endif
}

// "(2, 3)" like a Python tuple.
std::string tuple_str(Extents values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(values[i]);
  }
  if (values.size() == 1) out += ",";
  return out + ")";
}

std::string describe(const OperandLayout& op, Extents shape) {
  return "operand '" + std::string(op.name) + "' (offset " + std::to_string(op.offset) +
         ", shape " + tuple_str(shape) + ", strides " + tuple_str(op.strides) + ", storage size " +
         std::to_string(op.size) + ")";
}

}  // namespace

bool is_empty(Extents shape) noexcept {
  for (std::int64_t n : shape) {
    if (n == 0) return true;
  }
  return false;
}

void check_shape(Extents shape) {
  if (shape.size() > kMaxDims) {
    throw std::invalid_argument("shape " + tuple_str(shape) + " has " +
                                std::to_string(shape.size()) + " dimensions; at most " +
                                std::to_string(kMaxDims) + " are supported");
  }
  std::int64_t count = 1;
  bool overflow = false;
  for (std::int64_t n : shape) {
    if (n < 0) throw std::invalid_argument("shape " + tuple_str(shape) + " has a negative entry");
    overflow = overflow || !mul_ok(count, n, &count);
  }
  if (overflow && !is_empty(shape)) {
    throw std::invalid_argument("shape " + tuple_str(shape) + " has more than 2**63 elements");
  }
}

void check_layout(const OperandLayout& op, Extents shape) {
  if (op.strides.size() != shape.size()) {
    throw std::invalid_argument(describe(op, shape) +
                                ": len(strides) = " + std::to_string(op.strides.size()) +
                                " but len(shape) = " + std::to_string(shape.size()));
  }
  if (op.offset < 0) throw std::invalid_argument(describe(op, shape) + ": negative offset");
  if (is_empty(shape)) return;
  std::int64_t lowest = op.offset;
  std::int64_t highest = op.offset;
  bool ok = true;
  for (std::size_t d = 0; d < shape.size() && ok; ++d) {
    std::int64_t extent = 0;
    ok = mul_ok(shape[d] - 1, op.strides[d], &extent);
    if (ok) ok = extent < 0 ? add_ok(lowest, extent, &lowest) : add_ok(highest, extent, &highest);
  }
  if (!ok || lowest < 0 || highest >= op.size) {
    std::string reach =
        ok ? "reaches elements " + std::to_string(lowest) + " to " + std::to_string(highest)
           : "reaches beyond the int64 range";
    throw std::invalid_argument(describe(op, shape) + " " + reach +
                                ", outside the storage's valid indices [0, " +
                                std::to_string(op.size) + ")");
  }
}

template <std::size_t N>
StridedLoop<N> coalesce(Extents shape, const std::array<Extents, N>& strides) {
  StridedLoop<N> loop;
  loop.ndim = 0;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = loop.ndim > 0;
    for (std::size_t k = 0; k < N && merge; ++k) {
      merge = strides[k][d] * shape[d] == loop.strides[k][loop.ndim - 1];
    }
    if (merge) {
      loop.shape[loop.ndim - 1] *= shape[d];
      for (std::size_t k = 0; k < N; ++k) loop.strides[k][loop.ndim - 1] = strides[k][d];
      continue;
    }
    loop.shape[loop.ndim] = shape[d];
    for (std::size_t k = 0; k < N; ++k) loop.strides[k][loop.ndim] = strides[k][d];
    ++loop.ndim;
  }
  if (loop.ndim == 0) {  // every dimension had size 1: a single element
    loop.ndim = 1;
    loop.shape[0] = 1;
    for (std::size_t k = 0; k < N; ++k) loop.strides[k][0] = 0;
  }
  return loop;
}

template StridedLoop<2> coalesce<2>(Extents, const std::array<Extents, 2>&);
template StridedLoop<3> coalesce<3>(Extents, const std::array<Extents, 3>&);
template StridedLoop<4> coalesce<4>(Extents, const std::array<Extents, 4>&);

}  // namespace mg
