// Helpers shared by the kernel tests: ISA parameters, seeded random storages, views.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "mg/dtype.hpp"
#include "mg/half.hpp"
#include "mg/isa.hpp"
#include "mg/kernels/table.hpp"
#include "mg/storage.hpp"

namespace mg {

// Test-only: bitwise equality and printing of the narrow value types, so EXPECT_EQ works on
// them and on vectors of them. (Kernel code never compares them this way.)
inline bool operator==(Bool x, Bool y) { return x.bits == y.bits; }
inline bool operator==(Half x, Half y) { return x.bits == y.bits; }
inline bool operator==(BFloat16 x, BFloat16 y) { return x.bits == y.bits; }
inline std::ostream& operator<<(std::ostream& os, Bool x) {
  return os << "Bool(" << +x.bits << ")";
}
inline std::ostream& operator<<(std::ostream& os, Half x) {
  return os << "Half(0x" << std::hex << x.bits << std::dec << " = " << half_to_float(x) << ")";
}
inline std::ostream& operator<<(std::ostream& os, BFloat16 x) {
  return os << "BFloat16(0x" << std::hex << x.bits << std::dec << " = " << bfloat16_to_float(x)
            << ")";
}

}  // namespace mg

namespace mg::test {

template <class T>
inline constexpr bool kNarrowFloat = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// Any element as a double (bool as 0/1), for tolerances and messages.
template <class T>
double as_double(T x) {
  if constexpr (std::is_same_v<T, Bool>) {
    return x.bits != 0 ? 1.0 : 0.0;
  } else if constexpr (std::is_same_v<T, Half>) {
    return half_to_double(x);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_to_float(x);
  } else {
    return static_cast<double>(x);
  }
}

// Machine epsilon of a floating T.
template <class T>
double epsilon_of() {
  if constexpr (std::is_same_v<T, Half>) {
    return 0x1p-10;
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return 0x1p-7;
  } else {
    return std::numeric_limits<T>::epsilon();
  }
}

// Calls f(TypeTag<T>{}) for each listed type.
template <class... Ts, class F>
void for_each_of(F&& f) {
  (f(TypeTag<Ts>{}), ...);
}

inline std::vector<Isa> isas() {
  const auto span = available_isas();
  return {span.begin(), span.end()};
}

inline std::string isa_label(const testing::TestParamInfo<Isa>& info) {
  return std::string(isa_name(info.param));
}

inline const kernels::KernelTable& table(Isa isa) { return *kernels::compiled_table(isa); }
inline const kernels::KernelTable& scalar_table() { return table(Isa::kScalar); }

template <class T>
T* data(Storage& s) {
  return static_cast<T*>(s.data());
}

template <class T>
Storage storage_of(const std::vector<T>& values) {
  Storage s(kDTypeOf<T>, values.size());
  if (!values.empty()) std::memcpy(s.data(), values.data(), values.size() * sizeof(T));
  return s;
}

template <class T>
std::vector<T> values_of(const Storage& s) {
  const T* p = static_cast<const T*>(s.data());
  return {p, p + s.size()};
}

// Random values with the awkward ones mixed in: for integers MIN, MAX, -1, 0 and 1; for floats
// signed zeros; for float16/bfloat16 also a few raw bit patterns (subnormals, inf, NaN); for bool
// 0, 1 and the odd nonzero byte (which reads as true). Same seed, same values.
template <class T>
std::vector<T> random_values(std::size_t n, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, Bool>) {
      const std::uint64_t r = rng() % 9;
      out[i] = Bool{static_cast<std::uint8_t>(r == 8 ? 2 : r % 2)};
    } else if constexpr (kNarrowFloat<T>) {
      std::normal_distribution<float> normal(0.0f, 8.0f);
      const float x = (rng() % 17 == 0) ? -0.0f : normal(rng);
      if (rng() % 23 == 0) {
        out[i] = T{static_cast<std::uint16_t>(rng())};
      } else if constexpr (std::is_same_v<T, Half>) {
        out[i] = half_from_float(x);
      } else {
        out[i] = bfloat16_from_float(x);
      }
    } else if constexpr (std::is_floating_point_v<T>) {
      std::normal_distribution<double> normal(0.0, 8.0);
      out[i] = (rng() % 17 == 0) ? T(-0.0) : static_cast<T>(normal(rng));
    } else {
      const T specials[] = {std::numeric_limits<T>::min(), std::numeric_limits<T>::max(),
                            static_cast<T>(-1), 0, 1};
      if (rng() % 8 == 0) {
        out[i] = specials[rng() % 5];
      } else {
        out[i] = static_cast<T>(rng());
      }
    }
  }
  return out;
}

template <class T>
Storage random_storage(std::size_t n, std::uint32_t seed) {
  return storage_of(random_values<T>(n, seed));
}

// Byte-for-byte equality, so NaN payloads and signed zeros count too.
inline bool same_bytes(const Storage& x, const Storage& y) {
  return x.dtype() == y.dtype() && x.size() == y.size() &&
         std::memcmp(x.data(), y.data(), x.nbytes()) == 0;
}

// Element by element: the same bytes, or both NaN for the narrow floats (the payload of a NaN
// computed from two NaNs depends on the operand order the compiler picked).
template <class T>
bool same_values(const Storage& x, const Storage& y) {
  if constexpr (kNarrowFloat<T>) {
    if (x.dtype() != y.dtype() || x.size() != y.size()) return false;
    const T* a = static_cast<const T*>(x.data());
    const T* b = static_cast<const T*>(y.data());
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (a[i].bits == b[i].bits) continue;
      if (!(std::isnan(as_double(a[i])) && std::isnan(as_double(b[i])))) return false;
    }
    return true;
  } else {
    return same_bytes(x, y);
  }
}

inline Storage clone(const Storage& s) {
  Storage out(s.dtype(), s.size());
  if (s.nbytes() > 0) std::memcpy(out.data(), s.data(), s.nbytes());
  return out;
}

using Shape = std::vector<std::int64_t>;

// A strided view of a storage, as the kernels take it.
struct View {
  std::int64_t offset = 0;
  Shape strides;
};

inline std::string text(const Shape& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i > 0 ? ", " : "") + std::to_string(values[i]);
  }
  return out + ")";
}

inline std::string text(const View& v) {
  return "offset " + std::to_string(v.offset) + " strides " + text(v.strides);
}

// Calls f(index) for every multi-index of `shape`, last dimension fastest.
template <class F>
void for_each_index(const Shape& shape, F&& f) {
  for (std::int64_t n : shape) {
    if (n == 0) return;
  }
  Shape index(shape.size(), 0);
  for (;;) {
    f(index);
    std::size_t d = shape.size();
    for (;;) {
      if (d == 0) return;
      --d;
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
}

inline std::int64_t element(const View& v, const Shape& index) {
  std::int64_t at = v.offset;
  for (std::size_t d = 0; d < index.size(); ++d) at += index[d] * v.strides[d];
  return at;
}

// Calls f(TypeTag<T>{}) for every dtype.
template <class F>
void for_each_dtype(F&& f) {
  for (DType d : kAllDTypes) visit_dtype(d, f);
}

}  // namespace mg::test
