#include "convert.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "mg/dtype.hpp"
#include "mg/half.hpp"

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

// A double to the float dtype T: float16 rounds directly from the double (NumPy's
// np.float16(x)), bfloat16 through float32 (ml_dtypes' bfloat16(x)).
template <class T>
T from_double(double x) {
  if constexpr (std::is_same_v<T, Half>) {
    return half_from_double(x);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_from_float(static_cast<float>(x));
  } else {
    return static_cast<T>(x);
  }
}

template <class T>
double to_double(T x) {
  if constexpr (std::is_same_v<T, Half>) {
    return half_to_double(x);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return static_cast<double>(bfloat16_to_float(x));
  } else {
    return static_cast<double>(x);
  }
}

template <class T>
T float_element(py::handle value) {
  if (is_integer(value)) {
    const double x = PyLong_AsDouble(as_index(value).ptr());
    if (x == -1.0 && PyErr_Occurred() != nullptr) {
      PyErr_Clear();
      raise_out_of_range<T>(value);
    }
    return from_double<T>(x);
  }
  if (is_real(value)) return from_double<T>(as_double(value));
  raise_wrong_type<T>(value);
}

// bool takes bool, int and float values, nonzero (NaN included) meaning true, as NumPy does.
Bool bool_element(py::handle value) {
  if (is_integer(value)) {
    const py::object index = as_index(value);
    const int truth = PyObject_IsTrue(index.ptr());
    if (truth < 0) throw py::error_already_set();
    return Bool{static_cast<std::uint8_t>(truth)};
  }
  if (is_real(value)) return Bool{static_cast<std::uint8_t>(as_double(value) != 0.0)};
  raise(PyExc_TypeError, "bool storage takes int, float or bool values, got " + type_name(value) +
                             " " + repr_text(value));
}

template <class T>
T integer_element(py::handle value) {
  constexpr auto kMin = std::numeric_limits<T>::min();
  constexpr auto kMax = std::numeric_limits<T>::max();
  if (is_integer(value)) {
    int overflow = 0;
    const long long x = as_long_long(value, &overflow);
    if constexpr (std::is_same_v<T, std::uint64_t>) {
      if (overflow > 0) {  // above the long long range: maybe still a uint64
        const unsigned long long u = PyLong_AsUnsignedLongLong(as_index(value).ptr());
        if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred() != nullptr) {
          PyErr_Clear();
          raise_out_of_range<T>(value);
        }
        return static_cast<T>(u);
      }
      if (overflow != 0 || x < 0) raise_out_of_range<T>(value);
      return static_cast<T>(x);
    } else {
      if (overflow != 0 || x < static_cast<long long>(kMin) || x > static_cast<long long>(kMax)) {
        raise_out_of_range<T>(value);
      }
      return static_cast<T>(x);
    }
  }
  if (is_real(value)) {
    const double x = as_double(value);
    if (!std::isfinite(x)) {
      raise(PyExc_ValueError, "cannot convert float " + repr_text(value) + " to " +
                                  std::string(dtype_name(kDTypeOf<T>)));
    }
    const double whole = std::trunc(x);
    // 2**digits is the first value above kMax, exact as a double (unlike kMax for 64 bits).
    const double above = std::ldexp(1.0, std::numeric_limits<T>::digits);
    if (whole < static_cast<double>(kMin) || whole >= above) {
      raise_out_of_range<T>(value);
    }
    return static_cast<T>(whole);
  }
  raise_wrong_type<T>(value);
}

template <class T>
inline constexpr bool kIsFloat =
    std::is_floating_point_v<T> || std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

template <class T>
T to_element(py::handle value) {
  if constexpr (std::is_same_v<T, Bool>) {
    return bool_element(value);
  } else if constexpr (kIsFloat<T>) {
    return float_element<T>(value);
  } else {
    return integer_element<T>(value);
  }
}

template <class T>
py::object from_element(T value) {
  if constexpr (std::is_same_v<T, Bool>) {
    return py::bool_(value.bits != 0);
  } else if constexpr (kIsFloat<T>) {
    return py::float_(to_double(value));
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
  require_writable(storage, "set_item");
  visit_dtype(storage.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    storage.typed<T>()[index] = to_element<T>(value);
  });
}

py::object load_element(const Storage& storage, std::size_t index) {
  return visit_dtype(storage.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    return from_element(storage.typed<T>()[index]);
  });
}

}  // namespace mg::bindings
