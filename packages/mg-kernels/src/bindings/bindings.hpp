// Registration functions of the _mg_kernels module, one per bindings file.
#pragma once

#include <pybind11/pybind11.h>

namespace mg::bindings {

void register_storage(pybind11::module_& m);
void register_ops(pybind11::module_& m);
void register_reduce(pybind11::module_& m);  // reduce family
void register_unary(pybind11::module_& m);   // unary family
void register_dlpack(pybind11::module_& m);  // DLPack capsules
// indexing family: gather, scatter, sort, searchsorted, nonzero
void register_indexing(pybind11::module_& m);
void register_linalg(pybind11::module_& m);  // gemm family
// binary, unary, reduce_sum, copy as METH_FASTCALL functions (Note [Fast calls])
void register_fast_calls(pybind11::module_& m);

}  // namespace mg::bindings
