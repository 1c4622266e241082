// libFuzzer target over the C++ entry points (docs/reliability.md): the strided-operand
// validator, cast (plan_copy) and the binary kernels, on every compiled ISA table.
//
// Built with Clang as a libFuzzer binary (-fsanitize=fuzzer); with any other compiler,
// fuzz_main.cpp supplies main(): it replays corpus files, then feeds random inputs for a bounded
// time. Either way the build adds -fsanitize=address (MG_KERNELS_SANITIZE), so a kernel that
// reads or writes outside a storage the validator accepted is a crash.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <vector>

#include "mg/binary_op.hpp"
#include "mg/dtype.hpp"
#include "mg/isa.hpp"
#include "mg/kernels/table.hpp"
#include "mg/plan.hpp"
#include "mg/storage.hpp"
#include "mg/strided.hpp"

namespace {

// Reads the input byte by byte; zeros once it runs out (libFuzzer's inputs are short).
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A small signed value in [-range, range].
  std::int64_t small(int range) {
    return static_cast<std::int64_t>(next() % (2 * range + 1)) - range;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct View {
  std::int64_t size = 0;
  std::int64_t offset = 0;
  std::vector<std::int64_t> strides;
};

// The validator's contract, computed independently: every reachable index inside [0, size).
bool fits(const View& v, const std::vector<std::int64_t>& shape) {
  if (v.strides.size() != shape.size() || v.offset < 0) return false;
  if (std::any_of(shape.begin(), shape.end(), [](std::int64_t d) { return d == 0; })) return true;
  std::int64_t lo = v.offset;
  std::int64_t hi = v.offset;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const std::int64_t span = (shape[d] - 1) * v.strides[d];
    (span < 0 ? lo : hi) += span;
  }
  return lo >= 0 && hi < v.size;
}

View draw_view(Bytes& in, std::size_t ndim) {
  View v;
  v.size = in.next() % 80;
  v.offset = in.small(4) + in.next() % 40;
  for (std::size_t d = 0; d < ndim; ++d) v.strides.push_back(in.small(9));
  return v;
}

mg::DType draw_dtype(Bytes& in) { return static_cast<mg::DType>(in.next() % mg::kNumDTypes); }

void abort_with(const char* what) {
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

void fuzz_one(Bytes& in) {
  const std::size_t ndim = in.next() % 5;
  std::vector<std::int64_t> shape;
  for (std::size_t d = 0; d < ndim; ++d) shape.push_back(in.next() % 7);
  const std::uint8_t which = in.next() % 3;  // validator, cast, binary
  const auto isas = mg::available_isas();
  const mg::Isa isa = isas[in.next() % isas.size()];
  const mg::kernels::KernelTable& table = *mg::kernels::compiled_table(isa);

  const std::size_t n_operands = which == 2 ? 3 : 2;
  std::vector<View> views;
  std::vector<mg::Storage> storages;
  std::vector<mg::DType> dtypes;
  for (std::size_t k = 0; k < n_operands; ++k) {
    views.push_back(draw_view(in, ndim));
    dtypes.push_back(draw_dtype(in));
  }
  // Same storage for an input and the output sometimes (the overlap path copies first).
  const bool alias = in.next() % 4 == 0;
  if (alias) {
    views[1].size = views[0].size;
    dtypes[1] = dtypes[0];
  }
  storages.reserve(n_operands);  // Operands point into it
  for (std::size_t k = 0; k < n_operands; ++k) {
    storages.emplace_back(dtypes[k], static_cast<std::size_t>(views[k].size), mg::Init::kZeroed);
  }
  std::vector<mg::Operand> ops;
  for (std::size_t k = 0; k < n_operands; ++k) {
    mg::Storage& s = alias && k == 1 ? storages[0] : storages[k];
    ops.push_back(mg::Operand{s, views[k].offset, views[k].strides});
  }
  bool all_fit = true;
  for (std::size_t k = 0; k < n_operands; ++k) all_fit = all_fit && fits(views[k], shape);

  if (which == 0) {
    const mg::OperandLayout layout{"a", views[0].size, views[0].offset, views[0].strides};
    bool accepted = true;
    try {
      mg::check_shape(shape);
      mg::check_layout(layout, shape);
    } catch (const std::invalid_argument&) {
      accepted = false;
    }
    if (accepted != fits(views[0], shape)) abort_with("check_layout disagrees with the oracle");
    return;
  }
  try {
    if (which == 1) {
      const mg::Plan<2> plan = mg::plan_copy(ops[0], ops[1], shape, table);
      if (!all_fit) abort_with("plan_copy accepted a view outside its storage");
      plan.run();
    } else {
      const auto op = static_cast<mg::BinaryOp>(in.next() % mg::kNumBinaryOps);
      const mg::Plan<3> plan = mg::plan_binary(op, ops[0], ops[1], ops[2], shape, table);
      if (!all_fit) abort_with("plan_binary accepted a view outside its storage");
      plan.run();
    }
  } catch (const mg::DTypeError&) {
    // Mismatched or unsupported dtypes: refused before any memory is touched.
  } catch (const std::invalid_argument&) {
    if (all_fit && dtypes[0] == dtypes[1]) {
      // Only dtypes may be wrong when every view fits (binary: out, a, b must agree).
      if (which == 1) abort_with("plan_copy refused views that fit");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  fuzz_one(in);
  return 0;
}
