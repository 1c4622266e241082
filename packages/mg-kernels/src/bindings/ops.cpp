// The BinaryOp enum, where and clip: validate with the GIL held, then run with it released.
// (binary, reduce_sum and copy are fast calls: fast_calls.cpp.)
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <vector>

#include "bindings.hpp"
#include "fast_args.hpp"
#include "mg/binary_op.hpp"
#include "mg/plan.hpp"
#include "mg/storage.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

using Strides = IntList;  // read without a heap allocation (fast_args.hpp)

void where(Storage& out, std::int64_t out_offset, const Strides& out_strides, Storage& cond,
           std::int64_t cond_offset, const Strides& cond_strides, Storage& a, std::int64_t a_offset,
           const Strides& a_strides, Storage& b, std::int64_t b_offset, const Strides& b_strides,
           const Strides& shape) {
  const Plan<4> plan = plan_where({out, out_offset, out_strides}, {cond, cond_offset, cond_strides},
                                  {a, a_offset, a_strides}, {b, b_offset, b_strides}, shape);
  const py::gil_scoped_release release;
  plan.run();
}

void clip(Storage& out, std::int64_t out_offset, const Strides& out_strides, Storage& x,
          std::int64_t x_offset, const Strides& x_strides, Storage& lo, std::int64_t lo_offset,
          const Strides& lo_strides, Storage& hi, std::int64_t hi_offset, const Strides& hi_strides,
          const Strides& shape) {
  const Plan<4> plan = plan_clip({out, out_offset, out_strides}, {x, x_offset, x_strides},
                                 {lo, lo_offset, lo_strides}, {hi, hi_offset, hi_strides}, shape);
  const py::gil_scoped_release release;
  plan.run();
}

constexpr const char* kOperandsDoc = R"doc(
Each operand is a storage, an element offset and strides in elements (0 broadcasts, negative
walks backwards) over the common `shape`. Raises ValueError naming the operand when the strides do
not match the shape or the view reaches outside its storage. An empty shape does nothing.)doc";

}  // namespace

void register_ops(py::module_& m) {
  py::native_enum<BinaryOp>(m, "BinaryOp", "enum.IntEnum",
                            "Elementwise binary operations of `binary`.")
      .value("ADD", BinaryOp::kAdd, "a + b (integers wrap)")
      .value("SUB", BinaryOp::kSub, "a - b (integers wrap)")
      .value("MUL", BinaryOp::kMul, "a * b (integers wrap)")
      .value("DIV", BinaryOp::kDiv,
             "a / b for floats; floor division for integers, x // 0 == 0, MIN // -1 == MIN")
      .value("POW", BinaryOp::kPow,
             "a ** b; integers wrap, and a negative exponent gives 0 (1 for base 1, +-1 for -1)")
      .value("FLOOR_DIVIDE", BinaryOp::kFloorDivide,
             "numpy.floor_divide; integers: x // 0 == 0, MIN // -1 == MIN (wraps)")
      .value("REMAINDER", BinaryOp::kRemainder,
             "numpy.remainder (sign of b); integers: x % 0 == 0, MIN % -1 == 0")
      .value("MAXIMUM", BinaryOp::kMaximum, "numpy.maximum: NaN propagates; bool is or")
      .value("MINIMUM", BinaryOp::kMinimum, "numpy.minimum: NaN propagates; bool is and")
      .value("ATAN2", BinaryOp::kAtan2, "numpy.arctan2 (floats only)")
      .value("COPYSIGN", BinaryOp::kCopysign, "numpy.copysign (floats only)")
      .value("HYPOT", BinaryOp::kHypot, "numpy.hypot (floats only)")
      .value("LOGADDEXP", BinaryOp::kLogaddexp, "numpy.logaddexp (floats only)")
      .value("EQUAL", BinaryOp::kEqual, "a == b into a bool out (NaN == NaN is False)")
      .value("NOT_EQUAL", BinaryOp::kNotEqual, "a != b into a bool out (True for NaN)")
      .value("LESS", BinaryOp::kLess, "a < b into a bool out")
      .value("LESS_EQUAL", BinaryOp::kLessEqual, "a <= b into a bool out")
      .value("GREATER", BinaryOp::kGreater, "a > b into a bool out")
      .value("GREATER_EQUAL", BinaryOp::kGreaterEqual, "a >= b into a bool out")
      .value("LOGICAL_AND", BinaryOp::kLogicalAnd, "a != 0 and b != 0 into a bool out (NaN true)")
      .value("LOGICAL_OR", BinaryOp::kLogicalOr, "a != 0 or b != 0 into a bool out")
      .value("LOGICAL_XOR", BinaryOp::kLogicalXor, "(a != 0) != (b != 0) into a bool out")
      .value("BITWISE_AND", BinaryOp::kBitwiseAnd, "a & b (integers and bool)")
      .value("BITWISE_OR", BinaryOp::kBitwiseOr, "a | b (integers and bool)")
      .value("BITWISE_XOR", BinaryOp::kBitwiseXor, "a ^ b (integers and bool)")
      .value("LEFT_SHIFT", BinaryOp::kLeftShift,
             "a << b (integers, wraps); b < 0 or b >= the bit width gives 0")
      .value("RIGHT_SHIFT", BinaryOp::kRightShift,
             "a >> b (integers, arithmetic for signed); b < 0 or b >= the bit width gives 0, "
             "or -1 for a negative signed a")
      .finalize();

  m.def("where", &where, py::arg("out"), py::arg("out_offset"), py::arg("out_strides"),
        py::arg("cond"), py::arg("cond_offset"), py::arg("cond_strides"), py::arg("a"),
        py::arg("a_offset"), py::arg("a_strides"), py::arg("b"), py::arg("b_offset"),
        py::arg("b_strides"), py::arg("shape"),
        (std::string("Compute out = a where cond else b (numpy.where). cond is bool; out, a and b "
                     "share one dtype (TypeError otherwise).") +
         kOperandsDoc)
            .c_str());
  m.def("clip", &clip, py::arg("out"), py::arg("out_offset"), py::arg("out_strides"), py::arg("x"),
        py::arg("x_offset"), py::arg("x_strides"), py::arg("lo"), py::arg("lo_offset"),
        py::arg("lo_strides"), py::arg("hi"), py::arg("hi_offset"), py::arg("hi_strides"),
        py::arg("shape"),
        (std::string("Compute out = minimum(maximum(x, lo), hi) (numpy.clip): NaN in x, lo or hi "
                     "gives NaN, and lo > hi gives hi. All four dtypes must match (TypeError).") +
         kOperandsDoc)
            .c_str());
}

}  // namespace mg::bindings
