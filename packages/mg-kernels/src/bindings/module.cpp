// PYBIND11_MODULE(_mg_kernels): version, ABI version, ISA control and error mapping.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <exception>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "mg/dtype.hpp"
#include "mg/isa.hpp"

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

}  // namespace

PYBIND11_MODULE(_mg_kernels, m) {
  m.doc() = "C++ kernels of mg: typed storage, strided binary/reduce/copy kernels, ISA dispatch.";
  mg::init_isa_from_env();
  py::register_local_exception_translator(&translate_dtype_error);

  m.attr("__version__") = MG_KERNELS_VERSION;
  m.attr("__abi_version__") = MG_KERNELS_ABI_VERSION;

  mg::bindings::register_storage(m);
  mg::bindings::register_ops(m);

  m.def(
      "isa", [] { return std::string(mg::isa_name(mg::active_isa())); },
      "Name of the instruction set whose kernels run now, e.g. 'avx2'.");
  m.def("available_isas", &available_isa_list,
        "Names of the instruction sets this build and CPU can run, lowest first.");
  m.def(
      "set_isa", [](const std::string& name) { mg::set_isa(name); }, py::arg("name"),
      "Switch kernels to ISA `name` (for tests and benchmarks; the environment variable\n"
      "MG_KERNELS_ISA does the same at import). ValueError naming the available ISAs.");
}
