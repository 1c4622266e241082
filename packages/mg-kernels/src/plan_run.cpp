// Plan::run for large plans: cut the loop nest into chunks along one dimension and run the
// kernel on each chunk over the thread pool.
//
// Note [Splitting a plan]
// ~~~~~~~~~~~~~~~~~~~~~~~
// A chunk is the same loop with a shorter shape along one dimension and base pointers moved to
// the chunk's first element (element offset * stride * itemsize, per operand). Every output
// element is still computed by exactly the same kernel code from the same inputs, so results are
// bit-identical for any thread count, provided that no two chunks write one output element:
// hence the dimension must have a non-zero output stride (stride 0 there means the dimension is
// reduced, and each reduced row stays whole on one thread). An output view that overlaps itself
// with non-zero strides is unspecified anyway (docs/kernels.md); it stays memory-safe.
//
// Which dimension: the outermost one that `split` allows with at least kBalance chunks per
// thread of slack (so uneven chunks cost little), else the longest allowed one. Splitting the
// inner dimension rounds chunk lengths to kInnerQuantum elements so every chunk but the last
// starts on the same vector alignment as the whole row.
//
// How much: one chunk per thread, and no more threads than elements / kMinWorkPerThread. Below
// that, waking a worker (a few microseconds) costs more than it saves.
// benchmarks/bench_bandwidth.py measures the 1M-element add with 1 and 2 threads.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "mg/parallel.hpp"
#include "mg/plan.hpp"

namespace mg {
namespace {

constexpr std::int64_t kMinWorkPerThread = kMinSplitElements / 2;
constexpr std::int64_t kBalance = 8;
constexpr std::int64_t kInnerQuantum = 64;

template <std::size_t N>
struct SplitJob {
  void (*kernel)(const StridedLoop<N>&, void* const*);
  const StridedLoop<N>* loop;
  void* const* base;
  const std::int64_t* itemsize;
  std::size_t dim;
  std::int64_t chunk;
};

template <std::size_t N>
void run_chunk(void* context, std::int64_t task) {
  const auto& job = *static_cast<const SplitJob<N>*>(context);
  const std::int64_t start = task * job.chunk;
  StridedLoop<N> sub = *job.loop;
  sub.shape[job.dim] = std::min(job.chunk, job.loop->shape[job.dim] - start);
  void* base[N];
  for (std::size_t k = 0; k < N; ++k) {
    base[k] = static_cast<char*>(job.base[k]) +
              static_cast<std::ptrdiff_t>(start * job.loop->strides[k][job.dim] * job.itemsize[k]);
  }
  job.kernel(sub, base);
}

// The dimension to split into about `parts` chunks, or -1 when none may be split.
template <std::size_t N>
std::ptrdiff_t pick_dim(const StridedLoop<N>& loop, Split split, std::int64_t parts) {
  const std::size_t end = split == Split::kAnyDim ? loop.ndim : loop.ndim - 1;
  std::ptrdiff_t longest = -1;
  for (std::size_t d = 0; d < end; ++d) {
    if (loop.strides[0][d] == 0 || loop.shape[d] < 2) continue;
    if (loop.shape[d] >= kBalance * parts) return static_cast<std::ptrdiff_t>(d);
    if (longest < 0 || loop.shape[d] > loop.shape[static_cast<std::size_t>(longest)]) {
      longest = static_cast<std::ptrdiff_t>(d);
    }
  }
  return longest;
}

}  // namespace

template <std::size_t N>
void run_split(void (*kernel)(const StridedLoop<N>&, void* const*), const StridedLoop<N>& loop,
               void* const* base, const std::int64_t* itemsize, Split split) noexcept {
  std::int64_t elements = 1;
  for (std::size_t d = 0; d < loop.ndim; ++d) elements *= loop.shape[d];
  const std::int64_t parts = std::min<std::int64_t>(num_threads(), elements / kMinWorkPerThread);
  const std::ptrdiff_t picked =
      parts >= 2 && split != Split::kNone ? pick_dim(loop, split, parts) : -1;
  if (picked < 0) return kernel(loop, base);
  const auto dim = static_cast<std::size_t>(picked);
  const std::int64_t length = loop.shape[dim];
  std::int64_t chunk = (length + parts - 1) / parts;
  if (dim == loop.ndim - 1) chunk = (chunk + kInnerQuantum - 1) / kInnerQuantum * kInnerQuantum;
  const std::int64_t tasks = (length + chunk - 1) / chunk;
  if (tasks < 2) return kernel(loop, base);
  SplitJob<N> job{kernel, &loop, base, itemsize, dim, chunk};
  parallel_for(tasks, &run_chunk<N>, &job);
}

template void run_split<2>(void (*)(const StridedLoop<2>&, void* const*), const StridedLoop<2>&,
                           void* const*, const std::int64_t*, Split) noexcept;
template void run_split<3>(void (*)(const StridedLoop<3>&, void* const*), const StridedLoop<3>&,
                           void* const*, const std::int64_t*, Split) noexcept;
template void run_split<4>(void (*)(const StridedLoop<4>&, void* const*), const StridedLoop<4>&,
                           void* const*, const std::int64_t*, Split) noexcept;

}  // namespace mg
