// The reduction family: reduce, arg_reduce, scan, mean_var, logsumexp. Validate with the GIL
// held, then run with it released.
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "fast_args.hpp"
#include "mg/plan_reduce.hpp"
#include "mg/reduce_op.hpp"
#include "mg/storage.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

using Strides = IntList;  // read without a heap allocation (fast_args.hpp)

void reduce(ReduceOp op, Storage& out, std::int64_t out_offset, const Strides& out_strides,
            Storage& src, std::int64_t src_offset, const Strides& src_strides,
            const Strides& shape) {
  const Plan<2> plan =
      plan_reduce(op, {out, out_offset, out_strides}, {src, src_offset, src_strides}, shape);
  const py::gil_scoped_release release;
  plan.run();
}

void arg_reduce(ArgReduceOp op, Storage& out, std::int64_t out_offset, const Strides& out_strides,
                Storage& src, std::int64_t src_offset, const Strides& src_strides,
                const Strides& shape) {
  const Plan<2> plan =
      plan_arg_reduce(op, {out, out_offset, out_strides}, {src, src_offset, src_strides}, shape);
  const py::gil_scoped_release release;
  plan.run();
}

void scan(ScanOp op, Storage& out, std::int64_t out_offset, const Strides& out_strides,
          Storage& src, std::int64_t src_offset, const Strides& src_strides, const Strides& shape) {
  const Plan<2> plan =
      plan_scan(op, {out, out_offset, out_strides}, {src, src_offset, src_strides}, shape);
  const py::gil_scoped_release release;
  plan.run();
}

void mean_var(Storage& mean, std::int64_t mean_offset, const Strides& mean_strides, Storage& var,
              std::int64_t var_offset, const Strides& var_strides, Storage& src,
              std::int64_t src_offset, const Strides& src_strides, const Strides& shape,
              std::int64_t ddof) {
  const Plan<3> plan =
      plan_mean_var({mean, mean_offset, mean_strides}, {var, var_offset, var_strides},
                    {src, src_offset, src_strides}, shape, ddof);
  const py::gil_scoped_release release;
  plan.run();
}

void logsumexp(Storage& out, std::int64_t out_offset, const Strides& out_strides, Storage& src,
               std::int64_t src_offset, const Strides& src_strides, const Strides& shape) {
  const Plan<2> plan =
      plan_logsumexp({out, out_offset, out_strides}, {src, src_offset, src_strides}, shape);
  const py::gil_scoped_release release;
  plan.run();
}

constexpr const char* kOperandsDoc = R"doc(
Each operand is a storage, an element offset and strides in elements (0 broadcasts, negative
walks backwards) over the common `shape`. Raises ValueError naming the operand when the strides do
not match the shape or the view reaches outside its storage.)doc";

constexpr const char* kAxisDoc = R"doc(
The axis is the LAST dimension of `shape`: move it there with the strides. Outputs that reduce it
have stride 0 along it (and no other stride 0 of a dimension longer than 1, else ValueError); they
are overwritten. The rows are never split between threads.)doc";

}  // namespace

void register_reduce(py::module_& m) {
  py::native_enum<ReduceOp>(m, "ReduceOp", "enum.IntEnum", "Reductions of `reduce`.")
      .value("SUM", ReduceOp::kSum, "sum; floats pairwise, integers wrap, bool is or")
      .value("PROD", ReduceOp::kProd, "product; integers wrap, bool is and")
      .value("MAX", ReduceOp::kMax, "maximum, NaN propagates (as numpy.max); bool is or")
      .value("MIN", ReduceOp::kMin, "minimum, NaN propagates (as numpy.min); bool is and")
      .value("ALL", ReduceOp::kAll, "every element nonzero (NaN counts as nonzero); bool out")
      .value("ANY", ReduceOp::kAny, "some element nonzero (NaN counts as nonzero); bool out")
      .finalize();
  py::native_enum<ArgReduceOp>(m, "ArgReduceOp", "enum.IntEnum",
                               "Index reductions of `arg_reduce`.")
      .value("ARGMAX", ArgReduceOp::kArgmax, "index of the first maximum (or first NaN)")
      .value("ARGMIN", ArgReduceOp::kArgmin, "index of the first minimum (or first NaN)")
      .finalize();
  py::native_enum<ScanOp>(m, "ScanOp", "enum.IntEnum", "Cumulative operations of `scan`.")
      .value("CUMSUM", ScanOp::kCumsum, "running sum; integers wrap, bool is or")
      .value("CUMPROD", ScanOp::kCumprod, "running product; integers wrap, bool is and")
      .finalize();

  m.def("reduce", &reduce, py::arg("op"), py::arg("out"), py::arg("out_offset"),
        py::arg("out_strides"), py::arg("src"), py::arg("src_offset"), py::arg("src_strides"),
        py::arg("shape"),
        (std::string(
             "Fold a reduction of src into out: out = op(out, reduction of src), where out has "
             "stride 0 along the reduced axes (any set of them; fill out with the identity "
             "first: 0 for SUM, 1 for PROD, the first slice or -inf/+inf for MAX/MIN, True for "
             "ALL, False for ANY). SUM/PROD/MAX/MIN need out and src of one dtype (TypeError); "
             "integers wrap; float16/bfloat16 rows accumulate in float32 and round once. "
             "ALL/ANY take any src dtype and a bool out. Mean is SUM divided by the count, the "
             "caller's job.") +
         kOperandsDoc)
            .c_str());
  m.def("arg_reduce", &arg_reduce, py::arg("op"), py::arg("out"), py::arg("out_offset"),
        py::arg("out_strides"), py::arg("src"), py::arg("src_offset"), py::arg("src_strides"),
        py::arg("shape"),
        (std::string("Write the index (int64 out, else TypeError) of the first maximum/minimum "
                     "of src along the last axis; a NaN is the extreme, so the first NaN's "
                     "index wins, as numpy.argmax/argmin. An empty last axis with a non-empty "
                     "outer shape is a ValueError. Any src dtype.") +
         kAxisDoc + kOperandsDoc)
            .c_str());
  m.def("scan", &scan, py::arg("op"), py::arg("out"), py::arg("out_offset"), py::arg("out_strides"),
        py::arg("src"), py::arg("src_offset"), py::arg("src_strides"), py::arg("shape"),
        (std::string("Write the cumulative sum/product of src along the last axis into out "
                     "(same shape and dtype, else TypeError; out may be src). Every step rounds "
                     "to the dtype, as numpy.cumsum/cumprod (float16/bfloat16 too); integers "
                     "wrap. The rows are never split between threads.") +
         kOperandsDoc)
            .c_str());
  m.def("mean_var", &mean_var, py::arg("mean"), py::arg("mean_offset"), py::arg("mean_strides"),
        py::arg("var"), py::arg("var_offset"), py::arg("var_strides"), py::arg("src"),
        py::arg("src_offset"), py::arg("src_strides"), py::arg("shape"), py::arg("ddof") = 0,
        (std::string("Write the mean and the variance (sum of squared deviations divided by "
                     "n - ddof; ddof 0 or 1, else ValueError) of src along the last axis. "
                     "Corrected two-pass algorithm with pairwise sums in float64, rounded once "
                     "to the dtype. Floating dtypes only, all three the same (TypeError). An "
                     "empty axis gives NaN, n <= ddof a NaN variance, as NumPy.") +
         kAxisDoc + kOperandsDoc)
            .c_str());
  m.def("logsumexp", &logsumexp, py::arg("out"), py::arg("out_offset"), py::arg("out_strides"),
        py::arg("src"), py::arg("src_offset"), py::arg("src_strides"), py::arg("shape"),
        (std::string("Write log(sum(exp(src))) along the last axis, shifted by the row's max so "
                     "nothing overflows; computed in float64, rounded once. A NaN gives NaN, a "
                     "+inf +inf, an all -inf or empty row -inf (as torch.logsumexp). Floating "
                     "dtypes only, out and src the same (TypeError).") +
         kAxisDoc + kOperandsDoc)
            .c_str());
}

}  // namespace mg::bindings
