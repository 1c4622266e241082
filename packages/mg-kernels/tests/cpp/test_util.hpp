// Helpers shared by the kernel tests: ISA parameters, seeded random storages, views.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "mg/dtype.hpp"
#include "mg/isa.hpp"
#include "mg/kernels/table.hpp"
#include "mg/storage.hpp"

namespace mg::test {

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
// signed zeros. Same seed, same values.
template <class T>
std::vector<T> random_values(std::size_t n, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      std::normal_distribution<double> normal(0.0, 8.0);
      out[i] = (rng() % 17 == 0) ? T(-0.0) : static_cast<T>(normal(rng));
    } else {
      const T specials[] = {std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), -1, 0, 1};
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
