#include "fast_args.hpp"

#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>

namespace py = pybind11;

namespace mg::bindings {
std::string ArgName::str() const {
  if (function == nullptr) return param;
  return std::string(function) + "() argument " + std::to_string(index + 1) + " (" + param + ")";
}

FastArgs::FastArgs(const char* name, PyObject* const* args, Py_ssize_t nargs, Py_ssize_t expected)
    : name_(name), args_(args) {
  if (nargs != expected) {
    throw py::type_error(std::string(name) + "() takes " + std::to_string(expected) +
                         " positional arguments but " + std::to_string(nargs) + " were given");
  }
}

void FastArgs::type_error(Py_ssize_t i, const char* param, const char* expected) const {
  throw py::type_error(ArgName{name_, i, param}.str() + " must be " + expected + ", not " +
                       Py_TYPE(args_[i])->tp_name);
}

Storage& FastArgs::storage(Py_ssize_t i, const char* param) const {
  // The common case without pybind11's type lookup (a registry search per cast): an instance of
  // exactly the registered Storage class holds its Storage as the first value.
  static const py::detail::type_info* const registered =
      py::detail::get_type_info(typeid(Storage), /*throw_if_missing=*/true);
  PyObject* arg = args_[i];
  if (Py_TYPE(arg) == registered->type) {
    auto* instance = reinterpret_cast<py::detail::instance*>(arg);
    void* value = instance->get_value_and_holder(registered).value_ptr();
    if (value != nullptr) return *static_cast<Storage*>(value);
  }
  try {
    return py::handle(arg).cast<Storage&>();
  } catch (const py::cast_error&) {
    type_error(i, param, "a Storage");
  }
}

std::int64_t FastArgs::integer(Py_ssize_t i, const char* param) const {
  PyObject* value = args_[i];
  if (!PyLong_Check(value) && PyIndex_Check(value) == 0) type_error(i, param, "an int");
  const long long v = PyLong_AsLongLong(value);  // calls __index__ for non-int integers
  if (v == -1 && PyErr_Occurred() != nullptr) throw py::error_already_set();
  return v;
}

void FastArgs::ints(Py_ssize_t i, const char* param, IntList& out) const {
  if (!read_ints(args_[i], out, {name_, i, param})) {
    type_error(i, param, "a sequence of ints");
  }
}

bool read_ints(PyObject* arg, IntList& out, const ArgName& name) {
  // Tuples and lists are read in place; another sequence (a range, an array) is listed first.
  py::object listed;
  if (!PyTuple_Check(arg) && !PyList_Check(arg)) {
    if (PySequence_Check(arg) == 0 || PyUnicode_Check(arg) || PyBytes_Check(arg)) return false;
    listed = py::reinterpret_steal<py::object>(PySequence_List(arg));
    if (!listed) throw py::error_already_set();
    arg = listed.ptr();
  }
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(arg);
  if (n > static_cast<Py_ssize_t>(kMaxDims)) {
    throw std::invalid_argument(name.str() + " has " + std::to_string(n) + " entries; at most " +
                                std::to_string(kMaxDims) + " dimensions");
  }
  PyObject** items = PySequence_Fast_ITEMS(arg);
  for (Py_ssize_t k = 0; k < n; ++k) {
    PyObject* item = items[k];
    long long v = 0;
    if (PyLong_Check(item)) {
      v = PyLong_AsLongLong(item);
    } else {
      // NumPy integers and other __index__ types, as pybind11's int caster took them.
      const py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(item));
      if (!index) {
        PyErr_Clear();
        throw py::type_error(name.str() + " must hold ints; entry " + std::to_string(k) + " is " +
                             Py_TYPE(item)->tp_name);
      }
      v = PyLong_AsLongLong(index.ptr());
    }
    if (v == -1 && PyErr_Occurred() != nullptr) throw py::error_already_set();
    out.values_[k] = v;
  }
  out.size_ = static_cast<std::size_t>(n);
  return true;
}

}  // namespace mg::bindings
