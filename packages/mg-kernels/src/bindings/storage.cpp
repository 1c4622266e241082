// The Python Storage type: a typed VecBuffer with the buffer protocol.
#include "mg/storage.hpp"

#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "convert.hpp"
#include "mg/dtype.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

// Owns a Py_buffer for the duration of a copy.
class BufferView {
 public:
  explicit BufferView(py::handle obj) {
    if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_RECORDS_RO) != 0) {
      throw py::error_already_set();
    }
  }
  BufferView(const BufferView&) = delete;
  BufferView& operator=(const BufferView&) = delete;
  ~BufferView() { PyBuffer_Release(&view_); }
  const Py_buffer& get() const { return view_; }

 private:
  Py_buffer view_{};
};

std::string tuple_text(const Py_ssize_t* values, int n) {
  if (values == nullptr) return "()";
  std::string out = "(";
  for (int i = 0; i < n; ++i) out += (i > 0 ? ", " : "") + std::to_string(values[i]);
  return out + (n == 1 ? ",)" : ")");
}

Storage make(const std::string& dtype, py::handle size, Init init = Init::kZeroed) {
  return Storage(dtype_from_name(dtype), to_size(size), init);
}

Storage empty(const std::string& dtype, py::handle size) {
  return make(dtype, size, Init::kUninitialized);
}

Storage filled(const std::string& dtype, py::handle size, py::handle value) {
  Storage one = make(dtype, py::int_(1));
  store_element(one, 0, value);
  Storage out = empty(dtype, size);
  out.visit([&](auto& buffer) {
    using T = typename std::remove_reference_t<decltype(buffer)>::value_type;
    buffer.fill(*static_cast<const T*>(one.data()));
  });
  return out;
}

Storage from_list(const std::string& dtype, py::iterable values) {
  const py::list items(values);
  Storage out = empty(dtype, py::int_(items.size()));
  for (std::size_t i = 0; i < items.size(); ++i) store_element(out, i, items[i]);
  return out;
}

Storage from_buffer(py::handle obj) {
  const BufferView holder(obj);
  const Py_buffer& view = holder.get();
  const std::string format = view.format != nullptr ? view.format : "B";
  const auto dtype = dtype_from_format(format, static_cast<std::size_t>(view.itemsize));
  if (!dtype) {
    throw DTypeError("from_buffer: unsupported buffer format '" + format + "' (itemsize " +
                     std::to_string(view.itemsize) + "); supported dtypes: " +
                     supported_dtype_names() + " (formats 'f', 'd', 'i', 'q' or 'l')");
  }
  if (PyBuffer_IsContiguous(&view, 'C') == 0) {
    throw std::invalid_argument("from_buffer: buffer with shape " +
                                tuple_text(view.shape, view.ndim) + " and byte strides " +
                                tuple_text(view.strides, view.ndim) +
                                " is not C-contiguous; make a contiguous copy first");
  }
  Storage out(*dtype, static_cast<std::size_t>(view.len / view.itemsize), Init::kUninitialized);
  if (view.len > 0) std::memcpy(out.data(), view.buf, static_cast<std::size_t>(view.len));
  return out;
}

py::list to_list(const Storage& s) {
  py::list out(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) out[i] = load_element(s, i);
  return out;
}

std::string repr(const Storage& s) {
  return "Storage(dtype='" + std::string(dtype_name(s.dtype())) +
         "', size=" + std::to_string(s.size()) + ")";
}

constexpr const char* kStorageDoc =
    R"doc(A flat, 64-byte aligned, typed block of memory, zero-filled.

Exposes the buffer protocol (1-d, writable), so ``memoryview(s)`` and ``numpy.asarray(s)`` view it
without a copy and keep it alive. dtype names: "float32", "float64", "int32", "int64".

Raises TypeError for an unsupported dtype name, ValueError for a negative size and MemoryError
when the allocation fails.

>>> s = Storage("float32", 3)
>>> s.tolist()
[0.0, 0.0, 0.0]
)doc";

}  // namespace

void register_storage(py::module_& m) {
  py::class_<Storage>(m, "Storage", py::buffer_protocol(), kStorageDoc)
      .def(py::init([](const std::string& dtype, py::handle size) { return make(dtype, size); }),
           py::arg("dtype"), py::arg("size"), "Allocate `size` zeroed elements of `dtype`.")
      .def_static("empty", &empty, py::arg("dtype"), py::arg("size"),
                  "Allocate `size` elements of `dtype` WITHOUT zeroing them: for outputs that a\n"
                  "kernel overwrites completely. Reading an element before writing it gives\n"
                  "an arbitrary value (never undefined behaviour: the bytes are owned).")
      .def_static("filled", &filled, py::arg("dtype"), py::arg("size"), py::arg("value"),
                  "A storage of `size` elements all equal to `value` (converted to `dtype`).")
      .def_static("from_list", &from_list, py::arg("dtype"), py::arg("values"),
                  "A storage holding `values` converted to `dtype`.\n\n"
                  "Float dtypes take int, float and bool. Int dtypes take int and bool\n"
                  "(OverflowError when out of range) and float (truncated toward zero;\n"
                  "ValueError for NaN or inf). TypeError for anything else.")
      .def_static("from_buffer", &from_buffer, py::arg("obj"),
                  "Copy a C-contiguous buffer-protocol object (NumPy array, array.array,\n"
                  "memoryview); the dtype follows its format. TypeError for other formats,\n"
                  "ValueError if it is not C-contiguous.")
      .def_property_readonly(
          "dtype", [](const Storage& s) { return std::string(dtype_name(s.dtype())); },
          "The dtype name, e.g. 'float32'.")
      .def_property_readonly("size", &Storage::size, "Number of elements.")
      .def_property_readonly("itemsize", &Storage::itemsize, "Bytes per element.")
      .def_property_readonly("nbytes", &Storage::nbytes, "size * itemsize.")
      .def_property_readonly(
          "data_ptr",
          [](Storage& s) {
            return static_cast<std::uintptr_t>(reinterpret_cast<std::uintptr_t>(s.data()));
          },
          "Address of element 0, as an int (64-byte aligned).")
      .def("__len__", &Storage::size)
      .def("__repr__", &repr)
      .def(
          "get_item",
          [](const Storage& s, py::handle index) {
            return load_element(s, to_index(index, s.size()));
          },
          py::arg("index"),
          "Element `index` (negative counts from the end) as a Python float or int.\n"
          "IndexError when out of range.")
      .def(
          "set_item",
          [](Storage& s, py::handle index, py::handle value) {
            store_element(s, to_index(index, s.size()), value);
          },
          py::arg("index"), py::arg("value"),
          "Set element `index` (negative counts from the end), converting like from_list.")
      .def("tolist", &to_list, "All elements as a list of Python floats or ints.")
      .def_buffer([](Storage& s) {
        return py::buffer_info(s.data(), static_cast<py::ssize_t>(s.itemsize()),
                               std::string(1, format_char(s.dtype())),
                               static_cast<py::ssize_t>(s.size()));
      });
}

}  // namespace mg::bindings
