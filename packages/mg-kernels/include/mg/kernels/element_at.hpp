// ElementAt<I>: the element type of DType index I, for building tables over every dtype.
#pragma once

#include <cstddef>
#include <tuple>

#include "mg/dtype.hpp"

namespace mg::kernels {

template <std::size_t I>
using ElementAt = std::tuple_element_t<I, ForEachElementType<std::tuple>>;

}  // namespace mg::kernels
