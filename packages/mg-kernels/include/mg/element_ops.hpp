// Per-element helpers of the non-table kernels (gather.cpp, sort.cpp): ordering keys, the
// nonzero test and wrapping addition, for every dtype of the table.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"

namespace mg::elements {

// A value that orders like the element: float16/bfloat16 widen to float, bool to 0/1.
template <class T>
auto key(T x) {
  if constexpr (std::is_same_v<T, Bool>) {
    return static_cast<std::uint8_t>(x.bits != 0 ? 1 : 0);
  } else if constexpr (std::is_same_v<T, Half>) {
    return half_to_float(x);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_to_float(x);
  } else {
    return x;
  }
}

// a < b with every NaN after every number (NumPy's sort order); NaNs compare equal.
template <class K>
bool less(K a, K b) {
  if constexpr (std::is_floating_point_v<K>) {
    return !std::isnan(a) && (std::isnan(b) || a < b);
  } else {
    return a < b;
  }
}

template <class T>
bool is_nonzero(T x) {
  if constexpr (std::is_same_v<T, Bool>) {
    return x.bits != 0;
  } else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    return (x.bits & 0x7fffu) != 0;  // everything but +-0
  } else {
    return x != T(0);
  }
}

// a + b in T: integers wrap, bool is or, float16/bfloat16 add in float32 and round once.
template <class T>
T add(T a, T b) {
  if constexpr (std::is_same_v<T, Bool>) {
    return Bool{static_cast<std::uint8_t>(a.bits != 0 || b.bits != 0 ? 1 : 0)};
  } else if constexpr (std::is_same_v<T, Half>) {
    return half_from_float(half_to_float(a) + half_to_float(b));
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_from_float(bfloat16_to_float(a) + bfloat16_to_float(b));
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

}  // namespace mg::elements
