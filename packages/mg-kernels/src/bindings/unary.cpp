// unary: validate with the GIL held, then run with it released.
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "mg/plan.hpp"
#include "mg/storage.hpp"
#include "mg/unary_op.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

using Strides = std::vector<std::int64_t>;

void unary(UnaryOp op, Storage& out, std::int64_t out_offset, const Strides& out_strides,
           Storage& src, std::int64_t src_offset, const Strides& src_strides,
           const Strides& shape) {
  const Plan<2> plan =
      plan_unary(op, {out, out_offset, out_strides}, {src, src_offset, src_strides}, shape);
  const py::gil_scoped_release release;
  plan.run();
}

// One docstring per enumerator, indexed by the enum value.
constexpr const char* kUnaryOpDocs[kNumUnaryOps] = {
    "-x (integers wrap)",
    "|x| (integers wrap: abs(MIN) == MIN)",
    "-1, 0 or 1 (NaN stays NaN, -0.0 gives 0.0)",
    "square root (floats)",
    "1 / x (floats)",
    "x * x (integers wrap)",
    "e**x (floats; float32 vectorised, <= 2 ulp)",
    "2**x (floats)",
    "e**x - 1 (floats)",
    "natural logarithm (floats; float32 vectorised, <= 2 ulp)",
    "base-2 logarithm (floats)",
    "base-10 logarithm (floats)",
    "log(1 + x) (floats)",
    "sine (floats; float32 vectorised, <= 2 ulp)",
    "cosine (floats; float32 vectorised, <= 2 ulp)",
    "tangent (floats)",
    "hyperbolic tangent (floats; float32 vectorised, <= 2 ulp)",
    "hyperbolic sine (floats)",
    "hyperbolic cosine (floats)",
    "arcsine (floats)",
    "arccosine (floats)",
    "arctangent (floats)",
    "error function (floats; float32 vectorised, <= 2 ulp)",
    "1 / (1 + e**-x), computed stably (floats; float32 vectorised, <= 2 ulp)",
    "max(x, 0); NaN stays NaN, -0.0 gives 0.0",
    "round toward -inf (identity on integers)",
    "round toward +inf (identity on integers)",
    "round toward zero (identity on integers)",
    "round half to even (identity on integers)",
    "x is NaN (bool out; False for integers and bool)",
    "x is +-inf (bool out; False for integers and bool)",
    "x is neither NaN nor inf (bool out; True for integers and bool)",
    "x == 0 (bool out; NaN gives False)",
    "~x (integers and bool, where it is logical not)",
};

}  // namespace

void register_unary(py::module_& m) {
  py::native_enum<UnaryOp> e(m, "UnaryOp", "enum.IntEnum",
                             "Elementwise unary operations of `unary`.");
  for (std::size_t i = 0; i < kNumUnaryOps; ++i) {
    const auto op = static_cast<UnaryOp>(i);
    e.value(std::string(unary_op_name(op)).c_str(), op, kUnaryOpDocs[i]);
  }
  e.finalize();

  m.def("unary", &unary, py::arg("op"), py::arg("out"), py::arg("out_offset"),
        py::arg("out_strides"), py::arg("src"), py::arg("src_offset"), py::arg("src_strides"),
        py::arg("shape"),
        R"doc(Compute out = op(src) elementwise, as NumPy's ufunc of the same name.

out has src's dtype, except ISNAN, ISINF, ISFINITE and LOGICAL_NOT, which write a bool out
(TypeError for any other out dtype). The math functions take float dtypes only, NEGATIVE ABS
SIGN SQUARE RELU and the roundings every numeric dtype, BITWISE_INVERT integers and bool: an op
the dtype does not define is a TypeError naming both. float16/bfloat16 compute in float32 and
round once. float32 EXP LOG SIN COS TANH SIGMOID ERF are vectorised with at most 2 ulp error.
out may be src itself (in place).

Each operand is a storage, an element offset and strides in elements (0 broadcasts, negative
walks backwards) over `shape`. Raises ValueError naming the operand when the strides do not
match the shape or the view reaches outside its storage. An empty shape does nothing.

>>> import mg_kernels as mk
>>> x = mk.Storage.from_list("float32", [0.0, 1.0])
>>> y = mk.Storage("float32", 2)
>>> mk.unary(mk.UnaryOp.EXP, y, 0, [1], x, 0, [1], [2])
>>> [round(v, 4) for v in y.tolist()]
[1.0, 2.7183])doc");
}

}  // namespace mg::bindings
