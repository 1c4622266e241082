// The UnaryOp enum (the unary kernel entry point is a fast call: fast_calls.cpp).
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>

#include "bindings.hpp"
#include "mg/unary_op.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

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
}

}  // namespace mg::bindings
