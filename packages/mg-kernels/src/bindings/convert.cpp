#include "convert.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "mg/dtype.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

[[noreturn]] void raise(PyObject* type, const std::string& message) {
  py::set_error(type, message.c_str());
  throw py::error_already_set();
}

std::string repr_text(py::handle value) { return py::repr(value).cast<std::string>(); }

std::string type_name(py::handle value) {
  return py::type::handle_of(value).attr("__name__").cast<std::string>();
}

// Python ints, bools and objects with __index__ (NumPy integers), but not floats.
bool is_integer(py::handle value) {
  return PyLong_Check(value.ptr()) || (!PyFloat_Check(value.ptr()) && PyIndex_Check(value.ptr()));
}

// Python floats and objects with __float__ (NumPy floating scalars), but not complex numbers.
bool is_real(py::handle value) {
  return PyFloat_Check(value.ptr()) ||
         (!PyComplex_Check(value.ptr()) && py::hasattr(value, "__float__"));
}

py::object as_index(py::handle value) {
  auto index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  return index;
}

// The value of an integer-like object; *overflow is -1 or +1 (and the value meaningless) when
// it lies below or above the long long range.
long long as_long_long(py::handle value, int* overflow) {
  const py::object index = as_index(value);
  const long long x = PyLong_AsLongLongAndOverflow(index.ptr(), overflow);
  if (x == -1 && PyErr_Occurred() != nullptr) throw py::error_already_set();
  return x;
}

double as_double(py::handle value) {
  const double x = PyFloat_AsDouble(value.ptr());
  if (x == -1.0 && PyErr_Occurred() != nullptr) throw py::error_already_set();
  return x;
}

template <class T>
std::string dtype_text() {
  std::string text(dtype_name(kDTypeOf<T>));
  if constexpr (std::is_integral_v<T>) {
    text += " (range " + std::to_string(std::numeric_limits<T>::min()) + " to " +
            std::to_string(std::numeric_limits<T>::max()) + ")";
  }
  return text;
}

template <class T>
[[noreturn]] void raise_out_of_range(py::handle value) {
  raise(PyExc_OverflowError,
        "value " + repr_text(value) + " is out of range for dtype " + dtype_text<T>());
}

template <class T>
[[noreturn]] void raise_wrong_type(py::handle value) {
  raise(PyExc_TypeError, std::string(dtype_name(kDTypeOf<T>)) +
                             " storage takes int, float or bool values, got " + type_name(value) +
                             " " + repr_text(value));
}

template <class T>
T float_element(py::handle value) {
  if (is_integer(value)) {
    const double x = PyLong_AsDouble(as_index(value).ptr());
    if (x == -1.0 && PyErr_Occurred() != nullptr) {
      PyErr_Clear();
      raise_out_of_range<T>(value);
    }
    return static_cast<T>(x);
  }
  if (is_real(value)) return static_cast<T>(as_double(value));
  raise_wrong_type<T>(value);
}

template <class T>
T integer_element(py::handle value) {
  constexpr auto kMin = std::numeric_limits<T>::min();
  constexpr auto kMax = std::numeric_limits<T>::max();
  if (is_integer(value)) {
    int overflow = 0;
    const long long x = as_long_long(value, &overflow);
    if (overflow != 0 || x < kMin || x > kMax) raise_out_of_range<T>(value);
    return static_cast<T>(x);
  }
  if (is_real(value)) {
    const double x = as_double(value);
    if (!std::isfinite(x)) {
      raise(PyExc_ValueError, "cannot convert float " + repr_text(value) + " to " +
                                  std::string(dtype_name(kDTypeOf<T>)));
    }
    const double whole = std::trunc(x);
    // -kMin is 2**(bits-1), exact as a double, unlike kMax for int64.
    if (whole < static_cast<double>(kMin) || whole >= -static_cast<double>(kMin)) {
      raise_out_of_range<T>(value);
    }
    return static_cast<T>(whole);
  }
  raise_wrong_type<T>(value);
}

template <class T>
T to_element(py::handle value) {
  if constexpr (std::is_floating_point_v<T>) {
    return float_element<T>(value);
  } else {
    return integer_element<T>(value);
  }
}

template <class T>
py::object from_element(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    return py::float_(static_cast<double>(value));
  } else {
    return py::int_(value);
  }
}

}  // namespace

std::size_t to_size(py::handle size) {
  int overflow = 0;
  const long long x = as_long_long(size, &overflow);
  if (overflow < 0 || (overflow == 0 && x < 0))
    raise(PyExc_ValueError, "negative size " + repr_text(size));
  if (overflow > 0) raise(PyExc_MemoryError, "size " + repr_text(size) + " is too large");
  return static_cast<std::size_t>(x);
}

std::size_t to_index(py::handle index, std::size_t size) {
  int overflow = 0;
  long long i = as_long_long(index, &overflow);
  const auto n = static_cast<long long>(size);
  if (overflow == 0 && i < 0) i += n;
  if (overflow != 0 || i < 0 || i >= n) {
    throw py::index_error("index " + repr_text(index) + " is out of bounds for storage of size " +
                          std::to_string(size));
  }
  return static_cast<std::size_t>(i);
}

void store_element(Storage& storage, std::size_t index, py::handle value) {
  storage.visit([&](auto& buffer) {
    using T = typename std::remove_reference_t<decltype(buffer)>::value_type;
    buffer[index] = to_element<T>(value);
  });
}

py::object load_element(const Storage& storage, std::size_t index) {
  return storage.visit([&](const auto& buffer) { return from_element(buffer[index]); });
}

}  // namespace mg::bindings
