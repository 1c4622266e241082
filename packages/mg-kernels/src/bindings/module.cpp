// PYBIND11_MODULE(_mg_kernels): version, ABI version, ISA control and error mapping.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <exception>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "mg/dtype.hpp"
#include "mg/gemm/matmul.hpp"
#include "mg/isa.hpp"
#include "mg/parallel.hpp"

#ifndef MG_KERNELS_VERSION
#define MG_KERNELS_VERSION "0+unknown"
#endif
#ifndef MG_KERNELS_ABI_VERSION
#define MG_KERNELS_ABI_VERSION 1
#endif

namespace py = pybind11;

namespace {

// std::invalid_argument, std::out_of_range and std::bad_alloc already map to ValueError,
// IndexError and MemoryError; a dtype problem is a TypeError.
void translate_dtype_error(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const mg::DTypeError& e) {
    py::set_error(PyExc_TypeError, e.what());
  }
}

std::vector<std::string> available_isa_list() {
  std::vector<std::string> names;
  for (mg::Isa isa : mg::available_isas()) names.emplace_back(mg::isa_name(isa));
  return names;
}

// MG_KERNELS_NUM_THREADS=<n>, read once at import: the default thread count. Anything but an
// integer >= 1 makes the import fail with a ValueError naming the variable.
void init_threads_from_env() {
  const char* text = std::getenv("MG_KERNELS_NUM_THREADS");
  if (text == nullptr || *text == '\0') return;
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  if (*end != '\0' || n < 1 || n > 65536) {
    throw std::invalid_argument(std::string("environment variable MG_KERNELS_NUM_THREADS: ") +
                                "expected an integer >= 1, got '" + text + "'");
  }
  mg::set_num_threads(static_cast<int>(n));
}

}  // namespace

PYBIND11_MODULE(_mg_kernels, m) {
  m.doc() = "C++ kernels of mg: typed storage, strided binary/reduce/copy kernels, ISA dispatch.";
  mg::init_isa_from_env();
  init_threads_from_env();
  py::register_local_exception_translator(&translate_dtype_error);

  m.attr("__version__") = MG_KERNELS_VERSION;
  m.attr("__abi_version__") = MG_KERNELS_ABI_VERSION;

  py::class_<mg::DTypeInfo>(m, "DTypeInfo", "One row of the dtype table (see dtypes()).")
      .def_property_readonly(
          "name", [](const mg::DTypeInfo& d) { return std::string(d.name); },
          "The dtype name, e.g. 'float16'.")
      .def_readonly("itemsize", &mg::DTypeInfo::itemsize, "Bytes per element.")
      .def_property_readonly(
          "kind", [](const mg::DTypeInfo& d) { return std::string(1, d.kind); },
          "NumPy's dtype.kind: 'b' bool, 'i' signed int, 'u' unsigned int, 'f' floating.")
      .def_readonly("alignment", &mg::DTypeInfo::alignment, "Alignment of one element in bytes.")
      .def_property_readonly(
          "format",
          [](const mg::DTypeInfo& d) -> std::optional<std::string> {
            if (d.format.empty()) return std::nullopt;
            return std::string(d.format);
          },
          "The buffer-protocol format of Storage views, or None (bfloat16).")
      .def("__repr__", [](const mg::DTypeInfo& d) {
        return "DTypeInfo(name='" + std::string(d.name) +
               "', itemsize=" + std::to_string(d.itemsize) + ", kind='" + std::string(1, d.kind) +
               "', alignment=" + std::to_string(d.alignment) + ", format=" +
               (d.format.empty() ? std::string("None") : "'" + std::string(d.format) + "'") + ")";
      });
  m.def(
      "dtypes",
      [] {
        std::vector<mg::DTypeInfo> out(std::begin(mg::kDTypeInfos), std::end(mg::kDTypeInfos));
        return out;
      },
      "The dtype table: one DTypeInfo per dtype, in the order bool, signed ints, unsigned ints,\n"
      "floats. Every kernel takes every dtype listed here.");

  mg::bindings::register_storage(m);
  mg::bindings::register_ops(m);
  mg::bindings::register_reduce(m);  // reduce family
  mg::bindings::register_unary(m);   // unary family
  mg::bindings::register_dlpack(m);  // DLPack capsules
  mg::bindings::register_indexing(m);
  mg::bindings::register_linalg(m);  // gemm family
  mg::bindings::register_fast_calls(m);

  m.def(
      "isa", [] { return std::string(mg::isa_name(mg::active_isa())); },
      "Name of the instruction set whose kernels run now, e.g. 'avx2'.");
  m.def("available_isas", &available_isa_list,
        "Names of the instruction sets this build and CPU can run, lowest first.");
  m.def(
      "set_isa", [](const std::string& name) { mg::set_isa(name); }, py::arg("name"),
      "Switch kernels to ISA `name` (for tests and benchmarks; the environment variable\n"
      "MG_KERNELS_ISA does the same at import). ValueError naming the available ISAs.");

  m.def("has_amx_bf16", &mg::amx_bf16_usable,
        "True when bfloat16 matmul can run on AMX tiles: this build has the AMX unit, the CPU\n"
        "has AMX-BF16 and the OS lets the process use tiles. Used only while isa() is 'avx512',\n"
        "for products of at least 16**3 multiply-adds that are not matrix-vector.");
  m.def(
      "bfloat16_matmul_engine",
      [] {
        switch (mg::bf16_engine(mg::DType::kBFloat16, mg::active_isa())) {
          case mg::PairEngine::kAmx:
            return "amx";
          case mg::PairEngine::kAvx512Bf16:
            return "avx512_bf16";
          case mg::PairEngine::kNone:
            break;
        }
        return "float32";
      },
      "What multiplies bfloat16 matrices under the active ISA: 'amx' (AMX tiles),\n"
      "'avx512_bf16' (VDPBF16PS vectors) or 'float32' (widened to float32). The first two\n"
      "read subnormal inputs as zero and flush subnormal sums; they take products of at least\n"
      "16**3 multiply-adds that are not matrix-vector.");

  m.def("set_num_threads", &mg::set_num_threads, py::arg("n"),
        "Let kernels use up to n threads (n >= 1, else ValueError); 1 runs everything on the\n"
        "calling thread. Large kernels split their work over a persistent thread pool; results\n"
        "are bit-identical for any n. MG_KERNELS_NUM_THREADS sets the default at import.");
  m.def("get_num_threads", &mg::num_threads,
        "The thread count kernels may use: set_num_threads' last value, else\n"
        "MG_KERNELS_NUM_THREADS, else the number of cores this process may run on.");
}
