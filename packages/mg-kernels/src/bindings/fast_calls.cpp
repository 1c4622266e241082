// binary, unary, reduce_sum, copy and the allocating binary_new/unary_new: the per-operation
// entry points, as METH_FASTCALL functions
// (Note [Fast calls] in fast_args.hpp). Each validates with the GIL held, then runs the plan.
#include <pybind11/pybind11.h>

#include <cstdint>

#include "bindings.hpp"
#include "fast_args.hpp"
#include "mg/binary_op.hpp"
#include "mg/plan.hpp"
#include "mg/storage.hpp"
#include "mg/unary_op.hpp"

namespace py = pybind11;

namespace mg::bindings {
namespace {

// Below this many elements a kernel runs with the GIL held: releasing and re-taking it costs
// about as much as a 1000-element add, and no other thread could run long enough to gain.
constexpr std::int64_t kReleaseGilElements = 1024;

// An operand read from three consecutive arguments: storage, offset, strides.
struct OperandArgs {
  IntList strides;
  Operand operand;

  OperandArgs(const FastArgs& args, Py_ssize_t first, const char* name)
      : operand{args.storage(first, name), args.integer(first + 1, "offset"), {}} {
    args.ints(first + 2, "strides", strides);
    operand.strides = strides.view();
  }
};

// Runs `plan`, with the GIL released unless the work is small.
template <std::size_t N>
void run(const Plan<N>& plan) {
  if (plan.elements() < kReleaseGilElements) {
    plan.run();
    return;
  }
  const py::gil_scoped_release release;
  plan.run();
}

template <typename Op>
Op op_arg(const FastArgs& args, std::size_t count) {
  const std::int64_t index = args.integer(0, "op");
  if (index < 0 || static_cast<std::uint64_t>(index) >= count) {
    throw std::invalid_argument("unknown op " + std::to_string(index));
  }
  return static_cast<Op>(index);
}

PyObject* binary(PyObject*, PyObject* const* argv, Py_ssize_t nargs) {
  return guarded([&] {
    const FastArgs args("binary", argv, nargs, 11);
    const auto op = op_arg<BinaryOp>(args, kNumBinaryOps);
    const OperandArgs out(args, 1, "out");
    const OperandArgs a(args, 4, "a");
    const OperandArgs b(args, 7, "b");
    IntList shape;
    args.ints(10, "shape", shape);
    run(plan_binary(op, out.operand, a.operand, b.operand, shape.view()));
    Py_RETURN_NONE;
  });
}

PyObject* unary(PyObject*, PyObject* const* argv, Py_ssize_t nargs) {
  return guarded([&] {
    const FastArgs args("unary", argv, nargs, 8);
    const auto op = op_arg<UnaryOp>(args, kNumUnaryOps);
    const OperandArgs out(args, 1, "out");
    const OperandArgs src(args, 4, "src");
    IntList shape;
    args.ints(7, "shape", shape);
    run(plan_unary(op, out.operand, src.operand, shape.view()));
    Py_RETURN_NONE;
  });
}

// A fresh C-contiguous storage of `shape`'s size, uninitialized: the kernel writes every element.
struct FreshOut {
  Storage storage;
  std::int64_t strides[kMaxDims];  // NOLINT: the first shape.size() entries are set below
  Operand operand;

  FreshOut(DType dtype, Extents shape)
      : storage(dtype, size_of(shape), Init::kUninitialized),
        operand{storage, 0, Extents(strides, shape.size())} {
    std::int64_t step = 1;  // C order
    for (std::size_t d = shape.size(); d-- > 0;) {
      strides[d] = step;
      step *= shape[d] > 0 ? shape[d] : 1;
    }
  }

 private:
  static std::size_t size_of(Extents shape) {
    check_shape(shape);  // also bounds the product and ndim
    std::int64_t n = 1;
    for (const std::int64_t d : shape) n *= d;
    return static_cast<std::size_t>(n);
  }
};

PyObject* to_python(Storage&& storage) {
  return py::cast(std::move(storage), py::return_value_policy::move).release().ptr();
}

PyObject* binary_new(PyObject*, PyObject* const* argv, Py_ssize_t nargs) {
  return guarded([&] {
    const FastArgs args("binary_new", argv, nargs, 8);
    const auto op = op_arg<BinaryOp>(args, kNumBinaryOps);
    const OperandArgs a(args, 1, "a");
    const OperandArgs b(args, 4, "b");
    IntList shape;
    args.ints(7, "shape", shape);
    const DType dtype = binary_op_gives_bool(op) ? DType::kBool : a.operand.storage.dtype();
    FreshOut out(dtype, shape.view());
    run(plan_binary(op, out.operand, a.operand, b.operand, shape.view()));
    return to_python(std::move(out.storage));
  });
}

PyObject* unary_new(PyObject*, PyObject* const* argv, Py_ssize_t nargs) {
  return guarded([&] {
    const FastArgs args("unary_new", argv, nargs, 5);
    const auto op = op_arg<UnaryOp>(args, kNumUnaryOps);
    const OperandArgs src(args, 1, "src");
    IntList shape;
    args.ints(4, "shape", shape);
    const DType dtype = unary_writes_bool(op) ? DType::kBool : src.operand.storage.dtype();
    FreshOut out(dtype, shape.view());
    run(plan_unary(op, out.operand, src.operand, shape.view()));
    return to_python(std::move(out.storage));
  });
}

// The sum of every element of src (a Storage of one element, src's dtype): mg-core's `x.sum()`.
PyObject* sum_all(PyObject*, PyObject* const* argv, Py_ssize_t nargs) {
  return guarded([&] {
    const FastArgs args("sum_all", argv, nargs, 4);
    const OperandArgs src(args, 0, "src");
    IntList shape;
    args.ints(3, "shape", shape);
    Storage out(src.operand.storage.dtype(), 1);  // zeroed: an empty sum is 0
    const std::int64_t zeros[kMaxDims] = {};      // every element adds into element 0
    const Operand total{out, 0, Extents(zeros, shape.view().size())};
    run(plan_reduce_sum(total, src.operand, shape.view()));
    return to_python(std::move(out));
  });
}

// reduce_sum and copy share a signature: out and src operands, then the shape.
template <Plan<2> (*Planner)(const Operand&, const Operand&, Extents, const kernels::KernelTable&)>
PyObject* out_src(const char* name, PyObject* const* argv, Py_ssize_t nargs) {
  return guarded([&] {
    const FastArgs args(name, argv, nargs, 7);
    const OperandArgs out(args, 0, "out");
    const OperandArgs src(args, 3, "src");
    IntList shape;
    args.ints(6, "shape", shape);
    run(Planner(out.operand, src.operand, shape.view(), kernels::active_table()));
    Py_RETURN_NONE;
  });
}

PyObject* reduce_sum(PyObject*, PyObject* const* argv, Py_ssize_t nargs) {
  return out_src<plan_reduce_sum>("reduce_sum", argv, nargs);
}

PyObject* copy(PyObject*, PyObject* const* argv, Py_ssize_t nargs) {
  return out_src<plan_copy>("copy", argv, nargs);
}

constexpr const char* kOperandsDoc = R"doc(
Each operand is a storage, an element offset and strides in elements (0 broadcasts, negative
walks backwards) over the common `shape`; strides and shape are tuples or lists of ints. Raises
ValueError naming the operand when the strides do not match the shape or the view reaches
outside its storage. An empty shape does nothing.)doc";

}  // namespace

void register_fast_calls(py::module_& m) {
  // Static: CPython keeps pointers to the method table for the module's lifetime.
  static const std::string binary_doc =
      std::string(
          "binary(op, out, out_offset, out_strides, a, a_offset, a_strides, b, b_offset, "
          "b_strides, shape, /)\n--\n\n"
          "Compute out = op(a, b) elementwise, with NumPy's semantics (see BinaryOp; op is a "
          "BinaryOp or its int value). a and b must share a dtype; out has that dtype too, or "
          "bool for the comparisons and LOGICAL_* (TypeError otherwise, and for an op the dtype "
          "lacks, e.g. bool SUB or float BITWISE_AND). out may be a or b (in place). "
          "float16/bfloat16 compute in float32 and round once.") +
      kOperandsDoc;
  static const std::string unary_doc =
      std::string(
          "unary(op, out, out_offset, out_strides, src, src_offset, src_strides, shape, /)\n--\n\n"
          "Compute out = op(src) elementwise, as NumPy's ufunc of the same name (op is a "
          "UnaryOp or its int value).\n\n"
          "out has src's dtype, except ISNAN, ISINF, ISFINITE and LOGICAL_NOT, which write a "
          "bool out (TypeError for any other out dtype). The math functions take float dtypes "
          "only, NEGATIVE ABS SIGN SQUARE RELU and the roundings every numeric dtype, "
          "BITWISE_INVERT integers and bool: an op the dtype does not define is a TypeError "
          "naming both. float16/bfloat16 compute in float32 and round once. float32 EXP LOG SIN "
          "COS TANH SIGMOID ERF are vectorised with at most 2 ulp error. out may be src itself "
          "(in place).\n") +
      kOperandsDoc +
      "\n\n>>> import mg_kernels as mk\n"
      ">>> x = mk.Storage.from_list(\"float32\", [0.0, 1.0])\n"
      ">>> y = mk.Storage(\"float32\", 2)\n"
      ">>> mk.unary(mk.UnaryOp.EXP, y, 0, [1], x, 0, [1], [2])\n"
      ">>> [round(v, 4) for v in y.tolist()]\n"
      "[1.0, 2.7183]";
  static const std::string reduce_sum_doc =
      std::string(
          "reduce_sum(out, out_offset, out_strides, src, src_offset, src_strides, shape, /)\n--\n\n"
          "Add the sum of src into out, which has stride 0 along the reduced axes (zero-fill it "
          "first for a plain sum). Float rows are summed pairwise; integer sums wrap. Same dtype "
          "required (TypeError).") +
      kOperandsDoc;
  static const std::string copy_doc =
      std::string(
          "copy(out, out_offset, out_strides, src, src_offset, src_strides, shape, /)\n--\n\n"
          "Copy src into out, casting to out's dtype (any of the 13 x 13 pairs). Float to int "
          "truncates toward zero, NaN becomes 0 and out-of-range values saturate to the int's "
          "min/max; int to int wraps; to bool is `!= 0` (NaN is True); float16/bfloat16 round to "
          "nearest even. See docs/kernels.md.") +
      kOperandsDoc;
  static const std::string binary_new_doc =
      std::string(
          "binary_new(op, a, a_offset, a_strides, b, b_offset, b_strides, shape, /)\n--\n\n"
          "Return op(a, b) in a new C-contiguous Storage of prod(shape) elements: `binary` "
          "with the output allocated here (a's dtype, or bool for the comparisons and "
          "LOGICAL_*), saving a call per operation.") +
      kOperandsDoc;
  static const std::string unary_new_doc =
      std::string(
          "unary_new(op, src, src_offset, src_strides, shape, /)\n--\n\n"
          "Return op(src) in a new C-contiguous Storage of prod(shape) elements: `unary` with "
          "the output allocated here (src's dtype, or bool for ISNAN ISINF ISFINITE "
          "LOGICAL_NOT).") +
      kOperandsDoc;
  static const std::string sum_all_doc =
      std::string(
          "sum_all(src, src_offset, src_strides, shape, /)\n--\n\n"
          "Return the sum of every element of src as a new one-element Storage of src's dtype "
          "(0 for an empty shape): `reduce_sum` into a fresh zeroed output in one call. Float "
          "rows are summed pairwise; integer sums wrap.") +
      kOperandsDoc;
  static PyMethodDef methods[] = {
      {"sum_all", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&sum_all)),
       METH_FASTCALL, sum_all_doc.c_str()},
      {"binary_new", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&binary_new)),
       METH_FASTCALL, binary_new_doc.c_str()},
      {"unary_new", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&unary_new)),
       METH_FASTCALL, unary_new_doc.c_str()},
      {"binary", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&binary)),
       METH_FASTCALL, binary_doc.c_str()},
      {"unary", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&unary)), METH_FASTCALL,
       unary_doc.c_str()},
      {"reduce_sum", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&reduce_sum)),
       METH_FASTCALL, reduce_sum_doc.c_str()},
      {"copy", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&copy)), METH_FASTCALL,
       copy_doc.c_str()},
      {nullptr, nullptr, 0, nullptr},
  };
  if (PyModule_AddFunctions(m.ptr(), methods) != 0) throw py::error_already_set();
}

}  // namespace mg::bindings
