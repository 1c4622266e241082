// Python values <-> storage elements, with NumPy-like rules and errors that name the facts.
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>

#include "mg/storage.hpp"

namespace mg::bindings {

// A size argument: ValueError when negative, MemoryError when it cannot be a size at all.
std::size_t to_size(pybind11::handle size);

// Resolves a negative index from the end; IndexError naming index and size when out of range.
std::size_t to_index(pybind11::handle index, std::size_t size);

// Writes `value` at `index` (already in range) of `storage`, converting it to the dtype:
// float dtypes take int, float and bool; int dtypes take int and bool (OverflowError when out of
// range) and float (truncated toward zero; NaN or inf is a ValueError). TypeError otherwise.
void store_element(Storage& storage, std::size_t index, pybind11::handle value);

// Reads element `index` (already in range): a Python float for float dtypes, else an int.
pybind11::object load_element(const Storage& storage, std::size_t index);

}  // namespace mg::bindings
