// Sum reduction kernels over the Vec vocabulary (see Note [One symbol per ISA] in binary.hpp).
//
// Note [Pairwise summation]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// A reduced row is summed like NumPy's pairwise_sum: blocks are summed with several independent
// accumulators and blocks are combined as a balanced binary tree, so the rounding error grows
// with log(n) rather than n. Each accumulator lane sums at most kPerLane (16) elements per block,
// as in NumPy's 8-accumulator, 128-element blocks, so the error bound is never worse than
// NumPy's; wider ISAs simply have more accumulator lanes per block. Integer sums wrap.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mg/binary_op.hpp"
#include "mg/kernels/binary.hpp"
#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/parallel.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

inline constexpr std::int64_t kAccumulators = 8;
inline constexpr std::int64_t kPerLane = 16;

// True when the family can sum T in registers (Vec load, add, zero and reduce_add).
template <class V, class T>
concept HasVecSum = requires(typename V::Reg r, const T* p) {
  V::load(p);
  V::add(r, r);
  V::zero();
  V::reduce_add(r);
};

// Sums run in Compute<T> (float32 for float16/bfloat16: Note [Narrow value types]); this is the
// wrapping/IEEE add of that type, or logical or for bool.
template <class Family, class T>
Compute<T> sum_add(Compute<T> a, Compute<T> b) {
  return add<Family>(a, b);
}

// Contiguous block of at most kAccumulators * kLanes * kPerLane elements.
template <class Family, class T>
Compute<T> sum_block_contiguous(const T* x, std::int64_t n) {
  using V = typename Family::template Vec<T>;
  using Reg = typename V::Reg;
  constexpr std::int64_t kL = V::kLanes;
  constexpr std::int64_t kStep = kAccumulators * kL;
  Reg acc[kAccumulators];
  for (Reg& r : acc) r = V::zero();
  std::int64_t i = 0;
  for (; i + kStep <= n; i += kStep) {
    for (std::int64_t k = 0; k < kAccumulators; ++k)
      acc[k] = V::add(acc[k], V::load(x + i + k * kL));
  }
  for (std::int64_t width = kAccumulators / 2; width > 0; width /= 2) {
    for (std::int64_t k = 0; k < width; ++k) acc[k] = V::add(acc[k], acc[k + width]);
  }
  Reg rest = V::zero();
  for (; i + kL <= n; i += kL) rest = V::add(rest, V::load(x + i));
  Compute<T> sum = sum_add<Family, T>(V::reduce_add(acc[0]), V::reduce_add(rest));
  for (; i < n; ++i) sum = sum_add<Family, T>(sum, widen<Family>(x[i]));
  return sum;
}

// Any stride (including 0): NumPy's scalar pairwise_sum, 8 accumulators per 128-element block.
template <class Family, class T>
Compute<T> sum_strided(const T* x, std::int64_t n, std::int64_t stride) {
  using Acc = Compute<T>;
  constexpr std::int64_t kBlock = kAccumulators * kPerLane;
  if (n < kAccumulators) {
    Acc sum = widen<Family>(T{});
    for (std::int64_t i = 0; i < n; ++i)
      sum = sum_add<Family, T>(sum, widen<Family>(x[i * stride]));
    return sum;
  }
  if (n <= kBlock) {
    Acc acc[kAccumulators];
    for (std::int64_t k = 0; k < kAccumulators; ++k) acc[k] = widen<Family>(x[k * stride]);
    std::int64_t i = kAccumulators;
    for (; i + kAccumulators <= n; i += kAccumulators) {
      for (std::int64_t k = 0; k < kAccumulators; ++k) {
        acc[k] = sum_add<Family, T>(acc[k], widen<Family>(x[(i + k) * stride]));
      }
    }
    for (std::int64_t width = kAccumulators / 2; width > 0; width /= 2) {
      for (std::int64_t k = 0; k < width; ++k) acc[k] = sum_add<Family, T>(acc[k], acc[k + width]);
    }
    Acc sum = acc[0];
    for (; i < n; ++i) sum = sum_add<Family, T>(sum, widen<Family>(x[i * stride]));
    return sum;
  }
  std::int64_t half = n / 2;
  half -= half % kAccumulators;
  return sum_add<Family, T>(sum_strided<Family>(x, half, stride),
                            sum_strided<Family>(x + half * stride, n - half, stride));
}

// Length of the first half when sum_contiguous splits a row of n > its block size: a multiple
// of a whole accumulator step, so both halves use full vectors.
template <class Family, class T>
std::int64_t sum_split(std::int64_t n) {
  constexpr std::int64_t kL = Family::template Vec<T>::kLanes;
  std::int64_t half = n / 2;
  half -= half % (kAccumulators * kL);
  return half;
}

template <class Family, class T>
Compute<T> sum_contiguous(const T* x, std::int64_t n) {
  using V = typename Family::template Vec<T>;
  if constexpr (!HasVecSum<V, T>) {
    return sum_strided<Family>(x, n, 1);
  } else {
    constexpr std::int64_t kBlock = kAccumulators * V::kLanes * kPerLane;
    if (n <= kBlock) return sum_block_contiguous<Family>(x, n);
    const std::int64_t half = sum_split<Family, T>(n);
    return sum_add<Family, T>(sum_contiguous<Family>(x, half),
                              sum_contiguous<Family>(x + half, n - half));
  }
}

// Note [Deterministic parallel sum]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A full reduction of one long contiguous row cannot be split by the plan (out has stride 0
// along it). Instead the top kParallelSumDepth levels of sum_contiguous's own pairwise tree are
// cut into 2**depth leaves, summed as mg::parallel_for tasks, and combined in the same tree. The
// leaves and the tree depend on n only, so the result is bit for bit that of sum_contiguous, for
// any number of threads.
inline constexpr std::int64_t kParallelSumMin = std::int64_t{1} << 16;
inline constexpr int kParallelSumDepth = 4;
inline constexpr std::int64_t kParallelSumLeaves = std::int64_t{1} << kParallelSumDepth;

template <class Family, class T>
struct ParallelSum {
  const T* x;
  std::int64_t start[kParallelSumLeaves];
  std::int64_t length[kParallelSumLeaves];
  Compute<T> part[kParallelSumLeaves];
};

template <class Family, class T>
void parallel_sum_task(void* context, std::int64_t leaf) {
  auto* s = static_cast<ParallelSum<Family, T>*>(context);
  s->part[leaf] = sum_contiguous<Family>(s->x + s->start[leaf], s->length[leaf]);
}

// sum_contiguous(x, n), with the top of the tree spread over threads when n is large.
template <class Family, class T>
Compute<T> sum_row_contiguous(const T* x, std::int64_t n) {
  if constexpr (!HasVecSum<typename Family::template Vec<T>, T>) {
    return sum_contiguous<Family>(x, n);
  } else {
    // Every node split below must be one sum_contiguous splits too (longer than its block).
    constexpr std::int64_t kBlock = kAccumulators * Family::template Vec<T>::kLanes * kPerLane;
    if (n < kParallelSumMin || n < 2 * kParallelSumLeaves * kBlock) {
      return sum_contiguous<Family>(x, n);
    }
    ParallelSum<Family, T> s{};
    s.x = x;
    s.length[0] = n;
    // Split every leaf in two, level by level, keeping them in order (n / 16 stays far above
    // the block size, so sum_contiguous would split each of them the same way).
    for (std::int64_t count = 1; count < kParallelSumLeaves; count *= 2) {
      for (std::int64_t k = count - 1; k >= 0; --k) {
        const std::int64_t half = sum_split<Family, T>(s.length[k]);
        s.start[2 * k] = s.start[k];
        s.start[2 * k + 1] = s.start[k] + half;
        s.length[2 * k + 1] = s.length[k] - half;
        s.length[2 * k] = half;
      }
    }
    parallel_for(kParallelSumLeaves, &parallel_sum_task<Family, T>, &s);
    for (std::int64_t count = kParallelSumLeaves; count > 1; count /= 2) {
      for (std::int64_t k = 0; k < count / 2; ++k) {
        s.part[k] = sum_add<Family, T>(s.part[2 * k], s.part[2 * k + 1]);
      }
    }
    return s.part[0];
  }
}

// Table entry: base = {out, src}; out has stride 0 along the reduced dimensions and receives
// out + sum(src). When the inner dimension is reduced each row is summed pairwise (in float32
// for float16/bfloat16, rounded once when added to out) and added to out once; otherwise rows of
// src are added elementwise into out (each addition rounds, as in NumPy).
template <class Family, class T>
void reduce_sum_kernel(const StridedLoop<2>& loop, void* const* base) {
  T* out = static_cast<T*>(base[0]);
  const T* src = static_cast<const T*>(base[1]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t ss = loop.strides[1][inner];
  if (so == 0) {
    for_each_row<Family>(loop, [=](const std::int64_t* off) {
      const T* row = src + off[1];
      const Compute<T> sum =
          ss == 1 ? sum_row_contiguous<Family>(row, n) : sum_strided<Family>(row, n, ss);
      out[off[0]] = narrow<Family, T>(sum_add<Family, T>(widen<Family>(out[off[0]]), sum));
    });
    return;
  }
  if constexpr (HasVecOp<typename Family::template Vec<T>, BinaryOp::kAdd>) {
    if (so == 1 && ss == 1) {
      for_each_row<Family>(loop, [=](const std::int64_t* off) {
        T* row = out + off[0];
        binary_row_contiguous<Family, BinaryOp::kAdd, T, true, true>(row, row, src + off[1], n);
      });
      return;
    }
  }
  for_each_row<Family>(loop, [=](const std::int64_t* off) {
    T* row = out + off[0];
    binary_row_strided<Family, BinaryOp::kAdd, T>(row, so, row, so, src + off[1], ss, n);
  });
}

}  // namespace mg::kernels
