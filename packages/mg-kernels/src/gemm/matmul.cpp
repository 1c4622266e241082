// plan_matmul: shape, dtype and layout checks; MatmulPlan::run: the batch loop around gemm().
#include "mg/gemm/matmul.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "mg/gemm/gemm.hpp"
#include "mg/half.hpp"
#include "mg/isa.hpp"
#include "mg/parallel.hpp"

namespace mg {
namespace {

std::string shape_str(Extents shape) {
  std::string s = "(";
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d > 0) s += ", ";
    s += std::to_string(shape[d]);
  }
  return s + (shape.size() == 1 ? ",)" : ")");
}

[[noreturn]] void mismatch(const MatmulOperand& a, const MatmulOperand& b,
                           const std::string& what) {
  throw std::invalid_argument("matmul: shapes " + shape_str(a.shape) + " and " +
                              shape_str(b.shape) + " do not match: " + what);
}

// The accumulator of each dtype and how a finished sum is stored.
template <class T>
struct AccOf {
  using type = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
};
template <>
struct AccOf<float> {
  using type = float;
};
template <>
struct AccOf<double> {
  using type = double;
};
template <>
struct AccOf<Half> {
  using type = float;
};
template <>
struct AccOf<BFloat16> {
  using type = float;
};
template <>
struct AccOf<Bool> {
  using type = std::uint64_t;
};

template <class Acc>
const kernels::GemmMicroKernel<Acc>& micro_kernel(const kernels::GemmKernels& g) {
  if constexpr (std::is_same_v<Acc, float>) return g.f32;
  if constexpr (std::is_same_v<Acc, double>) return g.f64;
  if constexpr (std::is_same_v<Acc, std::uint32_t>) return g.u32;
  if constexpr (std::is_same_v<Acc, std::uint64_t>) return g.u64;
}

#if defined(MG_KERNELS_HAVE_AMX_BF16)
// The products the pair engines take (Note [AMX tiles]): not a vector product, which keeps its
// unpacked loop (one multiply-add per element of the matrix), nor one below a single tile's
// 16 x 16 x 16. Measured against the avx512 float32 path (process time, one thread,
// src/gemm/bf16_pairs.cpp's setup included): 16^3 0.26 vs 0.45 us, 32^3 0.31 vs 1.1 us,
// (4, 256) x (256, 256) 11 vs 22 us, 512^3 0.36 vs 1.8 ms; the tiles never lost above 8^3.
constexpr std::int64_t kMinPairMacs = std::int64_t{16} * 16 * 16;

bool runs_on_pairs(const MatmulPlan& plan) {
  return plan.bf16_engine != PairEngine::kNone && plan.m > 1 && plan.n > 1 &&
         gemm::macs_of({plan.m, plan.n, plan.k}) >= kMinPairMacs;
}
#endif

// The float32 sums of a float16/bfloat16 product, into the scratch matrix c; or, where the
// engine rounds them itself (Note [Narrow stores] in bf16_pairs.cpp), straight into out: then
// true, and c holds no result.
template <class T>
bool narrow_sums(const MatmulPlan& plan, gemm::MatrixRef<T> a, gemm::MatrixRef<T> b,
                 gemm::MutMatrixRef<float> c, gemm::MutMatrixRef<T> out, int threads) {
  const gemm::Dims dims{plan.m, plan.n, plan.k};
#if defined(MG_KERNELS_HAVE_AMX_BF16)
  if constexpr (std::is_same_v<T, BFloat16>) {
    if (runs_on_pairs(plan)) {
      if (plan.bf16_engine == PairEngine::kAmx) {
        gemm::gemm_bf16_amx(dims, a, b, c, threads);
        return false;
      }
      gemm::gemm_bf16_avx512(dims, a, b, c, threads, out);
      return true;
    }
  }
#endif
  static_cast<void>(out);
  gemm::gemm<T, float>(dims, a, b, c, micro_kernel<float>(*plan.kernels), threads);
  return false;
}

// Out can hold the accumulator's bits in place: same type, or its signed twin (which may alias
// the unsigned one).
template <class T, class Acc>
inline constexpr bool kWritesInPlace =
    std::is_same_v<T, Acc> ||
    (std::is_integral_v<T> && sizeof(T) == sizeof(Acc) && !std::is_same_v<T, bool>);

// Narrowing the float32/uint sums to out: a task of `rows` rows of them each.
template <class T, class Acc>
struct NarrowJob {
  const MatmulPlan* plan;
  T* out;
  Acc* sums;
  std::int64_t ld;  // sums' row stride
  std::int64_t rows;
};

// Below this many elements the narrowing runs on one thread. At 512^2 bfloat16 on two threads,
// narrowing on one took about 4% of the product's time (perf).
constexpr std::int64_t kMinThreadedNarrow = std::int64_t{1} << 16;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

template <class T, class Acc>
void narrow_rows(void* context, std::int64_t task) {
  const auto& job = *static_cast<const NarrowJob<T, Acc>*>(context);
  const MatmulPlan& plan = *job.plan;
  const std::int64_t r0 = task * job.rows;
  const std::int64_t rows = std::min(job.rows, plan.m - r0);
  if (rows <= 0) return;
  const std::int64_t shape[2] = {rows, plan.n};
  const std::int64_t out_strides[2] = {plan.rs[0], plan.cs[0]};
  const std::int64_t sum_strides[2] = {job.ld, 1};
  const StridedLoop<2> loop =
      coalesce<2>(Extents(shape), {Extents(out_strides), Extents(sum_strides)});
  void* const base[2] = {job.out + r0 * plan.rs[0], job.sums + r0 * job.ld};
  plan.copy->casts[static_cast<std::size_t>(kDTypeOf<T>)][static_cast<std::size_t>(kDTypeOf<Acc>)](
      loop, base);
}

template <class T>
void run_one(const MatmulPlan& plan, const std::int64_t (&offset)[3], int threads) {
  using Acc = typename AccOf<T>::type;
  const auto& uk = micro_kernel<Acc>(*plan.kernels);
  const gemm::Dims dims{plan.m, plan.n, plan.k};
  const gemm::MatrixRef<T> a{static_cast<const T*>(plan.base[1]) + offset[1], plan.rs[1],
                             plan.cs[1]};
  const gemm::MatrixRef<T> b{static_cast<const T*>(plan.base[2]) + offset[2], plan.rs[2],
                             plan.cs[2]};
  T* out = static_cast<T*>(plan.base[0]) + offset[0];
  if constexpr (kWritesInPlace<T, Acc>) {
    gemm::gemm<T, Acc>(dims, a, b, {reinterpret_cast<Acc*>(out), plan.rs[0], plan.cs[0]}, uk,
                       threads);
  } else {
    // Narrow outputs: the sums go to a float32/uint scratch matrix first, then through the
    // table's cast kernel (F16C on AVX2; the same bits as every other cast to these dtypes).
    // The AVX512-BF16 engine rounds bfloat16 itself and uses the scratch only for the sums of
    // its earlier depth blocks (narrow_sums returns true; Note [Narrow stores]).
    // Rows a multiple of 1 KiB apart put a kernel's C rows in the same few L1 sets as its
    // operands; 64 bytes more per row avoid that (bfloat16 2048^2 on Zen 4: 195 -> 207 GFLOP/s).
    const std::int64_t ld = plan.n % 256 == 0 ? plan.n + 16 : plan.n;
    const auto count = static_cast<std::size_t>(plan.m * ld);
    const std::unique_ptr<Acc[]> sums(new (std::nothrow) Acc[count]);
    if (!sums) std::terminate();  // run() cannot throw; a plan this size fits in memory already
    if constexpr (std::is_same_v<Acc, float>) {
      if (narrow_sums<T>(plan, a, b, {sums.get(), ld, 1}, {out, plan.rs[0], plan.cs[0]}, threads)) {
        return;
      }
    } else {
      gemm::gemm<T, Acc>(dims, a, b, {sums.get(), ld, 1}, uk, threads);
    }
    NarrowJob<T, Acc> job{&plan, out, sums.get(), ld, plan.m};
    if (threads > 1 && plan.m > 1 && plan.m * plan.n >= kMinThreadedNarrow) {
      job.rows = ceil_div(plan.m, threads);
      parallel_for(ceil_div(plan.m, job.rows), &narrow_rows<T, Acc>, &job);
    } else {
      narrow_rows<T, Acc>(&job, 0);
    }
  }
}

// Element offsets of batch item `index` (row-major over batch_shape) in out, a and b.
void batch_offsets(const MatmulPlan& plan, std::int64_t index, std::int64_t (&offset)[3]) {
  offset[0] = offset[1] = offset[2] = 0;
  for (std::size_t d = plan.batch_shape.size(); d-- > 0;) {
    const std::int64_t i = index % plan.batch_shape[d];
    index /= plan.batch_shape[d];
    for (int o = 0; o < 3; ++o) offset[o] += i * plan.batch_strides[o][d];
  }
}

struct BatchJob {
  const MatmulPlan* plan = nullptr;
  void (*one)(const MatmulPlan&, const std::int64_t (&)[3], int) = nullptr;
};

void batch_task(void* context, std::int64_t index) {
  const auto& job = *static_cast<BatchJob*>(context);
  std::int64_t offset[3];
  batch_offsets(*job.plan, index, offset);
  job.one(*job.plan, offset, 1);
}

template <class T>
void run_batches(const MatmulPlan& plan) {
  std::int64_t batches = 1;
  for (std::int64_t s : plan.batch_shape) batches *= s;
  if (batches == 0 || plan.m == 0 || plan.n == 0) return;
  const int threads = num_threads();
  // Many small products: one thread per product. One large product: threads inside it.
  if (batches > 1 && threads > 1 &&
      gemm::macs_of({plan.m, plan.n, plan.k}) < (std::int64_t{1} << 20)) {
    BatchJob job{&plan, &run_one<T>};
    parallel_for(batches, &batch_task, &job);
    return;
  }
  for (std::int64_t index = 0; index < batches; ++index) {
    std::int64_t offset[3];
    batch_offsets(plan, index, offset);
    run_one<T>(plan, offset, threads);
  }
}

}  // namespace

// Tiles first: on the Xeon they ran 512^3 at four to five times the float32 path's speed (Note
// [AMX tiles]); vectors give about twice it (Note [bfloat16 pairs]).
PairEngine bf16_engine(DType dtype, Isa isa) noexcept {
#if defined(MG_KERNELS_HAVE_AMX_BF16)
  if (dtype == DType::kBFloat16 && isa == Isa::kAvx512) {
    if (amx_bf16_usable()) return PairEngine::kAmx;
    if (cpu_supports_avx512_bf16()) return PairEngine::kAvx512Bf16;
  }
#else
  static_cast<void>(dtype);
  static_cast<void>(isa);
#endif
  return PairEngine::kNone;
}

void MatmulPlan::run() const noexcept {
  if (kernels == nullptr) return;
  visit_dtype(dtype, [this](auto tag) { run_batches<typename decltype(tag)::type>(*this); });
}

MatmulPlan plan_matmul(const MatmulOperand& out, const MatmulOperand& a, const MatmulOperand& b,
                       const kernels::KernelTable& table) {
  const std::size_t na = a.shape.size();
  const std::size_t nb = b.shape.size();
  if (na < 2 || nb < 2) {
    mismatch(a, b, std::string(na < 2 ? "a" : "b") + " needs at least 2 dimensions");
  }
  if (a.shape[na - 1] != b.shape[nb - 2]) {
    mismatch(a, b,
             "a's dimension -1 (size " + std::to_string(a.shape[na - 1]) +
                 ") differs from b's dimension -2 (size " + std::to_string(b.shape[nb - 2]) + ")");
  }
  // Batch dimensions, aligned on the right as NumPy broadcasts them.
  const std::size_t nbatch = std::max(na, nb) - 2;
  std::vector<std::int64_t> batch(nbatch, 1);
  for (std::size_t d = 0; d < nbatch; ++d) {
    const std::size_t from_end = nbatch - d;  // 1 for the last batch dimension
    const std::int64_t sa = from_end <= na - 2 ? a.shape[na - 2 - from_end] : 1;
    const std::int64_t sb = from_end <= nb - 2 ? b.shape[nb - 2 - from_end] : 1;
    if (sa != sb && sa != 1 && sb != 1) {
      mismatch(a, b,
               "batch dimension -" + std::to_string(from_end + 2) + " has sizes " +
                   std::to_string(sa) + " and " + std::to_string(sb) + ", which do not broadcast");
    }
    batch[d] = sa == 1 ? sb : sa;
  }
  std::vector<std::int64_t> expected = batch;
  expected.push_back(a.shape[na - 2]);
  expected.push_back(b.shape[nb - 1]);
  if (!std::equal(expected.begin(), expected.end(), out.shape.begin(), out.shape.end())) {
    throw std::invalid_argument("matmul: out has shape " + shape_str(out.shape) + " but " +
                                shape_str(a.shape) + " @ " + shape_str(b.shape) + " is " +
                                shape_str(expected));
  }
  const DType dtype = a.storage.dtype();
  if (b.storage.dtype() != dtype || out.storage.dtype() != dtype) {
    throw DTypeError("matmul: a, b and out must share one dtype, got " +
                     std::string(dtype_name(dtype)) + ", " +
                     std::string(dtype_name(b.storage.dtype())) + " and " +
                     std::string(dtype_name(out.storage.dtype())));
  }
  const MatmulOperand* ops[3] = {&out, &a, &b};
  const char* names[3] = {"out", "a", "b"};
  for (int o = 0; o < 3; ++o) {
    check_shape(ops[o]->shape);
    check_layout({names[o], static_cast<std::int64_t>(ops[o]->storage.size()), ops[o]->offset,
                  ops[o]->strides},
                 ops[o]->shape);
  }
  if (may_share_memory(out.storage, a.storage) || may_share_memory(out.storage, b.storage)) {
    throw std::invalid_argument("matmul: out must not share its storage with a or b");
  }

  MatmulPlan plan;
  plan.dtype = dtype;
  plan.kernels = table.gemm;
  plan.copy = table.copy;
  plan.bf16_engine = bf16_engine(dtype, table.isa);
  plan.m = a.shape[na - 2];
  plan.k = a.shape[na - 1];
  plan.n = b.shape[nb - 1];
  plan.batch_shape = batch;
  for (int o = 0; o < 3; ++o) {
    const MatmulOperand& op = *ops[o];
    const std::size_t nd = op.shape.size();
    plan.rs[o] = op.strides[nd - 2];
    plan.cs[o] = op.strides[nd - 1];
    plan.batch_strides[o].assign(nbatch, 0);
    for (std::size_t d = 0; d + 2 < nd; ++d) {
      const std::size_t at = nbatch - (nd - 2) + d;
      plan.batch_strides[o][at] = op.shape[d] == 1 ? 0 : op.strides[d];
    }
    auto* bytes = static_cast<char*>(op.storage.data());
    plan.base[o] = bytes + op.offset * static_cast<std::int64_t>(op.storage.itemsize());
  }
  return plan;
}

}  // namespace mg
