// libFuzzer target over the C++ entry points (docs/reliability.md): the strided-operand
// validator, cast (plan_copy), the binary kernels on every compiled ISA table, and the portable
// sort/argsort, gather, scatter, nonzero and index_offsets. When the output shares memory with an
// input (the same Storage, or a second Storage over the same bytes), the result must equal a run
// on private copies of the inputs (Note [Aliasing storages]).
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
#include "mg/gather.hpp"
#include "mg/isa.hpp"
#include "mg/kernels/table.hpp"
#include "mg/plan.hpp"
#include "mg/sort.hpp"
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

// One drawn call. Operand 1 may share operand 0's memory: the same Storage object, or a second
// Storage over the same bytes (Storage::alias, as NumPy and DLPack imports are).
enum class Alias : std::uint8_t { kNone, kSameObject, kSecondStorage };

struct Case {
  std::vector<std::int64_t> shape;
  std::uint8_t which = 0;  // 0 validator, 1 cast, 2 binary, 3 sort/argsort, 4 indexing
  std::uint8_t sub = 0;    // which kernel of family 3 or 4
  bool flag = false;       // descending / accumulate
  mg::BinaryOp op = mg::BinaryOp::kAdd;
  const mg::kernels::KernelTable* table = nullptr;
  std::vector<View> views;
  std::vector<mg::DType> dtypes;
  Alias alias = Alias::kNone;
  std::vector<std::int64_t> offsets;  // gather/scatter element offsets
  std::int64_t lead_stride = 0;       // scatter: values' stride along the offsets
  std::int64_t axis_size = 0;         // index_offsets
  std::int64_t step = 0;              // index_offsets
  std::uint32_t seed = 0;             // the storages' contents
};

// Storage contents from a seed (a small LCG); bool elements are 0 or 1, any other byte is fine.
std::vector<std::uint8_t> contents(mg::DType dtype, std::int64_t size, std::uint32_t seed) {
  const std::size_t item = mg::itemsize(dtype);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size) * item);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : bytes) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
    if (dtype == mg::DType::kBool) b &= 1;
  }
  return bytes;
}

struct Outcome {
  bool threw = false;
  std::vector<std::uint8_t> out;  // operand 0's storage after the call
};

// Runs the case once. aliased: operand 1 shares operand 0's memory as drawn; otherwise every
// operand gets its own storage holding a copy of what it would have read (the snapshot run).
Outcome run(const Case& c, bool aliased) {
  const std::size_t n = c.views.size();
  std::vector<mg::Storage> storages;
  storages.reserve(n + 1);  // Operands point into it
  for (std::size_t k = 0; k < n; ++k) {
    const bool shares = c.alias != Alias::kNone && k == 1;
    const std::size_t source = shares ? 0 : k;
    storages.emplace_back(c.dtypes[source], static_cast<std::size_t>(c.views[source].size),
                          mg::Init::kZeroed);
    const auto bytes = contents(c.dtypes[source], c.views[source].size,
                                c.seed + static_cast<std::uint32_t>(source));
    if (!bytes.empty()) std::memcpy(storages.back().data(), bytes.data(), bytes.size());
  }
  if (aliased && c.alias == Alias::kSecondStorage) storages.push_back(storages[0].alias());
  std::vector<mg::Operand> ops;
  for (std::size_t k = 0; k < n; ++k) {
    mg::Storage* s = &storages[k];
    if (aliased && k == 1 && c.alias == Alias::kSameObject) s = &storages[0];
    if (aliased && k == 1 && c.alias == Alias::kSecondStorage) s = &storages[n];
    ops.push_back(mg::Operand{*s, c.views[k].offset, c.views[k].strides});
  }
  bool all_fit = true;
  for (std::size_t k = 0; k < n; ++k) all_fit = all_fit && fits(c.views[k], c.shape);
  mg::Storage offsets(mg::DType::kInt64, c.offsets.size(), mg::Init::kZeroed);
  if (!c.offsets.empty()) {
    std::memcpy(offsets.data(), c.offsets.data(), c.offsets.size() * sizeof(std::int64_t));
  }
  const auto count = static_cast<std::int64_t>(c.offsets.size());
  Outcome result;
  try {
    switch (c.which) {
      case 1: {
        const mg::Plan<2> plan = mg::plan_copy(ops[0], ops[1], c.shape, *c.table);
        if (!all_fit) abort_with("plan_copy accepted a view outside its storage");
        plan.run();
        break;
      }
      case 2: {
        const mg::Plan<3> plan = mg::plan_binary(c.op, ops[0], ops[1], ops[2], c.shape, *c.table);
        if (!all_fit) abort_with("plan_binary accepted a view outside its storage");
        plan.run();
        break;
      }
      case 3:
        if (c.sub % 2 == 0) {
          mg::sort(ops[0], ops[1], c.shape, c.flag);
        } else {
          mg::argsort(ops[0], ops[1], c.shape, c.flag);
        }
        break;
      default: {
        const mg::OffsetList list{offsets, 0, count};
        switch (c.sub % 4) {
          case 0:
            mg::gather(ops[0].storage, ops[0].offset, ops[1], c.shape, list);
            break;
          case 1: {
            std::vector<std::int64_t> strides = {c.lead_stride};
            strides.insert(strides.end(), c.views[1].strides.begin(), c.views[1].strides.end());
            mg::scatter(ops[0], c.shape, {ops[1].storage, ops[1].offset, strides}, list, c.flag);
            break;
          }
          case 2: {
            const std::int64_t nonzero = mg::count_nonzero(ops[1], c.shape);
            mg::nonzero(ops[0].storage, ops[0].offset, ops[1], c.shape, nonzero);
            break;
          }
          default:
            mg::index_offsets(ops[0].storage, ops[0].offset, ops[1], c.shape, c.axis_size, 0,
                              c.step, c.flag);
        }
      }
    }
  } catch (const mg::DTypeError&) {
    // Mismatched or unsupported dtypes: refused before any memory is touched.
    result.threw = true;
  } catch (const std::invalid_argument&) {
    // A cast between views that fit may only be refused for its dtypes (DTypeError, above).
    if (c.which == 1 && all_fit && c.dtypes[0] == c.dtypes[1]) {
      abort_with("plan_copy refused views that fit");
    }
    result.threw = true;
  } catch (const std::out_of_range&) {
    result.threw = true;  // an index or offset outside its storage, before any write
  }
  const auto* first = static_cast<const std::uint8_t*>(storages[0].data());
  result.out.assign(first, first + storages[0].nbytes());
  return result;
}

// True when two indices of `shape` reach the same element of view `v` (a stride 0, or strides
// that interleave): writing such an output gives an order-dependent result whatever the inputs,
// so the snapshot comparison skips it. Shapes are at most 6**4 elements here.
bool writes_overlap(const View& v, const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> seen;
  std::vector<std::int64_t> index(shape.size(), 0);
  if (std::any_of(shape.begin(), shape.end(), [](std::int64_t d) { return d == 0; })) return false;
  while (true) {
    std::int64_t at = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) at += index[d] * v.strides[d];
    seen.push_back(at);
    std::size_t d = shape.size();
    while (d > 0 && ++index[d - 1] == shape[d - 1]) index[--d] = 0;
    if (d == 0) break;
  }
  std::sort(seen.begin(), seen.end());
  return std::adjacent_find(seen.begin(), seen.end()) != seen.end();
}

Case draw_case(Bytes& in) {
  Case c;
  const std::size_t ndim = in.next() % 5;
  for (std::size_t d = 0; d < ndim; ++d) c.shape.push_back(in.next() % 7);
  c.which = in.next() % 5;
  const auto isas = mg::available_isas();
  c.table = mg::kernels::compiled_table(isas[in.next() % isas.size()]);
  const std::size_t n_operands = c.which == 2 ? 3 : 2;
  for (std::size_t k = 0; k < n_operands; ++k) {
    c.views.push_back(draw_view(in, ndim));
    c.dtypes.push_back(draw_dtype(in));
  }
  const std::uint8_t alias = in.next();
  c.alias =
      alias % 4 == 0 ? Alias::kSameObject : (alias % 4 == 1 ? Alias::kSecondStorage : Alias::kNone);
  if (c.which == 2) c.op = static_cast<mg::BinaryOp>(in.next() % mg::kNumBinaryOps);
  c.sub = in.next();
  c.flag = (c.sub & 0x80) != 0;
  if (c.which == 3 && c.sub % 2 == 1) c.dtypes[0] = mg::DType::kInt64;  // argsort's out
  if (c.which == 4 && c.sub % 4 == 2) c.dtypes[0] = mg::DType::kInt64;  // nonzero's out
  if (c.which == 4 && c.sub % 4 == 3) {                                 // index_offsets
    c.dtypes[0] = mg::DType::kInt64;
    c.axis_size = in.next() % 9;
    c.step = in.small(5);
  }
  if (c.which == 4 && c.sub % 4 < 2) {  // gather, scatter: element offsets
    const std::size_t count = in.next() % 5;
    for (std::size_t i = 0; i < count; ++i) c.offsets.push_back(in.small(6) + in.next() % 40);
    c.lead_stride = in.small(9);
  }
  if (c.alias != Alias::kNone) {
    c.views[1].size = c.views[0].size;
    c.dtypes[1] = c.dtypes[0];
  }
  c.seed = in.next();
  return c;
}

void fuzz_one(Bytes& in) {
  const Case c = draw_case(in);
  if (c.which == 0) {
    const View& v = c.views[0];
    const mg::OperandLayout layout{"a", v.size, v.offset, v.strides};
    bool accepted = true;
    try {
      mg::check_shape(c.shape);
      mg::check_layout(layout, c.shape);
    } catch (const std::invalid_argument&) {
      accepted = false;
    }
    if (accepted != fits(v, c.shape)) abort_with("check_layout disagrees with the oracle");
    return;
  }
  const Outcome got = run(c, true);
  // gather, nonzero and index_offsets write a dense run, not operand 0's strided view.
  const bool dense_out = c.which == 4 && c.sub % 4 != 1;
  if (c.alias == Alias::kNone || (!dense_out && writes_overlap(c.views[0], c.shape))) return;
  // Note [Aliasing storages]: the result must be that of a run on private copies of the inputs.
  const Outcome snapshot = run(c, false);
  if (got.threw != snapshot.threw) abort_with("aliased and snapshot runs disagree on refusing");
  if (!got.threw && got.out != snapshot.out) {
    abort_with("an output sharing memory with an input differs from the snapshot run");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  fuzz_one(in);
  return 0;
}
