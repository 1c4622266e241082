// The Python Storage type: a typed block of memory (owned or foreign) with the buffer protocol.
#include "mg/storage.hpp"

#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstring>
#include <memory>
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

// "'?' (bool), 'b' (int8), ...", for error messages.
std::string format_names() {
  std::string out;
  for (const DTypeInfo& info : kDTypeInfos) {
    if (info.format.empty()) continue;
    if (!out.empty()) out += ", ";
    out += "'" + std::string(info.format) + "' (" + std::string(info.name) + ")";
  }
  return out;
}

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
  visit_dtype(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = *one.typed<T>();
    T* data = out.typed<T>();
    for (std::size_t i = 0; i < out.size(); ++i) data[i] = v;
  });
  return out;
}

Storage from_list(const std::string& dtype, py::iterable values) {
  const py::list items(values);
  Storage out = empty(dtype, py::int_(items.size()));
  for (std::size_t i = 0; i < items.size(); ++i) store_element(out, i, items[i]);
  return out;
}

// Releases a Py_buffer with the GIL held: the last Storage may die on any thread.
std::shared_ptr<void> hold_buffer(std::unique_ptr<Py_buffer> view) {
  return {view.release(), [](void* p) {
            auto* v = static_cast<Py_buffer*>(p);
            if (Py_IsInitialized() != 0) {
              const PyGILState_STATE state = PyGILState_Ensure();
              PyBuffer_Release(v);
              PyGILState_Release(state);
            }
            delete v;
          }};
}

// Zero-copy: views the exporter's memory (kept alive by the Storage), read-only if it is.
// Copies only when the address is not aligned for the dtype (kernels read whole elements), or
// when asked to.
Storage from_buffer(py::handle obj, bool copy) {
  auto owned = std::make_unique<Py_buffer>();
  if (PyObject_GetBuffer(obj.ptr(), owned.get(), PyBUF_RECORDS_RO) != 0) {
    throw py::error_already_set();
  }
  std::shared_ptr<void> keeper = hold_buffer(std::move(owned));
  const Py_buffer& view = *static_cast<const Py_buffer*>(keeper.get());
  const std::string format = view.format != nullptr ? view.format : "B";
  const auto dtype = dtype_from_format(format, static_cast<std::size_t>(view.itemsize));
  if (!dtype) {
    throw DTypeError("from_buffer: unsupported buffer format '" + format + "' (itemsize " +
                     std::to_string(view.itemsize) + "); supported formats: " + format_names() +
                     " (bfloat16 has none: use Storage.from_bytes)");
  }
  if (PyBuffer_IsContiguous(&view, 'C') == 0) {
    throw std::invalid_argument("from_buffer: buffer with shape " +
                                tuple_text(view.shape, view.ndim) + " and byte strides " +
                                tuple_text(view.strides, view.ndim) +
                                " is not C-contiguous; make a contiguous copy first");
  }
  const auto size = static_cast<std::size_t>(view.len / view.itemsize);
  const auto address = reinterpret_cast<std::uintptr_t>(view.buf);
  if (!copy && address % dtype_info(*dtype).alignment == 0) {
    return Storage::foreign_view(*dtype, view.buf, size, view.readonly != 0, std::move(keeper));
  }
  Storage out(*dtype, size, Init::kUninitialized);
  if (view.len > 0) std::memcpy(out.data(), view.buf, static_cast<std::size_t>(view.len));
  return out;
}

Storage from_bytes(const std::string& dtype, py::handle obj) {
  const DType d = dtype_from_name(dtype);
  const BufferView holder(obj);
  const Py_buffer& view = holder.get();
  if (PyBuffer_IsContiguous(&view, 'C') == 0) {
    throw std::invalid_argument("from_bytes: buffer is not C-contiguous; make a contiguous copy");
  }
  const auto nbytes = static_cast<std::size_t>(view.len);
  if (nbytes % itemsize(d) != 0) {
    throw std::invalid_argument("from_bytes: " + std::to_string(nbytes) +
                                " bytes is not a multiple of the " + dtype + " itemsize " +
                                std::to_string(itemsize(d)));
  }
  Storage out(d, nbytes / itemsize(d), Init::kUninitialized);
  if (nbytes > 0) std::memcpy(out.data(), view.buf, nbytes);
  return out;
}

py::bytes to_bytes(const Storage& s) { return {static_cast<const char*>(s.data()), s.nbytes()}; }

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
    R"doc(A flat, typed block of memory: owned (64-byte aligned, zero-filled), or a view of
another object's memory (``from_buffer``, ``from_dlpack``) that it keeps alive (``foreign``).

Exposes the buffer protocol (1-d; read-only when the storage is), so ``memoryview(s)`` and ``numpy.asarray(s)`` view it
without a copy and keep it alive. dtype names: see ``mg_kernels.dtypes()``. bfloat16 has no
buffer-protocol format: its buffer request raises BufferError (use ``tobytes``/``from_bytes``).

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
      .def_static("from_buffer", &from_buffer, py::arg("obj"), py::kw_only(),
                  py::arg("copy") = false,
                  "View a C-contiguous buffer-protocol object (NumPy array, array.array,\n"
                  "memoryview, bytes) without copying: the storage keeps the exporter's buffer\n"
                  "alive and is read-only when the buffer is. The dtype follows its format.\n"
                  "Copies (into a fresh writable storage) when `copy` is true or the address\n"
                  "is not aligned for the dtype. TypeError for other formats, ValueError if it\n"
                  "is not C-contiguous.")
      .def_static("from_bytes", &from_bytes, py::arg("dtype"), py::arg("obj"),
                  "Copy the raw bytes of a C-contiguous buffer as elements of `dtype` (any dtype,\n"
                  "bfloat16 included; the buffer's own format is ignored). TypeError for an\n"
                  "unknown dtype, ValueError if the length is not a multiple of the itemsize.")
      .def("tobytes", &to_bytes, "The elements' raw bytes (native byte order), a copy.")
      .def_property_readonly(
          "dtype", [](const Storage& s) { return std::string(dtype_name(s.dtype())); },
          "The dtype name, e.g. 'float32'.")
      .def_property_readonly("size", &Storage::size, "Number of elements.")
      .def_property_readonly("readonly", &Storage::readonly,
                             "True when kernels, set_item and buffer views may not write it\n"
                             "(a read-only NumPy array or DLPack tensor viewed without copy).")
      .def_property_readonly("foreign", &Storage::foreign,
                             "True when the memory belongs to another object (from_buffer,\n"
                             "from_dlpack) that this storage keeps alive; such storages may\n"
                             "share memory with other storages.")
      .def_property_readonly("itemsize", &Storage::itemsize, "Bytes per element.")
      .def_property_readonly("nbytes", &Storage::nbytes, "size * itemsize.")
      .def_property_readonly(
          "data_ptr",
          [](Storage& s) {
            return static_cast<std::uintptr_t>(reinterpret_cast<std::uintptr_t>(s.data()));
          },
          "Address of element 0, as an int (64-byte aligned unless foreign).")
      .def("__len__", &Storage::size)
      .def("__repr__", &repr)
      .def(
          "get_item",
          [](const Storage& s, py::handle index) {
            return load_element(s, to_index(index, s.size()));
          },
          py::arg("index"),
          "Element `index` (negative counts from the end) as a Python float, int or bool.\n"
          "IndexError when out of range.")
      .def(
          "set_item",
          [](Storage& s, py::handle index, py::handle value) {
            store_element(s, to_index(index, s.size()), value);
          },
          py::arg("index"), py::arg("value"),
          "Set element `index` (negative counts from the end), converting like from_list.")
      .def("tolist", &to_list, "All elements as a list of Python floats, ints or bools.")
      .def_buffer([](Storage& s) {
        const std::string_view format = dtype_info(s.dtype()).format;
        if (format.empty()) {
          throw py::buffer_error(std::string(dtype_name(s.dtype())) +
                                 " has no buffer-protocol format; use Storage.tobytes() (e.g. "
                                 "numpy.frombuffer(s.tobytes(), ml_dtypes.bfloat16))");
        }
        return py::buffer_info(s.data(), static_cast<py::ssize_t>(s.itemsize()),
                               std::string(format), static_cast<py::ssize_t>(s.size()),
                               s.readonly());
      });
}

}  // namespace mg::bindings
