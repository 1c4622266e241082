// DLPack capsules: export a strided view of a Storage, import another library's tensor as a
// foreign Storage (zero-copy both ways; CPU only). Struct layouts: mg/dlpack.hpp.
#include "mg/dlpack.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "mg/storage.hpp"
#include "mg/strided.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

using Dims = std::vector<std::int64_t>;

// What an exported capsule owns: an alias of the storage (keeps the memory alive) and the arrays
// the DLTensor points to. Both managed-tensor flavours live here; the capsule uses one.
struct Export {
  Storage storage;
  Dims shape;
  Dims strides;
  dlpack::ManagedTensorVersioned versioned{};
  dlpack::ManagedTensor legacy{};
};

// Deleting the Export may drop the last reference to a foreign owner; those deleters take the
// GIL themselves (storage.cpp, import_capsule below), so this runs on any thread.
void delete_versioned(dlpack::ManagedTensorVersioned* self) {
  delete static_cast<Export*>(self->manager_ctx);
}
void delete_legacy(dlpack::ManagedTensor* self) { delete static_cast<Export*>(self->manager_ctx); }

// A capsule nobody consumed still owns its tensor (the spec's rule): free it.
void destroy_versioned_capsule(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, dlpack::kVersionedName) == 0) return;  // consumed (renamed)
  auto* managed = static_cast<dlpack::ManagedTensorVersioned*>(
      PyCapsule_GetPointer(capsule, dlpack::kVersionedName));
  if (managed != nullptr && managed->deleter != nullptr) managed->deleter(managed);
}
void destroy_legacy_capsule(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, dlpack::kLegacyName) == 0) return;
  auto* managed =
      static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(capsule, dlpack::kLegacyName));
  if (managed != nullptr && managed->deleter != nullptr) managed->deleter(managed);
}

py::capsule to_dlpack(const Storage& storage, std::int64_t offset, const Dims& shape,
                      const Dims& strides, bool versioned, bool copied) {
  check_shape(shape);
  check_layout({"tensor", static_cast<std::int64_t>(storage.size()), offset, strides}, shape);
  auto owned = std::make_unique<Export>(Export{storage.alias(), shape, strides, {}, {}});
  Export& e = *owned;
  char* base = static_cast<char*>(e.storage.data());
  // Empty views may have an offset past the end: point at the start instead.
  std::int64_t elements = 1;
  for (std::int64_t n : shape) elements *= n;
  if (elements > 0) base += offset * static_cast<std::int64_t>(e.storage.itemsize());
  const dlpack::Tensor tensor{base,
                              {dlpack::kCPU, 0},
                              static_cast<std::int32_t>(shape.size()),
                              dlpack::data_type_of(storage.dtype()),
                              e.shape.data(),
                              e.strides.data(),
                              0};
  PyObject* capsule = nullptr;
  if (versioned) {
    e.versioned = {{dlpack::kMajor, dlpack::kMinor}, &e, &delete_versioned, 0, tensor};
    if (storage.readonly()) e.versioned.flags |= dlpack::kFlagReadOnly;
    if (copied) e.versioned.flags |= dlpack::kFlagIsCopied;
    capsule = PyCapsule_New(&e.versioned, dlpack::kVersionedName, &destroy_versioned_capsule);
  } else {
    if (storage.readonly()) {
      throw py::buffer_error(
          "__dlpack__: a read-only tensor cannot be exported as a legacy (unversioned) DLPack "
          "capsule, which has no read-only flag; ask for max_version=(1, 0) or copy");
    }
    e.legacy = {tensor, &e, &delete_legacy};
    capsule = PyCapsule_New(&e.legacy, dlpack::kLegacyName, &destroy_legacy_capsule);
  }
  if (capsule == nullptr) throw py::error_already_set();
  owned.release();  // the capsule owns it now
  return py::reinterpret_steal<py::capsule>(capsule);
}

std::string device_name(std::int32_t type) {
  switch (type) {
    case dlpack::kCUDA:
      return "CUDA";
    case dlpack::kCUDAHost:
      return "CUDA host";
    case dlpack::kOpenCL:
      return "OpenCL";
    case dlpack::kVulkan:
      return "Vulkan";
    case dlpack::kMetal:
      return "Metal";
    case dlpack::kROCM:
      return "ROCm";
    case dlpack::kCUDAManaged:
      return "CUDA managed";
    case dlpack::kOneAPI:
      return "oneAPI";
    default:
      return "device type " + std::to_string(type);
  }
}

// Calls the producer's deleter (with the GIL, which Python producers' deleters may need) when
// the last Storage referring to the tensor dies.
template <class Managed>
std::shared_ptr<void> hold_managed(Managed* managed) {
  return {managed, [](void* p) {
            auto* m = static_cast<Managed*>(p);
            if (m->deleter == nullptr) return;
            if (Py_IsInitialized() != 0) {
              const PyGILState_STATE state = PyGILState_Ensure();
              m->deleter(m);
              PyGILState_Release(state);
            } else {
              m->deleter(m);
            }
          }};
}

// (storage, offset, shape, strides) viewing `tensor`; the storage covers exactly the elements
// the view reaches, so negative strides give a positive offset.
py::tuple view_tensor(const dlpack::Tensor& t, bool readonly, std::shared_ptr<void> keeper) {
  if (t.device.device_type != dlpack::kCPU) {
    throw py::buffer_error("from_dlpack: only CPU tensors can be imported, got a tensor on " +
                           device_name(t.device.device_type) + " (device id " +
                           std::to_string(t.device.device_id) + ")");
  }
  const auto dtype = dlpack::dtype_of(t.dtype);
  if (!dtype) {
    throw DTypeError("from_dlpack: unsupported DLPack dtype (code " + std::to_string(t.dtype.code) +
                     ", bits " + std::to_string(t.dtype.bits) + ", lanes " +
                     std::to_string(t.dtype.lanes) + "); supported: " + supported_dtype_names());
  }
  if (t.ndim < 0 || (t.ndim > 0 && t.shape == nullptr)) {
    throw py::buffer_error("from_dlpack: malformed tensor (ndim " + std::to_string(t.ndim) + ")");
  }
  const auto ndim = static_cast<std::size_t>(t.ndim);
  Dims shape(t.shape, t.shape + ndim);
  Dims strides(ndim);
  std::int64_t step = 1;
  for (std::size_t d = ndim; d-- > 0;) {
    strides[d] = t.strides != nullptr ? t.strides[d] : step;
    step *= shape[d];
  }
  check_shape(shape);
  std::int64_t low = 0;
  std::int64_t high = 0;
  bool empty = false;
  for (std::size_t d = 0; d < ndim; ++d) {
    if (shape[d] == 0) empty = true;
    const std::int64_t reach = (shape[d] - 1) * strides[d];
    (reach < 0 ? low : high) += reach;
  }
  const auto item = static_cast<std::int64_t>(itemsize(*dtype));
  char* first = static_cast<char*>(t.data) + t.byte_offset;
  if (empty) {  // no element to view: an owned block, read-only like the producer's tensor
    const Storage block(*dtype, 0);
    Storage s =
        Storage::foreign_view(*dtype, const_cast<void*>(block.data()), 0, readonly, block.keeper());
    return py::make_tuple(std::move(s), 0, shape, Dims(ndim, 0));
  }
  const auto size = static_cast<std::size_t>(high - low + 1);
  char* start = first + low * item;
  const auto address = reinterpret_cast<std::uintptr_t>(start);
  if (address % dtype_info(*dtype).alignment != 0) {
    // Kernels read whole elements: copy the reachable bytes into an aligned owned storage.
    Storage s(*dtype, size, Init::kUninitialized);
    std::memcpy(s.data(), start, size * static_cast<std::size_t>(item));
    return py::make_tuple(std::move(s), -low, shape, strides);
  }
  Storage s = Storage::foreign_view(*dtype, start, size, readonly, std::move(keeper));
  return py::make_tuple(std::move(s), -low, shape, strides);
}

py::tuple from_dlpack(py::handle capsule) {
  PyObject* c = capsule.ptr();
  if (PyCapsule_IsValid(c, dlpack::kVersionedName) != 0) {
    auto* managed = static_cast<dlpack::ManagedTensorVersioned*>(
        PyCapsule_GetPointer(c, dlpack::kVersionedName));
    if (managed->version.major != dlpack::kMajor) {
      throw py::buffer_error(
          "from_dlpack: DLPack version " + std::to_string(managed->version.major) + "." +
          std::to_string(managed->version.minor) + " is not supported (mg reads 1.x)");
    }
    // Take ownership first, so any error below still frees the tensor exactly once.
    if (PyCapsule_SetName(c, dlpack::kUsedVersionedName) != 0) throw py::error_already_set();
    std::shared_ptr<void> keeper = hold_managed(managed);
    return view_tensor(managed->dl_tensor, (managed->flags & dlpack::kFlagReadOnly) != 0,
                       std::move(keeper));
  }
  if (PyCapsule_IsValid(c, dlpack::kLegacyName) != 0) {
    auto* managed =
        static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(c, dlpack::kLegacyName));
    if (PyCapsule_SetName(c, dlpack::kUsedLegacyName) != 0) throw py::error_already_set();
    std::shared_ptr<void> keeper = hold_managed(managed);
    return view_tensor(managed->dl_tensor, false, std::move(keeper));
  }
  if (PyCapsule_CheckExact(c) != 0) {
    const char* name = PyCapsule_GetName(c);
    const std::string text = name != nullptr ? name : "<unnamed>";
    if (text == dlpack::kUsedVersionedName || text == dlpack::kUsedLegacyName) {
      throw std::invalid_argument("from_dlpack: the DLPack capsule was already consumed ('" + text +
                                  "'); a capsule can be imported once");
    }
    throw std::invalid_argument("from_dlpack: capsule named '" + text + "' is not a DLPack tensor");
  }
  throw py::type_error("from_dlpack: expected a DLPack capsule, got " +
                       std::string(py::str(py::type::handle_of(capsule).attr("__name__"))));
}

constexpr const char* kToDoc = R"doc(Export a strided view of `storage` as a DLPack capsule.

Zero-copy: the capsule (and whoever consumes it) keeps the storage's memory alive. `offset` and
`strides` are in elements. A versioned capsule ("dltensor_versioned", DLPack 1.0) carries the
read-only flag of read-only storages and the is-copied flag when `copied`; a legacy one
("dltensor") cannot, so a read-only storage raises BufferError there. ValueError when the view
does not fit the storage.

>>> import mg_kernels as mk
>>> cap = mk.to_dlpack(mk.Storage("float32", 4), 0, [2, 2], [2, 1])
)doc";

constexpr const char* kFromDoc = R"doc(Import a DLPack capsule as (storage, offset, shape, strides).

Zero-copy: the storage views the producer's memory and calls its deleter when the last storage
referring to it dies; read-only tensors give read-only storages. The capsule is renamed
"used_dltensor(_versioned)" so it is consumed once (a second import raises ValueError).
BufferError for a device other than CPU or a DLPack major version other than 1; TypeError for a
dtype mg lacks (complex, vector lanes). Copies only when the data is misaligned for its dtype.

>>> import mg_kernels as mk
>>> s, offset, shape, strides = mk.from_dlpack(mk.to_dlpack(mk.Storage("int8", 3), 0, [3], [1]))
>>> (s.size, offset, shape, strides)
(3, 0, [3], [1])
)doc";

}  // namespace

void register_dlpack(py::module_& m) {
  m.def("to_dlpack", &to_dlpack, py::arg("storage"), py::arg("offset"), py::arg("shape"),
        py::arg("strides"), py::kw_only(), py::arg("versioned") = true, py::arg("copied") = false,
        kToDoc);
  m.def("from_dlpack", &from_dlpack, py::arg("capsule"), kFromDoc);
}

}  // namespace mg::bindings
