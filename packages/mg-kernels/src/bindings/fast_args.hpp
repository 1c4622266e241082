// Reading the positional arguments of a METH_FASTCALL function without pybind11's casters.
//
// Note [Fast calls]
// ~~~~~~~~~~~~~~~~~
// A 16-element kernel runs in ~20 ns; pybind11's generic dispatch around it cost ~1 us per call
// (an overload loop, a caster per argument, every strides tuple copied into a std::vector, the
// op enum converted through Python's enum machinery). mg_core calls these entry points once per
// operation, so that overhead was most of a small `a + b` (issue 5). The hot entry points are
// therefore plain CPython METH_FASTCALL functions (fast_calls.cpp): they read ints and int
// sequences straight from the argument array into stack arrays, and find the C++ Storage behind
// a Python Storage with one pybind11 cast. Errors go through pybind11's exception translators, so
// they are the same Python exceptions as everywhere else in the module. The Storage lookup and the
// translators use pybind11::detail, so pyproject.toml pins pybind11 below 4.
#pragma once

#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "mg/storage.hpp"
#include "mg/strided.hpp"

namespace mg::bindings {

// Names an argument in error messages: "binary() argument 3 (strides)", or `param` alone when
// `function` is null. The text is built only when an error is raised: built on every call, it
// cost more than a 16-element kernel (three heap strings per sequence argument).
struct ArgName {
  const char* function = nullptr;
  Py_ssize_t index = 0;
  const char* param = "";

  std::string str() const;
};

// Up to kMaxDims int64 values read from a Python sequence, stored inline: the strides and shapes
// of kernel calls, without the heap allocation of a std::vector. pybind11 functions take it too
// (the type caster below), so every kernel entry point reads its tuples the same way.
class IntList {
 public:
  IntList() = default;
  // Copies the entries in use only: the rest are never initialised (below).
  IntList(const IntList& other) noexcept : size_(other.size_) {
    std::copy_n(other.values_, size_, values_);
  }
  IntList& operator=(const IntList& other) noexcept {
    if (this != &other) {
      size_ = other.size_;
      std::copy_n(other.values_, size_, values_);
    }
    return *this;
  }
  ~IntList() = default;

  Extents view() const noexcept { return {values_, size_}; }
  operator Extents() const noexcept { return view(); }  // NOLINT: used as a span everywhere

 private:
  friend bool read_ints(PyObject* arg, IntList& out, const ArgName& name);
  // Only the first size_ entries are ever read (view()), so the rest stay uninitialised: zeroing
  // 512 bytes per argument was a measurable part of a small call.
  std::int64_t values_[kMaxDims];  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t size_ = 0;
};

// Reads a sequence of ints (tuples and lists in place, __index__ integers accepted) into `out`.
// False if `arg` is not a sequence; TypeError naming `name` for an entry that is not an integer,
// ValueError beyond kMaxDims entries, OverflowError beyond int64.
bool read_ints(PyObject* arg, IntList& out, const ArgName& name);

// The positional arguments of one call of function `name`; every reader names the parameter in
// its TypeError.
class FastArgs {
 public:
  // TypeError unless exactly `expected` arguments were passed.
  FastArgs(const char* name, PyObject* const* args, Py_ssize_t nargs, Py_ssize_t expected);

  Storage& storage(Py_ssize_t i, const char* param) const;
  std::int64_t integer(Py_ssize_t i, const char* param) const;
  // A sequence of ints (tuples and lists are fastest); ValueError beyond kMaxDims entries.
  void ints(Py_ssize_t i, const char* param, IntList& out) const;

 private:
  [[noreturn]] void type_error(Py_ssize_t i, const char* param, const char* expected) const;

  const char* name_;
  PyObject* const* args_;
};

// Runs `body` and converts any C++ exception into the Python error pybind11 would raise for it
// (returns nullptr then): the shared tail of every fast call.
template <typename Body>
PyObject* guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (pybind11::error_already_set& e) {
    e.restore();
  } catch (...) {
    pybind11::detail::try_translate_exceptions();
  }
  return nullptr;
}

}  // namespace mg::bindings

namespace pybind11::detail {

// Strides and shapes of the pybind11-bound kernel functions: read by mg::bindings::read_ints.
template <>
struct type_caster<mg::bindings::IntList> {
  PYBIND11_TYPE_CASTER(mg::bindings::IntList, const_name("Sequence[int]"));

  bool load(handle src, bool /*convert*/) {
    return mg::bindings::read_ints(src.ptr(), value, {nullptr, 0, "a strides or shape argument"});
  }
};

}  // namespace pybind11::detail
