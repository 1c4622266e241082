// matmul: validate with the GIL held, then run with it released.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <vector>

#include "bindings.hpp"
#include "fast_args.hpp"
#include "mg/gemm/matmul.hpp"
#include "mg/storage.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

using Ints = IntList;  // read without a heap allocation (fast_args.hpp)

void matmul(Storage& out, std::int64_t out_offset, const Ints& out_strides, const Ints& out_shape,
            Storage& a, std::int64_t a_offset, const Ints& a_strides, const Ints& a_shape,
            Storage& b, std::int64_t b_offset, const Ints& b_strides, const Ints& b_shape) {
  require_writable(out, "matmul out");
  const MatmulPlan plan =
      plan_matmul({out, out_offset, out_strides, out_shape}, {a, a_offset, a_strides, a_shape},
                  {b, b_offset, b_strides, b_shape});
  const py::gil_scoped_release release;
  plan.run();
}

}  // namespace

void register_linalg(py::module_& m) {
  m.def(
      "matmul", &matmul, py::arg("out"), py::arg("out_offset"), py::arg("out_strides"),
      py::arg("out_shape"), py::arg("a"), py::arg("a_offset"), py::arg("a_strides"),
      py::arg("a_shape"), py::arg("b"), py::arg("b_offset"), py::arg("b_strides"),
      py::arg("b_shape"),
      "Compute out = a @ b (numpy.matmul on operands of 2 or more dimensions). a is (..., m, k),\n"
      "b (..., k, n); their batch dimensions broadcast to out's (..., m, n). a, b and out share\n"
      "one dtype (TypeError otherwise): float32/float64 accumulate in their own type with FMA,\n"
      "float16/bfloat16 in float32 rounded once, integers wrap, bool is 'any a and b'. Each\n"
      "operand is a storage, an element offset, strides in elements (any, transposed or 0) and\n"
      "its shape; nothing is copied. ValueError naming both shapes and the dimension that\n"
      "disagrees, for a view outside its storage, or when out shares storage with a or b. Runs\n"
      "on up to get_num_threads() threads without the GIL.");
}

}  // namespace mg::bindings
